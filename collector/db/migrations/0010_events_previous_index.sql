CREATE INDEX `events_previous` ON `events` (`previous_id`) WHERE "events"."previous_id" IS NOT NULL;--> statement-breakpoint
-- Planner stats, as in 0009: a retired id is on few events.
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('events', 'events_previous', '10000 2');--> statement-breakpoint
ANALYZE sqlite_schema;
