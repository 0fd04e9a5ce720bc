CREATE TABLE `campaigns` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `campaigns_name_unique` ON `campaigns` (`name`);--> statement-breakpoint
CREATE TABLE `connectors` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`organizer_email` text NOT NULL,
	`create_prospects` integer DEFAULT true NOT NULL,
	`campaign_id` text,
	`status` text DEFAULT 'unverified' NOT NULL,
	`paused` integer DEFAULT false NOT NULL,
	`organizer_key` text,
	`account_key` text,
	`organizer_name` text,
	`verified_at` text,
	`last_error` text,
	`last_error_at` text,
	`last_discovery_at` text,
	`next_discovery_at` text,
	`created_by` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`deleted_at` text,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `connectors_deleted_idx` ON `connectors` (`deleted_at`);--> statement-breakpoint
CREATE TABLE `webinars` (
	`id` text PRIMARY KEY NOT NULL,
	`connector_id` text NOT NULL,
	`webinar_key` text NOT NULL,
	`subject` text NOT NULL,
	`description` text,
	`times` text NOT NULL,
	`starts_at` text NOT NULL,
	`ends_at` text NOT NULL,
	`time_zone` text,
	`registration_url` text,
	`approval_type` text,
	`status` text DEFAULT 'scheduled' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`connector_id`) REFERENCES `connectors`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webinars_connector_key_unique` ON `webinars` (`connector_id`,`webinar_key`);--> statement-breakpoint
CREATE INDEX `webinars_starts_idx` ON `webinars` (`starts_at`);