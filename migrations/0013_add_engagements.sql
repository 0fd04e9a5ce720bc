CREATE TABLE `engagements` (
	`id` text PRIMARY KEY NOT NULL,
	`webinar_id` text NOT NULL,
	`prospect_id` text NOT NULL,
	`session_key` text NOT NULL,
	`registrant_key` text,
	`kind` text NOT NULL,
	`question` text NOT NULL,
	`answers` text DEFAULT '[]' NOT NULL,
	`answer` text,
	`occurred_at` text NOT NULL,
	`dedupe_key` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`webinar_id`) REFERENCES `webinars`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`prospect_id`) REFERENCES `prospects`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `engagements_dedupe_unique` ON `engagements` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `engagements_webinar_kind_idx` ON `engagements` (`webinar_id`,`kind`,`occurred_at`,`id`);--> statement-breakpoint
CREATE INDEX `engagements_prospect_idx` ON `engagements` (`prospect_id`,`occurred_at`);