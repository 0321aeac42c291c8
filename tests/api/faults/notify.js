'use strict';
// Fault cases for notify: an administrator queues a dead message again.
let serial = 0;

module.exports = {
	cases: [
		{
			route: 'POST /admin/outbox/{id}/retry',
			status: 303,
			async request(ctx) {
				const key = `avaria-${Date.now()}-${++serial}`;
				const id = ctx.sql(
					"INSERT INTO outbox (kind, lang, to_email, subject, body_text, dedupe_key, not_before, attempts, next_attempt_at, status, last_error, created_at) " +
						`VALUES ('appointment', 'ca', 'avaria@example.cat', 'Prova', 'Prova', '${key}', 0, 5, 0, 'dead', 'refused', 0) RETURNING id`
				);
				return { path: `/admin/outbox/${id}/retry`, as: 'admin', form: {} };
			},
		},
	],
};
