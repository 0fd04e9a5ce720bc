CREATE TABLE `webhook_events` (
	`event_key` text PRIMARY KEY NOT NULL,
	`connector_id` text NOT NULL,
	`received_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webhook_events_received_idx` ON `webhook_events` (`received_at`);--> statement-breakpoint
ALTER TABLE `registrations` ADD `push_request` text;--> statement-breakpoint
CREATE INDEX `registrations_status_updated_idx` ON `registrations` (`status`,`updated_at`);--> statement-breakpoint
ALTER TABLE `unmatched_registrants` ADD `reason` text;--> statement-breakpoint
CREATE INDEX `webinars_key_idx` ON `webinars` (`webinar_key`);