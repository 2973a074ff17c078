CREATE TABLE `event_drops` (
	`source_id` text NOT NULL,
	`day` text NOT NULL,
	`reason` text NOT NULL,
	`count` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`source_id`, `day`, `reason`)
);
