'use strict';
// The chat across two server processes on one PostgreSQL: a citizen connected to node A and an
// informer connected to node B exchange messages, each arriving within a second (the bus relay
// over LISTEN/NOTIFY). Only with FINESTRETA_TEST_DB=postgresql://… (scripts/check.sh runs it
// against a throwaway server); SQLite is one node.
const { test, describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib/server.js');

if (!L.IS_PG) {
	test('the chat across two nodes', { skip: 'needs FINESTRETA_TEST_DB=postgresql://… (SQLite is one node only)' }, () => {});
} else {
	const a = new L.Server({ name: 'node A' }); // demo: recreates the database
	const b = new L.Server({ name: 'node B', command: 'serve' });
	let informer;

	before(async () => {
		await a.start();
		await b.start();
		informer = { Authorization: `Bearer ${await b.token(L.DEMO_USERS.informer)}` };
	});
	after(() => Promise.all([a.kill(), b.kill()]));

	describe('chat on two nodes', () => {
		it('a citizen on node A and an informer on node B exchange messages within a second each way', async () => {
			const start = await a.request('POST', '/api/v1/chats', {
				body: { service: 'volant-individual', name: 'Dos Nodes', lang: 'ca', text: 'Hola des del node A' },
			});
			assert.equal(start.status, 201, start.text);
			const { id, token } = start.json();
			const citizen = await a.openSSE(`/api/v1/chats/${id}/events?token=${token}`);
			const staff = await b.openSSE(`/api/v1/chats/${id}/events`, { headers: informer });
			try {
				await Promise.all([citizen.waitForComment('connected'), staff.waitForComment('connected')]);
				const take = await b.request('POST', `/api/v1/chats/${id}/take`, { headers: informer });
				assert.equal(take.status, 200, take.text);
				await citizen.waitForEvent((e) => e.event === 'status' && JSON.parse(e.data).status === 'open', 2000);

				let t0 = Date.now();
				const s1 = await b.request('POST', `/api/v1/chats/${id}/messages`, { headers: informer, body: { text: 'Resposta des del node B' } });
				assert.equal(s1.status, 201, s1.text);
				const m1 = await citizen.waitForEvent((e) => e.event === 'message' && JSON.parse(e.data).text === 'Resposta des del node B', 1000);
				const toCitizen = Date.now() - t0;
				assert.equal(JSON.parse(m1.data).from, 'staff');

				t0 = Date.now();
				const s2 = await a.request('POST', `/api/v1/chats/${id}/messages?token=${token}`, { body: { text: 'Gràcies, node B' } });
				assert.equal(s2.status, 201, s2.text);
				const m2 = await staff.waitForEvent((e) => e.event === 'message' && JSON.parse(e.data).text === 'Gràcies, node B', 1000);
				const toStaff = Date.now() - t0;
				assert.equal(JSON.parse(m2.data).from, 'citizen');
				assert.ok(toCitizen < 1000 && toStaff < 1000, `B→A ${toCitizen} ms, A→B ${toStaff} ms`);
				console.log(`# chat across nodes: B→A ${toCitizen} ms, A→B ${toStaff} ms`);

				// Each message reaches each stream once (not again through its own node's NOTIFY).
				await L.sleep(500);
				assert.equal(citizen.events.filter((e) => e.event === 'message' && /node B'?"/.test(e.data) && /Resposta/.test(e.data)).length, 1);
				assert.equal(staff.events.filter((e) => e.event === 'message' && /Gràcies, node B/.test(e.data)).length, 1);
			} finally {
				citizen.close();
				staff.close();
			}
		});
	});

	test('SIGTERM: both nodes exit 0', async () => {
		await b.stop();
		await a.stop();
	});
}
