-- The language an appointment's messages go out in when it is one beyond ca, es and en (a
-- further language a city offers: i18n.languages, e.g. ar or zh). appointments.lang keeps its
-- CHECK (ca, es, en) and, for such an appointment, the fallback language (i18n.fallback) that
-- texts kept in the database come in; this column has the language itself ('' for ca, es, en).
-- A column beside the other rather than a wider CHECK: SQLite cannot change a constraint in
-- place, and rebuilding the table would cascade to the rows that refer to it. Owned by
-- src/booking/.
ALTER TABLE appointments ADD COLUMN language TEXT NOT NULL DEFAULT '';
