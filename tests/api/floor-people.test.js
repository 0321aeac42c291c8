'use strict';
// Tickets and the citizen record (docs/internals/people.md): a ticket issued with an ID number
// links to the person, shows in their timeline with a link to the ticket's staff page, and is
// blanked by an erasure; the desk attending it shows the person's timeline, the view audited with
// the ticket as the reason. The coordinators' board shows the deferred requests overdue, the count
// requests contributes, and follows its topic live.
const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib/server.js');

const srv = L.useServer({
	env: {
		FINESTRETA_FLOOR_RATE_PUBLIC: '0',
		FINESTRETA_REQUESTS_RATE_CREATE: '0',
		FINESTRETA_BOOKING_PROOF_OF_WORK: 'off',
		FINESTRETA_BOOKING_RATE_BOOKING: '0',
		FINESTRETA_BOOKING_RATE_AVAILABILITY: '0',
	},
});
const OFFICE = 'mar-blava';
const sql = (q) => L.sql(srv.db, q);

describe('tickets and the citizen record', () => {
	let admin, coord;
	const who = L.people({ from: 83000, random: 100000, name: 'Persona Torn', email: 'torn' });
	let person, ticket;

	before(async () => {
		await srv.ready();
		admin = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.admin)}` };
		coord = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.coordinator)}` };
		person = who();
		const r = await srv.request('POST', `/api/v1/offices/${OFFICE}/tickets`, {
			headers: admin,
			body: { zone: 'assistida', name: person.name, id_number: person.id_number.toLowerCase(), phone: person.phone },
		});
		assert.equal(r.status, 201, r.text);
		ticket = r.json();
	});

	it('a ticket with an ID number shows in that person\'s timeline, linking to its staff page', async () => {
		const r = await srv.get(`/api/v1/people?id_number=${person.id_number}&reason=attending`, { headers: admin });
		assert.equal(r.status, 200, r.text);
		const p = r.json();
		assert.equal(p.name, person.name);
		const e = p.timeline.find((x) => x.kind === 'ticket');
		assert.ok(e, JSON.stringify(p.timeline));
		assert.equal(e.ref, ticket.number);
		assert.equal(e.href, `/floor/tickets/${ticket.id}`);
		assert.equal(sql(`SELECT person_id FROM floor_tickets WHERE id = ${ticket.id}`), String(p.id));
		const { jar } = await srv.loginOk(L.DEMO_USERS.admin);
		const page = await srv.get(e.href, { jar });
		L.assertHtml(page, 200, 'the ticket\'s staff page');
		assert.match(page.text, new RegExp(ticket.number));
		assert.equal((await srv.get(e.href)).status === 200, false, 'not for the public');
	});

	it('a checked-in appointment\'s ticket links to the appointment\'s person', async () => {
		const from = L.madridDate(2);
		const av = await srv.get(`/api/v1/availability?service=volant-individual&channel=in_person&office=${OFFICE}&from=${from}&to=${L.addDays(from, 20)}`, { headers: admin });
		assert.equal(av.status, 200, av.text);
		const other = who();
		const booked = await srv.request('POST', '/api/v1/appointments', {
			headers: admin,
			body: { service: 'volant-individual', channel: 'in_person', office: OFFICE, start: av.json().days[0].slots[0].start, ...other },
		});
		assert.equal(booked.status, 201, booked.text);
		const code = booked.json().code;
		const now = Math.floor(Date.now() / 1000); // a fixture: today is not bookable at every hour
		sql(`UPDATE appointments SET start_at = ${now + 180}, end_at = ${now + 780} WHERE code = '${code}'`);
		const r = await srv.request('POST', `/api/v1/offices/${OFFICE}/check-in`, { headers: admin, body: { appointment: code } });
		assert.equal(r.status, 201, r.text);
		const pid = sql(`SELECT person_id FROM appointments WHERE code = '${code}'`);
		assert.match(pid, /^\d+$/);
		assert.equal(sql(`SELECT person_id FROM floor_tickets WHERE id = ${r.json().id}`), pid);
		const p = (await srv.get(`/api/v1/people?id_number=${other.id_number}&reason=attending`, { headers: admin })).json();
		assert.deepEqual(p.timeline.map((e) => e.kind).sort(), ['appointment', 'ticket']);
	});

	it('a bad ID number or contact is a field error, and nothing is issued', async () => {
		const before = sql('SELECT COUNT(*) FROM floor_tickets');
		const r = await srv.request('POST', `/api/v1/offices/${OFFICE}/tickets`, {
			headers: admin,
			body: { zone: 'assistida', id_number: '12345678A', email: 'no-arroba', phone: '12' },
		});
		const j = L.assertJsonError(r, 422, 'invalid');
		assert.deepEqual(Object.keys(j.fields).sort(), ['email', 'id_number', 'phone']);
		assert.equal(sql('SELECT COUNT(*) FROM floor_tickets'), before);
	});

	it('the desk attending the ticket shows the person\'s timeline, audited with the ticket as the reason', async () => {
		const s = await srv.loginOk(L.DEMO_USERS.admin);
		const open = await srv.postForm('/floor/desk/open', { office: OFFICE, desk: 'taula-1', zones: 'assistida' }, s);
		assert.equal(open.status, 303, open.text.slice(0, 300));
		const call = await srv.postForm('/floor/desk/call', { office: OFFICE, ticket: String(ticket.id) }, s);
		assert.equal(call.status, 303, call.text.slice(0, 300));
		const pid = sql(`SELECT person_id FROM floor_tickets WHERE id = ${ticket.id}`);
		const audits = () => Number(sql(`SELECT COUNT(*) FROM audit_log WHERE action = 'people.view' AND target = 'person:${pid}' AND detail = 'ticket: ${ticket.id}'`));
		const before = audits();
		const page = await srv.get(`/floor/desk?office=${OFFICE}`, { jar: s.jar });
		L.assertHtml(page, 200, 'the desk');
		assert.match(page.text, /class="pe-timeline"/, 'the timeline is beside the ticket');
		assert.match(page.text, new RegExp(`href="/floor/tickets/${ticket.id}"`));
		assert.equal(audits(), before + 1, 'the view is audited with the ticket as its reason');
		const no = await srv.postForm('/floor/desk/act', { office: OFFICE, ticket: String(ticket.id), action: 'no-show' }, s);
		assert.equal(no.status, 303, no.text.slice(0, 300));
		const after = await srv.get(`/floor/desk?office=${OFFICE}`, { jar: s.jar });
		assert.doesNotMatch(after.text, /class="pe-timeline"/, 'nobody at the desk, no record shown');
		assert.equal(audits(), before + 1);
	});

	it('erasing the person blanks the ticket\'s texts; the ticket stays for the figures', async () => {
		const t = (await srv.request('POST', `/api/v1/offices/${OFFICE}/tickets`, {
			headers: admin, body: { zone: 'assistida', id_number: person.id_number },
		})).json();
		sql(`UPDATE floor_tickets SET outcome_notes = 'Parla de la seva salut', referred = 'Serveis socials' WHERE id = ${t.id}`);
		const pid = sql(`SELECT person_id FROM floor_tickets WHERE id = ${t.id}`);
		assert.equal(pid, sql(`SELECT person_id FROM floor_tickets WHERE id = ${ticket.id}`), 'one person, two tickets');
		const s = await srv.loginOk(L.DEMO_USERS.coordinator);
		const r = await srv.postForm(`/staff/people/${pid}/erase`, { reason: 'rights', confirm: '1' }, s);
		assert.equal(r.status, 303, r.text.slice(0, 300));
		assert.equal(sql(`SELECT outcome_notes || referred || note FROM floor_tickets WHERE person_id = ${pid}`).trim(), '');
		assert.equal(sql(`SELECT COUNT(*) FROM floor_tickets WHERE person_id = ${pid}`), '2');
		assert.equal((await srv.get(`/api/v1/people?id_number=${person.id_number}&reason=rights`, { headers: coord })).status, 404);
	});
});

describe('the coordinators\' board', () => {
	it('shows the deferred requests overdue, linking to them, and follows their topic', async () => {
		const { jar } = await srv.loginOk(L.DEMO_USERS.coordinator);
		const coord = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.coordinator)}` };
		const count = async () => (await srv.get('/api/v1/requests/overdue', { headers: coord })).json().count;
		const shown = async () => {
			const page = await srv.get('/floor/board?office=centre', { jar });
			L.assertHtml(page, 200, 'the board');
			assert.match(page.text, /data-more-topics="requests\.board:overdue"/, 'the board follows the requests topic');
			const m = page.text.match(/<span class="fl-card-count">(\d+)<\/span> <a href="\/staff\/requests\/overdue">/);
			assert.ok(m, 'the overdue card links to the overdue requests');
			return Number(m[1]);
		};
		const n = await count();
		assert.equal(await shown(), n);
		const q = await srv.request('POST', '/api/v1/requests', {
			body: { topic: 'info', text: 'Una consulta que ha vençut', name: 'Veí Tardà', email: 'tarda@example.org', answer_by: 'email', lang: 'ca' },
		});
		assert.equal(q.status, 201, q.text);
		sql(`UPDATE requests SET due_at = 1000 WHERE code = '${q.json().code}'`);
		assert.equal(await count(), n + 1);
		assert.equal(await shown(), n + 1, 'the board counts it');
	});
});
