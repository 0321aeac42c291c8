'use strict';
// A PostgreSQL outage while clients keep asking: every answer is a prompt 503 (never a 422 that
// blames the citizen's input), the node does not try to reconnect on every request but backs
// off, the cause is logged a bounded number of times, and service comes back by itself when the
// database does. The outage is real: the node reaches PostgreSQL through a TCP relay in this
// test, which, during the outage, cuts every open connection and refuses new ones (counting
// them). PostgreSQL only (an SQLite file has no connection to lose).
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const L = require('./lib/server.js');

const SERVICE = 'volant-individual';
const OFFICE = 'mar-blava';
const skip = !L.IS_PG && 'a PostgreSQL outage needs FINESTRETA_TEST_DB=postgresql://…';

// A relay to the real PostgreSQL; relay.down cuts everything and refuses, counting attempts.
function startRelay(target) {
	const live = new Set();
	const relay = { down: false, refused: 0, port: 0, live };
	relay.server = net.createServer((client) => {
		if (relay.down) {
			relay.refused++;
			client.destroy();
			return;
		}
		const pg = net.connect({ host: target.hostname, port: Number(target.port) });
		live.add(client).add(pg);
		const drop = () => {
			client.destroy();
			pg.destroy();
			live.delete(client);
			live.delete(pg);
		};
		client.on('error', drop).on('close', drop);
		pg.on('error', drop).on('close', drop);
		client.pipe(pg).pipe(client);
	});
	relay.cut = () => {
		relay.down = true;
		for (const s of live) s.destroy();
	};
	return new Promise((resolve) => relay.server.listen(0, '127.0.0.1', () => resolve(Object.assign(relay, { port: relay.server.address().port }))));
}

let relay;
let srv;
before(async () => {
	if (skip) return;
	const url = new URL(L.TEST_DB);
	relay = await startRelay(url);
	const via = new URL(L.TEST_DB);
	via.port = String(relay.port);
	srv = new L.Server({
		name: 'node in an outage',
		db: via.toString(),
		env: {
			FINESTRETA_LOG_ACCESS: 'false',
			FINESTRETA_BOOKING_PROOF_OF_WORK: 'off', FINESTRETA_BOOKING_RATE_BOOKING: '0', FINESTRETA_BOOKING_RATE_AVAILABILITY: '0',
		},
	});
	await srv.start();
});
after(() => {
	if (srv && srv.running) srv.kill();
	if (relay) relay.server.close();
});

test('an outage: prompt 503s, never 422, reconnects backed off, causes logged a few times, recovery by itself', { skip }, async () => {
	const from = L.madridDate(2);
	const av = await srv.get(`/api/v1/availability?service=${SERVICE}&channel=in_person&office=${OFFICE}&from=${from}&to=${L.addDays(from, 20)}`);
	assert.equal(av.status, 200, av.text);
	const slot = av.json().days.flatMap((d) => d.slots).find((s) => s.free > 0);
	assert.ok(slot, 'a free slot to try to book during the outage');
	const booking = () =>
		srv.request('POST', '/api/v1/appointments', { body: { service: SERVICE, channel: 'in_person', office: OFFICE, start: slot.start, ...L.people({ from: 70000 })() } });

	const logBefore = srv.stderr.text() + srv.stdout.text();
	assert.doesNotMatch(logBefore, /db_acquire: /, 'no database failure before the outage');
	relay.cut();
	const t0 = Date.now();
	const statuses = [];
	let slowest = 0;
	while (Date.now() - t0 < 3000) {
		const batch = await Promise.all([srv.get('/api/v1/services'), srv.get(`/api/v1/availability?service=${SERVICE}&channel=in_person&office=${OFFICE}&from=${from}&to=${from}`), booking(), srv.get('/healthz')].map(async (p) => {
			const s = Date.now();
			const r = await p;
			slowest = Math.max(slowest, Date.now() - s);
			return r;
		}));
		for (const r of batch) statuses.push(r.status);
		const b = batch[2];
		assert.equal(b.status, 503, `a booking during the outage: ${b.status} ${b.text.slice(0, 200)}`);
		assert.equal(b.json().error, 'unavailable');
	}
	assert.deepEqual([...new Set(statuses)], [503], `every answer during the outage is 503: ${JSON.stringify(statuses)}`);
	const log = srv.stderr.text() + srv.stdout.text();
	const causes = log.split('\n').filter((l) => /db_acquire: /.test(l));
	const failures = log.split('\n').filter((l) => / (error|warn) /.test(l) && !logBefore.includes(l));
	console.log(`# ${statuses.length} requests in 3 s of outage, slowest ${slowest} ms: ${relay.refused} connection attempts, ${causes.length} lines with the cause, ${failures.length} error lines in all`);
	// Backing off from 250 ms, doubling: a handful of attempts for the pool and the listener in
	// 3 s, not one per request.
	assert.ok(statuses.length >= 100, `enough requests to tell (${statuses.length})`);
	assert.ok(relay.refused <= 20, `connection attempts during the outage: ${relay.refused} for ${statuses.length} requests`);
	assert.ok(causes.length >= 1 && causes.length <= 3, `the cause is logged, a few times at most:\n${failures.join('\n')}`);
	assert.ok(failures.length <= 20, `error lines in 3 s of outage: ${failures.length}\n${failures.slice(0, 30).join('\n')}`);
	assert.match(causes[0], /next try in \d+ ms/);

	relay.down = false;
	const back = await L.waitFor(async () => (await srv.get('/api/v1/services')).status === 200, 35000, 'the node serves again', 100);
	console.log(`# served again ${back} ms after the database came back`);
	assert.equal((await srv.get('/healthz')).status, 200);
	const r = await booking();
	assert.equal(r.status, 201, r.text);
	await srv.stop();
});
