'use strict';
// Availability answered from memory (src/booking/freecache.c) is exact: right after a booking,
// a hold, a hold's release or a cancellation has answered, GET /api/v1/availability shows the
// seat gone or back — also when the same question was just answered (and kept) in the same
// second; concurrent bookings while the question is asked over and over end with the count the
// database holds. On PostgreSQL a second node ("serve" on the same database) sees every change
// made through the first one, told through LISTEN/NOTIFY, and the other way round.
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const L = require('./lib/server.js');

const ENV = {
	TZDIR: path.join(L.ROOT, 'tests/data/zoneinfo'),
	FINESTRETA_BOOKING_PROOF_OF_WORK: 'off',
	FINESTRETA_BOOKING_RATE_BOOKING: '0',
	FINESTRETA_BOOKING_RATE_AVAILABILITY: '0',
	FINESTRETA_BOOKING_CANCEL_RETURN_DELAY: '0',
	FINESTRETA_BOOKING_MAX_ACTIVE_PER_ID: '0',
	FINESTRETA_BOOKING_MAX_ACTIVE_PER_EMAIL: '0',
	FINESTRETA_BOOKING_MAX_ACTIVE_PER_PHONE: '0',
	FINESTRETA_DATABASE_POOL: '16',
	// Hundreds of requests at once from this one address: the per-address cap is tested apart.
	FINESTRETA_SERVER_CONNECTIONS_PER_ADDRESS: '1000',
};
const srv = L.useServer({ env: ENV });
const SERVICE = 'ajuts-socials';
const person = L.people({ from: 70000, random: 900000 });
const sql = (q) => L.sql(srv.db, q);

const query = (office) => `/api/v1/availability?service=${SERVICE}&channel=in_person&office=${office}`;

// The free seats at start (0 when the start is not offered) as node answers now.
async function freeAt(node, office, start) {
	const r = await node.get(query(office));
	assert.equal(r.status, 200, r.text);
	for (const d of r.json().days) for (const s of d.slots) if (s.start === start) return s.free;
	return 0;
}

// The seats the database holds free for citizens at that start.
function dbFree(office, start) {
	const epoch = Math.floor(Date.parse(start) / 1000);
	return Number(sql(`SELECT COALESCE(SUM(capacity - booked), 0) FROM slots s JOIN offices o ON o.id = s.office_id WHERE o.code = '${office}' AND s.channel = 'in_person' AND s.start_at = ${epoch} AND s.active = 1`));
}

// Starts at office with at least `seats` free seats, each used by one test.
const used = new Set();
async function freshStart(office, seats = 2) {
	const r = await srv.get(query(office));
	for (const d of r.json().days)
		for (const s of d.slots)
			if (s.free >= seats && !used.has(office + s.start) && Date.parse(s.start) > Date.now() + 3 * 3600000) {
				used.add(office + s.start);
				return s.start;
			}
	assert.fail(`no start with ${seats} free seats left at ${office}`);
}

async function book(node, office, start) {
	const r = await node.request('POST', '/api/v1/appointments', { body: { service: SERVICE, channel: 'in_person', office, start, ...person() } });
	return r;
}

describe('availability kept in memory, one node', () => {
	before(() => srv.ready());

	it('a booking right after the same question was answered: the seat is gone at once (10 rounds)', async () => {
		const start = await freshStart('centre');
		let free = await freeAt(srv, 'centre', start);
		assert.ok(free >= 2, `${free} seats at ${start}`);
		for (let round = 0; round < 10; round++) {
			// Ask twice (the second answer is the kept one within the same second) …
			assert.equal(await freeAt(srv, 'centre', start), free);
			assert.equal(await freeAt(srv, 'centre', start), free);
			if (free === 0) {
				L.assertJsonError(await book(srv, 'centre', start), 409, 'slot_full');
				// … a cancellation gives it back, and the next answer shows it.
				const code = sql(`SELECT a.code FROM appointments a JOIN offices o ON o.id = a.office_id WHERE o.code = 'centre' AND a.start_at = ${Math.floor(Date.parse(start) / 1000)} AND a.status = 'booked' ORDER BY a.id LIMIT 1`);
				const idn = sql(`SELECT id_number FROM appointments WHERE code = '${code}'`);
				const c = await srv.request('POST', `/api/v1/appointments/${code}/cancel`, { body: { id_number: idn } });
				assert.equal(c.status, 200, c.text);
				free++;
			} else {
				// … a booking takes one, and the next answer does not show it.
				const r = await book(srv, 'centre', start);
				assert.equal(r.status, 201, r.text);
				free--;
			}
			assert.equal(await freeAt(srv, 'centre', start), free, `round ${round}: the answer after the change`);
			assert.equal(dbFree('centre', start), free, `round ${round}: the database agrees`);
		}
	});

	it('a hold takes the seat from the next answer and its release gives it back', async () => {
		const start = await freshStart('centre');
		const free = await freeAt(srv, 'centre', start);
		assert.equal(await freeAt(srv, 'centre', start), free);
		const h = await srv.request('POST', '/api/v1/holds', { body: { service: SERVICE, channel: 'in_person', office: 'centre', start } });
		assert.equal(h.status, 201, h.text);
		assert.equal(await freeAt(srv, 'centre', start), free - 1, 'held: not free');
		const d = await srv.request('DELETE', `/api/v1/holds/${h.json().hold}`);
		assert.ok(d.status === 200 || d.status === 204, `${d.status} ${d.text}`);
		assert.equal(await freeAt(srv, 'centre', start), free, 'released: free again');
	});

	it('40 concurrent bookings on the seats of one start while the question is asked 200 times: exactly those booked, then none shown', { timeout: 60000 }, async () => {
		const start = await freshStart('centre', 2);
		const free = await freeAt(srv, 'centre', start);
		const asks = Array.from({ length: 200 }, () => freeAt(srv, 'centre', start));
		const books = Array.from({ length: 40 }, () => book(srv, 'centre', start));
		const [answers, results] = await Promise.all([Promise.all(asks), Promise.all(books)]);
		const ok = results.filter((r) => r.status === 201).length;
		assert.equal(ok, free, `${free} seats, ${ok} bookings`);
		assert.deepEqual(results.filter((r) => r.status !== 201 && r.status !== 409).map((r) => r.status), []);
		assert.ok(answers.every((n) => n >= 0 && n <= free), `answers within 0..${free}`);
		assert.equal(await freeAt(srv, 'centre', start), 0, 'none shown once they are gone');
		assert.equal(dbFree('centre', start), 0);
	});
});

describe('availability kept in memory, two nodes on PostgreSQL', { skip: L.IS_PG ? false : 'needs FINESTRETA_TEST_DB=postgresql://… (SQLite is one node)' }, () => {
	let b;
	before(async () => {
		await srv.ready();
		b = new L.Server({ name: 'node B', command: 'serve', db: srv.db, env: ENV });
		await b.start();
	});
	after(() => b && b.running && b.kill());

	// An answer is kept for the rest of its second at most, so each change must show on the other
	// node well within one: 300 ms, five times over (a node that was not told would pass only if
	// every change fell just before a second's end).
	it('seats booked on node A leave node B\'s answers within 300 ms, a cancellation on node B returns to node A\'s', { timeout: 60000 }, async () => {
		const start = await freshStart('centre', 2);
		let free = await freeAt(srv, 'centre', start);
		const codes = [];
		const waits = [];
		while (free > 0) {
			// Both nodes have answered (and kept) the question.
			assert.equal(await freeAt(b, 'centre', start), free);
			assert.equal(await freeAt(b, 'centre', start), free);
			const r = await book(srv, 'centre', start);
			assert.equal(r.status, 201, r.text);
			codes.push(r.json());
			free--;
			waits.push(await L.waitFor(async () => (await freeAt(b, 'centre', start)) === free, 300, 'node B shows the seat gone', 5));
		}
		// Stays gone (nothing older comes back).
		for (let i = 0; i < 5; i++) assert.equal(await freeAt(b, 'centre', start), 0);
		for (const a of codes) {
			assert.equal(await freeAt(srv, 'centre', start), free);
			const c = await b.request('POST', `/api/v1/appointments/${a.code}/cancel`, { body: { token: a.token } });
			assert.equal(c.status, 200, c.text);
			free++;
			assert.equal(await freeAt(b, 'centre', start), free, 'node B at once');
			waits.push(await L.waitFor(async () => (await freeAt(srv, 'centre', start)) === free, 300, 'node A shows the seat back', 5));
		}
		assert.ok(waits.length >= 4, `${waits.length} changes seen across nodes (${waits.join(', ')} ms)`);
	});
});
