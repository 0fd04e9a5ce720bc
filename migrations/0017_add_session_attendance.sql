CREATE TABLE `session_attendance` (
	`webinar_id` text NOT NULL,
	`session_key` text NOT NULL,
	`prospect_id` text NOT NULL,
	`minutes` integer NOT NULL,
	`share` integer NOT NULL,
	`first_join` text,
	`last_leave` text,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`webinar_id`) REFERENCES `webinars`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`prospect_id`) REFERENCES `prospects`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `session_attendance_unique` ON `session_attendance` (`webinar_id`,`session_key`,`prospect_id`);--> statement-breakpoint
CREATE INDEX `session_attendance_prospect_idx` ON `session_attendance` (`prospect_id`,`webinar_id`);--> statement-breakpoint
CREATE TABLE `webinar_sessions` (
	`webinar_id` text NOT NULL,
	`session_key` text NOT NULL,
	`starts_at` text NOT NULL,
	`ends_at` text NOT NULL,
	`read_at` text NOT NULL,
	PRIMARY KEY(`webinar_id`, `session_key`),
	FOREIGN KEY (`webinar_id`) REFERENCES `webinars`(`id`) ON UPDATE no action ON DELETE no action
);
