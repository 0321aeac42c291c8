'use strict';
// Floods against the HTTP core from one loopback address and from many (127.x.y.z are distinct
// clients): event streams, headers and bodies sent a byte at a time, hundreds of query
// parameters. Each test asserts the server keeps its limits per address (server.
// connections_per_address, limits.max_sse_per_address, limits.max_sse, server.header_timeout,
// server.body_timeout, limits.max_url) and that a legitimate client (127.0.0.1) asking meanwhile
// is answered in time (lib/attack.js) and loses no event.
const { describe, it, test, before } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib/server.js');
const A = require('./lib/attack.js');

const PER_ADDRESS = 24; // connections
const STREAMS_PER_ADDRESS = 8;
const MAX_STREAMS = 100;
const HEADER_S = 2;
const BODY_S = 3;
const srv = L.useServer({
	name: 'attacked server',
	env: {
		FINESTRETA_SERVER_CONNECTION_LIMIT: '400',
		FINESTRETA_SERVER_CONNECTIONS_PER_ADDRESS: String(PER_ADDRESS),
		FINESTRETA_LIMITS_MAX_SSE: String(MAX_STREAMS),
		FINESTRETA_LIMITS_MAX_SSE_PER_ADDRESS: String(STREAMS_PER_ADDRESS),
		FINESTRETA_SERVER_HEADER_TIMEOUT: String(HEADER_S),
		FINESTRETA_SERVER_BODY_TIMEOUT: String(BODY_S),
		FINESTRETA_BOOKING_RATE_AVAILABILITY: '0',
		FINESTRETA_LOG_ACCESS: 'false',
	},
});

let adminToken;
before(async () => {
	await srv.ready();
	adminToken = await srv.token(L.DEMO_USERS.admin);
});

async function refused(reason) {
	const r = await srv.get('/metrics');
	return L.metricValue(L.parseMetrics(r.text), 'finestreta_http_refused_total', { reason }) || 0;
}

async function streamsOpen() {
	const r = await srv.get('/metrics');
	return L.metricValue(L.parseMetrics(r.text), 'finestreta_sse_streams_open');
}

function publish(topic, type, data) {
	return srv.request('POST', '/api/v1/events', { headers: { Authorization: `Bearer ${adminToken}` }, body: { topic, type, data } });
}

// Opens n streams from `from` at once; resolves to the opened streams and the tally of outcomes.
async function openMany(n, from, topic) {
	const results = await Promise.all(
		Array.from({ length: n }, () =>
			srv.openSSE(`/events?topic=${topic}`, { from, timeout: 10000 }).then(
				(s) => s,
				(e) => ({ status: e.code || e.message })
			)
		)
	);
	return { streams: results.filter((s) => s.status === 200), tally: A.tally(results.map((s) => s.status)) };
}

// Closes the streams and waits until the server has let them all go (a suspended stream notices
// its client left at its next write: an event on its topic).
async function closeAll(streams, topic) {
	for (const s of streams) s.close();
	await L.waitFor(
		async () => {
			await publish(topic, 'nudge', {});
			return (await streamsOpen()) === 0;
		},
		10000,
		'the closed streams are let go'
	);
}

describe('event streams', { concurrency: false }, () => {
	it(`one address opening 200 streams gets ${STREAMS_PER_ADDRESS}; everybody else is served and hears every event`, async () => {
		const topic = 'public.flood1';
		const before0 = await refused('streams_per_address');
		const mine = await srv.openSSE(`/events?topic=${topic}`, { timeout: 5000 });
		assert.equal(mine.status, 200);
		const stop = A.legit(srv);
		const { streams, tally } = await openMany(200, '127.0.1.1', topic);
		await L.sleep(1500); /* the flood holds its streams while the legitimate client asks */
		assert.equal(streams.length, STREAMS_PER_ADDRESS, `streams held by the flooding address: ${JSON.stringify(tally)}`);
		const other = Object.keys(tally).filter((k) => !['200', '429', 'ECONNRESET', 'EPIPE', 'socket hang up'].includes(k));
		assert.deepEqual(other, [], `only 429s or refused connections beyond the cap: ${JSON.stringify(tally)}`);
		assert.ok((await refused('streams_per_address')) > before0, 'the refusals are counted in /metrics');
		// Nothing lost: an event reaches the legitimate stream while the flood holds its streams.
		assert.equal((await publish(topic, 'still-here', { n: 1 })).status, 202);
		const ev = await mine.waitForEvent((e) => e.event === 'still-here', 5000);
		assert.deepEqual(JSON.parse(ev.data), { n: 1 });
		A.assertServed(await stop(), 'stream flood from one address');
		mine.close();
		await closeAll(streams, topic);
	});

	it(`many addresses: streams stop at limits.max_sse (${MAX_STREAMS}) and pages are still served`, async () => {
		const topic = 'public.flood2';
		const stop = A.legit(srv);
		const groups = await Promise.all(A.addresses(2, 30).map((from) => openMany(STREAMS_PER_ADDRESS, from, topic)));
		const streams = groups.flatMap((g) => g.streams);
		await L.sleep(1500);
		const tally = A.tally(groups.flatMap((g) => Object.entries(g.tally).flatMap(([k, v]) => Array(v).fill(k))));
		assert.equal(streams.length, MAX_STREAMS, `streams open: ${JSON.stringify(tally)}`);
		assert.deepEqual(tally, { 200: MAX_STREAMS, 503: 30 * STREAMS_PER_ADDRESS - MAX_STREAMS }, 'the rest are told to come back later');
		// A fresh address gets no stream while the cap holds, but its pages.
		const late = await srv.openSSE(`/events?topic=${topic}`, { from: '127.0.2.200', timeout: 5000 });
		assert.equal(late.status, 503);
		assert.equal((await srv.get('/', { from: '127.0.2.200' })).status, 200);
		A.assertServed(await stop(), `${MAX_STREAMS} streams from 30 addresses`);
		await closeAll(streams, topic);
	});
});

const SLOW_HEAD = 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ' + 'x'.repeat(200) + '\r\n\r\n';

describe('slow clients', { concurrency: false }, () => {
	it(`slow headers from one address: ${PER_ADDRESS} connections at most, each answered 408 after ${HEADER_S} s`, async () => {
		const from = '127.0.3.1';
		const before0 = await refused('header_timeout');
		const stop = A.legit(srv);
		const results = await Promise.all(Array.from({ length: 60 }, () => A.trickle(srv.port, { from, slow: SLOW_HEAD, gap: 400 })));
		const answered = results.filter((r) => A.statusOf(r.data) === 408);
		const cut = results.filter((r) => !r.data);
		assert.equal(answered.length, PER_ADDRESS, `answered 408: ${answered.length}, cut at once: ${cut.length}`);
		assert.equal(cut.length, 60 - PER_ADDRESS, 'the connections over the cap are closed without a word');
		for (const r of cut) assert.ok(r.ms < 1000, `a refused connection is closed at once (${r.ms} ms)`);
		for (const r of answered) {
			assert.ok(r.firstByteMs >= HEADER_S * 1000 - 100 && r.firstByteMs <= HEADER_S * 1000 + 1500, `408 after ${r.firstByteMs} ms`);
			assert.match(r.data, /Connection: close/i);
		}
		assert.equal((await refused('header_timeout')) - before0, PER_ADDRESS);
		A.assertServed(await stop(), 'slow headers from one address');
		// The address's connections are free again.
		assert.equal((await srv.get('/', { from })).status, 200);
	});

	it('slow headers from 10 addresses × 20 connections: all answered 408 at the deadline', async () => {
		const stop = A.legit(srv);
		const results = await Promise.all(
			A.addresses(4, 10).flatMap((from) => Array.from({ length: 20 }, () => A.trickle(srv.port, { from, slow: SLOW_HEAD, gap: 400 })))
		);
		assert.deepEqual(A.tally(results.map((r) => A.statusOf(r.data))), { 408: 200 });
		const late = Math.max(...results.map((r) => r.firstByteMs));
		assert.ok(late <= HEADER_S * 1000 + 1500, `the last 408 after ${late} ms`);
		A.assertServed(await stop(), 'slow headers from many addresses');
	});

	it(`slow bodies: 408 ${BODY_S} s after the headers, and the login keeps working`, async () => {
		const head =
			'POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n' +
			'Content-Length: 100000\r\n\r\n';
		const before0 = await refused('body_timeout');
		const stop = A.legit(srv, { paths: ['/login', '/'] });
		// The headers go at once; the body a byte every 400 ms.
		const slow = await Promise.all(
			Array.from({ length: 20 }, () => A.trickle(srv.port, { from: '127.0.5.1', now: head, slow: 'e'.repeat(1000), gap: 400 }))
		);
		for (const r of slow) {
			assert.equal(A.statusOf(r.data), 408, `a slow body: ${JSON.stringify(r.data.slice(0, 80))}`);
			assert.ok(r.firstByteMs >= BODY_S * 1000 - 100 && r.firstByteMs <= BODY_S * 1000 + 1500, `408 after ${r.firstByteMs} ms`);
		}
		assert.equal((await refused('body_timeout')) - before0, 20);
		A.assertServed(await stop(), 'slow bodies');
		const { res } = await srv.login(L.DEMO_USERS.informer);
		assert.equal(res.status, 303, 'staff still sign in');
	});
});

describe('over-limit requests are answered at once and closed', { concurrency: false }, () => {
	it('hundreds of query parameters, from one address and from 50', async () => {
		const q = Array.from({ length: 600 }, (_, i) => `a${i}=${i}`).join('&');
		const flood = (from) => srv.rawSend(`GET /?${q} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`, { from, timeout: 5000 }).then((r) => ({ ...r, from }));
		const capped0 = await refused('connections_per_address');
		const stop = A.legit(srv);
		const t0 = Date.now();
		const results = [];
		while (Date.now() - t0 < 1500) results.push(...(await Promise.all([...A.addresses(6, 50), ...Array(20).fill('127.0.7.1')].map(flood))));
		const ms = Date.now() - t0;
		const stats = await stop();
		// 127.0.7.1 opens 20 connections a round: the server may not yet have let go of the last
		// round's when the next arrives, and then closes those past server.connections_per_address
		// at once, without a word (and counts them). Every other connection gets its 414.
		const cut = results.filter((r) => r.data === '' && r.from === '127.0.7.1');
		for (const r of results.filter((x) => !cut.includes(x))) {
			assert.equal(A.statusOf(r.data), 414, `answer to ${r.from}: ${JSON.stringify(r.data.slice(0, 80))}`);
			assert.notEqual(r.how, 'timeout', 'the connection is closed after the answer');
		}
		for (const r of cut) assert.notEqual(r.how, 'timeout', 'a connection over the cap is closed at once');
		assert.equal((await refused('connections_per_address')) - capped0, cut.length, 'each silent close is a connection over the cap');
		console.log(`# ${results.length} requests with 600 parameters each in ${ms} ms: ${results.length - cut.length} answered 414, ${cut.length} over the cap closed`);
		A.assertServed(stats, 'parameter flood');
		// Exactly max_fields parameters are fine; a target past limits.max_url is not.
		const ok = Array.from({ length: 200 }, (_, i) => `b${i}=1`).join('&');
		assert.equal((await srv.get(`/?${ok}`)).status, 200);
		const long = await srv.get(`/?q=${'z'.repeat(9000)}`);
		L.assertHtml(long, 414, 'long target');
		assert.equal(String(long.headers.connection).toLowerCase(), 'close');
		const api = await srv.get(`/api/v1/services?${q}`);
		L.assertJsonError(api, 414, 'uri_too_long', 'API');
	});

	it('a chunked body that grows past limits.max_body is answered 413 before it ends', async () => {
		const net = require('node:net');
		const r = await new Promise((resolve) => {
			const sock = net.connect({ port: srv.port, host: '127.0.0.1', localAddress: '127.0.8.1' });
			let data = '';
			let sentAtAnswer = -1;
			let sent = 0;
			const chunk = 'y'.repeat(64 * 1024);
			sock.on('connect', () => {
				sock.write('POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n');
				const pump = () => {
					if (sock.destroyed || sentAtAnswer >= 0 || sent > 64) return;
					sent++;
					sock.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`, () => setTimeout(pump, 20));
				};
				pump();
			});
			sock.on('data', (c) => {
				if (sentAtAnswer < 0) sentAtAnswer = sent;
				data += c.toString('latin1');
			});
			const done = () => resolve({ data, sentAtAnswer, sent });
			sock.on('close', done);
			sock.on('error', done);
			setTimeout(() => {
				sock.destroy();
				done();
			}, 15000);
		});
		assert.equal(A.statusOf(r.data), 413, r.data.slice(0, 120));
		assert.match(r.data, /Connection: close/i);
		// 1 MiB is the cap: the answer came with about 16 chunks of 64 KiB sent, not after 64.
		assert.ok(r.sentAtAnswer >= 0 && r.sentAtAnswer < 40, `answered after ${r.sentAtAnswer} chunks`);
	});
});

test('SIGTERM: the server exits 0', () => srv.stop());
