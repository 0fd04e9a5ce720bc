CREATE TABLE `rule_actions` (
	`rule_id` text NOT NULL,
	`position` integer NOT NULL,
	`type` text NOT NULL,
	`list_id` text,
	`tag` text,
	`points` integer,
	`campaign_id` text,
	PRIMARY KEY(`rule_id`, `position`),
	FOREIGN KEY (`rule_id`) REFERENCES `rules`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`list_id`) REFERENCES `lists`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE TABLE `rule_actions_taken` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`rule_id` text NOT NULL,
	`prospect_id` text NOT NULL,
	`subject_id` text NOT NULL,
	`generation` integer NOT NULL,
	`position` integer NOT NULL,
	`type` text NOT NULL,
	`list_id` text,
	`tag` text,
	`points` integer,
	`campaign_id` text,
	`outcome` text NOT NULL,
	`trigger` text NOT NULL,
	`activity_id` text,
	`webinar_id` text,
	`taken_at` text NOT NULL,
	FOREIGN KEY (`rule_id`) REFERENCES `rules`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`prospect_id`) REFERENCES `prospects`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rule_actions_taken_unique` ON `rule_actions_taken` (`subject_id`,`rule_id`,`generation`,`position`);--> statement-breakpoint
CREATE INDEX `rule_actions_taken_rule_idx` ON `rule_actions_taken` (`rule_id`,`id`);--> statement-breakpoint
CREATE INDEX `rule_actions_taken_prospect_idx` ON `rule_actions_taken` (`prospect_id`,`taken_at`);--> statement-breakpoint
CREATE INDEX `rule_actions_taken_pending_idx` ON `rule_actions_taken` (`outcome`) WHERE outcome = 'pending';--> statement-breakpoint
CREATE TABLE `rule_matches` (
	`rule_id` text NOT NULL,
	`prospect_id` text NOT NULL,
	`matching` integer NOT NULL,
	`generation` integer NOT NULL,
	`changed_at` text NOT NULL,
	PRIMARY KEY(`prospect_id`, `rule_id`),
	FOREIGN KEY (`rule_id`) REFERENCES `rules`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`prospect_id`) REFERENCES `prospects`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `rules` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`mode` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`criteria` text NOT NULL,
	`created_by` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rules_name_unique` ON `rules` (`name`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `rules_status_idx` ON `rules` (`status`);