'use strict';
// Events (docs/api.md): GET /events?topic=T as Server-Sent Events, POST /api/v1/events,
// heartbeats, topic rules, the open-streams gauge, and shutdown with streams open.
const { test, describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib/server.js');

const srv = L.useServer({ env: { FINESTRETA_EVENTS_HEARTBEAT: '1' } });
let adminAuth;
const open = []; // streams to close at the end of each test

before(async () => {
	await srv.ready();
	adminAuth = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.admin)}` };
});

async function subscribe(topic, opts) {
	const s = await srv.openSSE(`/events?topic=${encodeURIComponent(topic)}`, opts);
	open.push(s);
	return s;
}

function closeAll() {
	while (open.length) open.pop().close();
}

async function publish(topic, type, data, headers = adminAuth) {
	const r = await srv.request('POST', '/api/v1/events', { headers, body: { topic, type, data } });
	assert.equal(r.status, 202, `POST /api/v1/events ${topic}/${type}: ${r.status} ${r.text}`);
	const j = r.json();
	assert.equal(typeof j.id, 'number', `202 body has a numeric id: ${r.text}`);
	return j.id;
}

describe('SSE stream', { concurrency: false }, () => {
	it('starts with retry: 3000 and a ": connected" comment, as text/event-stream', async () => {
		const s = await subscribe('public.test');
		assert.equal(s.status, 200);
		assert.match(String(s.headers['content-type']), /^text\/event-stream\b/);
		await s.waitForComment('connected', 5000);
		assert.ok(/^retry: 3000\r?\n/.test(s.raw), `stream starts with "retry: 3000": ${JSON.stringify(s.raw.slice(0, 80))}`);
		assert.equal(s.retry, 3000);
		closeAll();
		L.assertSecurityHeaders(s, 'SSE');
	});

	it('sends ": ping" heartbeats every events.heartbeat seconds', async () => {
		const s = await subscribe('public.test');
		await s.waitForComment('connected', 5000);
		const t0 = Date.now();
		await s.waitForComment('ping', 3000);
		const pingsBefore = s.comments.filter((c) => c === 'ping').length;
		await L.sleep(2500);
		const pings = s.comments.filter((c) => c === 'ping').length - pingsBefore;
		assert.ok(pings >= 1 && pings <= 4, `about one ping a second with heartbeat=1 (${pings} in 2.5 s, first after ${Date.now() - t0} ms)`);
		closeAll();
	});

	it('an event published through POST /api/v1/events (bearer) reaches every subscriber of the topic, and only them', async () => {
		const a = await subscribe('public.test');
		const b = await subscribe('public.test');
		const other = await subscribe('public.other');
		await Promise.all([a, b, other].map((s) => s.waitForComment('connected', 5000)));
		const data = { n: 1, text: 'Bon dia, àvia! «ñ» 😀', list: [1, 2, 3] };
		const id = await publish('public.test', 'test.hello', data);
		for (const s of [a, b]) {
			const ev = await s.waitForEvent((e) => e.event === 'test.hello', 5000);
			assert.equal(ev.id, String(id), 'id: N is the id POST answered');
			assert.deepEqual(JSON.parse(ev.data), data, 'data: is the published JSON');
		}
		await L.sleep(500);
		assert.equal(other.events.length, 0, 'a subscriber of another topic gets nothing');
		assert.equal(a.events.filter((e) => e.id === String(id)).length, 1, 'delivered once');
		closeAll();
	});

	it('event ids increase', async () => {
		const s = await subscribe('public.order');
		await s.waitForComment('connected', 5000);
		const ids = [];
		for (let i = 0; i < 5; i++) ids.push(await publish('public.order', 'seq', { i }));
		for (let i = 1; i < ids.length; i++) assert.ok(ids[i] > ids[i - 1], `ids increase: ${ids}`);
		for (let i = 0; i < 5; i++) {
			await s.waitForEvent((e) => e.id === String(ids[i]), 5000);
		}
		assert.deepEqual(
			s.events.map((e) => JSON.parse(e.data).i),
			[0, 1, 2, 3, 4],
			'events arrive in order'
		);
		closeAll();
	});

	it('bad topics are 400', async () => {
		const bad = ['', 'UPPER', 'a b', 'x/y', 'tòpic', 'a'.repeat(65), 'public.test\nx', 'a%00b', '<script>'];
		for (const t of bad) {
			const r = await srv.get(`/events?topic=${encodeURIComponent(t)}`, { timeout: 5000 });
			assert.equal(r.status, 400, `topic ${JSON.stringify(t)}`);
		}
		const r = await srv.get('/events', { timeout: 5000 });
		assert.equal(r.status, 400, 'no topic');
		const ok = await subscribe('a'.repeat(64));
		assert.equal(ok.status, 200, '64 characters is allowed');
		const ok2 = await subscribe('a-b_c.0-9');
		assert.equal(ok2.status, 200, '[a-z0-9._-] is allowed');
		closeAll();
	});

	it('publishing to a bad topic is a 422 JSON error', async () => {
		// A well-formed body with a bad value: 422 "invalid" (docs/api.md).
		for (const topic of ['UPPER', '', 'a'.repeat(65)]) {
			const r = await srv.request('POST', '/api/v1/events', { headers: adminAuth, body: { topic, type: 'x', data: {} } });
			L.assertJsonError(r, 422, 'invalid', `topic ${JSON.stringify(topic)}`);
		}
	});

	it('staff.* topics need a signed-in staff member', async () => {
		const r = await srv.get('/events?topic=staff.x', { timeout: 5000 });
		assert.equal(r.status, 401, 'anonymous subscriber of staff.x');
		const { jar } = await srv.loginOk(L.DEMO_USERS.coordinator);
		const s = await subscribe('staff.x', { jar });
		assert.equal(s.status, 200, 'signed-in subscriber of staff.x');
		await s.waitForComment('connected', 5000);
		const id = await publish('staff.x', 'desk.called', { desk: 3 });
		const ev = await s.waitForEvent((e) => e.id === String(id), 5000);
		assert.deepEqual(JSON.parse(ev.data), { desk: 3 });
		closeAll();
	});

	it('finestreta_sse_streams_open counts open streams', async () => {
		const gauge = async () => L.metricValue(await srv.metrics(), 'finestreta_sse_streams_open');
		const waitGauge = async (want) => {
			let v;
			for (let i = 0; i < 40; i++) {
				v = await gauge();
				if (v === want) return v;
				await L.sleep(50);
			}
			return v;
		};
		const g0 = await waitGauge(0);
		assert.equal(g0, 0, 'no stream open at first');
		const s1 = await subscribe('public.gauge');
		const s2 = await subscribe('public.gauge');
		await Promise.all([s1, s2].map((s) => s.waitForComment('connected', 5000)));
		assert.equal(await waitGauge(2), 2, 'two streams open');
		closeAll();
		// A closed connection is noticed at the next write at the latest (heartbeat 1 s).
		let v;
		for (let i = 0; i < 60; i++) {
			v = await gauge();
			if (v === 0) break;
			await L.sleep(100);
		}
		assert.equal(v, 0, 'back to 0 after the clients leave');
	});

	it('a client that closes its stream is no warning in the log', async () => {
		const s = await subscribe('public.leaving');
		await s.waitForComment('connected', 5000);
		closeAll();
		// The server notices at its next write (heartbeat 1 s), which fails on the closed socket.
		let v;
		for (let i = 0; i < 60; i++) {
			v = L.metricValue(await srv.metrics(), 'finestreta_sse_streams_open');
			if (v === 0) break;
			await L.sleep(100);
		}
		assert.equal(v, 0, 'the server saw the client leave');
		const warnings = srv.stderr.text().split('\n').filter((l) => / (warn|error) /.test(l));
		assert.deepEqual(warnings, [], 'no warning or error logged');
	});
});

test('SIGTERM with an SSE stream open: exit 0 within a few seconds, and the stream ends', async () => {
	const s = await subscribe('public.shutdown');
	await s.waitForComment('connected', 5000);
	const { ms } = await srv.stop(5000);
	const how = await L.withTimeout(s.ended, 5000, 'still open');
	assert.notEqual(how, 'still open', 'the stream ended');
	assert.ok(ms < 5000, `exited in ${ms} ms`);
});
