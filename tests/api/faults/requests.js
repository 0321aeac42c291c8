'use strict';
// Fault cases for deferred requests (src/requests/): made on the API and the web form, recorded
// by an informer, looked up, added to, and every staff action. Each attempt makes its own request.
const body = (i, extra = {}) => ({
	topic: 'info',
	text: `Consulta d'avaria ${i}`,
	name: 'Avaria',
	email: `avaria-rq-${i}@example.org`,
	phone: '612 000 000',
	answer_by: 'email',
	lang: 'ca',
	...extra,
});

// A new request: { code, token }.
async function made(ctx, i) {
	const r = await ctx.srv.request('POST', '/api/v1/requests', { body: body(i) });
	if (r.status !== 201) throw new Error(`request: ${r.status} ${r.text}`);
	return r.json();
}

// A request waiting for the citizen (asked a question).
async function waiting(ctx, i) {
	const q = await made(ctx, i);
	const r = await ctx.srv.request('POST', `/api/v1/requests/${q.code}/answer`, { headers: await ctx.bearer('informer'), body: { channel: 'email', text: 'Una pregunta', ask: true } });
	if (r.status !== 200) throw new Error(`ask: ${r.status} ${r.text}`);
	return q;
}

module.exports = {
	capability: 'requests',
	cases: [
		{ route: 'POST /api/v1/requests', status: 201, request: (ctx, i) => ({ path: '/api/v1/requests', json: body(i) }) },
		{
			route: 'POST /api/v1/requests/{code}/add',
			status: 200,
			async request(ctx, i) {
				const q = await waiting(ctx, i);
				return { path: `/api/v1/requests/${q.code}/add?token=${q.token}`, json: { text: `Afegit ${i}` } };
			},
		},
		{
			route: 'POST /api/v1/requests/{code}/{action}',
			status: 200,
			async request(ctx, i) {
				const q = await made(ctx, i);
				return { path: `/api/v1/requests/${q.code}/answer`, headers: await ctx.bearer('informer'), json: { channel: 'email', text: `Resposta ${i}` } };
			},
		},
		{
			route: 'POST /consulta/nova',
			status: 303,
			request: (ctx, i) => ({ path: '/consulta/nova', as: 'informer', form: body(i) }),
		},
		{
			route: 'POST /consulta/{code}',
			status: 200,
			async request(ctx, i) {
				const q = await made(ctx, i);
				return { path: `/consulta/${q.code}`, as: 'informer', form: { contact: `avaria-rq-${i}@example.org` } };
			},
		},
		{
			route: 'POST /consulta/{code}/afegeix',
			status: 303,
			async request(ctx, i) {
				const q = await waiting(ctx, i);
				return { path: `/consulta/${q.code}/afegeix`, as: 'informer', form: { token: q.token, text: `Afegit ${i}` } };
			},
		},
		{
			route: 'POST /staff/requests/new',
			status: 303,
			request: (ctx, i) => ({ path: '/staff/requests/new', as: 'informer', form: body(i, { source: 'phone', answer_by: 'phone', call_from: '09:00', call_to: '10:00' }) }),
		},
		{
			route: 'POST /staff/requests/{code}/{action}',
			status: 303,
			async request(ctx, i) {
				const q = await made(ctx, i);
				return { path: `/staff/requests/${q.code}/call`, as: 'informer', form: { outcome: 'answered', text: `Trucada ${i}` } };
			},
		},
	],
};
