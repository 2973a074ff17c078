ALTER TABLE `profile_facts` ADD `context_at` text;
--> statement-breakpoint
-- Summaries held the latest event's context without per-field stamps: rebuild them from events.
DELETE FROM `profile_facts_builds`;
