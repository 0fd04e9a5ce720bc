CREATE TABLE `registration_tallies` (
	`webinar_id` text NOT NULL,
	`status` text NOT NULL,
	`attended` integer NOT NULL,
	`bucket` integer NOT NULL,
	`source` text NOT NULL,
	`form_id` text NOT NULL,
	`handler_id` text NOT NULL,
	`day` text NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`webinar_id`, `status`, `attended`, `bucket`, `source`, `form_id`, `handler_id`, `day`)
);
--> statement-breakpoint
ALTER TABLE `registrations` ADD `form_id` text;--> statement-breakpoint
ALTER TABLE `registrations` ADD `handler_id` text;--> statement-breakpoint
-- A form registration and its submission are written in one batch with the same timestamp.
UPDATE `registrations` SET
  `form_id` = (SELECT s.form_id FROM submissions s WHERE s.prospect_id = registrations.prospect_id AND s.status = 'accepted' AND s.created_at = registrations.registered_at LIMIT 1),
  `handler_id` = (SELECT s.handler_id FROM submissions s WHERE s.prospect_id = registrations.prospect_id AND s.status = 'accepted' AND s.created_at = registrations.registered_at LIMIT 1)
WHERE `source` = 'form';--> statement-breakpoint
CREATE INDEX `engagements_webinar_prospect_idx` ON `engagements` (`webinar_id`,`prospect_id`);--> statement-breakpoint
-- The tallies of the registrations there are, then triggers keep them with every write. The minutes bands are
-- MINUTE_BOUNDS of src/domain/report-shape.ts (a test recounts the tallies from the registrations).
INSERT INTO registration_tallies (webinar_id, status, attended, bucket, source, form_id, handler_id, day, n)
SELECT webinar_id, status, attended, CASE WHEN attended = 1 THEN CASE WHEN minutes_attended < 15 THEN 0 WHEN minutes_attended < 30 THEN 1 WHEN minutes_attended < 45 THEN 2 WHEN minutes_attended < 60 THEN 3 WHEN minutes_attended < 90 THEN 4 WHEN minutes_attended < 120 THEN 5 ELSE 6 END ELSE 0 END, source, coalesce(form_id, ''), coalesce(handler_id, ''), substr(registered_at, 1, 10), count(*) FROM registrations R GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;--> statement-breakpoint
CREATE TRIGGER registration_tallies_insert AFTER INSERT ON registrations BEGIN
  INSERT INTO registration_tallies (webinar_id, status, attended, bucket, source, form_id, handler_id, day, n)
  VALUES (NEW.webinar_id, NEW.status, NEW.attended, CASE WHEN NEW.attended = 1 THEN CASE WHEN NEW.minutes_attended < 15 THEN 0 WHEN NEW.minutes_attended < 30 THEN 1 WHEN NEW.minutes_attended < 45 THEN 2 WHEN NEW.minutes_attended < 60 THEN 3 WHEN NEW.minutes_attended < 90 THEN 4 WHEN NEW.minutes_attended < 120 THEN 5 ELSE 6 END ELSE 0 END, NEW.source, coalesce(NEW.form_id, ''), coalesce(NEW.handler_id, ''), substr(NEW.registered_at, 1, 10), 1)
  ON CONFLICT (webinar_id, status, attended, bucket, source, form_id, handler_id, day) DO UPDATE SET n = n + 1;
END;--> statement-breakpoint
CREATE TRIGGER registration_tallies_delete AFTER DELETE ON registrations BEGIN
  UPDATE registration_tallies SET n = n - 1 WHERE webinar_id = OLD.webinar_id AND status = OLD.status AND attended = OLD.attended AND bucket = CASE WHEN OLD.attended = 1 THEN CASE WHEN OLD.minutes_attended < 15 THEN 0 WHEN OLD.minutes_attended < 30 THEN 1 WHEN OLD.minutes_attended < 45 THEN 2 WHEN OLD.minutes_attended < 60 THEN 3 WHEN OLD.minutes_attended < 90 THEN 4 WHEN OLD.minutes_attended < 120 THEN 5 ELSE 6 END ELSE 0 END AND source = OLD.source AND form_id = coalesce(OLD.form_id, '') AND handler_id = coalesce(OLD.handler_id, '') AND day = substr(OLD.registered_at, 1, 10);
  DELETE FROM registration_tallies WHERE n <= 0 AND webinar_id = OLD.webinar_id AND status = OLD.status AND attended = OLD.attended AND bucket = CASE WHEN OLD.attended = 1 THEN CASE WHEN OLD.minutes_attended < 15 THEN 0 WHEN OLD.minutes_attended < 30 THEN 1 WHEN OLD.minutes_attended < 45 THEN 2 WHEN OLD.minutes_attended < 60 THEN 3 WHEN OLD.minutes_attended < 90 THEN 4 WHEN OLD.minutes_attended < 120 THEN 5 ELSE 6 END ELSE 0 END AND source = OLD.source AND form_id = coalesce(OLD.form_id, '') AND handler_id = coalesce(OLD.handler_id, '') AND day = substr(OLD.registered_at, 1, 10);
END;--> statement-breakpoint
CREATE TRIGGER registration_tallies_update AFTER UPDATE OF webinar_id, status, attended, minutes_attended, source, form_id, handler_id, registered_at ON registrations
WHEN (OLD.webinar_id) IS NOT (NEW.webinar_id) OR (OLD.status) IS NOT (NEW.status) OR (OLD.attended) IS NOT (NEW.attended) OR (CASE WHEN OLD.attended = 1 THEN CASE WHEN OLD.minutes_attended < 15 THEN 0 WHEN OLD.minutes_attended < 30 THEN 1 WHEN OLD.minutes_attended < 45 THEN 2 WHEN OLD.minutes_attended < 60 THEN 3 WHEN OLD.minutes_attended < 90 THEN 4 WHEN OLD.minutes_attended < 120 THEN 5 ELSE 6 END ELSE 0 END) IS NOT (CASE WHEN NEW.attended = 1 THEN CASE WHEN NEW.minutes_attended < 15 THEN 0 WHEN NEW.minutes_attended < 30 THEN 1 WHEN NEW.minutes_attended < 45 THEN 2 WHEN NEW.minutes_attended < 60 THEN 3 WHEN NEW.minutes_attended < 90 THEN 4 WHEN NEW.minutes_attended < 120 THEN 5 ELSE 6 END ELSE 0 END) OR (OLD.source) IS NOT (NEW.source) OR (coalesce(OLD.form_id, '')) IS NOT (coalesce(NEW.form_id, '')) OR (coalesce(OLD.handler_id, '')) IS NOT (coalesce(NEW.handler_id, '')) OR (substr(OLD.registered_at, 1, 10)) IS NOT (substr(NEW.registered_at, 1, 10))
BEGIN
  UPDATE registration_tallies SET n = n - 1 WHERE webinar_id = OLD.webinar_id AND status = OLD.status AND attended = OLD.attended AND bucket = CASE WHEN OLD.attended = 1 THEN CASE WHEN OLD.minutes_attended < 15 THEN 0 WHEN OLD.minutes_attended < 30 THEN 1 WHEN OLD.minutes_attended < 45 THEN 2 WHEN OLD.minutes_attended < 60 THEN 3 WHEN OLD.minutes_attended < 90 THEN 4 WHEN OLD.minutes_attended < 120 THEN 5 ELSE 6 END ELSE 0 END AND source = OLD.source AND form_id = coalesce(OLD.form_id, '') AND handler_id = coalesce(OLD.handler_id, '') AND day = substr(OLD.registered_at, 1, 10);
  DELETE FROM registration_tallies WHERE n <= 0 AND webinar_id = OLD.webinar_id AND status = OLD.status AND attended = OLD.attended AND bucket = CASE WHEN OLD.attended = 1 THEN CASE WHEN OLD.minutes_attended < 15 THEN 0 WHEN OLD.minutes_attended < 30 THEN 1 WHEN OLD.minutes_attended < 45 THEN 2 WHEN OLD.minutes_attended < 60 THEN 3 WHEN OLD.minutes_attended < 90 THEN 4 WHEN OLD.minutes_attended < 120 THEN 5 ELSE 6 END ELSE 0 END AND source = OLD.source AND form_id = coalesce(OLD.form_id, '') AND handler_id = coalesce(OLD.handler_id, '') AND day = substr(OLD.registered_at, 1, 10);
  INSERT INTO registration_tallies (webinar_id, status, attended, bucket, source, form_id, handler_id, day, n)
  VALUES (NEW.webinar_id, NEW.status, NEW.attended, CASE WHEN NEW.attended = 1 THEN CASE WHEN NEW.minutes_attended < 15 THEN 0 WHEN NEW.minutes_attended < 30 THEN 1 WHEN NEW.minutes_attended < 45 THEN 2 WHEN NEW.minutes_attended < 60 THEN 3 WHEN NEW.minutes_attended < 90 THEN 4 WHEN NEW.minutes_attended < 120 THEN 5 ELSE 6 END ELSE 0 END, NEW.source, coalesce(NEW.form_id, ''), coalesce(NEW.handler_id, ''), substr(NEW.registered_at, 1, 10), 1)
  ON CONFLICT (webinar_id, status, attended, bucket, source, form_id, handler_id, day) DO UPDATE SET n = n + 1;
END;
