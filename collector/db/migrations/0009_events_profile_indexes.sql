DROP INDEX `events_source_anonymous`;--> statement-breakpoint
DROP INDEX `events_source_user`;--> statement-breakpoint
CREATE INDEX `events_anonymous` ON `events` (`anonymous_id`) WHERE "events"."anonymous_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `events_user` ON `events` (`user_id`) WHERE "events"."user_id" IS NOT NULL;--> statement-breakpoint
-- Planner stats for events, fixed rather than measured: without them SQLite rates
-- "source_id = ?" as selective as "anonymous_id = ?" and may walk a source's whole timestamp
-- range for one visitor. The figures only need the right proportions: sources hold many
-- events, a visitor or a user few.
ANALYZE sqlite_schema;--> statement-breakpoint
DELETE FROM sqlite_stat1 WHERE tbl = 'events';--> statement-breakpoint
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
  ('events', 'events_source_message', '1000000 100000 1'),
  ('events', 'events_source_timestamp', '1000000 100000 2'),
  ('events', 'events_anonymous', '900000 30'),
  ('events', 'events_user', '300000 100');--> statement-breakpoint
ANALYZE sqlite_schema;
