'use strict';
// Fault cases for the citizen record (src/people/): new records, changes, merges and their undoing,
// consents withdrawn, erasure. Every attempt makes the records it needs first.

// A new record through the page; its id.
async function record(ctx, name, extra = {}) {
	const s = await ctx.session('informer');
	const r = await ctx.srv.postForm('/staff/people', { name, lang: 'ca', ...extra }, { jar: s.jar, csrf: s.csrf });
	if (r.status !== 303) throw new Error(`new record: ${r.status} ${r.text.slice(0, 300)}`);
	return Number(r.headers.location.match(/\/staff\/people\/(\d+)/)[1]);
}

// A record with a consent (given through a chat's transcript request).
async function withConsent(ctx, i) {
	const email = `consent-${i}-${Date.now()}@example.org`;
	const r = await ctx.srv.request('POST', '/api/v1/chats', {
		body: { service: 'volant-individual', name: 'Amb consentiment', email, transcript: true, lang: 'ca', text: 'hola' },
	});
	if (r.status !== 201) throw new Error(`chat: ${r.status} ${r.text}`);
	const id = Number(ctx.sql(`SELECT person_id FROM person_contacts WHERE value = '${email}'`));
	const consent = Number(ctx.sql(`SELECT id FROM person_consents WHERE person_id = ${id}`));
	return { id, consent };
}

module.exports = {
	capability: 'people',
	cases: [
		{
			route: 'POST /staff/people',
			status: 303,
			request: (ctx, i) => ({ path: '/staff/people', as: 'informer', form: { name: `Avaria ${i}`, email: `avaria-fitxa-${i}@example.org`, lang: 'ca' } }),
		},
		{
			route: 'POST /staff/people/{id}',
			status: 303,
			async request(ctx, i) {
				const id = await record(ctx, `Canvi ${i}`);
				return { path: `/staff/people/${id}`, as: 'informer', form: { name: `Canviat ${i}`, lang: 'es', email: `canvi-${i}@example.org`, phone: `6000${String(i).padStart(5, '0')}`, reason: 'correction' } };
			},
		},
		{
			route: 'POST /staff/people/{id}/merge',
			status: 303,
			async request(ctx, i) {
				const a = await record(ctx, `Unió A ${i}`), b = await record(ctx, `Unió B ${i}`);
				return { path: `/staff/people/${a}/merge`, as: 'informer', form: { other: b, reason: 'correction' } };
			},
		},
		{
			route: 'POST /staff/people/merges/{merge}/undo',
			status: 303,
			async request(ctx, i) {
				const a = await record(ctx, `Desfer A ${i}`), b = await record(ctx, `Desfer B ${i}`);
				const s = await ctx.session('coordinator');
				const r = await ctx.srv.postForm(`/staff/people/${a}/merge`, { other: b, reason: 'correction' }, { jar: s.jar, csrf: s.csrf });
				if (r.status !== 303) throw new Error(`merge: ${r.status}`);
				const m = ctx.sql(`SELECT id FROM people_merges WHERE survivor_id = ${a} AND merged_id = ${b}`);
				return { path: `/staff/people/merges/${m}/undo`, as: 'coordinator', form: { reason: 'correction' } };
			},
		},
		{
			route: 'POST /staff/people/{id}/consents/{consent}/withdraw',
			status: 303,
			async request(ctx, i) {
				const { id, consent } = await withConsent(ctx, i);
				return { path: `/staff/people/${id}/consents/${consent}/withdraw`, as: 'informer', form: { reason: 'rights' } };
			},
		},
		{
			route: 'POST /staff/people/{id}/erase',
			status: 303,
			async request(ctx, i) {
				const { id } = await withConsent(ctx, `e${i}`);
				return { path: `/staff/people/${id}/erase`, as: 'coordinator', form: { reason: 'rights', confirm: '1' } };
			},
		},
	],
};
