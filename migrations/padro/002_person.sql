-- Certificates link to the citizen record (migrations/people/): the holder found or created from
-- the register's ID number, name and mobile at issue time (people_link). NULL for certificates
-- issued before. An erasure blanks the masked holder and the stored PDF (its SHA-256 stays, so a
-- copy can still be checked); the row stays, for the figures.
ALTER TABLE padro_volants ADD COLUMN person_id BIGINT REFERENCES people (id);
CREATE INDEX padro_volants_person ON padro_volants (person_id);
