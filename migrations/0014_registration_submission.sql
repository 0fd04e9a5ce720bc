ALTER TABLE `registrations` ADD `submission_id` text;--> statement-breakpoint
-- Registrations made by a form before this column existed: the accepted submission of the same
-- prospect stored in the same batch (the batch writes both with one timestamp). A temporary index
-- keeps the lookup a seek per registration.
CREATE INDEX `submissions_prospect_backfill_tmp` ON `submissions` (`prospect_id`, `created_at`);--> statement-breakpoint
UPDATE `registrations` SET `submission_id` = (
  SELECT s.`id` FROM `submissions` s
  WHERE s.`prospect_id` = `registrations`.`prospect_id` AND s.`created_at` = `registrations`.`registered_at`
    AND s.`status` = 'accepted'
  ORDER BY s.`id` LIMIT 1
) WHERE `source` = 'form' AND `submission_id` IS NULL;--> statement-breakpoint
DROP INDEX `submissions_prospect_backfill_tmp`;
