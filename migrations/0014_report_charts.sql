DROP INDEX `registrations_webinar_status_idx`;--> statement-breakpoint
ALTER TABLE `registrations` ADD `form_id` text;--> statement-breakpoint
ALTER TABLE `registrations` ADD `handler_id` text;--> statement-breakpoint
-- A form registration and its submission are written in one batch with the same timestamp.
UPDATE `registrations` SET `form_id` = (SELECT s.form_id FROM submissions s WHERE s.prospect_id = registrations.prospect_id AND s.status = 'accepted' AND s.created_at = registrations.registered_at LIMIT 1), `handler_id` = (SELECT s.handler_id FROM submissions s WHERE s.prospect_id = registrations.prospect_id AND s.status = 'accepted' AND s.created_at = registrations.registered_at LIMIT 1) WHERE `source` = 'form';--> statement-breakpoint
CREATE INDEX `registrations_webinar_status_idx` ON `registrations` (`webinar_id`,`status`,`attended`,`minutes_attended`,`source`,`form_id`,`handler_id`,`registered_at`);--> statement-breakpoint
CREATE INDEX `engagements_webinar_prospect_idx` ON `engagements` (`webinar_id`,`prospect_id`);