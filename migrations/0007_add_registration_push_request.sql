ALTER TABLE `registrations` ADD `push_request` text;--> statement-breakpoint
CREATE INDEX `registrations_status_updated_idx` ON `registrations` (`status`,`updated_at`);