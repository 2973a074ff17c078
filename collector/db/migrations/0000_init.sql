CREATE TABLE `consent_records` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`source_id` text NOT NULL,
	`anonymous_id` text,
	`user_id` text,
	`categories` text NOT NULL,
	`revision` integer DEFAULT 1 NOT NULL,
	`decision_source` text NOT NULL,
	`policy_version` text,
	`language` text,
	`gpc` integer DEFAULT false NOT NULL,
	`user_agent` text,
	`ip_truncated` text,
	`given_at` integer NOT NULL,
	`expires_at` integer,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `consent_source_anonymous` ON `consent_records` (`source_id`,`anonymous_id`);--> statement-breakpoint
CREATE INDEX `consent_source_received` ON `consent_records` (`source_id`,`received_at`);--> statement-breakpoint
CREATE TABLE `events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source_id` text NOT NULL,
	`message_id` text NOT NULL,
	`type` text NOT NULL,
	`event` text,
	`anonymous_id` text,
	`user_id` text,
	`previous_id` text,
	`group_id` text,
	`timestamp` integer NOT NULL,
	`received_at` integer NOT NULL,
	`properties` text,
	`traits` text,
	`context` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `events_source_message` ON `events` (`source_id`,`message_id`);--> statement-breakpoint
CREATE INDEX `events_source_anonymous` ON `events` (`source_id`,`anonymous_id`);--> statement-breakpoint
CREATE INDEX `events_source_user` ON `events` (`source_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `events_source_timestamp` ON `events` (`source_id`,`timestamp`);--> statement-breakpoint
CREATE TABLE `failed_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source_id` text,
	`received_at` integer NOT NULL,
	`code` text NOT NULL,
	`message` text NOT NULL,
	`payload` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `failed_events_source` ON `failed_events` (`source_id`,`received_at`);--> statement-breakpoint
CREATE TABLE `sources` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`write_key` text NOT NULL,
	`allowed_origins` text DEFAULT '[]' NOT NULL,
	`retention_days` integer DEFAULT 395 NOT NULL,
	`require_consent` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sources_write_key_unique` ON `sources` (`write_key`);