'use strict';
// Deferred requests (src/requests/, docs/api.md "Requests"): made by the citizen (API, web form)
// or recorded by an informer; the code and the status page; the SLA per topic and category; the
// work queue's statuses, assignment, notes, answers through the outbox and logged calls; the
// escalation of overdue ones and the count the coordinators' board shows; limits.
const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib/server.js');

const srv = L.useServer({ env: { FINESTRETA_REQUESTS_SLA_HOURS: '48, digital=24, padro=12', FINESTRETA_REQUESTS_RATE_CREATE: '0' } });

const ask = (body = {}) =>
	srv.request('POST', '/api/v1/requests', {
		body: { topic: 'info', text: 'Quin horari té l\'OAC?', name: 'Marc Roig', email: 'marc.roig@example.org', answer_by: 'email', lang: 'ca', ...body },
	});

async function made(body) {
	const r = await ask(body);
	assert.equal(r.status, 201, r.text);
	return r.json();
}

const hoursOf = (j) => Math.round((Date.parse(j.due_at) - Date.now()) / 3600000);

describe('requests', () => {
	let informer, coord, display;

	before(async () => {
		await srv.ready();
		informer = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.informer)}` };
		coord = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.coordinator)}` };
		display = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.display)}` };
	});

	it('201 with code, token, status new and the due time of the topic\'s SLA (the category wins)', async () => {
		const a = await made();
		assert.match(a.code, /^[2-9A-HJ-NP-Z]{8}$/);
		assert.match(a.token, /^[0-9a-f]{64}$/);
		assert.equal(a.status, 'new');
		assert.equal(hoursOf(a), 48);
		assert.equal(hoursOf(await made({ topic: 'digital' })), 24);
		assert.equal(hoursOf(await made({ topic: 'procedure', service: 'volant-individual' })), 12, 'padro=12 beats the topic');
		const st = await srv.get(`/api/v1/requests/${a.code}?token=${a.token}`);
		assert.equal(st.status, 200);
		assert.equal(st.json().status, 'new');
		assert.equal(st.json().name, undefined, 'the citizen\'s view does not repeat personal data');
		assert.equal((await srv.get(`/api/v1/requests/${a.code}?token=${'1'.repeat(64)}`)).status, 404);
		assert.equal((await srv.get(`/api/v1/requests/${a.code}?contact=MARC.ROIG@example.org`)).status, 200, 'the contact given also proves it');
	});

	it('acknowledges with the code and a status link that exists', async () => {
		const a = await made({ email: 'acuse@example.org' });
		const text = L.sql(srv.db, `SELECT body_text FROM outbox WHERE kind = 'requests_received' AND to_email = 'acuse@example.org'`);
		assert.match(text, new RegExp(a.code));
		const link = text.match(/https?:\/\/\S+\/consulta\/\S+/)[0];
		const page = await srv.get(link.replace(/^https?:\/\/[^/]+/, ''));
		L.assertHtml(page, 200, 'status page from the mail');
		assert.match(page.text, new RegExp(a.code));
	});

	it('refuses bad input with every field at once', async () => {
		const r = await ask({ topic: 'nope', text: '', name: '', email: 'x', answer_by: 'fax', call_from: '25:00' });
		L.assertJsonError(r, 422, 'invalid');
		assert.deepEqual(Object.keys(r.json().fields).sort(), ['answer_by', 'call_from', 'email', 'name', 'text', 'topic']);
		const p = await ask({ answer_by: 'phone', phone: '' });
		assert.ok(p.json().fields.phone, 'a call needs a phone');
		const s = await ask({ topic: 'procedure', service: '' });
		assert.ok(s.json().fields.service, 'the procedure topic needs the procedure');
		const src = await ask({ source: 'phone' });
		assert.ok(src.json().fields.source, 'only staff record calls');
	});

	it('the work queue: assign, note, ask the citizen, the citizen adds, answer by e-mail, close, reopen', async () => {
		const a = await made({ text: 'Com renovo el NIE?' });
		const act = (action, body, headers = informer) => srv.request('POST', `/api/v1/requests/${a.code}/${action}`, { headers, body });
		let r = await act('assign', {});
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json().status, 'assigned');
		assert.equal(r.json().assignee_id > 0, true);
		r = await act('note', { text: 'Nota interna per a l\'equip' });
		assert.equal(r.status, 200);
		const pub = (await srv.get(`/api/v1/requests/${a.code}?token=${a.token}`)).json();
		assert.ok(!pub.events.some((e) => e.kind === 'note'), 'the citizen never sees notes');
		r = await act('answer', { channel: 'email', text: 'Quin és el vostre número de NIE?', ask: true });
		assert.equal(r.json().status, 'waiting');
		const add = await srv.request('POST', `/api/v1/requests/${a.code}/add?token=${a.token}`, { body: { text: 'És X1234567L' } });
		assert.equal(add.status, 200, add.text);
		assert.equal(add.json().status, 'assigned');
		r = await act('answer', { channel: 'email', text: 'Demaneu cita a la policia.' });
		assert.equal(r.json().status, 'answered');
		assert.equal(L.sql(srv.db, `SELECT COUNT(*) FROM outbox WHERE kind IN ('requests_answer', 'requests_question') AND to_email = 'marc.roig@example.org'`), '2');
		r = await act('status', { to: 'closed' });
		assert.equal(r.json().status, 'closed');
		L.assertJsonError(await act('answer', { channel: 'email', text: 'tard' }), 409, 'bad_state');
		r = await act('status', { to: 'assigned' });
		assert.equal(r.json().status, 'assigned');
		L.assertJsonError(await act('answer', { channel: 'sms', text: 'sense passarel·la' }), 422, 'invalid');
		const audit = L.sql(srv.db, `SELECT COUNT(*) FROM audit_log WHERE target = 'request:${a.code}'`);
		assert.ok(Number(audit) >= 7, `every change audited (${audit})`);
	});

	it('an informer records a phone request; a logged call answers it', async () => {
		const r = await srv.request('POST', '/api/v1/requests', {
			headers: informer,
			body: { topic: 'digital', text: 'No puc entrar a la seu', name: 'Joana', phone: '612 000 111', answer_by: 'phone', call_from: '09:00', call_to: '11:00', lang: 'ca', source: 'phone' },
		});
		assert.equal(r.status, 201, r.text);
		const code = r.json().code;
		assert.equal(L.sql(srv.db, `SELECT source || '|' || recorded_by || '|' || phone || '|' || call_from FROM requests WHERE code = '${code}'`), `phone|${L.DEMO_USERS.informer}|+34612000111|540`);
		const call = await srv.request('POST', `/api/v1/requests/${code}/call`, { headers: informer, body: { outcome: 'answered', text: 'Li hem explicat com fer-ho' } });
		assert.equal(call.status, 200, call.text);
		assert.equal(call.json().status, 'answered');
	});

	it('overdue requests escalate: the job marks them and the board\'s count and list show them', async () => {
		const a = await made({ text: 'Fa dies que espero' });
		L.sql(srv.db, `UPDATE requests SET due_at = due_at - 400000 WHERE code = '${a.code}'`);
		const board = await srv.get('/api/v1/requests/overdue', { headers: coord });
		assert.equal(board.status, 200);
		assert.ok(board.json().count >= 1);
		assert.ok(board.json().requests.some((x) => x.code === a.code));
		assert.equal(board.json().requests[0].name, undefined, 'the board shows no personal data');
		assert.equal((await srv.get('/api/v1/requests/overdue', { headers: display })).status, 200, 'a wall display may show it');
		assert.equal((await srv.get('/api/v1/requests/overdue', { headers: informer })).status, 403);
		await L.waitFor(() => L.sql(srv.db, `SELECT COUNT(*) FROM request_events e JOIN requests r ON r.id = e.request_id WHERE r.code = '${a.code}' AND e.kind = 'escalated'`) === '1', 90000, 'the escalation job');
		const page = await srv.get('/staff/requests/overdue', { jar: (await srv.loginOk(L.DEMO_USERS.coordinator)).jar });
		assert.match(page.text, new RegExp(a.code));
	});

	it('hostile text in a name and an answer reaches the e-mails as text', async () => {
		const a = await made({ name: 'Nom <i>cursiva</i> \u202Eevil', email: 'hostil@example.org' });
		const act = (action, body) => srv.request('POST', `/api/v1/requests/${a.code}/${action}`, { headers: informer, body });
		assert.equal((await act('assign', {})).status, 200);
		const r = await act('answer', { channel: 'email', text: 'Vegeu <script>alert(1)</script> & \u202Eaixò' });
		assert.equal(r.status, 200, r.text);
		const rows = (col) => L.sql(srv.db, `SELECT ${col} FROM outbox WHERE to_email = 'hostil@example.org' ORDER BY id`);
		const text = rows('body_text'), html = rows('body_html');
		assert.match(text, /Vegeu <script>alert\(1\)<\/script> & \uFFFDaixò/, 'the text part shows the answer as typed, the override neutralised');
		assert.match(text, /Nom <i>cursiva<\/i> \uFFFDevil/, 'and the name');
		assert.match(html, /Vegeu &lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; \uFFFDaixò/, 'the HTML part escapes the answer');
		assert.match(html, /Nom &lt;i&gt;cursiva&lt;\/i&gt;/, 'and the name');
		assert.doesNotMatch(html, /<script>|<i>cursiva/, 'no markup of theirs in the HTML');
		assert.doesNotMatch(text + html, /\u202E/, 'no right-to-left override in any mail');
	});

	it('the web form and the status page work without JavaScript; hostile text shows as text', async () => {
		const jar = new L.CookieJar();
		const r = await srv.postForm('/consulta/nova', { topic: 'other', text: '<img src=x onerror=alert(1)>\u202Etxt', name: 'Web', email: 'web@example.org', answer_by: 'email' }, { jar, formPage: '/consulta/nova' });
		assert.equal(r.status, 303, r.text.slice(0, 400));
		const page = await srv.get(r.headers.location, { jar });
		L.assertHtml(page, 200, 'status page');
		assert.match(page.text, /&lt;img src=x onerror=alert\(1\)&gt;\uFFFDtxt/);
		const bad = await srv.postForm('/consulta/nova', { topic: '', text: '' }, { jar, formPage: '/consulta/nova' });
		assert.equal(bad.status, 422);
		assert.match(bad.text, /id="form-errors"/);
	});

	it('staff queue pages: list, one request with the person\'s timeline (audited), actions as forms', async () => {
		const a = await made({ email: 'nuria.vidal@example.org', name: 'Núria Vidal Soler' });
		const s = await srv.loginOk(L.DEMO_USERS.informer);
		const q = await srv.get('/staff/requests', { jar: s.jar });
		L.assertHtml(q, 200, 'queue');
		assert.match(q.text, new RegExp(a.code));
		const one = await srv.get(`/staff/requests/${a.code}`, { jar: s.jar });
		L.assertHtml(one, 200, 'request');
		assert.match(one.text, /class="pe-timeline"/);
		assert.equal(L.sql(srv.db, "SELECT detail FROM audit_log WHERE action = 'people.view' ORDER BY id DESC LIMIT 1"), `request: ${a.code}`);
		const note = await srv.postForm(`/staff/requests/${a.code}/note`, { text: 'des de la pàgina' }, { jar: s.jar, csrf: s.csrf });
		assert.equal(note.status, 303);
		assert.equal((await srv.get('/staff/requests')).status, 303, 'visitors are sent to sign in');
	});

	it('the demo has a request at every status, one of them overdue', async () => {
		const st = L.sql(srv.db, "SELECT DISTINCT status FROM requests WHERE recorded_by <> '' ORDER BY status").split('\n');
		for (const s of ['answered', 'assigned', 'closed', 'new', 'waiting']) assert.ok(st.includes(s), s);
	});
});
