'use strict';
// Figures (docs/figures.md, docs/api.md "Figures"): the statistics API, pages and CSV over the
// figures that booking contributes (cap_t.figures), and the open-data aggregate with small-count
// suppression. The counts asserted are those of data this file makes: appointments booked,
// checked in, marked no-show and cancelled through the booking API on a day of their own (the
// figures are read before and after, so the demo's appointments do not matter), and past
// appointments written with SQL on a day two years back for the open data (finished days only).
const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const L = require('./lib/server.js');

const srv = L.useServer({
	env: {
		TZDIR: path.join(L.ROOT, 'tests/data/zoneinfo'),
		FINESTRETA_BOOKING_PROOF_OF_WORK: 'off',
		FINESTRETA_BOOKING_RATE_BOOKING: '0',
		FINESTRETA_BOOKING_RATE_AVAILABILITY: '0',
		FINESTRETA_JOBS_INTERVAL: '3600',
		// the open data's appointments are written with SQL two years back, after the daily summary's
		// first run: older than the summary's history here, so counted live
		FINESTRETA_FIGURES_SUMMARY_HISTORY_DAYS: '400',
		FINESTRETA_FIGURES_RATE_OPEN_DATA: '20',
		FINESTRETA_SERVER_FAULT_INJECTION: 'true', // only requests with X-Fault-Db-Call
		FINESTRETA_REQUESTS_RATE_CREATE: '0',
		FINESTRETA_FIGURES_REPORT_TO: 'direccio@vilamar.example, estadistica@vilamar.example',
	},
});
const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3'; // python3-openpyxl
const OFFICE = 'mar-blava';
const SERVICE = 'volant-individual';
const { madridDate, addDays, weekday, FORM } = L;
const sql = (q) => L.sql(srv.db, q);
const person = L.people({ from: 61000 });
let coord, staff, welcome, informer;

async function figures(theme, qs, headers = staff) {
	const r = await srv.get(`/api/v1/figures/${theme}?${qs}`, { headers });
	assert.equal(r.status, 200, r.text.slice(0, 400));
	return r.json();
}
const fig = (j, name) => {
	const f = j.figures.find((x) => x.name === name);
	assert.ok(f, `figure ${name} in ${j.figures.map((x) => x.name)}`);
	return f;
};
const row = (f, label) => f.rows.find((x) => x.label === label) || {};

// A one-slot rule of `capacity` seats on `date` at 08:30 at OFFICE.
async function makeSlot(date, capacity) {
	const r = await srv.request('POST', `/schedule/offices/${OFFICE}/rules`, {
		jar: coord.jar,
		headers: FORM,
		body: L.formBody({
			_csrf: coord.csrf, channel: 'in_person', every_weeks: '1', valid_from: date, valid_to: date,
			start: '08:30', end: '08:45', slot_min: '15', capacity: String(capacity), staff_share: '0',
			horizon_days: '60', min_notice_min: '0', release_days: '', release_time: '', weekdays: String(weekday(date)),
		}),
	});
	assert.equal(r.status, 303, r.text.slice(0, 300));
	const a = await srv.get(`/api/v1/availability?service=${SERVICE}&channel=in_person&office=${OFFICE}&from=${date}&to=${date}`);
	const slot = a.json().days.find((d) => d.date === date).slots.find((s) => s.start.slice(11, 16) === '08:30');
	assert.ok(slot, 'the new slot is offered');
	return slot.start;
}

async function book(start, who) {
	const r = await srv.request('POST', '/api/v1/appointments', {
		body: { service: SERVICE, channel: 'in_person', office: OFFICE, start, ...who },
	});
	assert.equal(r.status, 201, r.text);
	return { ...r.json(), who };
}

before(async () => {
	await srv.ready();
	coord = await srv.loginOk(L.DEMO_USERS.coordinator);
	staff = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.coordinator)}` };
	welcome = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.welcome)}` };
	informer = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.informer)}` };
});

describe('figures: booking counted through the capability table', () => {
	let day, day2, q, base, baseSeats, baseProc, baseLang, baseLead, baseBack, v;
	const made = { booked: 5, attended: 1, no_show: 1, cancelled: 1 };

	before(async () => {
		const from = madridDate(20);
		const r = await srv.get(`/api/v1/offices/${OFFICE}/hours?from=${from}&to=${addDays(from, 30)}`);
		[day, day2] = r.json().days.filter((d) => d.open && d.weekday <= 5 && d.intervals[0].opens <= '08:30').map((d) => d.date);
		assert.ok(day && day2, 'two open weekdays at the office');
		q = `from=${day}&to=${day}&office=${OFFICE}`;
		base = fig(await figures('attendance', q), 'booking.appointments');
		baseLead = fig(await figures('attendance', q), 'booking.lead_time');
		baseSeats = fig(await figures('capacity', q), 'booking.seats');
		baseProc = fig(await figures('procedures', `${q}&procedure=${SERVICE}`), 'booking.procedures');
		baseLang = fig(await figures('people', q), 'booking.languages');
		baseBack = fig(await figures('people', q), 'booking.returning');
		// five appointments in a slot of six: one checked in, one no-show, one cancelled, two waiting
		const start = await makeSlot(day, 6);
		v = [];
		for (const lang of ['ca', 'ca', 'es', 'en', 'en']) v.push(await book(start, person({ lang })));
		let x = await srv.request('POST', `/api/v1/appointments/${v[0].code}/check-in`, { headers: welcome, body: { id_number: v[0].who.id_number } });
		assert.equal(x.status, 200, x.text);
		// A no-show can only be marked once the time has come (the API refuses it earlier), and this
		// day is weeks ahead: the fixture sets the state the no-show job would set on the day.
		x = await srv.request('POST', `/api/v1/appointments/${v[1].code}/status`, { headers: informer, body: { status: 'no_show' } });
		assert.equal(x.status, 409, x.text);
		sql(`UPDATE appointments SET status = 'no_show' WHERE code = '${v[1].code}'`);
		x = await srv.request('POST', `/api/v1/appointments/${v[2].code}/cancel`, { body: { token: v[2].token } });
		assert.equal(x.status, 200, x.text);
	});

	it('appointments: booked, attended, no-shows and cancelled of the day, by office and channel', async () => {
		const j = await figures('attendance', q);
		assert.equal(j.from, day);
		assert.equal(j.to, day);
		assert.deepEqual(j.previous, { from: addDays(day, -1), to: addDays(day, -1) });
		const f = fig(j, 'booking.appointments');
		assert.equal(f.capability, 'booking');
		assert.equal(f.kind, 'series');
		assert.deepEqual(f.columns, ['booked', 'attended', 'no_show', 'cancelled']);
		for (const [k, n] of Object.entries(made)) assert.equal(f.totals[k], base.totals[k] + n, k);
		assert.equal(f.series.length, 1);
		assert.equal(f.series[0].period, day);
		assert.equal(f.series[0].booked, f.totals.booked);
		const split = f.by_office_channel.find((s) => s.office === OFFICE && s.channel === 'in_person');
		assert.equal(split.booked, f.totals.booked);
	});

	it('stats/attendance: each channel\'s key stat (attended appointments) per period', async () => {
		const r = await srv.get(`/api/v1/stats/attendance?${q}`, { headers: staff });
		assert.equal(r.status, 200, r.text);
		const j = r.json();
		assert.equal(j.series.length, 1);
		assert.equal(j.series[0].period, day);
		assert.equal(j.series[0].appointments, base.totals.attended + 1);
		assert.equal(j.totals.appointments, base.totals.attended + 1);
		L.assertJsonError(await srv.get(`/api/v1/stats/attendance?${q}`, { headers: informer }), 403, 'forbidden');
	});

	it('lead time: the five fall in the band of how far ahead they were booked', async () => {
		const f = fig(await figures('attendance', q), 'booking.lead_time');
		assert.equal(f.rows.length, 5);
		const days = (Date.parse(`${day}T08:30:00+01:00`) - Date.now()) / 86400000;
		const band = days < 1 ? 'cita_fig_lead_0' : days < 2 ? 'cita_fig_lead_1' : days < 8 ? 'cita_fig_lead_2_7' : days < 31 ? 'cita_fig_lead_8_30' : 'cita_fig_lead_31';
		assert.equal(row(f, band).appointments, (row(baseLead, band).appointments || 0) + 5, band);
		const sum = (g) => g.rows.reduce((s, x) => s + x.appointments, 0);
		assert.equal(sum(f), sum(baseLead) + 5);
	});

	it('seats offered and used per office and channel', async () => {
		const f = fig(await figures('capacity', q), 'booking.seats');
		assert.equal(f.totals.offered, baseSeats.totals.offered + 6);
		// the cancelled seat returns to the pool only after booking.cancel_return_delay
		assert.equal(f.totals.used, baseSeats.totals.used + 5);
	});

	it('top procedures and the language of attention', async () => {
		const f = fig(await figures('procedures', `${q}&procedure=${SERVICE}`), 'booking.procedures');
		assert.equal(f.rows.length, 1, 'the procedure filter leaves one');
		assert.equal(f.rows[0].booked, (baseProc.rows[0]?.booked || 0) + 5);
		assert.equal(f.rows[0].attended, (baseProc.rows[0]?.attended || 0) + 1);
		const l = fig(await figures('people', q), 'booking.languages');
		for (const [k, n] of [['cita_fig_lang_ca', 2], ['cita_fig_lang_es', 1], ['cita_fig_lang_en', 2]])
			assert.equal(row(l, k).appointments, (row(baseLang, k).appointments || 0) + n, k);
	});

	it('first visit or returning: the five are new; one of them booking again later returns', async () => {
		const f = fig(await figures('people', q), 'booking.returning');
		assert.equal(row(f, 'cita_fig_first').appointments, (row(baseBack, 'cita_fig_first').appointments || 0) + 5);
		assert.equal(row(f, 'cita_fig_returning').appointments, row(baseBack, 'cita_fig_returning').appointments || 0);
		const q2 = `from=${day2}&to=${day2}&office=${OFFICE}`;
		const before2 = fig(await figures('people', q2), 'booking.returning');
		await book(await makeSlot(day2, 1), v[3].who);
		const after2 = fig(await figures('people', q2), 'booking.returning');
		assert.equal(row(after2, 'cita_fig_returning').appointments, (row(before2, 'cita_fig_returning').appointments || 0) + 1);
		assert.equal(row(after2, 'cita_fig_first').appointments, row(before2, 'cita_fig_first').appointments || 0);
	});

	it('comparison: the day is the previous period of the day after', async () => {
		const next = addDays(day, 1);
		const f = fig(await figures('attendance', `from=${next}&to=${next}&office=${OFFICE}`), 'booking.appointments');
		const now = fig(await figures('attendance', q), 'booking.appointments');
		assert.deepEqual(f.previous_totals, now.totals);
	});

	it('group=week gives one period, the Monday of the week', async () => {
		const f = fig(await figures('attendance', `${q}&group=week`), 'booking.appointments');
		assert.equal(f.series.length, 1);
		assert.equal(f.series[0].period, addDays(day, 1 - weekday(day)));
	});

	it('a zone filter leaves out the figures that cannot honour it', async () => {
		const f = fig(await figures('attendance', `${q}&zone=acollida`), 'booking.appointments');
		assert.equal(f.skipped, true);
		assert.equal(f.totals, undefined);
	});

	it('CSV: the totals and the periods of the JSON', async () => {
		const j = fig(await figures('attendance', q), 'booking.appointments');
		const r = await srv.get(`/figures/attendance/export.csv?${q}`, { jar: coord.jar });
		assert.equal(r.status, 200);
		assert.match(String(r.headers['content-type']), /^text\/csv/);
		assert.match(String(r.headers['content-disposition']), /attachment; filename="figures-attendance-/);
		const lines = r.text.trim().split('\r\n');
		assert.equal(lines[0], 'figure,label,office,channel,measure,value,previous');
		for (const k of Object.keys(made)) {
			assert.ok(lines.includes(`booking.appointments,total,,,${k},${j.totals[k]},${j.previous_totals[k]}`), k);
			assert.ok(lines.includes(`booking.appointments,${day},,,${k},${j.series[0][k]},0`) || j.series[0].previous[k] > 0, `${k} of ${day}`);
		}
	});

	it('XLSX: read back with openpyxl, real numbers and dates equal to the JSON', async () => {
		const j = fig(await figures('attendance', q), 'booking.appointments');
		const r = await srv.get(`/api/v1/stats/export.xlsx?${q}`, { headers: staff });
		assert.equal(r.status, 200, r.text.slice(0, 300));
		assert.match(String(r.headers['content-type']), /^application\/vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet/);
		const file = path.join(os.tmpdir(), `figures-${process.pid}.xlsx`);
		fs.writeFileSync(file, r.body);
		const py = [
			'import json, sys, openpyxl',
			'wb = openpyxl.load_workbook(sys.argv[1])',
			'out = {"sheets": wb.sheetnames, "summary": [[c.value for c in row] for row in wb["summary"].iter_rows(min_row=2)]}',
			'ws = [wb[n] for n in wb.sheetnames if n.endswith("booking.appointments")][0]',
			'out["head"] = [c.value for c in ws[1]]',
			'out["first"] = [c.value.isoformat() if hasattr(c.value, "isoformat") else c.value for c in ws[2]]',
			'out["types"] = [type(c.value).__name__ for c in ws[2]]',
			'print(json.dumps(out))',
		].join('\n');
		const x = JSON.parse(execFileSync(PYTHON, ['-c', py, file], { encoding: 'utf8' }));
		fs.unlinkSync(file);
		assert.equal(x.sheets[0], 'summary');
		assert.ok(x.sheets.some((n) => n.endsWith('booking.procedures')), 'every theme in one workbook');
		for (const k of Object.keys(made)) {
			const line = x.summary.find((l) => l[0] === 'booking.appointments' && l[1] === k);
			assert.deepEqual(line, ['booking.appointments', k, j.totals[k], j.previous_totals[k]], k);
		}
		assert.deepEqual(x.head.slice(0, 3), ['Període', 'Reservades', 'Ateses']);
		assert.equal(x.first[0], `${day}T00:00:00`);
		assert.equal(x.types[0], 'datetime');
		assert.equal(x.types[1], 'int');
		assert.equal(x.first[1], j.totals.booked);
	});

	it('the page: filters, totals, an SVG chart with its title and the data table', async () => {
		const r = await srv.get(`/figures/attendance?${q}`, { jar: coord.jar });
		L.assertHtml(r, 200, 'GET /figures/attendance');
		assert.match(r.text, /<svg [^>]*role="img" aria-labelledby="fg-0-t fg-0-d"><title id="fg-0-t">Cites<\/title>/);
		assert.match(r.text, /<caption>Dades: Cites<\/caption>/);
		assert.match(r.text, new RegExp(`<option value="${OFFICE}" selected>`));
		const en = await srv.get(`/figures/people?${q}&lang=en`, { jar: coord.jar, headers: { 'Accept-Language': 'en' } });
		L.assertHtml(en, 200, 'GET /figures/people');
		const idx = await srv.get('/figures', { jar: coord.jar });
		L.assertHtml(idx, 200, 'GET /figures');
		assert.match(idx.text, /href="\/figures\/capacity"/);
	});
});

describe('figures: deferred requests counted by their own provider', () => {
	it('received, answered within the SLA, by source; the key stat; an office filter leaves them out', async () => {
		const today = madridDate(0);
		const qq = `from=${today}&to=${today}`;
		const before = fig(await figures('attendance', qq), 'requests.requests');
		const stats0 = (await srv.get(`/api/v1/stats/attendance?${qq}`, { headers: staff })).json();
		const made = [];
		for (const text of ['Quin horari té l\'OAC?', 'Com renovo el NIE?']) {
			const r = await srv.request('POST', '/api/v1/requests', {
				body: { topic: 'info', text, name: 'Marc Roig', email: 'marc.roig@example.org', answer_by: 'email', lang: 'ca' },
			});
			assert.equal(r.status, 201, r.text);
			made.push(r.json());
		}
		for (const [action, body] of [['assign', {}], ['answer', { channel: 'email', text: 'Dilluns a divendres, de 9 a 14 h.' }]]) {
			const r = await srv.request('POST', `/api/v1/requests/${made[0].code}/${action}`, { headers: informer, body });
			assert.equal(r.status, 200, r.text);
		}
		const f = fig(await figures('attendance', qq), 'requests.requests');
		assert.equal(f.capability, 'requests');
		assert.equal(f.totals.received, before.totals.received + 2);
		assert.equal(f.totals.answered, before.totals.answered + 1);
		assert.equal(f.totals.within_sla, before.totals.within_sla + 1);
		assert.equal(f.totals.late, before.totals.late);
		const web = (g) => g.by_office_channel.find((x) => x.channel === 'web') || { received: 0 };
		assert.equal(web(f).received, web(before).received + 2);
		const stats = (await srv.get(`/api/v1/stats/attendance?${qq}`, { headers: staff })).json();
		assert.equal(stats.totals.requests, (stats0.totals.requests || 0) + 2);
		assert.equal(fig(await figures('attendance', `${qq}&office=${OFFICE}`), 'requests.requests').skipped, true);
	});
});

describe('the monthly report: last month\'s figures by mail, once per address', () => {
	it('two messages in the outbox with the numbers of the API and a link to a page that exists', async () => {
		const now = madridDate(0);
		const y = Number(now.slice(0, 4)), m = Number(now.slice(5, 7));
		const first = m === 1 ? `${y - 1}-12-01` : `${y}-${String(m - 1).padStart(2, '0')}-01`;
		const last = addDays(`${now.slice(0, 7)}-01`, -1);
		const key = `figures-monthly:${first.slice(0, 7)}:`;
		await L.waitFor(() => sql(`SELECT COUNT(*) FROM outbox WHERE kind = 'figures_monthly'`) === '2', 10000, 'the report queued');
		assert.equal(sql(`SELECT to_email FROM outbox WHERE kind = 'figures_monthly' ORDER BY to_email`), 'direccio@vilamar.example\nestadistica@vilamar.example');
		assert.equal(sql(`SELECT COUNT(*) FROM outbox WHERE dedupe_key LIKE '${key}%'`), '2');
		const body = sql(`SELECT body_text FROM outbox WHERE dedupe_key = '${key}direccio@vilamar.example'`);
		const j = fig(await figures('attendance', `from=${first}&to=${last}&group=month`), 'booking.appointments');
		// Compared with the calendar month before, as in the PDF attached.
		const pfirst = `${addDays(first, -1).slice(0, 7)}-01`;
		const pj = fig(await figures('attendance', `from=${pfirst}&to=${addDays(first, -1)}&group=month`), 'booking.appointments');
		assert.match(body, new RegExp(`${first} – ${last}`));
		assert.match(body, new RegExp(`Cites\\n  Reservades: ${j.totals.booked} \\(abans ${pj.totals.booked}\\)\\n  Ateses: ${j.totals.attended} \\(abans ${pj.totals.attended}\\)`));
		assert.match(body, new RegExp(`va adjunta: figures-${first.slice(0, 7)}\\.pdf`));
		assert.equal(sql(`SELECT COUNT(*) FROM outbox WHERE dedupe_key LIKE '${key}%' AND attachment_name = 'figures-${first.slice(0, 7)}.pdf' AND attachment_type = 'application/pdf'`), '2');
		const link = body.match(/https?:\/\/\S+\/figures\/attendance\?\S+/);
		assert.ok(link, 'a link to the month');
		const page = await srv.get(link[0].replace(/^https?:\/\/[^/]+/, ''), { jar: coord.jar });
		assert.equal(page.status, 200);
	});
});

describe('figures: who may see them, and bad filters', () => {
	it('coordinators and admins only', async () => {
		L.assertJsonError(await srv.get('/api/v1/figures/attendance'), 401, 'unauthorized');
		L.assertJsonError(await srv.get('/api/v1/figures/attendance', { headers: informer }), 403, 'forbidden');
		const admin = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.admin)}` };
		assert.equal((await srv.get('/api/v1/figures/attendance', { headers: admin })).status, 200);
		assert.equal((await srv.get('/figures/attendance')).status, 303, 'anonymous visitors go to sign in');
	});

	it('bad dates, a reversed or too long period, odd codes, an unknown group or theme', async () => {
		const bad = async (qs, field) => {
			const e = L.assertJsonError(await srv.get(`/api/v1/figures/attendance?${qs}`, { headers: staff }), 422, 'bad_filter', qs);
			assert.equal(e.field, field, qs);
		};
		await bad('from=2026-13-01', 'from');
		await bad('from=2026-02-30&to=2026-03-01', 'from');
		await bad('to=yesterday', 'to');
		await bad('from=2026-03-02&to=2026-03-01', 'to');
		await bad('from=2020-01-01&to=2026-01-01', 'to');
		await bad("office=x'%3BDROP", 'office');
		await bad(`procedure=${'a'.repeat(65)}`, 'procedure');
		await bad('group=year', 'group');
		L.assertJsonError(await srv.get('/api/v1/figures/nothing', { headers: staff }), 404, 'not_found');
		const page = await srv.get('/figures/attendance?from=2026-13-01&lang=ca', { jar: coord.jar });
		L.assertHtml(page, 422, 'a bad date on the page');
		assert.match(page.text, /role="alert"/);
		assert.match(page.text, /La data d&#39;inici ha de ser AAAA-MM-DD\./);
	});
});

describe('figures: a failing database call is a 503, never a crash or a wrong figure', () => {
	// Every read route, with each of its database calls failing in turn.
	const ROUTES = [
		{ path: '/api/v1/figures/attendance?from=2026-01-01&to=2026-01-31', auth: () => ({ headers: staff }), json: true },
		{ path: '/api/v1/stats/attendance?from=2026-01-01&to=2026-01-31', auth: () => ({ headers: staff }), json: true },
		{ path: '/figures/capacity?from=2026-01-01&to=2026-01-31', auth: () => ({ jar: coord.jar }) },
		{ path: '/figures/procedures/export.csv?from=2026-01-01&to=2026-01-31', auth: () => ({ jar: coord.jar }) },
		{ path: '/api/v1/stats/export.xlsx?from=2026-01-01&to=2026-01-31', auth: () => ({ headers: staff }), json: true },
		{ path: '/api/v1/open-data/daily.json?from=2026-01-01&to=2026-01-02', auth: () => ({}), json: true },
		{ path: '/figures/report.pdf?month=2026-01', auth: () => ({ jar: coord.jar }), pdf: true },
	];
	// the same answer but for the CSRF token, masked anew on every page
	const same = (a, b) => a.replace(/\b[0-9a-f]{64,}\b/g, 'T') === b.replace(/\b[0-9a-f]{64,}\b/g, 'T');
	for (const rt of ROUTES) {
		it(rt.path.split('?')[0], async () => {
			const clean = await srv.get(rt.path, { ...rt.auth(), headers: { ...(rt.auth().headers || {}), 'X-Fault-Db-Call': '0' } });
			assert.equal(clean.status, 200, clean.text.slice(0, 300));
			assert.equal(clean.headers['x-fault-db'], 'unfired');
			const calls = Number(clean.headers['x-fault-db-calls']);
			assert.ok(calls >= 1, `${calls} database calls`);
			let failed = 0;
			for (let n = 1; n <= calls; n++) {
				const r = await srv.get(rt.path, { ...rt.auth(), headers: { ...(rt.auth().headers || {}), 'X-Fault-Db-Call': String(n) } });
				assert.equal(r.headers['x-fault-db'], 'fired', `call ${n} of ${calls}`);
				// 503, or the clean answer when the failed call was one whose failure is handled
				// (a cache refresh of the page's layout): never a wrong figure
				if (r.status === 503) failed++;
				// (a PDF carries the instant it was drawn: the same length within a few bytes instead)
				const ok = rt.pdf && r.status === 200 ? Math.abs(r.body.length - clean.body.length) < 64 : same(r.text, clean.text);
				assert.ok(r.status === 503 || ok, `call ${n} of ${calls}: ${r.status} ${r.text.slice(0, 200)}`);
				if (r.status === 200 && rt.pdf) assert.equal(r.headers['content-type'], 'application/pdf');
				else assert.match(String(r.headers['content-type']), rt.json ? /^application\/json/ : /^text\/(html|csv)/);
			}
			assert.ok(failed >= 1, 'the figures\' own calls fail the request');
		});
	}
});

describe('open data: counts per day, office and channel, small ones suppressed', () => {
	const day = madridDate(-730);
	const t = Math.floor(Date.parse(`${day}T10:00:00Z`) / 1000);
	let n = 0;
	const insert = (channel, status, k) => {
		for (let i = 0; i < k; i++, n++)
			sql(`INSERT INTO appointments (code, token_hash, office_id, procedure_id, channel, start_at, end_at, status, name, id_type, id_number, created_at, updated_at)
			     SELECT 'FG${String(n).padStart(6, '0')}', 'fg-${n}', o.id, p.id, '${channel}', ${t}, ${t + 900}, '${status}', 'Persona', 'dni', 'X${n}', ${t - 86400}, ${t - 86400}
			     FROM offices o, procedures p WHERE o.code = '${OFFICE}' AND p.code = '${SERVICE}'`);
	};

	before(async () => {
		const f = fig(await figures('attendance', `from=${day}&to=${day}`), 'booking.appointments');
		assert.equal(f.totals.booked, 0, 'nothing else on that day');
		insert('in_person', 'done', 6); // 9 in person: 6 attended, 1 no-show, 2 cancelled
		insert('in_person', 'no_show', 1);
		insert('in_person', 'cancelled', 2);
		insert('phone', 'done', 7); // 8 by phone: 7 attended, 1 no-show
		insert('phone', 'no_show', 1);
	});

	it('JSON: public, the counts of the day, those under min_cell as null', async () => {
		const r = await srv.get(`/api/v1/open-data/daily.json?from=${day}&to=${day}`);
		assert.equal(r.status, 200, r.text);
		const j = r.json();
		assert.equal(j.min_cell, 5);
		const cell = (channel, measure) => j.rows.find((x) => x.date === day && x.office === OFFICE && x.channel === channel && x.figure === 'booking.appointments' && x.measure === measure);
		assert.equal(cell('in_person', 'booked').count, 9);
		assert.equal(cell('in_person', 'attended').count, 6);
		assert.equal(cell('in_person', 'no_show').count, null, '1 < 5');
		assert.equal(cell('in_person', 'cancelled').count, null, '2 < 5');
		assert.equal(cell('phone', 'booked').count, 8);
		assert.equal(cell('phone', 'no_show').count, null);
		// one hidden cell alone would be booked − attended: the next smallest goes too
		assert.equal(cell('phone', 'attended').count, null);
		assert.equal(cell('phone', 'cancelled').count, 0);
		assert.ok(!j.rows.some((x) => 'name' in x || 'id_number' in x));
	});

	it('CSV: the same cells, suppressed ones empty', async () => {
		const r = await srv.get(`/api/v1/open-data/daily.csv?from=${day}&to=${day}&office=${OFFICE}`);
		assert.equal(r.status, 200, r.text);
		const lines = r.text.trim().split('\r\n');
		assert.equal(lines[0], 'date,office,channel,figure,measure,count');
		assert.ok(lines.includes(`${day},${OFFICE},in_person,booking.appointments,booked,9`));
		assert.ok(lines.includes(`${day},${OFFICE},in_person,booking.appointments,no_show,`));
		assert.ok(lines.includes(`${day},${OFFICE},phone,booking.appointments,attended,`));
	});

	it('finished days only; bad dates are a 422; a client over the rate limit gets 429', async () => {
		const e = L.assertJsonError(await srv.get(`/api/v1/open-data/daily.json?from=${madridDate(0)}&to=${madridDate(0)}`), 422, 'bad_filter');
		assert.equal(e.field, 'open_to');
		L.assertJsonError(await srv.get('/api/v1/open-data/daily.csv?from=nope'), 422, 'bad_filter');
		let last;
		for (let i = 0; i < 25; i++) last = await srv.get(`/api/v1/open-data/daily.json?from=${day}&to=${day}`);
		L.assertJsonError(last, 429, 'rate_limited');
		assert.ok(Number(last.headers['retry-after']) > 0);
	});
});
