'use strict';
// Fault cases for the chat (src/chat/): every change of a conversation, on the API and the pages,
// and what coordinators keep. Each attempt starts its own conversation; the informer's open ones
// are closed first, so that chat.max_per_agent never refuses a take.
const SERVICE = 'volant-individual';

// A new conversation: { id, token }.
async function started(ctx, i, extra = {}) {
	const r = await ctx.srv.request('POST', '/api/v1/chats', {
		body: { service: SERVICE, name: `Avaria ${i}`, lang: 'ca', text: `Missatge ${i}`, ...extra },
	});
	if (r.status !== 201) throw new Error(`chat: ${r.status} ${r.text}`);
	return r.json();
}

// A conversation the informer has taken.
async function taken(ctx, i) {
	ctx.sql("UPDATE chats SET status = 'closed', outcome = 'resolved' WHERE status = 'open'");
	const c = await started(ctx, i);
	const r = await ctx.srv.request('POST', `/api/v1/chats/${c.id}/take`, { headers: await ctx.bearer('informer') });
	if (r.status !== 200) throw new Error(`take: ${r.status} ${r.text}`);
	return c;
}

const freeAgents = (ctx) => ctx.sql("UPDATE chats SET status = 'closed', outcome = 'resolved' WHERE status = 'open'");

module.exports = {
	capability: 'chat',
	cases: [
		{
			route: 'POST /api/v1/chats',
			status: 201,
			request: (ctx, i) => ({ path: '/api/v1/chats', json: { service: SERVICE, name: `Nou ${i}`, email: `xat-${i}@example.org`, transcript: true, lang: 'ca', text: 'Hola' } }),
		},
		{
			route: 'POST /api/v1/chats/{id}/messages',
			status: 201,
			async request(ctx, i) {
				const c = await started(ctx, i);
				return { path: `/api/v1/chats/${c.id}/messages?token=${c.token}`, json: { text: `Segon ${i}` } };
			},
		},
		{
			route: 'POST /api/v1/chats/{id}/typing',
			status: 202,
			async request(ctx, i) {
				const c = await started(ctx, i);
				return { path: `/api/v1/chats/${c.id}/typing?token=${c.token}` };
			},
		},
		{
			route: 'POST /api/v1/chats/{id}/take',
			status: 200,
			async request(ctx, i) {
				freeAgents(ctx);
				const c = await started(ctx, i);
				return { path: `/api/v1/chats/${c.id}/take`, headers: await ctx.bearer('informer') };
			},
		},
		{
			route: 'POST /api/v1/chats/{id}/transfer',
			status: 200,
			async request(ctx, i) {
				const c = await taken(ctx, i);
				return { path: `/api/v1/chats/${c.id}/transfer`, headers: await ctx.bearer('informer'), json: { to: null } };
			},
		},
		{
			route: 'POST /api/v1/chats/{id}/close',
			status: 200,
			async request(ctx, i) {
				const c = await taken(ctx, i);
				return { path: `/api/v1/chats/${c.id}/close`, headers: await ctx.bearer('informer'), json: { outcome: 'resolved' } };
			},
		},
		{
			route: 'POST /api/v1/chats/{id}/request',
			status: 201,
			async request(ctx, i) {
				const c = await started(ctx, i);
				return { path: `/api/v1/chats/${c.id}/request?token=${c.token}`, json: { answer_by: 'email', email: `diferit-${i}@example.org` } };
			},
		},
		{
			route: 'POST /api/v1/chats/{id}/transcript',
			status: 202,
			async request(ctx, i) {
				const c = await started(ctx, i, { email: `tr-${i}@example.org` });
				return { path: `/api/v1/chats/${c.id}/transcript?token=${c.token}`, json: {} };
			},
		},
		{
			route: 'POST /xat/{service}',
			status: 303,
			request: (ctx, i) => ({ path: `/xat/${SERVICE}`, as: 'informer', form: { name: `Pàgina ${i}`, text: 'Hola' } }),
		},
		{
			route: 'POST /xat/c/{id}/missatge',
			status: 303,
			async request(ctx, i) {
				const c = await started(ctx, i);
				return { path: `/xat/c/${c.id}/missatge`, as: 'informer', form: { token: c.token, text: `Formulari ${i}` } };
			},
		},
		{
			route: 'POST /xat/c/{id}/surt',
			status: 303,
			async request(ctx, i) {
				const c = await started(ctx, i);
				return { path: `/xat/c/${c.id}/surt`, as: 'informer', form: { token: c.token } };
			},
		},
		{
			route: 'POST /xat/c/{id}/consulta',
			status: 303,
			async request(ctx, i) {
				const c = await started(ctx, i);
				return { path: `/xat/c/${c.id}/consulta`, as: 'informer', form: { token: c.token, answer_by: 'phone', phone: '612345678' } };
			},
		},
		{
			route: 'POST /xat/c/{id}/transcripcio',
			status: 303,
			async request(ctx, i) {
				const c = await started(ctx, i);
				return { path: `/xat/c/${c.id}/transcripcio`, as: 'informer', form: { token: c.token, email: `pag-${i}@example.org` } };
			},
		},
		{
			route: 'POST /staff/chat/{id}/{action}',
			status: 303,
			async request(ctx, i) {
				const c = await taken(ctx, i);
				return { path: `/staff/chat/${c.id}/say`, as: 'informer', form: { text: `Des de la safata ${i}` } };
			},
		},
		{
			route: 'POST /staff/chat/replies',
			status: 303,
			request: (ctx, i) => ({ path: '/staff/chat/replies', as: 'coordinator', form: { service: SERVICE, title: `Resposta ${i}`, body: 'Text' } }),
		},
		{
			route: 'POST /staff/chat/replies/{rid}/delete',
			status: 303,
			async request(ctx, i) {
				const s = await ctx.session('coordinator');
				await ctx.srv.postForm('/staff/chat/replies', { title: `Per esborrar ${i}`, body: 'x' }, { jar: s.jar, csrf: s.csrf });
				const id = ctx.sql(`SELECT id FROM chat_replies WHERE title = 'Per esborrar ${i}'`);
				return { path: `/staff/chat/replies/${id}/delete`, as: 'coordinator', form: {} };
			},
		},
		{
			route: 'POST /staff/chat/hours',
			status: 303,
			request: (ctx, i) => ({ path: '/staff/chat/hours', as: 'coordinator', form: { office: 'remot', weekday: String((i % 7) + 1), from: '08:00', to: '09:00' } }),
		},
		{
			route: 'POST /staff/chat/hours/{rid}/delete',
			status: 303,
			async request(ctx, i) {
				const office = ctx.sql("SELECT id FROM offices WHERE code = 'remot'");
				ctx.sql(`INSERT INTO chat_hours (office_id, weekday, open_min, close_min, holidays) VALUES (${office}, 1, ${600 + i}, ${700 + i}, 0)`);
				const id = ctx.sql(`SELECT id FROM chat_hours WHERE open_min = ${600 + i}`);
				return { path: `/staff/chat/hours/${id}/delete`, as: 'coordinator', form: {} };
			},
		},
	],
};
