'use strict';
// Seats against hoarders and resellers, and the limits per person against dodging, with the proof
// of work on (solved here as the altcha widget would) and the rate limits off, so that what stops
// each attack is the rule it is about: a hold costs a proof of work; one address holds at most
// booking.max_holds_per_address seats; a hold is claimed only by its client, for its procedure and
// channel; released and expired holds come back after booking.cancel_return_delay; phones and
// e-mails count once however they are written; passports are bounded per address and day.
// Clients are distinct loopback addresses (127.x.y.z); the legitimate one is 127.0.0.1.
const { describe, it, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const L = require('./lib/server.js');
const A = require('./lib/attack.js');

const DELAY_S = 4; // booking.cancel_return_delay
const HOLD_S = 10; // booking.hold_seconds
const ENV = {
	TZDIR: path.join(L.ROOT, 'tests/data/zoneinfo'),
	FINESTRETA_BOOKING_PROOF_OF_WORK: 'on',
	FINESTRETA_BOOKING_POW_MAX_NUMBER: '2000',
	FINESTRETA_BOOKING_POW_KEY: 'the attack suite key',
	FINESTRETA_BOOKING_RATE_BOOKING: '0',
	FINESTRETA_BOOKING_RATE_AVAILABILITY: '0',
	FINESTRETA_BOOKING_HOLD_SECONDS: String(HOLD_S),
	FINESTRETA_BOOKING_CANCEL_RETURN_DELAY: String(DELAY_S),
	FINESTRETA_JOBS_INTERVAL: '1',
};
const srv = L.useServer({ name: 'booking under attack', env: ENV });
const SERVICE = 'volant-individual';
const OTHER = 'cita-serveis'; // also offered in person at OFFICE
const OFFICE = 'mar-blava';
const person = L.people({ from: 50000, random: 100000, email: 'atac' });
let coord;
let staff; // bearer header of an informer
let days = [];

before(async () => {
	await srv.ready();
	coord = await srv.loginOk(L.DEMO_USERS.coordinator);
	staff = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.informer)}` };
	const from = L.madridDate(2);
	const r = await srv.get(`/api/v1/offices/${OFFICE}/hours?from=${from}&to=${L.addDays(from, 50)}`);
	assert.equal(r.status, 200);
	days = r.json().days.filter((d) => d.open && d.weekday <= 5 && d.intervals[0].opens <= '08:30').map((d) => d.date);
	assert.ok(days.length >= 8, `enough open days (${days.length})`);
});

// A slot of `capacity` seats at 08:30 on a day of its own; { date, start }.
async function slot(capacity, procedures = []) {
	const date = days.shift();
	const r = await L.addRule(srv, coord, { office: OFFICE, date, capacity, procedures });
	assert.equal(r.status, 303, `rule: ${r.status} ${r.text.slice(0, 300)}`);
	const s = await free(date);
	assert.equal(s && s.free, capacity, `${capacity} seats offered on ${date}`);
	return { date, start: s.start };
}

// The 08:30 slot of date as offered now (undefined when full).
async function free(date, service = SERVICE) {
	const r = await srv.get(`/api/v1/availability?service=${service}&channel=in_person&office=${OFFICE}&from=${date}&to=${date}`);
	assert.equal(r.status, 200, r.text);
	const d = r.json().days.find((x) => x.date === date);
	return d && d.slots.find((x) => x.start.slice(11, 16) === '08:30');
}

async function pow(from) {
	const r = await srv.get('/api/v1/pow/challenge', { from });
	assert.equal(r.status, 200);
	return L.solvePow(r.json());
}

async function hold(start, from, { service = SERVICE, altcha } = {}) {
	const body = { service, channel: 'in_person', office: OFFICE, start, altcha: altcha === undefined ? await pow(from) : altcha };
	return srv.request('POST', '/api/v1/holds', { body, from });
}

async function book(fields, from, { hold: h, service = SERVICE, headers } = {}) {
	const body = { service, channel: 'in_person', office: OFFICE, ...fields, ...(h ? { hold: h } : { altcha: await pow(from) }) };
	if (headers) delete body.altcha;
	return srv.request('POST', '/api/v1/appointments', { body, from, headers });
}

describe('holds', { concurrency: false }, () => {
	it('a hold costs a proof of work, once', async () => {
		const s = await slot(3);
		L.assertJsonError(await hold(s.start, '127.0.10.1', { altcha: '' }), 422, 'invalid');
		const payload = await pow('127.0.10.1');
		assert.equal((await hold(s.start, '127.0.10.1', { altcha: payload })).status, 201);
		const again = L.assertJsonError(await hold(s.start, '127.0.10.1', { altcha: payload }), 422, 'invalid');
		assert.ok(again.fields.altcha, 'the used payload is refused');
	});

	it('hoarding from 10 addresses: two holds each, the rest refused, and a citizen still books', async () => {
		const s = await slot(30);
		const stop = A.legit(srv, { paths: [`/api/v1/availability?service=${SERVICE}&channel=in_person&office=${OFFICE}`, '/'] });
		// Each address keeps trying for a second and a half, each try paying its proof of work.
		const t0 = Date.now();
		const per = await Promise.all(
			A.addresses(12, 10).map(async (from) => {
				const out = [];
				while (out.length < 4 || Date.now() - t0 < 1500) out.push((await hold(s.start, from)).status);
				return out;
			})
		);
		const stats = await stop();
		for (const statuses of per) assert.deepEqual(statuses, [201, 201, ...Array(statuses.length - 2).fill(429)]);
		console.log(`# ${per.flat().length} holds tried from 10 addresses: ${per.length * 2} taken`);
		A.assertServed(stats, 'hold hoarding from 10 addresses');
		assert.equal((await free(s.date)).free, 10, 'twenty seats held, ten still offered');
		const r = await book({ start: s.start, ...person() }, '127.0.0.1');
		assert.equal(r.status, 201, r.text);
		// The refusal says what to do, in the citizen's language.
		const refused = await hold(s.start, '127.0.12.1');
		assert.match(L.assertJsonError(refused, 429, 'hold_limit').message, /reservades provisionalment/);
		// Staff at one desk are not counted.
		for (let i = 0; i < 3; i++) {
			const h = await srv.request('POST', '/api/v1/holds', {
				headers: staff,
				body: { service: SERVICE, channel: 'in_person', office: OFFICE, start: s.start },
				from: '127.0.12.1',
			});
			assert.equal(h.status, 201, `staff hold ${i}: ${h.text}`);
		}
	});

	it('a hold handed to another address cannot be booked with; its holder still can', async () => {
		const s = await slot(1);
		const h = await hold(s.start, '127.0.13.1');
		assert.equal(h.status, 201);
		const token = h.json().hold;
		const taken = L.assertJsonError(await book({ ...person() }, '127.0.13.2', { hold: token }), 422, 'invalid');
		assert.ok(taken.fields.hold, 'the hold is refused to another client');
		assert.equal(await free(s.date), undefined, 'the seat stays held: nothing was lost');
		const mine = await book({ ...person() }, '127.0.13.1', { hold: token });
		assert.equal(mine.status, 201, mine.text);
		assert.equal(mine.json().start, s.start);
	});

	it('a hold for one procedure cannot book another that the slot does not offer', async () => {
		const s = await slot(1, [SERVICE]);
		assert.equal(await free(s.date, OTHER), undefined, `the slot does not serve ${OTHER}`);
		const h = (await hold(s.start, '127.0.14.1')).json().hold;
		const other = L.assertJsonError(await book({ ...person() }, '127.0.14.1', { hold: h, service: OTHER }), 422, 'invalid');
		assert.ok(other.fields.hold, 'the hold is for another procedure');
		const right = await book({ ...person() }, '127.0.14.1', { hold: h });
		assert.equal(right.status, 201, right.text);
		assert.equal(right.json().service.code, SERVICE);
	});

	it(`released and expired holds come back after cancel_return_delay (${DELAY_S} s), not at an agreed moment`, async () => {
		const [a, b] = [await slot(1), await slot(1)];
		const ha = (await hold(a.start, '127.0.15.1')).json();
		const hb = (await hold(b.start, '127.0.15.2')).json();
		const t0 = Date.now();
		assert.equal((await srv.request('DELETE', `/api/v1/holds/${ha.hold}`, { from: '127.0.15.1' })).status, 204);
		const released = await L.waitFor(async () => (await free(a.date))?.free === 1, 15000, 'the released seat returns', 200);
		// Times are whole seconds: a seat released at x.9 s is due at x + DELAY_S.
		assert.ok(released >= (DELAY_S - 1) * 1000 - 100, `released seat back after ${released} ms`);
		await L.waitFor(async () => (await free(b.date))?.free === 1, 30000, 'the expired seat returns', 200);
		const since = Date.now() - t0;
		assert.ok(since >= (HOLD_S + DELAY_S - 1) * 1000 - 100, `expired seat back ${since} ms after the hold (hold ${HOLD_S} s + delay ${DELAY_S} s)`);
		console.log(`# a released hold's seat came back after ${released} ms; an expired one ${since} ms after it was taken`);
		L.assertJsonError(await book({ ...person() }, '127.0.15.2', { hold: hb.hold }), 409, 'hold_expired');
	});
});

describe('limits per person', { concurrency: false }, () => {
	it('one phone written three ways counts as one phone', async () => {
		const s = await slot(5);
		const spellings = ['612 000 731', '+34612000731', '0034 612-000-731'];
		const results = [];
		for (const phone of spellings) results.push(await book({ start: s.start, ...person({ email: '', phone }) }, '127.0.16.1'));
		assert.equal(results[0].status, 201, results[0].text);
		assert.equal(results[1].status, 201, results[1].text);
		assert.equal(results[0].json().phone, '+34612000731');
		assert.ok(L.assertJsonError(results[2], 429, 'limit_reached').fields.phone);
	});

	it('one mailbox with sub-addresses (and gmail dots) counts as one', async () => {
		const s = await slot(6);
		for (const [a, b, c] of [
			['maria@example.org', 'maria+1@example.org', 'Maria+cita@Example.org'],
			['jordi.puig@gmail.com', 'jordipuig+x@gmail.com', 'j.o.r.d.i.puig@googlemail.com'],
		]) {
			assert.equal((await book({ start: s.start, ...person({ email: a, phone: '' }) }, '127.0.17.1')).status, 201);
			const second = await book({ start: s.start, ...person({ email: b, phone: '' }) }, '127.0.17.1');
			assert.equal(second.status, 201, second.text);
			assert.equal(second.json().email, b, 'mail still goes to the address given');
			const third = await book({ start: s.start, ...person({ email: c, phone: '' }) }, '127.0.17.1');
			assert.ok(L.assertJsonError(third, 429, 'limit_reached').fields.email, c);
		}
	});

	it('passports: three a day from one address, then refused; other addresses and staff still book', async () => {
		const s = await slot(8);
		const passport = () => ({ ...person(), id_type: 'passport', id_number: `XP${Math.floor(Math.random() * 1e9)}` });
		for (let i = 0; i < 3; i++) assert.equal((await book({ start: s.start, ...passport() }, '127.0.18.1')).status, 201);
		const fourth = await book({ start: s.start, ...passport() }, '127.0.18.1');
		assert.match(L.assertJsonError(fourth, 429, 'limit_reached').fields.id_number, /passaport/);
		assert.equal((await book({ start: s.start, ...passport() }, '127.0.18.2')).status, 201, 'another address');
		assert.equal((await book({ start: s.start, ...passport() }, '127.0.18.1', { headers: staff })).status, 201, 'staff');
		assert.equal((await book({ start: s.start, ...person() }, '127.0.18.1')).status, 201, 'a DNI from the same address');
	});
});

describe('releasing holds by token is rate-limited', () => {
	let b;
	after(() => b && b.running && b.kill());
	it('random tokens: 404, then 429 past booking.rate_booking', async () => {
		b = new L.Server({ name: 'rate-limited node', command: 'serve', db: srv.db, env: { ...ENV, FINESTRETA_BOOKING_RATE_BOOKING: '3' } });
		await b.start();
		const statuses = [];
		for (let i = 0; i < 5; i++) {
			const token = require('node:crypto').randomBytes(32).toString('hex');
			statuses.push((await b.request('DELETE', `/api/v1/holds/${token}`, { from: '127.0.19.1' })).status);
		}
		assert.deepEqual(statuses, [404, 404, 404, 429, 429]);
		await b.stop();
	});
});

test('SIGTERM: the server exits 0', () => srv.stop());
