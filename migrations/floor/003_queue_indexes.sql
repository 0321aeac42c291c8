-- What issuing and calling read, without walking an office's whole day (docs/internals/floor.md,
-- "Reading the queue"). Both indexes are partial: they hold only the rows they serve.
--
-- The waiting tickets of an office's zone in calling order, with every column the order needs:
-- by group (0 appointments, 1 priority walk-ins, 2 the rest), then the appointment's time, arrival
-- and id. A zone's first few hundred for the live pages and the next ticket a desk may call are
-- runs of it; the people ahead of a ticket are one COUNT over it. src/floor/store.c writes the two
-- expressions exactly so.
CREATE INDEX floor_tickets_waiting ON floor_tickets (office_id, day, zone_id,
	(CASE WHEN appointment_id IS NULL THEN (CASE WHEN priority <> '' THEN 1 ELSE 2 END) ELSE 0 END),
	(CASE WHEN appointment_id IS NULL THEN 0 ELSE COALESCE(appointment_at, 0) END),
	arrived_at, id, appointment_id, appointment_at, priority, target_desk_id, status)
	WHERE status IN ('waiting', 'transferred');
-- A zone's latest finished tickets, for the estimated wait (the mean service time).
CREATE INDEX floor_tickets_done ON floor_tickets (office_id, day, zone_id, finished_at, started_at)
	WHERE status = 'done';
