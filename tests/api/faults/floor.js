'use strict';
// Fault cases for the office floor (src/floor/) and the survey (src/survey/): the JSON API at
// mar-blava with an administrator's token, the pages at centre with the demo's welcome, informer
// and coordinator sessions. Every attempt prepares its own ticket (issued, called, started as the
// case needs) before the snapshot, through the API, so each run changes the same rows.
const L = require('../lib/server.js');

const OFFICE = 'mar-blava';
const person = L.people({ from: 120000, random: 1000000, name: 'Persona Torn', email: 'torn' });

async function api(ctx, method, path, body, role = 'admin') {
	const r = await ctx.srv.request(method, path, { headers: await ctx.bearer(role), body });
	if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text.slice(0, 300)}`);
	return r.status === 204 ? null : r.json();
}

const issue = (ctx, zone = 'assistida', office = OFFICE, role = 'admin') =>
	api(ctx, 'POST', `/api/v1/offices/${office}/tickets`, { zone }, role);

// Ends what a desk holds (called or in service), so that it can call again.
async function freeDesk(ctx, desk, office = OFFICE, role = 'admin') {
	const rows = ctx.sql(
		`SELECT t.id, t.status FROM floor_tickets t JOIN desks d ON d.id = t.desk_id JOIN zones z ON z.id = d.zone_id ` +
			`JOIN offices o ON o.id = z.office_id WHERE o.code = '${office}' AND d.code = '${desk}' AND t.status IN ('called', 'in_service')`
	);
	for (const line of rows.split('\n').filter(Boolean)) {
		const [id, status] = line.split('|');
		if (status === 'called') await api(ctx, 'POST', `/api/v1/tickets/${id}/no-show`, undefined, role);
		else await api(ctx, 'POST', `/api/v1/tickets/${id}/finish`, {}, role);
	}
}

// A ticket called at desk (and started when `start`): its id.
async function atDesk(ctx, desk, { start = false, zone = 'assistida', office = OFFICE, role = 'admin' } = {}) {
	await freeDesk(ctx, desk, office, role);
	const t = await issue(ctx, zone, office, role === 'informer' ? 'coordinator' : role);
	await api(ctx, 'POST', `/api/v1/offices/${office}/desks/${desk}/call`, { ticket: t.id }, role);
	if (start) await api(ctx, 'POST', `/api/v1/tickets/${t.id}/start`, undefined, role);
	return t;
}

// An in-person appointment at office moved to today, still to check in: { code, who }.
async function appointmentToday(ctx, office) {
	const who = person();
	const from = L.madridDate(2);
	const av = await ctx.srv.get(`/api/v1/availability?service=volant-individual&channel=in_person&office=${office}&from=${from}&to=${L.addDays(from, 30)}`);
	const starts = av.json().days.flatMap((d) => d.slots.filter((s) => s.free > 0).map((s) => s.start));
	const r = await ctx.srv.request('POST', '/api/v1/appointments', {
		body: { service: 'volant-individual', channel: 'in_person', office, start: starts[Math.floor(Math.random() * starts.length)], ...who },
	});
	if (r.status !== 201) throw new Error(`book: ${r.status} ${r.text.slice(0, 300)}`);
	const now = Math.floor(Date.now() / 1000);
	ctx.sql(`UPDATE appointments SET start_at = ${now + 600}, end_at = ${now + 1200} WHERE code = '${r.json().code}'`);
	return { code: r.json().code, who };
}

const action = (route, status, prepare) => ({
	route,
	status,
	async request(ctx) {
		const { path, json } = await prepare(ctx);
		return { path, json, headers: await ctx.bearer('admin') };
	},
});

module.exports = {
	capability: 'floor',
	cases: [
		action('POST /api/v1/offices/{office}/tickets', 201, async () => ({
			path: `/api/v1/offices/${OFFICE}/tickets`,
			json: { zone: 'assistida', service: 'idcat-mobil', age_band: 'over_50', priority: ['pregnancy'] },
		})),
		action('POST /api/v1/offices/{office}/check-in', 201, async (ctx) => ({
			path: `/api/v1/offices/${OFFICE}/check-in`,
			json: { appointment: (await appointmentToday(ctx, OFFICE)).code },
		})),
		action('POST /api/v1/offices/{office}/desks/{desk}/open', 200, async () => ({
			path: `/api/v1/offices/${OFFICE}/desks/taula-2/open`,
			json: { zones: ['assistida', 'autoservei'] },
		})),
		action('POST /api/v1/offices/{office}/desks/{desk}/close', 204, async (ctx) => {
			await api(ctx, 'POST', `/api/v1/offices/${OFFICE}/desks/taula-2/open`, {});
			return { path: `/api/v1/offices/${OFFICE}/desks/taula-2/close` };
		}),
		action('POST /api/v1/offices/{office}/desks/{desk}/call-next', 200, async (ctx) => {
			await freeDesk(ctx, 'taula-1');
			await issue(ctx);
			return { path: `/api/v1/offices/${OFFICE}/desks/taula-1/call-next` };
		}),
		action('POST /api/v1/offices/{office}/desks/{desk}/call', 200, async (ctx) => {
			await freeDesk(ctx, 'taula-1');
			const t = await issue(ctx);
			return { path: `/api/v1/offices/${OFFICE}/desks/taula-1/call`, json: { number: t.number } };
		}),
		action('POST /api/v1/tickets/{id}/{action}', 200, async (ctx) => ({
			path: `/api/v1/tickets/${(await atDesk(ctx, 'taula-3')).id}/start`,
		})),
		action('POST /api/v1/tickets/{id}/transfer', 200, async (ctx) => ({
			path: `/api/v1/tickets/${(await atDesk(ctx, 'taula-3')).id}/transfer`,
			json: { zone: 'autoservei', note: 'Només el volant' },
		})),
		action('POST /api/v1/tickets/{id}/finish', 200, async (ctx) => ({
			path: `/api/v1/tickets/${(await atDesk(ctx, 'taula-3', { start: true })).id}/finish`,
			json: { procedures: ['idcat-mobil'], mode: 'with', idcat: true, notes: 'Fet' },
		})),
		action('POST /api/v1/tickets/{id}/resume', 200, async (ctx) => {
			const t = await atDesk(ctx, 'taula-3', { start: true });
			await api(ctx, 'POST', `/api/v1/tickets/${t.id}/park`);
			return { path: `/api/v1/tickets/${t.id}/resume`, json: {} };
		}),
		action('POST /api/v1/offices/{office}/zones/{zone}/issuing', 200, async () => ({
			path: `/api/v1/offices/${OFFICE}/zones/autoservei/issuing`,
			json: { open: true, quota: 500 },
		})),
		// The pages, at centre.
		{
			route: 'POST /floor/welcome',
			status: 303,
			request: () => ({ path: '/floor/welcome', as: 'welcome', form: { office: 'centre', zone: 'assistida', age_band: '30_50', autonomous: '1', priority: ['disability'], lang: 'es' } }),
		},
		{
			route: 'POST /floor/welcome/check-in',
			status: 303,
			request: async (ctx) => ({ path: '/floor/welcome/check-in', as: 'welcome', form: { office: 'centre', appointment: (await appointmentToday(ctx, 'centre')).who.id_number } }),
		},
		{
			route: 'POST /floor/desk/open',
			status: 303,
			request: () => ({ path: '/floor/desk/open', as: 'informer', form: { office: 'centre', desk: 'taula-3', zones: ['assistida'] } }),
		},
		{
			route: 'POST /floor/desk/close',
			status: 303,
			async request(ctx) {
				await api(ctx, 'POST', '/api/v1/offices/centre/desks/taula-3/open', {}, 'informer');
				return { path: '/floor/desk/close', as: 'informer', form: { office: 'centre' } };
			},
		},
		{
			route: 'POST /floor/desk/call',
			status: 303,
			async request(ctx) {
				await freeDesk(ctx, 'taula-4', 'centre', 'informer');
				await api(ctx, 'POST', '/api/v1/offices/centre/desks/taula-4/open', { zones: ['assistida'] }, 'informer');
				const t = await issue(ctx, 'assistida', 'centre', 'coordinator');
				return { path: '/floor/desk/call', as: 'informer', form: { office: 'centre', ticket: String(t.id) } };
			},
		},
		{
			route: 'POST /floor/desk/act',
			status: 303,
			async request(ctx) {
				const t = await atDesk(ctx, 'taula-4', { office: 'centre', role: 'informer' });
				return { path: '/floor/desk/act', as: 'informer', form: { office: 'centre', ticket: String(t.id), action: 'start' } };
			},
		},
		{
			route: 'POST /floor/board/issuing',
			status: 303,
			async request(ctx) {
				await api(ctx, 'POST', '/api/v1/offices/centre/zones/autoservei/issuing', { open: true }, 'coordinator');
				return { path: '/floor/board/issuing', as: 'coordinator', form: { office: 'centre', zone: 'autoservei', open: '0' } };
			},
		},
		{
			route: 'POST /floor/board/move',
			status: 303,
			async request(ctx) {
				await api(ctx, 'POST', '/api/v1/offices/centre/zones/assistida/issuing', { open: true }, 'coordinator');
				const t = await issue(ctx, 'assistida', 'centre', 'coordinator');
				return { path: '/floor/board/move', as: 'coordinator', form: { office: 'centre', number: t.number, to: 'autoservei', note: 'Autoservei' } };
			},
		},
		{
			route: 'POST /survey/{token}',
			status: 200,
			async request(ctx) {
				const t = await atDesk(ctx, 'taula-5', { start: true });
				await api(ctx, 'POST', `/api/v1/tickets/${t.id}/finish`, {});
				const token = ctx.sql(`SELECT token FROM surveys WHERE kind = 'ticket' AND ref = '${t.id}'`);
				const jar = new L.CookieJar();
				const page = await ctx.srv.get(`/survey/${token}`, { jar });
				return { path: `/survey/${token}`, jar, csrf: L.csrfFrom(page.text), form: { score: '8', comment: 'Bé' } };
			},
		},
	],
};
