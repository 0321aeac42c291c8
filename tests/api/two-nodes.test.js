'use strict';
// Two server processes on one PostgreSQL: an event published through node A reaches an
// SSE client of node B (LISTEN/NOTIFY), and the other way round. Only with
// FINESTRETA_TEST_DB=postgresql://… (scripts/check.sh runs it against a throwaway server).
const { test, describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib/server.js');

if (!L.IS_PG) {
	test('two nodes share events through PostgreSQL', {
		skip: 'needs FINESTRETA_TEST_DB=postgresql://… (SQLite is one node only)',
	}, () => {});
} else {
	const a = new L.Server({ name: 'node A' }); // demo: recreates the database
	const b = new L.Server({ name: 'node B', command: 'serve' }); // must not reset it
	let auth;

	before(async () => {
		await a.start();
		await b.start();
		auth = { Authorization: `Bearer ${await a.token(L.DEMO_USERS.admin)}` };
	});
	after(() => Promise.all([a.kill(), b.kill()]));

	const publish = async (node, topic, data) => {
		const r = await node.request('POST', '/api/v1/events', { headers: auth, body: { topic, type: 'node.test', data } });
		assert.equal(r.status, 202, `publish on ${node.name}: ${r.status} ${r.text}`);
		return r.json().id;
	};

	describe('two nodes', () => {
		it('node B serves the data node A created (it did not reset the database)', async () => {
			const hb = (await b.get('/healthz')).json();
			assert.equal(hb.storage?.backend, 'postgresql');
			await b.loginOk(L.DEMO_USERS.admin);
			const tokB = await b.token(L.DEMO_USERS.coordinator);
			const me = await b.get('/api/v1/me', { headers: { Authorization: `Bearer ${tokB}` } });
			assert.equal(me.status, 200);
			const onA = await a.get('/api/v1/me', { headers: { Authorization: `Bearer ${tokB}` } });
			assert.equal(onA.status, 200, 'a token is valid on both nodes');
		});

		it('a session made on node A works on node B', async () => {
			const { jar } = await a.loginOk(L.DEMO_USERS.coordinator);
			const r = await b.get('/staff', { jar });
			assert.equal(r.status, 200, 'GET /staff on node B with node A\'s session');
		});

		it('an event published on node A reaches an SSE client of node B within 5 s, once', async () => {
			const sb = await b.openSSE('/events?topic=public.nodes');
			const sa = await a.openSSE('/events?topic=public.nodes');
			try {
				await Promise.all([sb.waitForComment('connected', 5000), sa.waitForComment('connected', 5000)]);
				// Event ids are each node's own sequence (other events, such as the availability
				// cache's, move them apart): the event is known by its content, unique to this run.
				const data = { from: 'A', text: `Hola des del node A ${Date.now()}` };
				const mine = (e) => e.event === 'node.test' && e.data === JSON.stringify(data);
				const t0 = Date.now();
				const id = await publish(a, 'public.nodes', data);
				const ev = await sb.waitForEvent(mine, 5000);
				assert.deepEqual(JSON.parse(ev.data), data);
				assert.ok(Date.now() - t0 < 5000);
				const own = await sa.waitForEvent(mine, 5000);
				assert.equal(own.id, String(id), 'node A delivers it under the id it answered');
				await L.sleep(700);
				assert.equal(sb.events.filter(mine).length, 1, 'node B delivers it once');
				assert.equal(sa.events.filter(mine).length, 1, 'node A delivers it once (not again from its own NOTIFY)');
			} finally {
				sa.close();
				sb.close();
			}
		});

		it('and the other way: published on node B, received on node A', async () => {
			const sa = await a.openSSE('/events?topic=public.nodes');
			try {
				await sa.waitForComment('connected', 5000);
				const data = { from: 'B', at: Date.now() };
				await publish(b, 'public.nodes', data);
				const ev = await sa.waitForEvent((e) => e.event === 'node.test' && e.data === JSON.stringify(data), 5000);
				assert.deepEqual(JSON.parse(ev.data), data);
			} finally {
				sa.close();
			}
		});
	});

	test('SIGTERM: both nodes exit 0 within 10 s', async () => {
		await b.stop();
		await a.stop();
	});
}
