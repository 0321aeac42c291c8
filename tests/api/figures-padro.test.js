'use strict';
// The padró's figures (docs/figures.md, "The padró's figures"): certificates issued at a kiosk
// (the code by SMS, through a test SMS gateway on loopback) and at a desk by staff (the ID seen in
// person: through the staff API and the staff page), then read back in the procedures theme, split
// by channel and filtered by it. Counts are differences between before and after.
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib/server.js');
const { smsGateway } = require('./lib/sms.js');

const TOKEN = 'sms-test-token';
const MARTINA = { id_type: 'dni', id_number: '12345678Z', mobile: '+34600000001' };
let gw, srv, staff, kiosk;

before(async () => {
	gw = await smsGateway(TOKEN);
	srv = new L.Server({
		name: 'figures-padro',
		env: {
			FINESTRETA_SMS_GATEWAY_URL: gw.url,
			FINESTRETA_SMS_GATEWAY_TOKEN: TOKEN,
			FINESTRETA_JOBS_INTERVAL: '1',
			FINESTRETA_PADRO_RATE_PER_MINUTE: '0',
		},
	});
	await srv.ready();
	staff = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.coordinator)}` };
	kiosk = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.kiosk)}` };
}, { timeout: 60000 });

after(async () => {
	if (srv) {
		await srv.kill();
		srv.assertNoMissingKeys();
	}
	if (gw) await gw.close();
});

async function figures(qs) {
	const r = await srv.get(`/api/v1/figures/procedures?${qs}`, { headers: staff });
	assert.equal(r.status, 200, r.text.slice(0, 400));
	const f = r.json().figures.find((x) => x.name === 'padro.volants');
	assert.ok(f, 'padro.volants');
	return f;
}
const split = (f, ch) => f.by_office_channel.find((s) => s.channel === ch) || { issued: 0, individual: 0, collective: 0 };
const issue = (body, headers) => srv.request('POST', '/api/v1/padro/volants', { headers, body });

describe('figures: padró certificates', () => {
	let q, base, baseKiosk;

	before(async () => {
		const today = L.madridDate(0);
		q = `from=${today}&to=${today}`;
		base = await figures(q);
		baseKiosk = await figures(`${q}&channel=kiosk`);
		// at the kiosk: the code by SMS, then a collective volant
		const since = gw.messages.length;
		const c = await srv.request('POST', '/api/v1/padro/codes', { headers: kiosk, body: { id_type: MARTINA.id_type, id_number: MARTINA.id_number } });
		assert.equal(c.status, 202, c.text);
		const sms = await gw.next((x) => x.to === MARTINA.mobile && gw.messages.indexOf(x) >= since);
		const code = /\b(\d{6})\b/.exec(sms.text)[1];
		let r = await issue({ id_type: 'dni', id_number: MARTINA.id_number, code, kind: 'collective', lang: 'ca' }, kiosk);
		assert.equal(r.status, 201, r.text);
		// at a desk: through the staff API, and on the staff page
		const informer = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.informer)}` };
		r = await issue({ id_type: 'dni', id_number: MARTINA.id_number, kind: 'individual', lang: 'es' }, informer);
		assert.equal(r.status, 201, r.text);
		const s = await srv.loginOk(L.DEMO_USERS.welcome);
		const page = await srv.postForm('/staff/padro', { id_type: 'dni', id_number: MARTINA.id_number, kind: 'individual', lang: 'ca', seen: '1' }, { jar: s.jar, csrf: s.csrf });
		assert.equal(page.status, 303, page.text.slice(0, 300));
	});

	it('volants: issued, individual and collective, at kiosks and at desks', async () => {
		const f = await figures(q);
		assert.equal(f.capability, 'padro');
		assert.equal(f.kind, 'series');
		assert.deepEqual(f.columns, ['issued', 'individual', 'collective']);
		assert.equal(f.totals.issued, base.totals.issued + 3);
		assert.equal(f.totals.individual, base.totals.individual + 2);
		assert.equal(f.totals.collective, base.totals.collective + 1);
		assert.equal(split(f, 'kiosk').issued, split(base, 'kiosk').issued + 1);
		assert.equal(split(f, 'kiosk').collective, split(base, 'kiosk').collective + 1);
		assert.equal(split(f, 'staff').issued, split(base, 'staff').issued + 2);
	});

	it('the channel filter; an office filter leaves it out', async () => {
		const k = await figures(`${q}&channel=kiosk`);
		assert.equal(k.totals.issued, baseKiosk.totals.issued + 1);
		assert.equal(split(k, 'staff').issued, 0);
		assert.equal((await figures(`${q}&office=centre`)).skipped, true);
	});

	it('the procedures page names the channels', async () => {
		const { jar } = await srv.loginOk(L.DEMO_USERS.coordinator);
		const page = await srv.get(`/figures/procedures?${q}`, { jar });
		L.assertHtml(page, 200);
		assert.ok(page.text.includes('Volants de padró emesos') && page.text.includes('Al taulell') && page.text.includes('Quiosc'));
	});
});
