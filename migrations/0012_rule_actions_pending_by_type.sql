DROP INDEX `rule_actions_taken_pending_idx`;--> statement-breakpoint
CREATE INDEX `rule_actions_taken_pending_type_idx` ON `rule_actions_taken` (`outcome`,`type`) WHERE outcome = 'pending';