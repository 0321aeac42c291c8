-- What issuing and calling read, without walking an office's whole day (docs/internals/floor.md,
-- "Reading the queue"). Both indexes are partial: they hold only the rows they serve.
--
-- The waiting tickets of an office, by zone, with every column the calling order needs: the
-- people ahead of a ticket (one COUNT), a zone's first few hundred for the live pages and the
-- next ticket a desk may call (in a zone it serves, or sent to it) are read from this index alone.
CREATE INDEX floor_tickets_waiting ON floor_tickets
	(office_id, day, zone_id, arrived_at, id, appointment_id, appointment_at, priority, target_desk_id, status)
	WHERE status IN ('waiting', 'transferred');
-- A zone's latest finished tickets, for the estimated wait (the mean service time).
CREATE INDEX floor_tickets_done ON floor_tickets (office_id, day, zone_id, finished_at, started_at)
	WHERE status = 'done';
