'use strict';
// Digital accompaniment's figures (docs/figures.md, "Digital accompaniment's figures"): sessions
// recorded through the ICT API at a facility today, then read back: the sessions and minutes
// (before/after counts; the `ict` key of GET /api/v1/stats/attendance), and the evaluation's
// figures, which must be those of GET /api/v1/ict/evaluation for the same period and facility
// (taken from the evaluation, not counted again).
const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib/server.js');

const srv = L.useServer({ env: { FINESTRETA_JOBS_INTERVAL: '3600' } });
const OFFICE = 'biblioteca-josep-pla';
const ID = (n) => L.dni(72500000 + n);
let agent, staff;

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

async function session(n, minutes, assessment, procedures = [{ service: 'volant-individual', mode: 'with' }], tools = ['email']) {
	const r = await srv.request('POST', '/api/v1/ict/sessions', {
		headers: agent,
		body: { office: OFFICE, person: { name: `Persona ${n}`, id_number: ID(n), age_band: '65_74', gender: 'female', consent: false },
			procedures, tools, minutes, next: 'autonomous', assessment },
	});
	assert.equal(r.status, 201, r.text);
}

before(async () => {
	await srv.ready();
	agent = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.ict_agent)}` };
	staff = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.coordinator)}` };
});

describe('figures: digital accompaniment', () => {
	const today = L.madridDate(0);
	const q = `from=${today}&to=${today}&office=${OFFICE}`;
	let base, baseStat;

	before(async () => {
		base = fig(await figures('attendance', q), 'ict.sessions');
		baseStat = (await srv.get(`/api/v1/stats/attendance?${q}`, { headers: staff })).json();
		await session(1, 30, { moment: 'before', eprocedures: 0, email: 0 });
		await session(1, 45, { moment: 'after', eprocedures: 2, email: 2 }, [{ service: 'volant-individual', mode: 'taught' }], ['email', 'digital_id']);
		await session(2, 20, undefined, [{ other: 'SEPE', mode: 'for' }], []);
	});

	it('sessions and minutes of the day at the facility', async () => {
		const f = fig(await figures('attendance', q), 'ict.sessions');
		assert.equal(f.capability, 'ict');
		assert.deepEqual(f.columns, ['sessions', 'minutes']);
		assert.equal(f.totals.sessions, base.totals.sessions + 3);
		assert.equal(f.totals.minutes, base.totals.minutes + 95);
		assert.equal(f.by_office_channel.find((s) => s.office === OFFICE).sessions, f.totals.sessions);
		const r = await srv.get(`/api/v1/stats/attendance?${q}`, { headers: staff });
		assert.equal(r.json().totals.ict, (baseStat.totals.ict || 0) + 3);
	});

	it('the evaluation\'s figures are the evaluation\'s own', async () => {
		const ev = (await srv.get(`/api/v1/ict/evaluation?${q}`, { headers: staff })).json();
		assert.ok(ev.with_both >= 1 && ev.people >= 2, JSON.stringify(ev));
		const f = fig(await figures('people', q), 'ict.evaluation');
		assert.equal(row(f, 'ict_fig_people').people, ev.people);
		assert.equal(row(f, 'ict_fig_new_people').people, ev.new);
		assert.equal(row(f, 'ict_fig_with_both').people, ev.with_both);
		assert.equal(row(f, 'ict_fig_low_before').people, ev.low_before);
		assert.equal(row(f, 'ict_fig_low_after').people, ev.low_after);
		const how = fig(await figures('procedures', q), 'ict.how');
		assert.deepEqual(how.columns, ['procedures', 'sessions']);
		for (const m of ['for', 'with', 'taught']) assert.equal(row(how, `ict_mode_${m}`).procedures, ev.procedures[m], m);
		for (const t of ['email', 'digital_id', 'pdf']) assert.equal(row(how, `ict_tool_${t}`).sessions, ev.tools[t], t);
		assert.ok(row(how, 'ict_tool_email').sessions >= 2);
		// another facility's figures do not have them
		const other = fig(await figures('people', `from=${today}&to=${today}&office=casal-sant-pere`), 'ict.evaluation');
		const evOther = (await srv.get(`/api/v1/ict/evaluation?from=${today}&to=${today}&office=casal-sant-pere`, { headers: staff })).json();
		assert.equal(row(other, 'ict_fig_people').people, evOther.people);
	});

	it('the pages show them, translated', async () => {
		const { jar } = await srv.loginOk(L.DEMO_USERS.coordinator);
		for (const [theme, text] of [['attendance', 'Sessions d&#39;acompanyament digital'], ['people', 'Persones acompanyades'], ['procedures', 'Fet junts']]) {
			const page = await srv.get(`/figures/${theme}?${q}`, { jar });
			L.assertHtml(page, 200);
			assert.ok(page.text.includes(text) || page.text.includes(text.replace('&#39;', "'")), `${theme}: ${text}`);
		}
	});
});
