DROP INDEX `submissions_dedupe_unique`;--> statement-breakpoint
CREATE INDEX `submissions_dedupe_idx` ON `submissions` (`dedupe_key`,`created_at`);