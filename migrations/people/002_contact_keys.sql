-- The matching keys of contacts follow the shared normalisers of src/base/contact.h: gmail's
-- dots no longer tell two addresses apart (googlemail.com is gmail.com), and a national phone
-- number of 9 digits is always "+34…". Keys stored before are brought to the same form, unless the
-- person already has the new one.
-- sqlite:
UPDATE person_contacts SET norm = replace(substr(norm, 1, instr(norm, '@') - 1), '.', '') || '@gmail.com'
WHERE kind = 'email' AND (norm LIKE '%@gmail.com' OR norm LIKE '%@googlemail.com')
	AND replace(substr(norm, 1, instr(norm, '@') - 1), '.', '') <> ''
	AND NOT EXISTS (SELECT 1 FROM person_contacts o WHERE o.person_id = person_contacts.person_id
		AND o.kind = 'email'
		AND o.norm = replace(substr(person_contacts.norm, 1, instr(person_contacts.norm, '@') - 1), '.', '') || '@gmail.com');
-- end
-- postgresql:
UPDATE person_contacts SET norm = replace(split_part(norm, '@', 1), '.', '') || '@gmail.com'
WHERE kind = 'email' AND (norm LIKE '%@gmail.com' OR norm LIKE '%@googlemail.com')
	AND replace(split_part(norm, '@', 1), '.', '') <> ''
	AND NOT EXISTS (SELECT 1 FROM person_contacts o WHERE o.person_id = person_contacts.person_id
		AND o.kind = 'email'
		AND o.norm = replace(split_part(person_contacts.norm, '@', 1), '.', '') || '@gmail.com');
-- end
UPDATE person_contacts SET norm = '+34' || norm, value = '+34' || value
WHERE kind = 'phone' AND length(norm) = 9 AND norm NOT LIKE '+%'
	AND NOT EXISTS (SELECT 1 FROM person_contacts o WHERE o.person_id = person_contacts.person_id
		AND o.kind = 'phone' AND o.norm = '+34' || person_contacts.norm);
