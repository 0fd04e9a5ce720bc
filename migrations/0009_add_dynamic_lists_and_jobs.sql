CREATE TABLE `criteria_conditions` (
	`owner_id` text NOT NULL,
	`group_no` integer NOT NULL,
	`position` integer NOT NULL,
	`group_match` text NOT NULL,
	`kind` text NOT NULL,
	`params` text NOT NULL,
	PRIMARY KEY(`owner_id`, `group_no`, `position`),
	FOREIGN KEY (`owner_id`) REFERENCES `criteria_sets`(`owner_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `criteria_sets` (
	`owner_id` text PRIMARY KEY NOT NULL,
	`owner_type` text NOT NULL,
	`match` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `criteria_sets_type_idx` ON `criteria_sets` (`owner_type`);--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`subject` text NOT NULL,
	`state` text DEFAULT 'queued' NOT NULL,
	`params` text DEFAULT '{}' NOT NULL,
	`cursor` text,
	`steps` integer DEFAULT 0 NOT NULL,
	`done` integer DEFAULT 0 NOT NULL,
	`total` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`run_at` text NOT NULL,
	`created_by` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text NOT NULL,
	`finished_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `jobs_active_subject_unique` ON `jobs` (`kind`,`subject`) WHERE state IN ('queued', 'running');--> statement-breakpoint
CREATE INDEX `jobs_state_run_idx` ON `jobs` (`state`,`run_at`);--> statement-breakpoint
CREATE INDEX `jobs_subject_idx` ON `jobs` (`subject`,`created_at`);--> statement-breakpoint
ALTER TABLE `lists` ADD `kind` text DEFAULT 'static' NOT NULL;--> statement-breakpoint
ALTER TABLE `lists` ADD `criteria` text;--> statement-breakpoint
ALTER TABLE `lists` ADD `updated_at` text;--> statement-breakpoint
ALTER TABLE `webinars` ADD `attendance_read_at` text;--> statement-breakpoint
CREATE INDEX `list_members_list_added_idx` ON `list_members` (`list_id`,`created_at`,`prospect_id`);