'use strict';
// Hostile clients for the attack suites (tests/api/attack-*.test.js), and the legitimate client
// whose answers they must not delay.
//
// Every address in 127.0.0.0/8 is this machine: a client bound to 127.0.3.1 and one bound to
// 127.0.3.2 reach the same server as two different addresses, so floods "from one address" and
// "from many addresses" are both real here. The legitimate client is 127.0.0.1.
//
//   const A = require('./lib/attack.js');
//   const stop = A.legit(srv);                 // starts asking every 100 ms
//   … the attack …
//   const stats = await stop();                 // { n, p50, p95, max, bad: [...] }
//   A.assertServed(stats, 'during the stream flood');

const assert = require('node:assert/strict');
const net = require('node:net');
const { sleep } = require('./data.js');

// How long a legitimate request may take while the server is under attack. Generous: the machine
// has two cores shared with the attackers (and, in make check, with AddressSanitizer).
const ANSWER_MS = 3000;

// From `from` (127.0.0.1 by default), GET each of paths in turn, one request at a time, every
// `every` ms, until the returned stop() is called; stop() resolves to the statistics. The client
// gives up by itself after `limit` ms, so that a test failing before stop() does not hang. With
// `jar`, the requests carry its cookies (a signed-in staff member).
function legit(srv, { paths = ['/', '/healthz', '/api/v1/services'], every = 100, from = '127.0.0.1', limit = 60000, jar } = {}) {
	const times = [];
	const bad = [];
	let running = true;
	const start = Date.now();
	const loop = (async () => {
		for (let i = 0; running && Date.now() - start < limit; i++) {
			const path = paths[i % paths.length];
			const t0 = Date.now();
			try {
				const r = await srv.request('GET', path, { from, jar, timeout: ANSWER_MS * 3 });
				if (r.status !== 200) bad.push(`${path}: ${r.status}`);
			} catch (e) {
				bad.push(`${path}: ${e.code || e.message}`);
			}
			times.push(Date.now() - t0);
			await sleep(every);
		}
	})();
	return async () => {
		running = false;
		await loop;
		const s = [...times].sort((a, b) => a - b);
		const q = (f) => s[Math.min(s.length - 1, Math.floor(f * s.length))];
		return { n: s.length, p50: q(0.5), p95: q(0.95), max: s[s.length - 1], bad };
	};
}

// Every legitimate request was answered 200 and none took longer than ANSWER_MS; prints the
// latencies for the record.
function assertServed(stats, what) {
	console.log(`# ${what}: ${stats.n} legitimate requests, p50 ${stats.p50} ms, p95 ${stats.p95} ms, max ${stats.max} ms`);
	assert.ok(stats.n >= 3, `${what}: the legitimate client got to ask (${stats.n})`);
	assert.deepEqual(stats.bad, [], `${what}: legitimate requests refused or failed`);
	assert.ok(stats.max <= ANSWER_MS, `${what}: the slowest legitimate answer took ${stats.max} ms`);
}

// A client from `from` that sends `now` as soon as it connects, then `slow` one byte every `gap`
// ms, reading whatever comes back. Resolves when the server closes the connection (or after
// `timeout` ms) to { data, how, ms, firstByteMs }: the bytes received, 'end' / 'close' / 'timeout'
// / 'error:CODE', the time from connecting to the close, and from connecting to the first byte
// of the answer (undefined when none came).
function trickle(port, { from, now = '', slow, gap = 500, timeout = 20000 }) {
	return new Promise((resolve) => {
		const chunks = [];
		const msg = Buffer.from(slow);
		let sent = 0;
		let done = false;
		let t0 = Date.now();
		let firstByteMs;
		let timer;
		const sock = net.connect({ port, host: '127.0.0.1', localAddress: from });
		const finish = (how) => {
			if (done) return;
			done = true;
			clearInterval(timer);
			clearTimeout(limit);
			sock.destroy();
			resolve({ data: Buffer.concat(chunks).toString('latin1'), how, ms: Date.now() - t0, firstByteMs });
		};
		const limit = setTimeout(() => finish('timeout'), timeout);
		sock.on('connect', () => {
			t0 = Date.now();
			if (now) sock.write(now);
			timer = setInterval(() => {
				if (sent < msg.length && !sock.destroyed) sock.write(msg.subarray(sent, ++sent));
			}, gap);
		});
		sock.on('data', (c) => {
			if (firstByteMs === undefined) firstByteMs = Date.now() - t0;
			chunks.push(c);
		});
		sock.on('end', () => finish('end'));
		sock.on('close', () => finish('close'));
		sock.on('error', (e) => finish('error:' + e.code));
	});
}

// The status of a raw answer ("HTTP/1.1 408 …" → 408), or 0.
function statusOf(data) {
	const m = /^HTTP\/1\.[01] (\d{3}) /.exec(data);
	return m ? Number(m[1]) : 0;
}

// "127.0.{block}.{i}" for i = 1..n: n distinct client addresses.
function addresses(block, n) {
	return Array.from({ length: n }, (_, i) => `127.0.${block}.${i + 1}`);
}

// Counts of each value ({ 200: 8, 429: 192 }).
function tally(list) {
	const out = {};
	for (const v of list) out[v] = (out[v] || 0) + 1;
	return out;
}

module.exports = { ANSWER_MS, legit, assertServed, trickle, statusOf, addresses, tally };
