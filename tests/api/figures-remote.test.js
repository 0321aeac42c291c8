'use strict';
// Remote attention's figures (docs/figures.md, "Remote attention's figures"): phone call-backs
// made by the informer on the case pages (answered, unanswered, a wrong number) and the demo's
// open video room entered by the citizen and closed with its outcome, then read back in the
// attendance theme (split by channel: phone, video), filtered by channel, and as the `remote` key
// of GET /api/v1/stats/attendance. Counts are differences between before and after.
const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib/server.js');

const srv = L.useServer({
	env: {
		FINESTRETA_BOOKING_PROOF_OF_WORK: 'off',
		FINESTRETA_BOOKING_RATE_BOOKING: '0',
		FINESTRETA_BOOKING_RATE_AVAILABILITY: '0',
		FINESTRETA_JOBS_INTERVAL: '3600',
	},
});
const person = L.people({ from: 93000, random: 100000, name: 'Persona Remota', email: 'remota' });
let staff, inf;

async function figures(qs) {
	const r = await srv.get(`/api/v1/figures/attendance?${qs}`, { headers: staff });
	assert.equal(r.status, 200, r.text.slice(0, 400));
	const f = r.json().figures.find((x) => x.name === 'remote.calls');
	assert.ok(f, 'remote.calls');
	return f;
}
const split = (f, ch) => f.by_office_channel.find((s) => s.channel === ch) || { attended: 0, no_answer: 0, wrong_number: 0 };

async function bookPhone() {
	const r = await srv.get(`/api/v1/availability?service=ibi&channel=phone&from=${L.madridDate(0)}&to=${L.madridDate(60)}`);
	const start = r.json().days.flatMap((d) => d.slots.filter((s) => s.free > 0).map((s) => s.start))[0];
	const b = await srv.request('POST', '/api/v1/appointments', { body: { service: 'ibi', channel: 'phone', start, ...person() } });
	assert.equal(b.status, 201, b.text);
	return b.json().code;
}
async function attempt(code, outcome) {
	const r = await srv.postForm(`/remote/${code}/attempt`, { outcome }, { jar: inf.jar, csrf: inf.csrf });
	assert.equal(r.status, 303, r.text.slice(0, 300));
}

before(async () => {
	await srv.ready();
	staff = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.coordinator)}` };
	inf = await srv.loginOk(L.DEMO_USERS.informer);
});

describe('figures: remote attention', () => {
	const today = L.madridDate(0);
	const q = `from=${today}&to=${today}`;
	let base, basePhone, baseStat;

	before(async () => {
		base = await figures(q);
		basePhone = await figures(`${q}&channel=phone`);
		baseStat = (await srv.get(`/api/v1/stats/attendance?${q}`, { headers: staff })).json();
		// three call-backs: one unanswered then answered, one to a wrong number
		const a = await bookPhone();
		await attempt(a, 'no_answer');
		await attempt(a, 'attended');
		await attempt(await bookPhone(), 'wrong_number');
		// the demo's open video room: the citizen enters, the informer records what was done
		const m = /video\/([A-Z0-9]{8})\?token=([0-9a-f]{64})/.exec(srv.stdout.text());
		assert.ok(m, 'the demo prints the open room');
		const hello = await srv.request('POST', `/api/v1/appointments/${m[1]}/video/signal?token=${m[2]}`, { body: { kind: 'hello', body: {} } });
		assert.equal(hello.status, 201, hello.text);
		const r = await srv.postForm(`/remote/${m[1]}/outcome`, { procedures: 'Domiciliació de l\'IBI', how: 'with', notes: '' }, { jar: inf.jar, csrf: inf.csrf, formPage: `/remote/${m[1]}` });
		assert.equal(r.status, 303, r.text.slice(0, 300));
	});

	it('calls: attended, no answer, wrong number per day, phone and video apart', async () => {
		const f = await figures(q);
		assert.equal(f.capability, 'remote');
		assert.equal(f.kind, 'series');
		assert.deepEqual(f.columns, ['attended', 'no_answer', 'wrong_number', 'rescheduled']);
		assert.equal(f.totals.attended, base.totals.attended + 2);
		assert.equal(f.totals.no_answer, base.totals.no_answer + 1);
		assert.equal(f.totals.wrong_number, base.totals.wrong_number + 1);
		assert.equal(f.totals.rescheduled, base.totals.rescheduled);
		assert.equal(split(f, 'phone').attended, split(base, 'phone').attended + 1);
		assert.equal(split(f, 'video').attended, split(base, 'video').attended + 1, 'the video call held');
		assert.equal(f.series.length, 1);
		assert.equal(f.series[0].period, today);
	});

	it('the channel filter: phone only', async () => {
		const f = await figures(`${q}&channel=phone`);
		assert.equal(f.skipped, false);
		assert.equal(f.totals.attended, basePhone.totals.attended + 1);
		assert.equal(f.totals.wrong_number, basePhone.totals.wrong_number + 1);
		assert.equal(split(f, 'video').attended, 0);
	});

	it('stats/attendance: remote attentions per period', async () => {
		const r = await srv.get(`/api/v1/stats/attendance?${q}`, { headers: staff });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json().totals.remote, (baseStat.totals.remote || 0) + 2);
	});

	it('the attendance page names both channels', async () => {
		const { jar } = await srv.loginOk(L.DEMO_USERS.coordinator);
		const page = await srv.get(`/figures/attendance?${q}`, { jar });
		L.assertHtml(page, 200);
		assert.ok(page.text.includes('Atenció a distància: trucades i videotrucades') && page.text.includes('Videotrucada'));
	});
});
