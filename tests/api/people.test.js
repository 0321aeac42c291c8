'use strict';
// The citizen record (src/people/, docs/api.md "People"): one person found by ID number, e-mail or
// phone, linked from bookings, requests and chats; the timeline across channels newest first; only
// person-facing staff see it, every view audited with its reason; merges (and undoing them);
// the data-protection export (JSON, PDF) and erasure; hostile text shown as text.
const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const L = require('./lib/server.js');

const srv = L.useServer({ env: { FINESTRETA_BOOKING_PROOF_OF_WORK: 'false', FINESTRETA_BOOKING_RATE_BOOKING: '0' } });
const HOSTILE = '<script>alert(1)</script> \u202Eevil\u0007 & "q"';

describe('people', () => {
	let informer, coord, display;
	const who = L.people({ from: 81000, random: 100000, name: 'Persona Fitxa', email: 'fitxa' });
	let person; // { name, id_number, email, phone } of a booking
	let appt; // its code

	before(async () => {
		await srv.ready();
		informer = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.informer)}` };
		coord = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.coordinator)}` };
		display = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.display)}` };
		// A booking, a request and a chat of one person: the timeline gathers them.
		person = who();
		const av = await srv.get('/api/v1/availability?service=volant-individual&channel=in_person&office=centre');
		const start = av.json().days.flatMap((d) => d.slots.filter((s) => s.free > 0).map((s) => s.start))[0];
		const b = await srv.request('POST', '/api/v1/appointments', {
			body: { service: 'volant-individual', channel: 'in_person', office: 'centre', start, ...person },
		});
		assert.equal(b.status, 201, b.text);
		appt = b.json().code;
		const q = await srv.request('POST', '/api/v1/requests', {
			body: { topic: 'info', text: 'Una consulta de la fitxa', name: person.name, email: person.email, answer_by: 'email', lang: 'ca' },
		});
		assert.equal(q.status, 201, q.text);
	});

	it('finds the person by ID number, e-mail or phone (normalised), with the timeline across channels', async () => {
		const idn = person.id_number.toLowerCase().replace(/(\d{4})/, '$1-');
		for (const q of [`id_number=${encodeURIComponent(idn)}`, `email=${encodeURIComponent(person.email.toUpperCase())}`]) {
			const r = await srv.get(`/api/v1/people?${q}&reason=attending`, { headers: informer });
			assert.equal(r.status, 200, `${q}: ${r.text}`);
			const p = r.json();
			assert.equal(p.id_number, person.id_number);
			assert.equal(p.name, person.name);
			const kinds = p.timeline.map((e) => e.kind).sort();
			assert.deepEqual(kinds, ['appointment', 'request']);
			const ats = p.timeline.map((e) => Date.parse(e.at));
			assert.deepEqual(ats, [...ats].sort((a, b) => b - a), 'newest first');
			assert.ok(p.timeline.every((e) => e.href.startsWith('/staff/')), 'every entry links to its page');
		}
	});

	it('the staff page of an appointment shows the person\'s timeline, audited with the appointment as the reason', async () => {
		const { jar } = await srv.loginOk(L.DEMO_USERS.informer);
		const before = Number(L.sql(srv.db, `SELECT COUNT(*) FROM audit_log WHERE action = 'people.view' AND detail = 'appointment: ${appt}'`));
		const page = await srv.get(`/staff/cita/${appt}`, { jar });
		L.assertHtml(page, 200, 'the appointment\'s staff page');
		assert.match(page.text, /class="[^"]*pe-timeline/, 'the timeline is beside the appointment');
		assert.match(page.text, /href="\/staff\/requests\/[2-9A-Z]{8}"/, 'with the person\'s request from another channel');
		assert.match(page.text, /href="\/staff\/people\/\d+\?reason=attending/, 'and a link to the record');
		const after = Number(L.sql(srv.db, `SELECT COUNT(*) FROM audit_log WHERE action = 'people.view' AND detail = 'appointment: ${appt}'`));
		assert.equal(after, before + 1, 'the view is audited with the appointment as its reason');
	});

	it('every view needs a reason and is audited with it; only person-facing staff see records', async () => {
		L.assertJsonError(await srv.get(`/api/v1/people?email=${person.email}`, { headers: informer }), 422, 'invalid');
		const before = Number(L.sql(srv.db, "SELECT COUNT(*) FROM audit_log WHERE action = 'people.view'"));
		const r = await srv.get(`/api/v1/people?email=${person.email}&reason=other&note=${encodeURIComponent('revisió de qualitat')}`, { headers: informer });
		assert.equal(r.status, 200);
		const row = L.sql(srv.db, "SELECT actor, target, detail FROM audit_log WHERE action = 'people.view' ORDER BY id DESC LIMIT 1");
		assert.equal(row, `${L.DEMO_USERS.informer}|person:${r.json().id}|other: revisió de qualitat`);
		assert.equal(Number(L.sql(srv.db, "SELECT COUNT(*) FROM audit_log WHERE action = 'people.view'")), before + 1);
		L.assertJsonError(await srv.get(`/api/v1/people?email=${person.email}&reason=other`, { headers: informer }), 422, 'invalid');
		assert.equal((await srv.get(`/api/v1/people?email=${person.email}&reason=attending`, { headers: display })).status, 403);
		assert.equal((await srv.get(`/api/v1/people?email=${person.email}&reason=attending`)).status, 401);
		assert.equal((await srv.get('/api/v1/people?email=nobody@example.org&reason=attending', { headers: informer })).status, 404);
	});

	it('the record page asks for the reason before showing anything, then shows the timeline', async () => {
		const { jar } = await srv.loginOk(L.DEMO_USERS.welcome);
		const id = (await srv.get(`/api/v1/people?email=${person.email}&reason=attending`, { headers: informer })).json().id;
		const ask = await srv.get(`/staff/people/${id}`, { jar });
		L.assertHtml(ask, 200, 'reason form');
		assert.doesNotMatch(ask.text, new RegExp(person.id_number));
		const page = await srv.get(`/staff/people/${id}?reason=attending`, { jar });
		L.assertHtml(page, 200, 'record');
		assert.match(page.text, new RegExp(person.id_number));
		assert.match(page.text, /class="pe-timeline"/);
	});

	it('merges a duplicate (audited) and undoes it from the merge record', async () => {
		const s = await srv.loginOk(L.DEMO_USERS.coordinator);
		const a = (await srv.get('/api/v1/people?id_number=12345678Z&reason=correction', { headers: coord })).json();
		const b = (await srv.get('/api/v1/people?email=nvidal@example.net&reason=correction', { headers: coord })).json();
		assert.notEqual(a.id, b.id);
		const m = await srv.postForm(`/staff/people/${a.id}/merge`, { other: b.id, reason: 'correction' }, { jar: s.jar, csrf: s.csrf });
		assert.equal(m.status, 303, m.text.slice(0, 300));
		const merged = (await srv.get('/api/v1/people?email=nvidal@example.net&reason=correction', { headers: coord })).json();
		assert.equal(merged.id, a.id, 'the duplicate\'s contact finds the survivor');
		assert.ok(merged.emails.includes('nvidal@example.net') && merged.emails.includes('nuria.vidal@example.org'));
		const mid = L.sql(srv.db, `SELECT id FROM people_merges WHERE survivor_id = ${a.id} AND merged_id = ${b.id}`);
		assert.match(L.sql(srv.db, "SELECT detail FROM audit_log WHERE action = 'people.merge' ORDER BY id DESC LIMIT 1"), new RegExp(`merge:${mid}`));
		const u = await srv.postForm(`/staff/people/merges/${mid}/undo`, { reason: 'correction' }, { jar: s.jar, csrf: s.csrf });
		assert.equal(u.status, 303, u.text.slice(0, 300));
		assert.equal((await srv.get('/api/v1/people?email=nvidal@example.net&reason=correction', { headers: coord })).json().id, b.id);
		assert.equal(L.sql(srv.db, "SELECT COUNT(*) FROM audit_log WHERE action = 'people.unmerge'"), '1');
		const again = await srv.postForm(`/staff/people/merges/${mid}/undo`, { reason: 'correction' }, { jar: s.jar, csrf: s.csrf });
		assert.equal(again.status, 409, 'a merge is undone once');
	});

	it('exports a person as JSON and a readable PDF, hostile text as text', async () => {
		const h = who();
		const q = await srv.request('POST', '/api/v1/requests', {
			body: { topic: 'other', text: HOSTILE, name: `Nom ${HOSTILE}`.slice(0, 60), email: h.email, answer_by: 'email', lang: 'ca' },
		});
		assert.equal(q.status, 201, q.text);
		const id = (await srv.get(`/api/v1/people?email=${h.email}&reason=rights`, { headers: coord })).json().id;
		const j = await srv.get(`/staff/people/${id}/export.json?reason=rights`, { headers: coord });
		assert.equal(j.status, 200, j.text);
		assert.match(j.headers['content-disposition'], /attachment/);
		const doc = j.json();
		assert.equal(doc.person.id, id);
		assert.match(doc.timeline[0].detail, /<script>alert\(1\)<\/script> \uFFFDevil\uFFFD & "q"/, 'controls and overrides are marks, markup stays text');
		const pdf = await srv.request('GET', `/staff/people/${id}/export.pdf?reason=rights`, { headers: coord, binary: true });
		assert.equal(pdf.status, 200);
		assert.equal(pdf.headers['content-type'], 'application/pdf');
		const file = path.join(os.tmpdir(), `person-${process.pid}.pdf`);
		fs.writeFileSync(file, pdf.body);
		const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
		fs.unlinkSync(file);
		assert.match(text, /<script>alert\(1\)<\/script>/, 'the PDF shows the markup as text');
		assert.doesNotMatch(text, /\u202E/, 'no right-to-left override reaches the PDF');
		assert.equal((await srv.get(`/staff/people/${id}/export.json?reason=rights`, { headers: informer })).status, 403, 'informers do not export');
		assert.equal(L.sql(srv.db, `SELECT COUNT(*) FROM audit_log WHERE action = 'people.export' AND target = 'person:${id}'`), '2');
	});

	it('erases a person: personal fields blanked everywhere, statistics kept, never linked again', async () => {
		const s = await srv.loginOk(L.DEMO_USERS.coordinator);
		const id = (await srv.get(`/api/v1/people?email=${person.email}&reason=rights`, { headers: coord })).json().id;
		const no = await srv.postForm(`/staff/people/${id}/erase`, { reason: 'rights' }, { jar: s.jar, csrf: s.csrf });
		assert.equal(no.status, 422, 'the confirmation is required');
		const r = await srv.postForm(`/staff/people/${id}/erase`, { reason: 'rights', confirm: '1' }, { jar: s.jar, csrf: s.csrf });
		assert.equal(r.status, 303, r.text.slice(0, 300));
		assert.equal(L.sql(srv.db, `SELECT name || '|' || COALESCE(id_number, '') FROM people WHERE id = ${id}`), '|');
		assert.equal(L.sql(srv.db, `SELECT COUNT(*) FROM person_contacts WHERE person_id = ${id}`), '0');
		assert.equal(L.sql(srv.db, `SELECT name || email || id_number FROM appointments WHERE person_id = ${id}`), '');
		assert.equal(L.sql(srv.db, `SELECT COUNT(*) FROM appointments WHERE person_id = ${id} AND status = 'booked'`), '1', 'the appointment itself stays, for the figures');
		assert.equal(L.sql(srv.db, `SELECT text || name || email FROM requests WHERE person_id = ${id}`), '');
		assert.equal((await srv.get(`/api/v1/people?email=${person.email}&reason=rights`, { headers: coord })).status, 404);
		assert.equal(L.sql(srv.db, `SELECT COUNT(*) FROM audit_log WHERE action = 'people.erase' AND target = 'person:${id}'`), '1');
	});

	it('hostile names and notes show as text on the staff pages', async () => {
		const s = await srv.loginOk(L.DEMO_USERS.informer);
		const r = await srv.postForm('/staff/people', { name: HOSTILE.slice(0, 40), email: 'hostil@example.org', lang: 'ca' }, { jar: s.jar, csrf: s.csrf });
		assert.equal(r.status, 303, r.text.slice(0, 300));
		const page = await srv.get(r.headers.location, { jar: s.jar });
		assert.match(page.text, /&lt;script&gt;alert\(1\)&lt;\/script&gt; \uFFFDevil\uFFFD &amp;/);
		assert.doesNotMatch(page.text, /<script>alert/);
	});
});
