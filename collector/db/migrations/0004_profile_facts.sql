CREATE TABLE `profile_facts` (
	`source_id` text NOT NULL,
	`profile_id` text NOT NULL,
	`event_count` integer NOT NULL,
	`first_ts` integer,
	`latest_ts` integer,
	`latest_seq` integer,
	`stale` integer DEFAULT false NOT NULL,
	`context` text,
	`packed` text NOT NULL,
	PRIMARY KEY(`source_id`, `profile_id`)
);
--> statement-breakpoint
CREATE TABLE `profile_facts_builds` (
	`source_id` text PRIMARY KEY NOT NULL,
	`coverage` text NOT NULL,
	`built_at` integer NOT NULL
);
