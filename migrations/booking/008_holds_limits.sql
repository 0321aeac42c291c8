-- Holds remember what they were taken for and by which client, so that a claim can be checked
-- and one address cannot hold more than its share; the limits per person count e-mail
-- identities (no sub-address) and phones in one form (E.164); bookings with a passport, which
-- has no check digit, are counted per client address and day. Client addresses are never
-- stored: only a keyed hash of their key (an IPv4 address or an IPv6 /64).

-- Holds taken before this migration could be claimed for anything: they go back through the
-- delay at their expiry, like every hold that ends without a booking from now on.
INSERT INTO seat_returns (slot_id, staff_seat, return_at) SELECT slot_id, staff, expires_at FROM holds;
DELETE FROM holds;
ALTER TABLE holds ADD COLUMN procedure_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE holds ADD COLUMN channel TEXT NOT NULL DEFAULT '';
ALTER TABLE holds ADD COLUMN client TEXT NOT NULL DEFAULT '';  -- keyed hash of the client's key
CREATE INDEX holds_client ON holds (client, expires_at);

-- The address an appointment's limits are counted by: lower case, without "+tag", and without
-- the dots gmail ignores (src/base/contact.h). Mail still goes to email.
ALTER TABLE appointments ADD COLUMN email_key TEXT NOT NULL DEFAULT '';
UPDATE appointments SET email_key = lower(email) WHERE email <> '';
-- sqlite:
UPDATE appointments SET email_key = substr(email_key, 1, instr(email_key, '+') - 1) || substr(email_key, instr(email_key, '@'))
	WHERE instr(email_key, '+') > 1 AND instr(email_key, '+') < instr(email_key, '@');
UPDATE appointments SET email_key = substr(email_key, 1, instr(email_key, '@')) || 'gmail.com'
	WHERE email_key LIKE '%@googlemail.com';
UPDATE appointments SET email_key = replace(substr(email_key, 1, instr(email_key, '@') - 1), '.', '') || '@gmail.com'
	WHERE email_key LIKE '%@gmail.com';
-- end
-- postgresql:
UPDATE appointments SET email_key = substr(email_key, 1, strpos(email_key, '+') - 1) || substr(email_key, strpos(email_key, '@'))
	WHERE strpos(email_key, '+') > 1 AND strpos(email_key, '+') < strpos(email_key, '@');
UPDATE appointments SET email_key = substr(email_key, 1, strpos(email_key, '@')) || 'gmail.com'
	WHERE email_key LIKE '%@googlemail.com';
UPDATE appointments SET email_key = replace(substr(email_key, 1, strpos(email_key, '@') - 1), '.', '') || '@gmail.com'
	WHERE email_key LIKE '%@gmail.com';
-- end
CREATE INDEX appointments_email_key ON appointments (email_key, status);

-- Phones in E.164 with Spain's country code for national numbers, as booking now stores them.
UPDATE appointments SET phone = '+' || substr(phone, 3) WHERE phone LIKE '00%';
UPDATE appointments SET phone = '+34' || phone WHERE phone <> '' AND phone NOT LIKE '+%' AND length(phone) = 9;
UPDATE appointments SET phone = '+' || phone WHERE phone NOT LIKE '+%' AND phone LIKE '34%' AND length(phone) = 11;

-- One row per citizen booking with a passport: a keyed hash of the client's key and when.
-- Purged after a day.
CREATE TABLE booking_quota (
	k TEXT NOT NULL,
	at BIGINT NOT NULL
);
CREATE INDEX booking_quota_k ON booking_quota (k, at);
