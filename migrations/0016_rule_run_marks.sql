CREATE TABLE `rule_run_marks` (
	`id` integer PRIMARY KEY NOT NULL,
	`last_taken_id` integer NOT NULL
);
--> statement-breakpoint
DROP INDEX `rule_actions_taken_pending_type_idx`;