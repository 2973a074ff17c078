CREATE TABLE `suppressions` (
	`id_hash` text NOT NULL,
	`source_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`id_hash`, `source_id`)
);
--> statement-breakpoint
ALTER TABLE `events` ADD `device_type` text;--> statement-breakpoint
ALTER TABLE `events` ADD `os` text;--> statement-breakpoint
ALTER TABLE `events` ADD `browser` text;--> statement-breakpoint
ALTER TABLE `events` ADD `locale` text;--> statement-breakpoint
ALTER TABLE `events` ADD `ip_truncated` text;