'use strict';
// The chat's figures (docs/figures.md, "The chat's figures"): conversations started on the
// portal through the chat API, one taken and closed by an informer, one left by the citizen
// before anyone took it, one still waiting, then read back in the attendance theme by office and
// procedure, and as the `chats` key of GET /api/v1/stats/attendance. Counts are differences
// between before and after.
const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib/server.js');

const SERVICE = 'volant-individual';
const srv = L.useServer({
	env: { FINESTRETA_CHAT_MAX_PER_CLIENT: '100', FINESTRETA_CHAT_RATE_START: '0', FINESTRETA_CHAT_RATE_MESSAGES: '0', FINESTRETA_JOBS_INTERVAL: '3600' },
});
let staff, informer;

async function figures(qs) {
	const r = await srv.get(`/api/v1/figures/attendance?${qs}`, { headers: staff });
	assert.equal(r.status, 200, r.text.slice(0, 400));
	const f = r.json().figures.find((x) => x.name === 'chat.chats');
	assert.ok(f, 'chat.chats');
	return f;
}
async function started(name) {
	const r = await srv.request('POST', '/api/v1/chats', { body: { service: SERVICE, name, lang: 'ca', text: 'Hola, una pregunta' } });
	assert.equal(r.status, 201, r.text);
	return r.json();
}

before(async () => {
	await srv.ready();
	staff = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.coordinator)}` };
	informer = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.informer)}` };
});

describe('figures: the chat', () => {
	const today = L.madridDate(0);
	let q, base, baseOther, baseStat, office;

	before(async () => {
		const first = await started('Primera Persona');
		office = L.sql(srv.db, `SELECT o.code FROM chats c JOIN offices o ON o.id = c.office_id WHERE c.id = ${first.id}`);
		q = `from=${today}&to=${today}&office=${office}`;
		// the counts before the other two (the first is counted from here on)
		base = await figures(q);
		baseOther = await figures(`${q}&procedure=ibi`);
		baseStat = (await srv.get(`/api/v1/stats/attendance?${q}`, { headers: staff })).json();
		let r = await srv.request('POST', `/api/v1/chats/${first.id}/take`, { headers: informer });
		assert.equal(r.status, 200, r.text);
		r = await srv.request('POST', `/api/v1/chats/${first.id}/close`, { headers: informer, body: { outcome: 'resolved' } });
		assert.equal(r.status, 200, r.text);
		const left = await started('Segona Persona');
		r = await srv.request('POST', `/api/v1/chats/${left.id}/close?token=${left.token}`, { body: {} });
		assert.equal(r.status, 200, r.text);
		await started('Tercera Persona');
	});

	it('chats: received, answered and abandoned of the day, at the virtual office', async () => {
		const f = await figures(q);
		assert.equal(f.capability, 'chat');
		assert.equal(f.kind, 'series');
		assert.deepEqual(f.columns, ['received', 'answered', 'abandoned']);
		assert.equal(f.totals.received, base.totals.received + 2, 'the two started after the first reading');
		assert.equal(f.totals.answered, base.totals.answered + 1);
		assert.equal(f.totals.abandoned, base.totals.abandoned + 1);
		const split = f.by_office_channel.find((s) => s.office === office && s.channel === 'chat');
		assert.equal(split.received, f.totals.received);
		const other = await figures(`${q}&procedure=ibi`);
		assert.equal(other.totals.received, baseOther.totals.received, 'another procedure: none of these');
	});

	it('stats/attendance: chats answered per period', async () => {
		const r = await srv.get(`/api/v1/stats/attendance?${q}`, { headers: staff });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json().totals.chats, (baseStat.totals.chats || 0) + 1);
	});

	it('the attendance page shows it', async () => {
		const { jar } = await srv.loginOk(L.DEMO_USERS.coordinator);
		const page = await srv.get(`/figures/attendance?${q}`, { jar });
		L.assertHtml(page, 200);
		assert.ok(page.text.includes('Converses de xat') && page.text.includes('Xat'));
	});
});
