-- What became of a hold: the appointment it was turned into, so the person who held the time and
-- comes back to the details page (the browser's Back button) sees their own booking instead of
-- "the time was just taken". The manage token is kept only sealed with a key derived from the
-- hold token (crypto_secretbox, booking.c), which only the person's browser has; token_hash is the
-- hold token's SHA-256 as in holds. Kept for a day, then purged by the booking job.

CREATE TABLE hold_results (
	token_hash TEXT NOT NULL PRIMARY KEY,
	appointment_id BIGINT NOT NULL REFERENCES appointments (id) ON DELETE CASCADE,
	sealed TEXT NOT NULL,                   -- hex: nonce, then the sealed manage token
	expires_at BIGINT NOT NULL
);
CREATE INDEX hold_results_expiry ON hold_results (expires_at);
