CREATE TABLE `engine_state` (
	`name` text PRIMARY KEY NOT NULL,
	`value` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `profile_links` (
	`source_id` text NOT NULL,
	`anonymous_id` text NOT NULL,
	`user_id` text NOT NULL,
	`linked_at` integer NOT NULL,
	PRIMARY KEY(`source_id`, `anonymous_id`)
);
--> statement-breakpoint
CREATE INDEX `profile_links_user` ON `profile_links` (`source_id`,`user_id`);--> statement-breakpoint
CREATE TABLE `segment_memberships` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`segment_id` text NOT NULL,
	`source_id` text NOT NULL,
	`profile_id` text NOT NULL,
	`entered_at` integer NOT NULL,
	`exited_at` integer,
	`exit_reason` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `memberships_open` ON `segment_memberships` (`segment_id`,`profile_id`) WHERE exited_at IS NULL;--> statement-breakpoint
CREATE INDEX `memberships_profile` ON `segment_memberships` (`source_id`,`profile_id`);--> statement-breakpoint
CREATE INDEX `memberships_segment_entered` ON `segment_memberships` (`segment_id`,`entered_at`);--> statement-breakpoint
CREATE INDEX `memberships_segment_exited` ON `segment_memberships` (`segment_id`,`exited_at`);--> statement-breakpoint
CREATE TABLE `segment_profiles` (
	`source_id` text NOT NULL,
	`profile_id` text NOT NULL,
	`next_check_at` integer,
	`evaluated_at` integer NOT NULL,
	PRIMARY KEY(`source_id`, `profile_id`)
);
--> statement-breakpoint
CREATE INDEX `segment_profiles_next_check` ON `segment_profiles` (`next_check_at`);--> statement-breakpoint
CREATE TABLE `segments` (
	`id` text PRIMARY KEY NOT NULL,
	`source_id` text NOT NULL,
	`key` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`rule` text NOT NULL,
	`reentry_after` text,
	`utm` text,
	`webhook_url` text,
	`webhook_secret` text,
	`template` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`last_computed_at` integer,
	`last_error` text,
	`recompute_done` integer,
	`recompute_total` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `segments_source_key` ON `segments` (`source_id`,`key`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`segment_id` text NOT NULL,
	`profile_id` text NOT NULL,
	`kind` text NOT NULL,
	`payload` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`last_status` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`delivered_at` integer
);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_due` ON `webhook_deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_segment` ON `webhook_deliveries` (`segment_id`,`id`);