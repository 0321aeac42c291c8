-- Sign-in attempts are checked and counted in one transaction, per account and address and per
-- address: the rows below (one per account+address, one per address) are upserted first, so that
-- on PostgreSQL concurrent attempts take turns and each sees the ones before it (SQLite's
-- BEGIN IMMEDIATE already serialises them). Purged with the attempts.
CREATE TABLE login_guard (
	k TEXT PRIMARY KEY,
	at BIGINT NOT NULL
);
CREATE INDEX login_guard_at ON login_guard (at);
CREATE INDEX login_attempts_pair ON login_attempts (email, ip, at);
