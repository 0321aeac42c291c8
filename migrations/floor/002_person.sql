-- Tickets link to the citizen record (migrations/people/): the person the welcome desk, the kiosk
-- or the API named (ID number, name, e-mail or phone: people_link), or the person of the
-- appointment a check-in ticket is bound to. NULL when nobody was named. An erasure blanks the
-- ticket's free texts; the link and the ticket stay, for the figures.
ALTER TABLE floor_tickets ADD COLUMN person_id BIGINT REFERENCES people (id);
CREATE INDEX floor_tickets_person ON floor_tickets (person_id);
