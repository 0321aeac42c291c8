'use strict';
// Fault cases for the remote attention: the document space (page and API), the video room's
// signalling and identity check, and the informer's actions on a phone appointment. Each attempt
// books a new phone appointment through the API (the document space and the actions), or uses
// the demo's video call whose room is open now (the room's messages).
const L = require('../lib/server.js');

const person = L.people({ from: 80000, random: 1000000, name: 'Persona Remota', email: 'remota' });
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << /Root 1 0 R >>\nstartxref 0\n%%EOF\n');

// A new phone (or video) appointment over the next three months: { code, token }.
let turn = 0;
async function phone(ctx, channel = 'phone') {
	// Booked by staff (a bearer token): the staff's share of the seats too.
	const headers = await ctx.bearer('coordinator');
	const r = await ctx.srv.get(`/api/v1/availability?service=ibi&channel=${channel}&from=${L.madridDate(0)}&to=${L.madridDate(90)}`, { headers });
	if (r.status !== 200) throw new Error(`availability: ${r.status} ${r.text.slice(0, 300)}`);
	const starts = r.json().days.flatMap((d) => d.slots.filter((s) => s.free > 0).map((s) => s.start));
	if (!starts.length) throw new Error(`no free ${channel} seats`);
	const b = await ctx.srv.request('POST', '/api/v1/appointments', {
		headers,
		body: { service: 'ibi', channel, start: starts[turn++ % starts.length], ...person() },
	});
	if (b.status !== 201) throw new Error(`book: ${b.status} ${b.text.slice(0, 300)}`);
	return b.json();
}

// The demo's open room: { code, token }.
function room(ctx) {
	const m = /video\/([A-Z0-9]{8})\?token=([0-9a-f]{64})/.exec(ctx.srv.stdout.text());
	if (!m) throw new Error('the demo printed no open room');
	return { code: m[1], token: m[2] };
}

async function visitor(ctx, path) {
	const jar = new L.CookieJar();
	const page = await ctx.srv.get(path, { jar });
	return { jar, csrf: L.csrfFrom(page.text) };
}

const file = (i) => [{ name: 'file', filename: `rebut-${i}.pdf`, type: 'application/pdf', data: PDF }];

module.exports = {
	capability: 'remote',
	cases: [
		{
			route: 'POST /docs/{code}',
			status: 303,
			async request(ctx, i) {
				const b = await phone(ctx);
				const path = `/docs/${b.code}?token=${b.token}`;
				const v = await visitor(ctx, path);
				return { path, jar: v.jar, multipart: { fields: { _csrf: v.csrf }, files: file(i) } };
			},
		},
		{
			route: 'POST /api/v1/appointments/{code}/documents',
			status: 201,
			async request(ctx, i) {
				const b = await phone(ctx, 'video');
				return { path: `/api/v1/appointments/${b.code}/documents?token=${b.token}`, multipart: { fields: {}, files: file(i) } };
			},
		},
		{
			route: 'POST /api/v1/appointments/{code}/video/signal',
			status: 201,
			request(ctx, i) {
				const r = room(ctx);
				return { path: `/api/v1/appointments/${r.code}/video/signal?token=${r.token}`, json: { kind: 'candidate', body: { gen: i } } };
			},
		},
		{
			route: 'POST /api/v1/appointments/{code}/video/verified',
			status: 200,
			async request(ctx) {
				const r = room(ctx);
				return { path: `/api/v1/appointments/${r.code}/video/verified`, headers: await ctx.bearer('informer'), json: {} };
			},
		},
		{
			route: 'POST /remote/{code}/take',
			status: 303,
			async request(ctx) {
				const b = await phone(ctx, 'video');
				return { path: `/remote/${b.code}/take`, as: 'informer', form: {} };
			},
		},
		{
			route: 'POST /remote/{code}/assign',
			status: 303,
			async request(ctx) {
				const b = await phone(ctx);
				const id = L.sql(ctx.srv.db, "SELECT id FROM users WHERE email = 'informador@vilamar.example'");
				return { path: `/remote/${b.code}/assign`, as: 'coordinator', form: { informer: id } };
			},
		},
		{
			route: 'POST /remote/{code}/attempt',
			status: 303,
			async request(ctx) {
				const b = await phone(ctx);
				return { path: `/remote/${b.code}/attempt`, as: 'informer', form: { outcome: 'wrong_number', note: 'No és seu' } };
			},
		},
		{
			route: 'POST /remote/{code}/outcome',
			status: 303,
			async request(ctx, i) {
				const b = await phone(ctx, i % 2 ? 'video' : 'phone');
				return { path: `/remote/${b.code}/outcome`, as: 'informer', form: { procedures: 'Consulta', how: 'for', notes: '' } };
			},
		},
	],
};
