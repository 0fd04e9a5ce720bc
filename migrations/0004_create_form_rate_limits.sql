CREATE TABLE `form_rate_limits` (
	`ip` text NOT NULL,
	`window_start` text NOT NULL,
	`count` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`ip`, `window_start`)
);
--> statement-breakpoint
CREATE INDEX `form_rate_limits_window_idx` ON `form_rate_limits` (`window_start`);