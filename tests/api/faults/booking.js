'use strict';
// Fault cases for booking: the JSON API (holds, appointments and their changes) and the pages of
// the citizen's and the staff's flows. Every attempt books a new person on a free seat of the
// demo's slots (the server runs with proof of work and rate limits off).
const L = require('../lib/server.js');

const SERVICE = 'volant-individual';
const OFFICES = ['mar-blava', 'la-riera', 'centre']; // the demo's seats for SERVICE, in turn
const OFFICE = 'mar-blava'; // the pages' flows
const person = L.people({ from: 70000, random: 1000000, name: 'Persona Avaria', email: 'avaria' });

// A free in-person seat, { office, start }: the offices and their seats taken in turn (a seat
// taken by an earlier attempt drops out of the next list).
let turn = 0;
async function freeSeat(ctx, offices = OFFICES) {
	const k = turn++;
	for (let j = 0; j < offices.length; j++) {
		const office = offices[(k + j) % offices.length];
		const r = await ctx.srv.get(`/api/v1/availability?service=${SERVICE}&channel=in_person&office=${office}`);
		if (r.status !== 200) throw new Error(`availability: ${r.status} ${r.text.slice(0, 300)}`);
		// More than a day ahead, past booking.reminder_hours: every appointment here has its reminder,
		// so that a change queues the same messages whichever seats it moves between.
		const later = Date.now() + 25 * 3600 * 1000;
		const starts = r.json().days.flatMap((d) => d.slots.filter((s) => s.free > 0 && Date.parse(s.start) > later).map((s) => s.start));
		if (starts.length) return { office, start: starts[k % starts.length] };
	}
	throw new Error('no free seats left');
}

// An appointment made through the API: { code, token, who, start, office }.
async function book(ctx) {
	const who = person();
	const { office, start } = await freeSeat(ctx);
	const r = await ctx.srv.request('POST', '/api/v1/appointments', { body: { service: SERVICE, channel: 'in_person', office, start, ...who } });
	if (r.status !== 201) throw new Error(`book: ${r.status} ${r.text.slice(0, 300)}`);
	return { ...r.json(), who, start, office };
}

// A CSRF token and its cookie for a visitor without a session.
async function visitor(ctx) {
	const jar = new L.CookieJar();
	const page = await ctx.srv.get('/cita/gestiona', { jar });
	return { jar, csrf: L.csrfFrom(page.text) };
}

// Walks service → channel → office → day → time on the pages; the time form and a start.
async function timeStep(ctx, base, jar) {
	const k = turn++;
	let res = await ctx.srv.get(`${base}/canal?service=${SERVICE}&channel=in_person&next=1`, { jar });
	res = await ctx.srv.get(`${res.headers.location}&office=${OFFICE}&next=1`, { jar });
	const dayPage = await ctx.srv.get(res.headers.location, { jar });
	// Days from the day after tomorrow on: every booking then also queues its reminder, so two
	// clean runs write the same rows whichever day they land on.
	const days = L.hrefs(dayPage.text)
		.filter((h) => /\/hora\?.*\bday=\d{4}-\d{2}-\d{2}$/.test(h))
		.filter((h) => h.slice(-10) >= L.madridDate(2));
	if (!days.length) throw new Error(`no free days on ${base}`);
	const t = await ctx.srv.get(days[k % days.length], { jar });
	const starts = L.tags(t.text, 'button').filter((b) => b.name === 'start').map((b) => b.value);
	return { fields: L.formIn(t.text, `${base}/hora`), start: starts[Math.floor(k / days.length) % starts.length] };
}

// Up to the details step: the details form.
async function detailsStep(ctx, base, jar) {
	const { fields, start } = await timeStep(ctx, base, jar);
	const res = await ctx.srv.request('POST', `${base}/hora`, { jar, headers: L.FORM, body: L.formBody({ ...fields, start }) });
	if (res.status !== 303) throw new Error(`hold on ${base}: ${res.status} ${res.text.slice(0, 300)}`);
	const details = await ctx.srv.get(res.headers.location, { jar });
	const who = person();
	return { ...L.formIn(details.text, `${base}/dades`), name: who.name, id_type: 'dni', id_number: who.id_number, email: who.email, lang: 'ca' };
}

module.exports = {
	cases: [
		{
			route: 'POST /api/v1/holds',
			status: 201,
			request: async (ctx) => ({ path: '/api/v1/holds', json: { service: SERVICE, channel: 'in_person', ...(await freeSeat(ctx)) } }),
		},
		{
			route: 'DELETE /api/v1/holds/{hold}',
			status: 204,
			async request(ctx) {
				const h = await ctx.srv.request('POST', '/api/v1/holds', { body: { service: SERVICE, channel: 'in_person', ...(await freeSeat(ctx)) } });
				if (h.status !== 201) throw new Error(`hold: ${h.status} ${h.text.slice(0, 300)}`);
				return { method: 'DELETE', path: `/api/v1/holds/${h.json().hold}` };
			},
		},
		{
			route: 'POST /api/v1/appointments',
			status: 201,
			request: async (ctx) => ({ path: '/api/v1/appointments', json: { service: SERVICE, channel: 'in_person', ...(await freeSeat(ctx)), ...person() } }),
		},
		{
			route: 'POST /api/v1/appointments/{code}/cancel',
			status: 200,
			async request(ctx) {
				const a = await book(ctx);
				return { path: `/api/v1/appointments/${a.code}/cancel`, json: { token: a.token } };
			},
		},
		{
			route: 'POST /api/v1/appointments/{code}/reschedule',
			status: 200,
			async request(ctx) {
				const a = await book(ctx);
				return { path: `/api/v1/appointments/${a.code}/reschedule`, json: { token: a.token, start: (await freeSeat(ctx, [a.office])).start } };
			},
		},
		{
			route: 'POST /api/v1/appointments/{code}/check-in',
			status: 200,
			async request(ctx) {
				const a = await book(ctx);
				return { path: `/api/v1/appointments/${a.code}/check-in`, headers: await ctx.bearer('welcome'), json: { id_number: a.who.id_number } };
			},
		},
		{
			route: 'POST /api/v1/appointments/{code}/status',
			status: 200,
			async request(ctx) {
				const a = await book(ctx);
				const url = `/api/v1/appointments/${a.code}`;
				const r = await ctx.srv.request('POST', `${url}/check-in`, { headers: await ctx.bearer('welcome'), body: { id_number: a.who.id_number } });
				if (r.status !== 200) throw new Error(`check-in: ${r.status} ${r.text.slice(0, 300)}`);
				return { path: `${url}/status`, headers: await ctx.bearer('informer'), json: { status: 'called' } };
			},
		},
		{
			route: 'POST /cita/hora',
			status: 303,
			async request(ctx) {
				const jar = new L.CookieJar();
				const { fields, start } = await timeStep(ctx, '/cita', jar);
				return { path: '/cita/hora', jar, csrf: null, form: { ...fields, start } };
			},
		},
		{
			route: 'POST /staff/cita/hora',
			status: 303,
			async request(ctx) {
				const s = await ctx.session('informer');
				const { fields, start } = await timeStep(ctx, '/staff/cita', s.jar);
				return { path: '/staff/cita/hora', as: 'informer', csrf: null, form: { ...fields, start } };
			},
		},
		{
			route: 'POST /cita/dades',
			status: 303,
			async request(ctx) {
				const jar = new L.CookieJar();
				return { path: '/cita/dades', jar, csrf: null, form: await detailsStep(ctx, '/cita', jar) };
			},
		},
		{
			route: 'POST /staff/cita/dades',
			status: 303,
			async request(ctx) {
				const s = await ctx.session('informer');
				return { path: '/staff/cita/dades', as: 'informer', csrf: null, form: await detailsStep(ctx, '/staff/cita', s.jar) };
			},
		},
		{
			route: 'POST /staff/cites/{office}/arribada',
			status: 303,
			async request(ctx) {
				const a = await book(ctx);
				const date = a.start.slice(0, 10);
				return { path: `/staff/cites/${a.office}/arribada`, as: 'welcome', form: { date, find: a.who.id_number } };
			},
		},
		{
			route: 'POST /staff/cita/{code}/estat',
			status: 303,
			async request(ctx) {
				const a = await book(ctx);
				return { path: `/staff/cita/${a.code}/estat`, as: 'welcome', form: { status: 'cancelled' } };
			},
		},
		{
			route: 'POST /staff/cita/{code}/canvia',
			status: 303,
			async request(ctx) {
				const a = await book(ctx);
				const seat = await freeSeat(ctx, [a.office]);
				return { path: `/staff/cita/${a.code}/canvia`, as: 'informer', form: { day: seat.start.slice(0, 10), start: seat.start } };
			},
		},
		{
			route: 'POST /cita/gestiona',
			status: 200,
			async request(ctx) {
				const a = await book(ctx);
				const v = await visitor(ctx);
				return { path: '/cita/gestiona', jar: v.jar, csrf: v.csrf, form: { code: a.code, id_number: a.who.id_number } };
			},
		},
		{
			route: 'POST /cita/{code}/canvia',
			status: 303,
			async request(ctx) {
				const a = await book(ctx);
				const jar = new L.CookieJar();
				const cal = await ctx.srv.get(`/cita/${a.code}/canvia?token=${a.token}`, { jar });
				const days = L.hrefs(cal.text).filter((h) => h.startsWith(`/cita/${a.code}/canvia?token=${a.token}&day=`));
				const tp = await ctx.srv.get(days[turn++ % days.length], { jar });
				const start = L.tags(tp.text, 'button').filter((b) => b.name === 'start').map((b) => b.value).find((s) => s !== a.start);
				return { path: `/cita/${a.code}/canvia`, jar, csrf: null, form: { ...L.formIn(tp.text, `/cita/${a.code}/canvia`), start } };
			},
		},
		{
			route: 'POST /cita/{code}/anulla',
			status: 303,
			async request(ctx) {
				const a = await book(ctx);
				const v = await visitor(ctx);
				return { path: `/cita/${a.code}/anulla`, jar: v.jar, csrf: v.csrf, form: { token: a.token, confirm: '1' } };
			},
		},
		{
			route: 'POST /cita/{code}/calendar.ics',
			status: 200,
			async request(ctx) {
				const a = await book(ctx);
				const v = await visitor(ctx);
				return { path: `/cita/${a.code}/calendar.ics`, jar: v.jar, csrf: v.csrf, form: { id_number: a.who.id_number } };
			},
		},
		{
			route: 'POST /cita/{code}/receipt.pdf',
			status: 200,
			async request(ctx) {
				const a = await book(ctx);
				const v = await visitor(ctx);
				return { path: `/cita/${a.code}/receipt.pdf`, jar: v.jar, csrf: v.csrf, form: { id_number: a.who.id_number } };
			},
		},
	],
};
