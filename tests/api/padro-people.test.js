'use strict';
// Padró certificates and the citizen record (docs/internals/people.md): a certificate links to its
// holder's record, shows in their timeline with a link to its verification page, and an erasure
// blanks its masked holder and stored document while the record of its issue stays checkable.
const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib/server.js');

const srv = L.useServer({});
const sql = (q) => L.sql(srv.db, q);
const HOLDER = '12345678Z'; // a resident of the demo register

describe('certificates and the citizen record', () => {
	let informer, coord, code;

	before(async () => {
		await srv.ready();
		informer = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.informer)}` };
		coord = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.coordinator)}` };
		const r = await srv.request('POST', '/api/v1/padro/volants', {
			headers: informer,
			body: { id_type: 'dni', id_number: HOLDER, kind: 'individual', lang: 'ca' },
		});
		assert.equal(r.status, 201, r.text);
		code = r.json().verification_code;
	});

	it('a certificate shows in its holder\'s timeline, linking to its verification page', async () => {
		const r = await srv.get(`/api/v1/people?id_number=${HOLDER}&reason=attending`, { headers: informer });
		assert.equal(r.status, 200, r.text);
		const p = r.json();
		const e = p.timeline.find((x) => x.kind === 'certificate');
		assert.ok(e, JSON.stringify(p.timeline));
		assert.equal(e.ref, code);
		assert.equal(e.href, `/verify/${code}`);
		assert.equal(sql(`SELECT person_id FROM padro_volants WHERE code = '${code}'`), String(p.id));
		L.assertHtml(await srv.get(e.href), 200, 'the verification page');
	});

	it('erasing the holder blanks the certificate\'s holder and document; its issue stays checkable', async () => {
		const id = (await srv.get(`/api/v1/people?id_number=${HOLDER}&reason=rights`, { headers: coord })).json().id;
		assert.equal((await srv.request('GET', `/verify/${code}/volant.pdf`, { binary: true })).status, 200);
		const s = await srv.loginOk(L.DEMO_USERS.coordinator);
		const r = await srv.postForm(`/staff/people/${id}/erase`, { reason: 'rights', confirm: '1' }, s);
		assert.equal(r.status, 303, r.text.slice(0, 300));
		assert.equal(sql(`SELECT holder || '|' || length(pdf) FROM padro_volants WHERE code = '${code}'`), '|0');
		assert.equal((await srv.request('GET', `/verify/${code}/volant.pdf`, { binary: true })).status, 404);
		const v = await srv.get(`/api/v1/verify/${code}`);
		assert.equal(v.status, 200, v.text);
		assert.equal(v.json().valid, true);
	});
});
