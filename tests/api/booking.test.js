'use strict';
// Booking API (docs/api.md "Booking"): availability, holds, appointments (create, read, cancel,
// reschedule), staff bookings on the staff share, check-in bound to the ID number, the state
// moves, the limits per ID / e-mail / phone, hold expiry and the delayed return of cancelled
// seats (short settings through the environment, a one-second job tick), 200 concurrent bookings
// at a slot of capacity 3 (exactly 3 × 201; on PostgreSQL spread over two server nodes), and a
// second node with proof of work and rate limits on, whose challenge is solved here with node's
// crypto as the altcha widget would. Slots come from availability rules made through the
// schedule pages, one rule per test on its own day at 08:30, before the demo slots start.
const { test, describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const path = require('node:path');
const L = require('./lib/server.js');

const ENV = {
	TZDIR: path.join(L.ROOT, 'tests/data/zoneinfo'),
	FINESTRETA_BOOKING_PROOF_OF_WORK: 'off',
	FINESTRETA_BOOKING_RATE_BOOKING: '0',
	FINESTRETA_BOOKING_RATE_AVAILABILITY: '0',
	FINESTRETA_BOOKING_HOLD_SECONDS: '10',
	FINESTRETA_BOOKING_CANCEL_RETURN_DELAY: '4',
	FINESTRETA_JOBS_INTERVAL: '1',
	FINESTRETA_SERVER_CONNECTION_LIMIT: '2000',
	// 200 bookings at once from this one address (the per-address caps: attack.test.js).
	FINESTRETA_SERVER_CONNECTIONS_PER_ADDRESS: '1000',
	FINESTRETA_DATABASE_POOL: '16',
};
const srv = L.useServer({ env: ENV });
const { FORM } = L;
const SERVICE = 'volant-individual';
const OFFICE = 'mar-blava';
let coord; // { jar, csrf }
let staffAuth, welcomeAuth, informerAuth;
let days = []; // open weekdays at OFFICE, each used by one rule

// ---------------------------------------------------------------- helpers

const { madridDate, addDays, weekday, dni, nie, waitFor } = L;
const sql = (q) => L.sql(srv.db, q);
// A citizen with their own ID number, e-mail and phone.
const person = L.people({ from: 10000 });

// A rule of `capacity` seats on the next unused open day at 08:30–08:45; returns {date, start}.
async function makeSlot({ capacity = 1, staffShare = 0, office = OFFICE } = {}) {
	const date = days.shift();
	assert.ok(date, 'an open day left for a rule');
	const r = await L.addRule(srv, coord, { office, date, capacity, staffShare });
	assert.equal(r.status, 303, `rule for ${date}: ${r.status} ${r.text.slice(0, 500)}`);
	const slot = await findSlot(date, '08:30', office);
	assert.ok(slot, `a public slot at 08:30 on ${date}`);
	assert.equal(slot.free, capacity - Math.ceil((capacity * staffShare) / 100));
	return { date, start: slot.start };
}

async function availability(date, office = OFFICE, opts = {}) {
	const q = `service=${SERVICE}&channel=in_person&office=${office}&from=${date}&to=${date}`;
	const r = await srv.get(`/api/v1/availability?${q}`, opts);
	assert.equal(r.status, 200, r.text);
	return r.json();
}

async function findSlot(date, hhmm, office = OFFICE, opts = {}) {
	const j = await availability(date, office, opts);
	const d = j.days.find((x) => x.date === date);
	return d && d.slots.find((s) => s.start.slice(11, 16) === hhmm);
}

function book(start, who = person(), extra = {}, opts = {}) {
	return srv.request('POST', '/api/v1/appointments', {
		...opts,
		body: { service: SERVICE, channel: 'in_person', office: OFFICE, start, ...who, ...extra },
	});
}

async function bookOk(start, who = person(), extra = {}, opts = {}) {
	const r = await book(start, who, extra, opts);
	assert.equal(r.status, 201, r.text);
	return { ...r.json(), who };
}

before(async () => {
	await srv.ready();
	coord = await srv.loginOk(L.DEMO_USERS.coordinator);
	staffAuth = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.coordinator)}` };
	welcomeAuth = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.welcome)}` };
	informerAuth = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.informer)}` };
	const from = madridDate(2);
	const r = await srv.get(`/api/v1/offices/${OFFICE}/hours?from=${from}&to=${addDays(from, 50)}`);
	assert.equal(r.status, 200);
	days = r.json().days.filter((d) => d.open && d.weekday <= 5 && d.intervals[0].opens <= '08:30').map((d) => d.date);
	assert.ok(days.length >= 14, `enough open days (${days.length})`);
});

// ---------------------------------------------------------------- availability

describe('availability', () => {
	it('lists days and slots with ISO starts and free seats', async () => {
		const r = await srv.get(`/api/v1/availability?service=${SERVICE}&channel=in_person&office=centre`);
		assert.equal(r.status, 200, r.text);
		assert.match(String(r.headers['content-type']), /^application\/json/);
		const j = r.json();
		assert.ok(Array.isArray(j.days) && j.days.length > 0);
		for (const d of j.days) {
			assert.match(d.date, /^\d{4}-\d{2}-\d{2}$/);
			assert.ok(d.slots.length > 0);
			for (const s of d.slots) {
				assert.match(s.start, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00[+-]\d{2}:\d{2}$/);
				assert.equal(s.start.slice(0, 10), d.date);
				assert.ok(Number.isInteger(s.free) && s.free > 0);
			}
		}
		const starts = j.days.flatMap((d) => d.slots.map((s) => Date.parse(s.start)));
		assert.deepEqual(starts, [...starts].sort((a, b) => a - b), 'in order');
	});

	it('phone and video need no office: the virtual office serves them', async () => {
		const r = await srv.get('/api/v1/availability?service=cita-serveis&channel=phone');
		assert.equal(r.status, 200, r.text);
		assert.ok(r.json().days.length > 0, 'phone slots');
	});

	it('bad input is 422 with one message per field, in the request language', async () => {
		let r = await srv.get('/api/v1/availability?service=nope&channel=in_person&office=centre&lang=en');
		let j = L.assertJsonError(r, 422, 'invalid');
		assert.match(j.fields.service, /procedure/i);
		r = await srv.get(`/api/v1/availability?service=${SERVICE}&channel=in_person`);
		j = L.assertJsonError(r, 422, 'invalid');
		assert.ok(j.fields.office, 'office is required in person');
		r = await srv.get(`/api/v1/availability?service=${SERVICE}&channel=video&office=centre`);
		assert.ok(L.assertJsonError(r, 422, 'invalid').fields.channel, 'no video for this procedure');
		r = await srv.get(`/api/v1/availability?service=${SERVICE}&channel=in_person&office=centre&from=2026-02-30`);
		assert.ok(L.assertJsonError(r, 422, 'invalid').fields.from);
		r = await srv.get(`/api/v1/availability?service=${SERVICE}&channel=in_person&office=centre&from=2026-01-01&to=2026-06-01`);
		assert.ok(L.assertJsonError(r, 422, 'invalid').fields.to, 'more than 92 days');
		r = await srv.get(`/api/v1/availability?service=${SERVICE}&channel=in_person&office=hisenda`);
		assert.ok(L.assertJsonError(r, 422, 'invalid').fields.office, 'not offered there');
	});
});

// ---------------------------------------------------------------- booking

describe('appointments', () => {
	let slot;
	before(async () => {
		await srv.ready();
		slot = await makeSlot({ capacity: 2 });
	});

	it('books: 201 with code, token, start, channel and the manage link', async () => {
		// Written with spaces, a dash and a lower-case letter: stored normalised.
		const who = person({ name: 'Núria Ferrer Puig', id_number: ' 1234-5678' + L.DNI_LETTERS[12345678 % 23].toLowerCase() + ' ' });
		const r = await book(slot.start, who);
		assert.equal(r.status, 201, r.text);
		const j = r.json();
		assert.match(j.code, /^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{8}$/);
		assert.match(j.token, /^[0-9a-f]{64}$/);
		assert.equal(j.start, slot.start);
		assert.equal(j.channel, 'in_person');
		assert.equal(j.status, 'booked');
		assert.equal(j.office.code, OFFICE);
		assert.equal(j.service.code, SERVICE);
		assert.equal(j.manage_url, `${srv.base}/cita/${j.code}?token=${j.token}`);
		assert.equal(j.id_masked, '***5678' + L.DNI_LETTERS[12345678 % 23]);
		assert.equal(r.headers.location, `/api/v1/appointments/${j.code}`);
		assert.equal(r.headers['cache-control'], 'no-store');
		// Only the token's hash is stored, and the ID number normalised.
		const row = sql(`SELECT token_hash || '|' || id_number || '|' || booked_by FROM appointments WHERE code = '${j.code}'`);
		const hash = crypto.createHash('sha256').update(j.token).digest('hex');
		assert.equal(row, `${hash}|${dni(12345678)}|citizen`);
		assert.equal(sql(`SELECT COUNT(*) FROM appointment_events WHERE to_state = 'booked' AND appointment_id = (SELECT id FROM appointments WHERE code = '${j.code}')`), '1');
		// The confirmation is in the outbox, written in the same transaction.
		assert.equal(sql(`SELECT COUNT(*) FROM outbox WHERE dedupe_key LIKE 'confirmed:${j.code}%'`), '1');
	});

	it('the last seat, then 409 slot_full', async () => {
		await bookOk(slot.start);
		const r = await book(slot.start);
		L.assertJsonError(r, 409, 'slot_full');
		assert.equal(sql(`SELECT booked FROM slots WHERE office_id = (SELECT id FROM offices WHERE code = '${OFFICE}') AND start_at = ${Date.parse(slot.start) / 1000}`), '2');
		assert.equal(await findSlot(slot.date, '08:30'), undefined, 'a full slot is not offered');
	});

	it('422 with every bad field at once, translated', async () => {
		const r = await srv.request('POST', '/api/v1/appointments?lang=en', {
			body: { service: SERVICE, channel: 'in_person', office: OFFICE, start: 'tomorrow', name: 'X', id_type: 'dni', id_number: '12345678A', email: 'no-at-sign', phone: '12', lang: 'fr', digital_confidence: 7 },
		});
		const j = L.assertJsonError(r, 422, 'invalid');
		for (const f of ['start', 'name', 'id_number', 'email', 'phone', 'lang', 'digital_confidence']) assert.ok(j.fields[f], `field ${f}`);
		assert.match(j.fields.id_number, /DNI/);
		assert.match(j.message, /check/i);
		const ca = await srv.request('POST', '/api/v1/appointments', { body: { service: SERVICE, channel: 'in_person', office: OFFICE, start: slot.start, ...person({ email: '', phone: '' }) } });
		assert.match(L.assertJsonError(ca, 422, 'invalid').fields.email, /correu electrònic o un mòbil/);
		const nieBad = await book(slot.start, person({ id_type: 'nie', id_number: 'Z1234567L' }));
		assert.match(L.assertJsonError(nieBad, 422, 'invalid').fields.id_number, /NIE/);
		const unknownStart = await book('2020-01-01T08:30:00+01:00');
		assert.ok(L.assertJsonError(unknownStart, 422, 'invalid').fields.start);
		const notObject = await srv.request('POST', '/api/v1/appointments', { body: '[1]', headers: { 'Content-Type': 'application/json' } });
		L.assertJsonError(notObject, 400, 'bad_json');
	});

	it('reads by token or by code + ID number; wrong proofs are 404', async () => {
		const s = await makeSlot({ capacity: 3 });
		const a = await bookOk(s.start, person({ id_type: 'nie', id_number: nie('Y', 1234567).toLowerCase() }));
		let r = await srv.get(`/api/v1/appointments/${a.code}?token=${a.token}`);
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json().code, a.code);
		assert.equal(r.json().token, a.token);
		r = await srv.get(`/api/v1/appointments/${a.code.toLowerCase()}?id_number=${encodeURIComponent(nie('Y', 1234567))}`);
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json().token, undefined, 'no token when it was not given');
		assert.equal(r.json().manage_url, `${srv.base}/cita/${a.code}`);
		L.assertJsonError(await srv.get(`/api/v1/appointments/${a.code}?token=${'0'.repeat(64)}`), 404, 'not_found');
		L.assertJsonError(await srv.get(`/api/v1/appointments/${a.code}?id_number=${dni(1)}`), 404, 'not_found');
		L.assertJsonError(await srv.get(`/api/v1/appointments/${a.code}`), 404, 'not_found');
		L.assertJsonError(await srv.get(`/api/v1/appointments/ZZZZZZZZ?id_number=${dni(1)}`), 404, 'not_found');
		L.assertJsonError(await srv.get('/api/v1/appointments/%3Cscript%3E?token=x'), 404, 'not_found');
		// Staff read without a proof, with the history; audited.
		r = await srv.get(`/api/v1/appointments/${a.code}`, { headers: staffAuth });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json().history.map((e) => e.to), ['booked']);
		assert.ok(Number(sql(`SELECT COUNT(*) FROM audit_log WHERE action = 'booking.view' AND target = '${a.code}'`)) >= 1);
	});
});

// ---------------------------------------------------------------- cancel and reschedule

describe('cancel and reschedule', () => {
	it('cancel by code + ID number; the seat comes back only after the delay', async () => {
		const s = await makeSlot({ capacity: 1 });
		const a = await bookOk(s.start);
		L.assertJsonError(await srv.request('POST', `/api/v1/appointments/${a.code}/cancel`, { body: { id_number: dni(2) } }), 404, 'not_found');
		const t0 = Date.now();
		const r = await srv.request('POST', `/api/v1/appointments/${a.code}/cancel`, { body: { id_number: a.who.id_number.toLowerCase() } });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json(), { code: a.code, status: 'cancelled' });
		const g = await srv.get(`/api/v1/appointments/${a.code}?token=${a.token}`);
		assert.equal(g.json().status, 'cancelled');
		assert.equal(await findSlot(s.date, '08:30'), undefined, 'not offered again at once');
		L.assertJsonError(await book(s.start), 409, 'slot_full');
		await waitFor(async () => (await findSlot(s.date, '08:30'))?.free === 1, 15000, 'the seat returns');
		assert.ok(Date.now() - t0 >= 3000, `returned after the 4 s delay (${Date.now() - t0} ms)`);
		await bookOk(s.start);
		// Cancelling again: a state error. The cancellation mail is queued.
		L.assertJsonError(await srv.request('POST', `/api/v1/appointments/${a.code}/cancel`, { body: { token: a.token } }), 409, 'bad_state');
		assert.equal(sql(`SELECT COUNT(*) FROM outbox WHERE dedupe_key = 'cancelled:${a.code}'`), '1');
		const ev = sql(`SELECT from_state || '>' || to_state || '>' || actor FROM appointment_events WHERE appointment_id = (SELECT id FROM appointments WHERE code = '${a.code}') ORDER BY id`);
		assert.equal(ev, '>booked>citizen\nbooked>cancelled>citizen');
	});

	it('reschedule takes the new seat first; a full target leaves the old one as it was', async () => {
		const s1 = await makeSlot({ capacity: 1 });
		const s2 = await makeSlot({ capacity: 1 });
		const a = await bookOk(s1.start);
		const r = await srv.request('POST', `/api/v1/appointments/${a.code}/reschedule`, { body: { token: a.token, start: s2.start } });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json().start, s2.start);
		assert.equal(r.json().sequence, 1);
		assert.equal(await findSlot(s2.date, '08:30'), undefined, 'the new seat is taken');
		assert.equal(await findSlot(s1.date, '08:30'), undefined, 'the old seat waits for the delay');
		await waitFor(async () => (await findSlot(s1.date, '08:30'))?.free === 1, 15000, 'the old seat returns');
		assert.equal(sql(`SELECT COUNT(*) FROM outbox WHERE dedupe_key = 'changed:${a.code}:1'`), '1');
		// Someone takes s1; moving there now fails and changes nothing.
		await bookOk(s1.start);
		const full = await srv.request('POST', `/api/v1/appointments/${a.code}/reschedule`, { body: { id_number: a.who.id_number, start: s1.start } });
		L.assertJsonError(full, 409, 'slot_full');
		const g = (await srv.get(`/api/v1/appointments/${a.code}?token=${a.token}`)).json();
		assert.equal(g.start, s2.start);
		assert.equal(g.status, 'booked');
		const bad = await srv.request('POST', `/api/v1/appointments/${a.code}/reschedule`, { body: { token: a.token, start: 'soon' } });
		assert.ok(L.assertJsonError(bad, 422, 'invalid').fields.start);
		const none = await srv.request('POST', `/api/v1/appointments/${a.code}/reschedule`, { body: { token: 'f'.repeat(64), start: s1.start } });
		L.assertJsonError(none, 404, 'not_found');
	});
});

// ---------------------------------------------------------------- limits

describe('limits per person', () => {
	it('at most 2 active appointments per ID number, e-mail and phone (429 naming the field)', async () => {
		const s = await makeSlot({ capacity: 12 });
		const base = person();
		await bookOk(s.start, base);
		await bookOk(s.start, { ...base, email: 'other1@example.cat', phone: '' });
		let r = await book(s.start, { ...base, email: 'other2@example.cat', phone: '' });
		let j = L.assertJsonError(r, 429, 'limit_reached');
		assert.ok(j.fields.id_number);
		// By e-mail (another ID, same address in another case).
		const p2 = person();
		await bookOk(s.start, { ...p2, phone: '' });
		await bookOk(s.start, { ...person(), email: p2.email, phone: '' });
		r = await book(s.start, { ...person(), email: p2.email.toUpperCase(), phone: '' });
		j = L.assertJsonError(r, 429, 'limit_reached');
		assert.ok(j.fields.email);
		// By phone (spaces and a +34 written differently count as given).
		const p3 = person({ email: '', phone: '+34 611 22 33 44' });
		await bookOk(s.start, p3);
		await bookOk(s.start, person({ email: '', phone: '+34 611 22 33 44' }));
		r = await book(s.start, person({ email: '', phone: '+34611223344' }));
		j = L.assertJsonError(r, 429, 'limit_reached');
		assert.ok(j.fields.phone);
		// A cancelled one no longer counts.
		const c = await bookOk(s.start, person());
		await srv.request('POST', `/api/v1/appointments/${c.code}/cancel`, { body: { token: c.token } });
		await bookOk(s.start, { ...c.who, email: 'third@example.cat', phone: '' });
		await bookOk(s.start, { ...c.who, email: 'fourth@example.cat', phone: '' });
	});
});

// ---------------------------------------------------------------- holds

describe('holds', () => {
	it('a hold takes the seat; booking with it confirms that seat; a used hold is gone', async () => {
		const s = await makeSlot({ capacity: 1 });
		const h = await srv.request('POST', '/api/v1/holds', { body: { service: SERVICE, channel: 'in_person', office: OFFICE, start: s.start } });
		assert.equal(h.status, 201, h.text);
		const { hold, expires_at, expires_in } = h.json();
		assert.match(hold, /^[0-9a-f]{64}$/);
		assert.ok(Math.abs(Date.parse(expires_at) - (Date.now() + 10000)) < 5000);
		assert.equal(expires_in, 10);
		assert.equal(await findSlot(s.date, '08:30'), undefined, 'held: not offered');
		L.assertJsonError(await book(s.start), 409, 'slot_full');
		const again = await srv.request('POST', '/api/v1/holds', { body: { service: SERVICE, channel: 'in_person', office: OFFICE, start: s.start } });
		L.assertJsonError(again, 409, 'slot_full');
		const a = await bookOk(undefined, person(), { hold });
		assert.equal(a.start, s.start);
		L.assertJsonError(await book(undefined, person(), { hold }), 409, 'hold_expired');
	});

	it('an unconfirmed hold is released by the job after hold_seconds', async () => {
		const s = await makeSlot({ capacity: 1 });
		const h = await srv.request('POST', '/api/v1/holds', { body: { service: SERVICE, channel: 'in_person', office: OFFICE, start: s.start } });
		assert.equal(h.status, 201, h.text);
		assert.equal(await findSlot(s.date, '08:30'), undefined);
		const waited = await waitFor(async () => (await findSlot(s.date, '08:30'))?.free === 1, 20000, 'the held seat returns');
		assert.ok(waited >= 7000, `not before the 10 s hold (${waited} ms)`);
		L.assertJsonError(await book(undefined, person(), { hold: h.json().hold }), 409, 'hold_expired');
	});

	it('DELETE lets a hold go: its seat returns after cancel_return_delay, as a cancelled one does', async () => {
		const s = await makeSlot({ capacity: 1 });
		const h = (await srv.request('POST', '/api/v1/holds', { body: { service: SERVICE, channel: 'in_person', office: OFFICE, start: s.start } })).json();
		const t0 = Date.now();
		const d = await srv.request('DELETE', `/api/v1/holds/${h.hold}`);
		assert.equal(d.status, 204);
		assert.equal(await findSlot(s.date, '08:30'), undefined, 'not offered at once');
		L.assertJsonError(await srv.request('DELETE', `/api/v1/holds/${h.hold}`), 404, 'not_found');
		await waitFor(async () => (await findSlot(s.date, '08:30'))?.free === 1, 15000, 'the released seat returns');
		assert.ok(Date.now() - t0 >= 3000, `not before the 4 s delay (${Date.now() - t0} ms)`);
	});
});

// ---------------------------------------------------------------- staff

describe('staff', () => {
	it('staff book on the staff share and are recorded as the booker', async () => {
		// 3 seats at 34 %: 2 for staff, 1 public.
		const s = await makeSlot({ capacity: 3, staffShare: 34 });
		await bookOk(s.start);
		L.assertJsonError(await book(s.start), 409, 'slot_full');
		const st = await findSlot(s.date, '08:30', OFFICE, { headers: informerAuth });
		assert.equal(st.free, 2, 'staff see the staff seats');
		const a = await bookOk(s.start, person(), {}, { headers: informerAuth });
		assert.equal(a.booked_by, L.DEMO_USERS.informer);
		const row = sql(`SELECT staff_seat || '|' || booked_by || '|' || (booked_by_user_id IS NOT NULL) FROM appointments WHERE code = '${a.code}'`);
		assert.match(row, new RegExp(`^1\\|${L.DEMO_USERS.informer.replace('.', '\\.')}\\|(1|t|true)$`));
		await bookOk(s.start, person(), {}, { headers: informerAuth });
		L.assertJsonError(await book(s.start, person(), {}, { headers: informerAuth }), 409, 'slot_full');
		assert.ok(Number(sql(`SELECT COUNT(*) FROM audit_log WHERE action = 'booking.create' AND target = '${a.code}'`)) === 1);
		// The staff list of the day.
		const list = await srv.get(`/api/v1/appointments?office=${OFFICE}&date=${s.date}`, { headers: staffAuth });
		assert.equal(list.status, 200, list.text);
		assert.ok(list.json().appointments.some((x) => x.code === a.code && x.booked_by === L.DEMO_USERS.informer));
		L.assertJsonError(await srv.get(`/api/v1/appointments?office=${OFFICE}&date=${s.date}`), 401, 'unauthorized');
	});

	it('a session call needs the CSRF header; a bearer call does not', async () => {
		const s = await makeSlot({ capacity: 2 });
		const { jar, csrf } = await srv.loginOk(L.DEMO_USERS.informer);
		L.assertJsonError(await book(s.start, person(), {}, { jar }), 403, 'csrf');
		const ok = await book(s.start, person(), {}, { jar, headers: { 'X-CSRF-Token': csrf } });
		assert.equal(ok.status, 201, ok.text);
		assert.equal(ok.json().booked_by, L.DEMO_USERS.informer);
	});

	it('check-in asks for the ID number; then the states move through the one table', async () => {
		const s = await makeSlot({ capacity: 2 });
		const a = await bookOk(s.start);
		const url = `/api/v1/appointments/${a.code}`;
		L.assertJsonError(await srv.request('POST', `${url}/check-in`, { body: { id_number: a.who.id_number } }), 401, 'unauthorized');
		L.assertJsonError(await srv.request('POST', `${url}/check-in`, { headers: informerAuth, body: { id_number: a.who.id_number } }), 403, 'forbidden');
		const wrong = await srv.request('POST', `${url}/check-in`, { headers: welcomeAuth, body: { id_number: dni(3) } });
		assert.ok(L.assertJsonError(wrong, 422, 'invalid').fields.id_number);
		let r = await srv.request('POST', `${url}/check-in`, { headers: welcomeAuth, body: { id_number: a.who.id_number.toLowerCase() } });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json().status, 'checked_in');
		L.assertJsonError(await srv.request('POST', `${url}/check-in`, { headers: welcomeAuth, body: { id_number: a.who.id_number } }), 409, 'bad_state');
		L.assertJsonError(await srv.request('POST', `${url}/status`, { headers: informerAuth, body: { status: 'done' } }), 409, 'bad_state');
		assert.ok(L.assertJsonError(await srv.request('POST', `${url}/status`, { headers: informerAuth, body: { status: 'lost' } }), 422, 'invalid').fields.status);
		for (const st of ['called', 'in_service', 'done']) {
			r = await srv.request('POST', `${url}/status`, { headers: informerAuth, body: { status: st } });
			assert.equal(r.status, 200, `${st}: ${r.text}`);
		}
		L.assertJsonError(await srv.request('POST', `${url}/cancel`, { body: { token: a.token } }), 409, 'bad_state');
		const h = (await srv.get(url, { headers: staffAuth })).json().history;
		assert.deepEqual(h.map((e) => `${e.from}>${e.to}`), ['>booked', 'booked>checked_in', 'checked_in>called', 'called>in_service', 'in_service>done']);
		assert.equal(h[1].actor, L.DEMO_USERS.welcome);
		L.assertJsonError(await srv.request('POST', '/api/v1/appointments/ZZZZZZZZ/status', { headers: informerAuth, body: { status: 'called' } }), 404, 'not_found');
	});
});

// ---------------------------------------------------------------- concurrency

describe('concurrency', () => {
	let nodeB;
	after(() => nodeB && nodeB.running && nodeB.kill());

	it(`200 concurrent bookings at a slot of capacity 3: exactly 3 × 201 (${L.IS_PG ? 'PostgreSQL, two nodes' : 'SQLite'})`, { timeout: 120000 }, async () => {
		const s = await makeSlot({ capacity: 3 });
		const nodes = [srv];
		if (L.IS_PG) {
			nodeB = new L.Server({ name: 'node B', command: 'serve', db: srv.db, env: ENV });
			await nodeB.start();
			nodes.push(nodeB);
		}
		const N = 200;
		const t0 = Date.now();
		const results = await Promise.all(
			Array.from({ length: N }, (_, i) =>
				nodes[i % nodes.length].request('POST', '/api/v1/appointments', {
					body: { service: SERVICE, channel: 'in_person', office: OFFICE, start: s.start, ...person() },
					timeout: 60000,
				})
			)
		);
		const ms = Date.now() - t0;
		const by = {};
		for (const r of results) by[r.status] = (by[r.status] || 0) + 1;
		assert.deepEqual(by, { 201: 3, 409: N - 3 }, JSON.stringify(by));
		for (const r of results) if (r.status === 409) assert.equal(r.json().error, 'slot_full');
		if (L.IS_PG) {
			const perNode = [0, 1].map((k) => results.filter((r, i) => i % 2 === k && r.status === 201).length);
			console.log(`# 201 per node: ${perNode.join(' + ')}`);
		}
		const at = Date.parse(s.start) / 1000;
		const office = `(SELECT id FROM offices WHERE code = '${OFFICE}')`;
		assert.equal(sql(`SELECT booked FROM slots WHERE office_id = ${office} AND start_at = ${at}`), '3');
		assert.equal(sql(`SELECT COUNT(*) FROM appointments WHERE office_id = ${office} AND start_at = ${at}`), '3');
		console.log(`# ${N} concurrent bookings in ${ms} ms`);
		if (nodeB) await nodeB.stop();
	});
});

// ---------------------------------------------------------------- proof of work and rate limits

describe('proof of work and rate limits (another node)', () => {
	const KEY = 'a shared test key';
	let b;
	before(async () => {
		await srv.ready();
		b = new L.Server({
			name: 'pow node',
			command: 'serve',
			db: srv.db,
			env: {
				...ENV,
				FINESTRETA_BOOKING_PROOF_OF_WORK: 'on',
				FINESTRETA_BOOKING_POW_MAX_NUMBER: '20000',
				FINESTRETA_BOOKING_POW_KEY: KEY,
				FINESTRETA_BOOKING_RATE_BOOKING: '4',
				FINESTRETA_BOOKING_RATE_AVAILABILITY: '6',
			},
		});
		await b.start();
	});
	after(() => b && b.running && b.kill());

	it('challenges follow the altcha v1 format, signed with the key', async () => {
		const r = await b.get('/api/v1/pow/challenge');
		assert.equal(r.status, 200, r.text);
		assert.equal(r.headers['cache-control'], 'no-store');
		const ch = r.json();
		assert.equal(ch.algorithm, 'SHA-256');
		assert.equal(ch.maxnumber, 20000);
		assert.match(ch.salt, /^[0-9a-f]{24}\?expires=\d+&$/);
		assert.match(ch.challenge, /^[0-9a-f]{64}$/);
		assert.equal(ch.signature, crypto.createHmac('sha256', KEY).update(ch.challenge).digest('hex'));
		assert.ok(Number(/expires=(\d+)/.exec(ch.salt)[1]) > Date.now() / 1000);
	});

	it('no payload, a wrong one, a solved one, and the same one again', async () => {
		const s = await makeSlot({ capacity: 5 });
		const post = (extra) => b.request('POST', '/api/v1/appointments', { body: { service: SERVICE, channel: 'in_person', office: OFFICE, start: s.start, ...person(), ...extra } });
		let r = await post({});
		assert.ok(L.assertJsonError(r, 422, 'invalid').fields.altcha);
		const ch = (await b.get('/api/v1/pow/challenge')).json();
		const payload = L.solvePow(ch);
		const wrong = JSON.parse(Buffer.from(payload, 'base64').toString());
		wrong.number += 1;
		r = await post({ altcha: Buffer.from(JSON.stringify(wrong)).toString('base64') });
		assert.ok(L.assertJsonError(r, 422, 'invalid').fields.altcha);
		r = await post({ altcha: payload });
		assert.equal(r.status, 201, r.text);
		r = await post({ altcha: payload });
		assert.match(L.assertJsonError(r, 422, 'invalid').fields.altcha, /ja s'ha fet servir/);
		// Staff need none.
		r = await b.request('POST', '/api/v1/appointments', { headers: informerAuth, body: { service: SERVICE, channel: 'in_person', office: OFFICE, start: s.start, ...person() } });
		assert.equal(r.status, 201, r.text);
	});

	it('availability: 429 with Retry-After and a clear message past the limit; staff are not limited', async () => {
		let last;
		for (let i = 0; i < 8; i++) {
			last = await b.get(`/api/v1/availability?service=${SERVICE}&channel=in_person&office=centre&lang=en`);
			if (last.status === 429) break;
		}
		const j = L.assertJsonError(last, 429, 'rate_limited');
		assert.match(j.message, /too many searches/i);
		assert.ok(Number(last.headers['retry-after']) >= 1 && Number(last.headers['retry-after']) <= 60);
		assert.equal(j.retry_after, Number(last.headers['retry-after']));
		const st = await b.get(`/api/v1/availability?service=${SERVICE}&channel=in_person&office=centre`, { headers: staffAuth });
		assert.equal(st.status, 200);
	});

	it('booking calls: 429 past the limit', async () => {
		let last;
		for (let i = 0; i < 8; i++) {
			last = await b.get(`/api/v1/appointments/ZZZZZZZZ?id_number=${dni(i)}`);
			if (last.status === 429) break;
		}
		assert.match(L.assertJsonError(last, 429, 'rate_limited').message, /massa peticions/);
		assert.ok(last.headers['retry-after']);
	});

	it('the second node shuts down gracefully', () => b.stop());
});

test('graceful shutdown', () => srv.stop());
