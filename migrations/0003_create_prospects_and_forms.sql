CREATE TABLE `activities` (
	`id` text PRIMARY KEY NOT NULL,
	`prospect_id` text NOT NULL,
	`webinar_id` text,
	`type` text NOT NULL,
	`dedupe_key` text NOT NULL,
	`points` integer DEFAULT 0 NOT NULL,
	`minutes` integer,
	`detail` text,
	`occurred_at` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`prospect_id`) REFERENCES `prospects`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`webinar_id`) REFERENCES `webinars`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `activities_prospect_dedupe_unique` ON `activities` (`prospect_id`,`dedupe_key`);--> statement-breakpoint
CREATE INDEX `activities_prospect_time_idx` ON `activities` (`prospect_id`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `activities_webinar_type_idx` ON `activities` (`webinar_id`,`type`);--> statement-breakpoint
CREATE TABLE `filters` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`value` text NOT NULL,
	`note` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `form_handlers` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`field_map` text DEFAULT '{}' NOT NULL,
	`actions` text DEFAULT '[]' NOT NULL,
	`success_url` text NOT NULL,
	`error_url` text NOT NULL,
	`allowed_origins` text DEFAULT '[]' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `forms` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`fields` text DEFAULT '[]' NOT NULL,
	`actions` text DEFAULT '[]' NOT NULL,
	`thank_you_message` text,
	`redirect_url` text,
	`theme` text DEFAULT '{}' NOT NULL,
	`created_by` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE TABLE `list_members` (
	`list_id` text NOT NULL,
	`prospect_id` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	PRIMARY KEY(`list_id`, `prospect_id`),
	FOREIGN KEY (`list_id`) REFERENCES `lists`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`prospect_id`) REFERENCES `prospects`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `list_members_prospect_idx` ON `list_members` (`prospect_id`);--> statement-breakpoint
CREATE TABLE `lists` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `lists_name_unique` ON `lists` (`name`);--> statement-breakpoint
CREATE TABLE `prospect_merges` (
	`id` text PRIMARY KEY NOT NULL,
	`master_id` text NOT NULL,
	`merged_id` text NOT NULL,
	`email` text NOT NULL,
	`merged_by` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`master_id`) REFERENCES `prospects`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`merged_id`) REFERENCES `prospects`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`merged_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `prospect_merges_email_idx` ON `prospect_merges` (`email`);--> statement-breakpoint
CREATE INDEX `prospect_merges_master_idx` ON `prospect_merges` (`master_id`);--> statement-breakpoint
CREATE TABLE `prospect_tags` (
	`prospect_id` text NOT NULL,
	`tag` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	PRIMARY KEY(`prospect_id`, `tag`),
	FOREIGN KEY (`prospect_id`) REFERENCES `prospects`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `prospect_tags_tag_idx` ON `prospect_tags` (`tag`);--> statement-breakpoint
CREATE TABLE `prospects` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`first_name` text,
	`last_name` text,
	`company` text,
	`job_title` text,
	`phone` text,
	`country` text,
	`custom_fields` text DEFAULT '{}' NOT NULL,
	`campaign_id` text,
	`score` integer DEFAULT 0 NOT NULL,
	`source` text NOT NULL,
	`merged_into_id` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `prospects_active_email_unique` ON `prospects` (`email`) WHERE merged_into_id IS NULL;--> statement-breakpoint
CREATE INDEX `prospects_email_idx` ON `prospects` (`email`);--> statement-breakpoint
CREATE INDEX `prospects_merged_into_idx` ON `prospects` (`merged_into_id`);--> statement-breakpoint
CREATE INDEX `prospects_created_idx` ON `prospects` (`created_at`);--> statement-breakpoint
CREATE TABLE `registrations` (
	`id` text PRIMARY KEY NOT NULL,
	`prospect_id` text NOT NULL,
	`webinar_id` text NOT NULL,
	`registrant_key` text,
	`join_url` text,
	`status` text NOT NULL,
	`error_message` text,
	`source` text NOT NULL,
	`attended` integer DEFAULT false NOT NULL,
	`minutes_attended` integer DEFAULT 0 NOT NULL,
	`utm` text,
	`referrer` text,
	`registered_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`prospect_id`) REFERENCES `prospects`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`webinar_id`) REFERENCES `webinars`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `registrations_prospect_webinar_unique` ON `registrations` (`prospect_id`,`webinar_id`);--> statement-breakpoint
CREATE INDEX `registrations_webinar_status_idx` ON `registrations` (`webinar_id`,`status`);--> statement-breakpoint
CREATE INDEX `registrations_webinar_key_idx` ON `registrations` (`webinar_id`,`registrant_key`);--> statement-breakpoint
CREATE TABLE `scoring_rules` (
	`activity_type` text PRIMARY KEY NOT NULL,
	`points` integer NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `submissions` (
	`id` text PRIMARY KEY NOT NULL,
	`form_id` text,
	`handler_id` text,
	`prospect_id` text,
	`data` text NOT NULL,
	`status` text NOT NULL,
	`filter_reason` text,
	`utm` text,
	`referrer` text,
	`ip` text,
	`dedupe_key` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`form_id`) REFERENCES `forms`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`handler_id`) REFERENCES `form_handlers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`prospect_id`) REFERENCES `prospects`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `submissions_dedupe_unique` ON `submissions` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `submissions_form_idx` ON `submissions` (`form_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `submissions_handler_idx` ON `submissions` (`handler_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `unmatched_registrants` (
	`webinar_id` text NOT NULL,
	`registrant_key` text NOT NULL,
	`email` text NOT NULL,
	`first_name` text,
	`last_name` text,
	`status` text NOT NULL,
	`seen_at` text NOT NULL,
	PRIMARY KEY(`webinar_id`, `registrant_key`),
	FOREIGN KEY (`webinar_id`) REFERENCES `webinars`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `webinars` ADD `last_synced_at` text;--> statement-breakpoint
ALTER TABLE `webinars` ADD `next_sync_at` text;