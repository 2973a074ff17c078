-- Decisions stored twice before this index existed (a re-sent request): keep the first.
DELETE FROM `consent_records` WHERE `seq` NOT IN (SELECT min(`seq`) FROM `consent_records` GROUP BY `source_id`, `id`, `given_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `consent_source_id_given` ON `consent_records` (`source_id`,`id`,`given_at`);
