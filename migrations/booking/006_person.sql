-- Appointments link to the citizen record (migrations/people/): the person found or created from
-- the ID number, e-mail and phone at booking time (people_link). NULL for appointments booked
-- before people existed and after an erasure's blanking (the link itself stays).
ALTER TABLE appointments ADD COLUMN person_id BIGINT REFERENCES people (id);
CREATE INDEX appointments_person ON appointments (person_id);
