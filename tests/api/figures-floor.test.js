'use strict';
// The office floor's figures (docs/figures.md, "The floor's figures"): tickets issued at the
// welcome desk's page and through the API at mar-blava (which the demo leaves empty), served at a
// desk and left as no-shows, then read back in the attendance and people themes, filtered by
// office and by zone, and in GET /api/v1/stats/attendance. The counts asserted are differences
// between before and after, except the times per zone, whose instants the fixture sets (a wait of
// minutes cannot be waited for in a test) on tickets that went through the desk for real.
const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib/server.js');

const srv = L.useServer({ env: { FINESTRETA_FLOOR_RATE_PUBLIC: '0', FINESTRETA_JOBS_INTERVAL: '3600' } });
const OFFICE = 'mar-blava';
const sql = (q) => L.sql(srv.db, q);
let admin, coord, staff;

async function figures(theme, qs) {
	const r = await srv.get(`/api/v1/figures/${theme}?${qs}`, { headers: staff });
	assert.equal(r.status, 200, r.text.slice(0, 400));
	return r.json();
}
const fig = (j, name) => {
	const f = j.figures.find((x) => x.name === name);
	assert.ok(f, `figure ${name} in ${j.figures.map((x) => x.name)}`);
	return f;
};
const row = (f, label) => f.rows.find((x) => x.label === label) || {};
const post = (p, body) => srv.request('POST', p, { headers: admin, body });
async function actOk(id, action, body) {
	const r = await post(`/api/v1/tickets/${id}/${action}`, body);
	assert.equal(r.status, 200, `${action}: ${r.text}`);
	return r.json();
}
// A ticket issued on the welcome desk's page (channel "welcome"): its id, from the redirect.
async function welcomeIssue(fields) {
	const r = await srv.request('POST', '/floor/welcome', {
		jar: coord.jar,
		headers: L.FORM,
		body: L.formBody({ _csrf: coord.csrf, office: OFFICE, lang: 'ca', ...fields }),
	});
	assert.equal(r.status, 303, r.text.slice(0, 300));
	const m = r.headers.location.match(/\/floor\/welcome\/ticket\/(\d+)\?token=/);
	assert.ok(m, r.headers.location);
	return Number(m[1]);
}
// Calls the next ticket at the desk, which must be `id`.
async function callNext(desk, id) {
	const r = await post(`/api/v1/offices/${OFFICE}/desks/${desk}/call-next`);
	assert.equal(r.status, 200, r.text);
	assert.equal(r.json().id, id);
}

before(async () => {
	await srv.ready();
	admin = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.admin)}` };
	staff = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.coordinator)}` };
	coord = await srv.loginOk(L.DEMO_USERS.admin);
});

describe('figures: the office floor', () => {
	const today = L.madridDate(0);
	const q = `from=${today}&to=${today}&office=${OFFICE}`;
	let base, baseZone, baseRouting, baseProfile, baseStat, baseCells, ids;

	before(async () => {
		base = fig(await figures('attendance', q), 'floor.tickets');
		baseZone = fig(await figures('attendance', `${q}&zone=assistida`), 'floor.tickets');
		baseRouting = fig(await figures('people', q), 'floor.routing');
		baseProfile = fig(await figures('people', q), 'floor.profile');
		baseStat = (await srv.get(`/api/v1/stats/attendance?${q}`, { headers: staff })).json();
		baseCells = (await srv.get(`/api/v1/stats/profile?${q}`, { headers: staff })).json();
		assert.equal(fig(await figures('attendance', q), 'floor.times').rows.length, 0, 'no calls at mar-blava yet');
		// four tickets at assistida (three from the welcome page, one through the API), one at autoservei
		ids = [
			await welcomeIssue({ zone: 'assistida', age_band: 'over_50', gender: 'woman' }),
			await welcomeIssue({ zone: 'assistida', age_band: 'under_30', gender: 'man' }),
			await welcomeIssue({ zone: 'assistida', age_band: 'over_50', gender: 'woman' }),
			await welcomeIssue({ zone: 'autoservei', age_band: '30_50', gender: 'not_stated' }),
		];
		const api = await post(`/api/v1/offices/${OFFICE}/tickets`, { zone: 'assistida' });
		assert.equal(api.status, 201, api.text);
		ids.push(api.json().id);
		// served: the first two at assistida; the third is called and not there; the API's waits
		for (const id of ids.slice(0, 2)) {
			await callNext('taula-1', id);
			await actOk(id, 'start');
			await actOk(id, 'finish', {});
		}
		await callNext('taula-1', ids[2]);
		assert.equal((await actOk(ids[2], 'no-show')).status, 'no_show');
		// autoservei's, called by its number and served
		const number = sql(`SELECT number FROM floor_tickets WHERE id = ${ids[3]}`);
		const r = await post(`/api/v1/offices/${OFFICE}/desks/taula-1/call`, { number });
		assert.equal(r.status, 200, r.text);
		await actOk(ids[3], 'start');
		await actOk(ids[3], 'finish', {});
		// the instants of the three calls at assistida: waits of 60, 300 and 900 s, services of
		// 120 and 600 s (the two served); autoservei's: a wait of 30 s and a service of 45 s
		const at = Math.floor(Date.now() / 1000) - 7200;
		const times = [[60, 120], [300, 600], [900, null], [30, 45]];
		times.forEach(([wait, service], i) =>
			sql(
				`UPDATE floor_tickets SET issued_at = ${at}, called_at = ${at + wait}` +
					(service === null ? '' : `, started_at = ${at + wait}, finished_at = ${at + wait + service}`) +
					` WHERE id = ${ids[i]}`
			)
		);
	});

	it('tickets: issued, served and abandoned of the day, by office and channel', async () => {
		const f = fig(await figures('attendance', q), 'floor.tickets');
		assert.equal(f.capability, 'floor');
		assert.equal(f.kind, 'series');
		assert.deepEqual(f.columns, ['issued', 'served', 'abandoned']);
		assert.equal(f.totals.issued, base.totals.issued + 5);
		assert.equal(f.totals.served, base.totals.served + 3);
		assert.equal(f.totals.abandoned, base.totals.abandoned + 1);
		assert.equal(f.series.length, 1);
		assert.equal(f.series[0].period, today);
		const split = (g, ch) => g.by_office_channel.find((s) => s.office === OFFICE && s.channel === ch) || { issued: 0 };
		assert.equal(split(f, 'welcome').issued, split(base, 'welcome').issued + 4);
		assert.equal(split(f, 'api').issued, split(base, 'api').issued + 1);
	});

	it('tickets honour the zone filter: autoservei\'s ticket is not counted at assistida', async () => {
		const f = fig(await figures('attendance', `${q}&zone=assistida`), 'floor.tickets');
		assert.equal(f.skipped, false);
		assert.equal(f.totals.issued, baseZone.totals.issued + 4);
		assert.equal(f.totals.served, baseZone.totals.served + 2);
		// booking's appointments belong to no zone: left out, and said so
		assert.equal(fig(await figures('attendance', `${q}&zone=assistida`), 'booking.appointments').skipped, true);
	});

	it('stats/attendance: tickets served per period', async () => {
		const r = await srv.get(`/api/v1/stats/attendance?${q}`, { headers: staff });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json().totals.tickets, (baseStat.totals.tickets || 0) + 3);
	});

	it('times: wait and service p50 and p90 per zone (nearest rank)', async () => {
		const f = fig(await figures('attendance', `${q}&lang=en`), 'floor.times');
		assert.deepEqual(f.columns, ['wait_p50_s', 'wait_p90_s', 'service_p50_s', 'service_p90_s']);
		assert.equal(f.rows.length, 2, JSON.stringify(f.rows));
		const zone = (g, code) => g.rows.find((x) => x.label === `mar-blava · ${sql(`SELECT z.name_en FROM zones z JOIN offices o ON o.id = z.office_id WHERE o.code = '${OFFICE}' AND z.code = '${code}'`)}`);
		assert.deepEqual(zone(f, 'assistida'), { label: zone(f, 'assistida').label, wait_p50_s: 300, wait_p90_s: 900, service_p50_s: 120, service_p90_s: 600, previous: { wait_p50_s: 0, wait_p90_s: 0, service_p50_s: 0, service_p90_s: 0 } });
		assert.equal(zone(f, 'autoservei').wait_p50_s, 30);
		assert.equal(zone(f, 'autoservei').wait_p90_s, 30);
		assert.equal(zone(f, 'autoservei').service_p50_s, 45);
		assert.equal(zone(f, 'autoservei').service_p90_s, 45);
		const other = fig(await figures('attendance', `${q}&zone=autoservei&lang=en`), 'floor.times');
		assert.equal(other.rows.length, 1, 'the zone filter keeps autoservei only');
		assert.equal(other.rows[0].service_p90_s, 45);
	});

	it('routing: where the welcome desk sent the people who arrived', async () => {
		const f = fig(await figures('people', q), 'floor.routing');
		assert.deepEqual(f.columns, ['tickets']);
		const d = (label) => (row(f, label).tickets || 0) - (row(baseRouting, label).tickets || 0);
		assert.equal(d('fl_fig_route_assisted'), 3, 'the API ticket is not a welcome routing');
		assert.equal(d('fl_fig_route_self_service'), 1);
		assert.equal(d('fl_fig_route_appointment'), 0);
	});

	it('profile: age band × gender of the tickets issued', async () => {
		const f = fig(await figures('people', q), 'floor.profile');
		assert.deepEqual(f.columns, ['woman', 'man', 'other', 'not_stated', 'unknown']);
		const d = (label, g) => (row(f, label)[g] || 0) - (row(baseProfile, label)[g] || 0);
		assert.equal(d('fl_fig_age_over_50', 'woman'), 2);
		assert.equal(d('fl_fig_age_under_30', 'man'), 1);
		assert.equal(d('fl_fig_age_30_50', 'not_stated'), 1);
		assert.equal(d('fl_fig_age_unknown', 'unknown'), 1, 'the API ticket asked nothing');
		assert.equal(d('fl_fig_age_over_50', 'man'), 0);
	});

	it('the pages: attendance and people of the office, their labels translated', async () => {
		const { jar } = await srv.loginOk(L.DEMO_USERS.coordinator);
		let page = await srv.get(`/figures/attendance?${q}`, { jar });
		L.assertHtml(page, 200);
		assert.ok(page.text.includes('Tiquets de torn') && page.text.includes('Acollida'), 'the figure and its channel');
		page = await srv.get(`/figures/people?${q}&lang=en`, { jar });
		L.assertHtml(page, 200);
		assert.ok(page.text.includes('Self-service') && page.text.includes('Over 50'), 'the routing and the age bands');
	});

	it('stats/profile: the arrivals by age band × gender', async () => {
		const r = await srv.get(`/api/v1/stats/profile?${q}`, { headers: staff });
		assert.equal(r.status, 200, r.text);
		const j = r.json();
		assert.equal(j.from, today);
		assert.equal(j.office, OFFICE);
		const cell = (x, band, gender) => (x.counts.find((c) => c.age_band === band && c.gender === gender) || { count: 0 }).count;
		assert.equal(cell(j, 'over_50', 'woman'), cell(baseCells, 'over_50', 'woman') + 2);
		assert.equal(cell(j, 'under_30', 'man'), cell(baseCells, 'under_30', 'man') + 1);
		assert.equal(cell(j, '30_50', 'not_stated'), cell(baseCells, '30_50', 'not_stated') + 1);
		assert.equal(cell(j, 'unknown', 'unknown'), cell(baseCells, 'unknown', 'unknown') + 1);
		assert.equal(cell(j, 'over_50', 'man'), cell(baseCells, 'over_50', 'man'));
		assert.equal(j.total, baseCells.total + 5);
		assert.equal(j.by_gender.woman, baseCells.by_gender.woman + 2);
		const informer = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.informer)}` };
		L.assertJsonError(await srv.get(`/api/v1/stats/profile?${q}`, { headers: informer }), 403, 'forbidden');
		L.assertJsonError(await srv.get(`/api/v1/stats/profile?from=2026-13-01`, { headers: staff }), 422, 'bad_filter');
	});
});
