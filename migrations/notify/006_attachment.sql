-- A stored attachment of an outbox message (a monthly report's PDF, …): its bytes, file name and
-- content type, written in the same INSERT as the message and removed with it by the purge of
-- sent and dead messages (mail.keep_days). NULL when the message has none.
-- sqlite:
ALTER TABLE outbox ADD COLUMN attachment BLOB;
-- end
-- postgresql:
ALTER TABLE outbox ADD COLUMN attachment BYTEA;
-- end
ALTER TABLE outbox ADD COLUMN attachment_name TEXT;
ALTER TABLE outbox ADD COLUMN attachment_type TEXT;
