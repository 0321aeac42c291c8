'use strict';
// The portal chat's HTTP interface (src/chat/, docs/api.md "Chat"): a citizen starts a
// conversation, sees their place in the queue, an informer takes it, both exchange messages
// through Server-Sent Events, typing, transfer, close with an outcome; the limits (per agent, per
// address, length, rate); links only from staff; closed hours; the offer of a deferred request
// that carries the conversation; the transcript by e-mail; the no-JavaScript pages.
const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const L = require('./lib/server.js');

const SERVICE = 'volant-individual';
const srv = L.useServer({
	env: {
		FINESTRETA_CHAT_MAX_PER_AGENT: '2',
		FINESTRETA_CHAT_MAX_PER_CLIENT: '100',
		FINESTRETA_CHAT_MAX_LENGTH: '200',
		FINESTRETA_CHAT_RATE_START: '0',
		FINESTRETA_CHAT_RATE_MESSAGES: '0',
	},
});

const start = (body = {}) =>
	srv.request('POST', '/api/v1/chats', { body: { service: SERVICE, name: 'Laia Pons', lang: 'ca', text: 'Hola, una pregunta', ...body } });

async function started(body) {
	const r = await start(body);
	assert.equal(r.status, 201, r.text);
	return r.json();
}

describe('the demo', () => {
	it('has conversations at every status and the chat open now', async () => {
		const statuses = L.sql(srv.db, "SELECT DISTINCT status FROM chats WHERE token_hash LIKE 'demo-%' ORDER BY status").split('\n');
		assert.deepEqual(statuses, ['closed', 'open', 'waiting']);
		const index = await srv.get('/xat');
		assert.match(index.text, /href="\/xat\/volant-individual"/);
		assert.ok(fs.existsSync(path.join(L.ROOT, 'static', 'chat.js')));
	});
});

describe('chat API', () => {
	let informer, coord; // bearer headers
	let informerId;

	before(async () => {
		await srv.ready();
		informer = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.informer)}` };
		coord = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.coordinator)}` };
		informerId = Number(L.sql(srv.db, `SELECT id FROM users WHERE email = '${L.DEMO_USERS.informer}'`));
	});

	it('starts a conversation: 201 with id, token, waiting and the place in the queue', async () => {
		const a = await started();
		assert.equal(a.status, 'waiting');
		assert.match(a.token, /^[0-9a-f]{64}$/);
		const b = await started({ name: 'Segon' });
		assert.equal(b.position, a.position + 1, 'the next one is one place behind');
		const g = await srv.get(`/api/v1/chats/${a.id}?token=${a.token}`);
		assert.equal(g.status, 200);
		assert.equal(g.json().messages[0].text, 'Hola, una pregunta');
		assert.equal(g.json().messages[0].from, 'citizen');
		assert.equal((await srv.get(`/api/v1/chats/${a.id}?token=${'0'.repeat(64)}`)).status, 404, 'a wrong token');
		assert.equal((await srv.get(`/api/v1/chats/${a.id}`)).status, 404, 'no token');
	});

	it('refuses bad input with field errors: no chat on the procedure, empty name, long text, bad e-mail', async () => {
		const r = await start({ service: 'ibi', name: '', text: 'x'.repeat(201), email: 'no-arroba' });
		L.assertJsonError(r, 422, 'invalid');
		assert.deepEqual(Object.keys(r.json().fields).sort(), ['email', 'name', 'service', 'text']);
		const t = await start({ transcript: true });
		L.assertJsonError(t, 422, 'invalid');
		assert.ok(t.json().fields.email, 'a transcript needs an e-mail');
		const bad = await start({ transcript: true, email: 'no-arroba' });
		L.assertJsonError(bad, 422, 'invalid');
		assert.match(bad.json().fields.email, /no és correcta/, 'a bad e-mail with a transcript asked: the address is wrong');
	});

	it('an informer takes it, messages cross both ways over the event stream, typing shows', async () => {
		const c = await started({ text: 'Necessito un volant' });
		const cit = await srv.openSSE(`/api/v1/chats/${c.id}/events?token=${c.token}`);
		const staff = await srv.openSSE(`/api/v1/chats/${c.id}/events`, { headers: informer });
		try {
			assert.equal(cit.status, 200);
			assert.equal(staff.status, 200);
			await Promise.all([cit.waitForComment('connected'), staff.waitForComment('connected')]);
			const take = await srv.request('POST', `/api/v1/chats/${c.id}/take`, { headers: informer });
			assert.equal(take.status, 200, take.text);
			assert.equal(take.json().status, 'open');
			const st = await cit.waitForEvent((e) => e.event === 'status' && JSON.parse(e.data).status === 'open');
			assert.equal(JSON.parse(st.data).id, c.id);
			const said = await srv.request('POST', `/api/v1/chats/${c.id}/messages`, { headers: informer, body: { text: 'Bon dia, us ajudo' } });
			assert.equal(said.status, 201, said.text);
			const m1 = await cit.waitForEvent((e) => e.event === 'message' && JSON.parse(e.data).from === 'staff' && /ajudo/.test(e.data));
			assert.equal(JSON.parse(m1.data).text, 'Bon dia, us ajudo');
			const back = await srv.request('POST', `/api/v1/chats/${c.id}/messages?token=${c.token}`, { body: { text: 'Gràcies' } });
			assert.equal(back.status, 201);
			const m2 = await staff.waitForEvent((e) => e.event === 'message' && JSON.parse(e.data).text === 'Gràcies');
			assert.equal(JSON.parse(m2.data).from, 'citizen');
			const ty = await srv.request('POST', `/api/v1/chats/${c.id}/typing?token=${c.token}`);
			assert.equal(ty.status, 202);
			const te = await staff.waitForEvent((e) => e.event === 'typing');
			assert.equal(JSON.parse(te.data).from, 'citizen');
			const cl = await srv.request('POST', `/api/v1/chats/${c.id}/close`, { headers: informer, body: { outcome: 'resolved' } });
			assert.equal(cl.status, 200, cl.text);
			await cit.waitForEvent((e) => e.event === 'status' && JSON.parse(e.data).status === 'closed');
			const late = await srv.request('POST', `/api/v1/chats/${c.id}/messages?token=${c.token}`, { body: { text: 'Encara hi sou?' } });
			L.assertJsonError(late, 409, 'bad_state');
		} finally {
			cit.close();
			staff.close();
		}
	});

	it('links only from staff: a citizen\'s URL stays text, a staff one is a link part', async () => {
		const c = await started({ text: 'mireu https://phish.example/login' });
		await srv.request('POST', `/api/v1/chats/${c.id}/take`, { headers: coord });
		await srv.request('POST', `/api/v1/chats/${c.id}/messages`, { headers: coord, body: { text: 'Aquí: https://seu.vilamar.example/tramits.' } });
		const msgs = (await srv.get(`/api/v1/chats/${c.id}?token=${c.token}`)).json().messages;
		const citizen = msgs.find((m) => m.from === 'citizen');
		assert.deepEqual(citizen.parts, [{ text: 'mireu https://phish.example/login', link: false }]);
		const staff = msgs.find((m) => m.from === 'staff');
		assert.deepEqual(staff.parts.find((p) => p.link), { text: 'https://seu.vilamar.example/tramits', href: 'https://seu.vilamar.example/tramits', link: true });
		await srv.request('POST', `/api/v1/chats/${c.id}/close`, { headers: coord, body: { outcome: 'referred' } });
	});

	it('chat.max_per_agent: a third conversation at once is refused; transfer back to the queue frees one', async () => {
		// The demo's open conversation is the informer's: close it, so that the count starts at 0.
		L.sql(srv.db, `UPDATE chats SET status = 'closed', outcome = 'resolved' WHERE status = 'open' AND agent_id = ${informerId}`);
		const ids = [];
		for (let i = 0; i < 3; i++) ids.push((await started({ name: `Carrega ${i}` })).id);
		for (const id of ids.slice(0, 2)) assert.equal((await srv.request('POST', `/api/v1/chats/${id}/take`, { headers: informer })).status, 200);
		const third = await srv.request('POST', `/api/v1/chats/${ids[2]}/take`, { headers: informer });
		L.assertJsonError(third, 409, 'too_many');
		const tr = await srv.request('POST', `/api/v1/chats/${ids[0]}/transfer`, { headers: informer, body: { to: null } });
		assert.equal(tr.status, 200, tr.text);
		assert.equal(tr.json().status, 'waiting');
		assert.equal((await srv.request('POST', `/api/v1/chats/${ids[2]}/take`, { headers: informer })).status, 200);
		// Someone else's conversation: the informer may not transfer it; a coordinator may close it.
		const other = await srv.request('POST', `/api/v1/chats/${ids[0]}/take`, { headers: coord });
		assert.equal(other.status, 200);
		L.assertJsonError(await srv.request('POST', `/api/v1/chats/${ids[0]}/transfer`, { headers: informer, body: { to: informerId } }), 403, 'forbidden');
		for (const id of ids) {
			const r = await srv.request('POST', `/api/v1/chats/${id}/close`, { headers: coord, body: { outcome: 'resolved' } });
			assert.equal(r.status, 200, r.text);
		}
		L.assertJsonError(await srv.request('POST', `/api/v1/chats/${ids[0]}/close`, { headers: coord, body: { outcome: 'nope' } }), 422, 'invalid');
	});

	it('the citizen leaves; staff need an outcome from the list', async () => {
		const c = await started();
		const r = await srv.request('POST', `/api/v1/chats/${c.id}/close?token=${c.token}`, { body: {} });
		assert.equal(r.status, 200, r.text);
		assert.equal(L.sql(srv.db, `SELECT outcome FROM chats WHERE id = ${c.id}`), 'left');
	});

	it('carries the conversation into a deferred request: code, status page, the chat closed with outcome request', async () => {
		const c = await started({ text: 'Vull el volant però ningú no contesta', email: 'laia@example.org' });
		const r = await srv.request('POST', `/api/v1/chats/${c.id}/request?token=${c.token}`, { body: { answer_by: 'email' } });
		assert.equal(r.status, 201, r.text);
		const { code, token } = r.json();
		const q = await srv.get(`/api/v1/requests/${code}?token=${token}`);
		assert.equal(q.status, 200);
		assert.match(q.json().text, /ningú no contesta/);
		assert.equal(q.json().service, SERVICE);
		assert.equal(L.sql(srv.db, `SELECT outcome || '|' || request_code FROM chats WHERE id = ${c.id}`), `request|${code}`);
		assert.equal(L.sql(srv.db, `SELECT chat_ref FROM requests WHERE code = '${code}'`), `chat:${c.id}`);
	});

	it('outside the chat hours: 409 closed with the requests URL', async () => {
		const today = L.sql(srv.db, "SELECT 1") && new Date().toLocaleString('en-GB', { timeZone: 'Europe/Madrid', weekday: 'short' });
		const wd = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 }[today];
		const other = (wd % 7) + 1;
		const saved = L.sql(srv.db, 'SELECT office_id, weekday, open_min, close_min, holidays FROM chat_hours');
		L.sql(srv.db, 'DELETE FROM chat_hours');
		L.sql(srv.db, `INSERT INTO chat_hours (office_id, weekday, open_min, close_min, holidays) SELECT id, ${other}, 0, 1440, 1 FROM offices WHERE kind = 'virtual_office'`);
		try {
			const r = await start();
			L.assertJsonError(r, 409, 'closed');
			assert.match(r.json().requests_url, /\/consulta\/nova\?servei=volant-individual$/);
			const page = await srv.get(`/xat/${SERVICE}`);
			assert.equal(page.status, 200);
			assert.match(page.text, /href="[^"]*\/consulta\/nova\?servei=volant-individual"/);
		} finally {
			L.sql(srv.db, 'DELETE FROM chat_hours');
			for (const row of saved.split('\n')) {
				L.sql(srv.db, `INSERT INTO chat_hours (office_id, weekday, open_min, close_min, holidays) VALUES (${row.split('|').join(', ')})`);
			}
		}
		assert.equal((await start()).status, 201, 'open again');
	});

	it('after chat.max_wait_min the waiting citizen is offered a deferred request', async () => {
		const c = await started();
		L.sql(srv.db, `UPDATE chats SET created_at = created_at - 3600 WHERE id = ${c.id}`);
		const s = (await srv.get(`/api/v1/chats/${c.id}?token=${c.token}`)).json();
		assert.equal(s.offer, true);
		assert.match(s.requests_url, /\/consulta\/nova\?servei=/);
		const page = await srv.get(`/xat/c/${c.id}?token=${c.token}`);
		assert.match(page.text, /id="chat-offer" class="chat-offer" aria-labelledby/, 'the offer is shown, not hidden');
	});

	it('the transcript goes to the citizen\'s e-mail when the conversation ends', async () => {
		const c = await started({ email: 'transcripcio@example.org', transcript: true, text: 'Pregunta <b>amb</b> marques' });
		await srv.request('POST', `/api/v1/chats/${c.id}/take`, { headers: coord });
		await srv.request('POST', `/api/v1/chats/${c.id}/messages`, { headers: coord, body: { text: 'Resposta' } });
		await srv.request('POST', `/api/v1/chats/${c.id}/close`, { headers: coord, body: { outcome: 'resolved' } });
		const row = L.sql(srv.db, `SELECT to_email FROM outbox WHERE kind = 'chat_transcript' AND ref = '${c.id}'`);
		assert.equal(row, 'transcripcio@example.org');
		const text = L.sql(srv.db, `SELECT body_text FROM outbox WHERE kind = 'chat_transcript' AND ref = '${c.id}'`);
		assert.match(text, /Pregunta <b>amb<\/b> marques/, 'the text part shows the markup as typed');
		const html = L.sql(srv.db, `SELECT body_html FROM outbox WHERE kind = 'chat_transcript' AND ref = '${c.id}'`);
		assert.match(html, /Pregunta &lt;b&gt;amb&lt;\/b&gt; marques/, 'the HTML part escapes it');
		assert.equal(L.sql(srv.db, `SELECT what FROM person_consents c JOIN person_contacts k ON k.person_id = c.person_id WHERE k.value = 'transcripcio@example.org'`), 'chat_transcript');
	});

	it('the staff inbox lists waiting and open conversations; citizens and displays may not see it', async () => {
		const c = await started({ name: 'A la safata' });
		const r = await srv.get('/api/v1/chats', { headers: informer });
		assert.equal(r.status, 200);
		assert.ok(r.json().waiting.some((x) => x.id === c.id));
		assert.equal((await srv.get('/api/v1/chats')).status, 401);
		const display = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.display)}` };
		assert.equal((await srv.get('/api/v1/chats', { headers: display })).status, 403);
		assert.equal((await srv.get(`/events?topic=chat.c${c.id}`)).status, 401, 'the stream needs the token or a staff session');
	});
});

describe('chat pages without JavaScript', () => {
	it('the procedure\'s booking page offers its chat and the request form when the catalogue lists them', async () => {
		for (const lang of ['ca', 'es', 'en']) {
			const page = await srv.get(`/cita/canal?service=${SERVICE}&lang=${lang}`);
			L.assertHtml(page, 200, `the procedure's page (${lang})`);
			assert.match(page.text, new RegExp(`href="/xat/${SERVICE}"`), `the chat is linked (${lang})`);
			assert.match(page.text, new RegExp(`href="/consulta/nova\\?servei=${SERVICE}"`), `the request form is linked (${lang})`);
			assert.doesNotMatch(page.text, /cita_other/, `every text is translated (${lang})`);
		}
		L.assertHtml(await srv.get(`/xat/${SERVICE}`), 200, 'the chat link leads to its page');
		const form = await srv.get(`/consulta/nova?servei=${SERVICE}`);
		L.assertHtml(form, 200, 'the request link leads to the form');
		assert.match(form.text, new RegExp(`value="${SERVICE}"[^>]*selected`), 'with the procedure chosen');
		const ibi = await srv.get('/cita/canal?service=ibi');
		L.assertHtml(ibi, 200, 'a procedure without chat or deferred requests');
		assert.doesNotMatch(ibi.text, /href="\/xat\//);
		assert.doesNotMatch(ibi.text, /href="\/consulta\/nova/);
	});

	it('start form → conversation page → a message by the plain form, shown on reload', async () => {
		const jar = new L.CookieJar();
		const page = await srv.get(`/xat/${SERVICE}`, { jar });
		L.assertHtml(page, 200, 'start page');
		const r = await srv.postForm(`/xat/${SERVICE}`, { name: 'Sense JS', text: 'Primer missatge' }, { jar, formPage: `/xat/${SERVICE}` });
		assert.equal(r.status, 303, r.text.slice(0, 300));
		const loc = r.headers.location;
		assert.match(loc, /^\/xat\/c\/\d+\?token=[0-9a-f]{64}$/);
		const conv = await srv.get(loc, { jar });
		L.assertHtml(conv, 200, 'conversation');
		const [id, token] = loc.match(/\/c\/(\d+)\?token=(\w+)/).slice(1);
		const s = await srv.postForm(`/xat/c/${id}/missatge`, { token, text: 'Segon <missatge>' }, { jar, formPage: loc });
		assert.equal(s.status, 303);
		const again = await srv.get(loc, { jar });
		assert.match(again.text, /Segon &lt;missatge&gt;/);
		const bad = await srv.get(`/xat/c/${id}?token=${'a'.repeat(64)}`);
		assert.equal(bad.status, 404);
	});

	it('the staff conversation page shows the citizen\'s timeline once identified, and the view is audited', async () => {
		const c = await started({ name: 'Núria Vidal', email: 'nuria.vidal@example.org' });
		const { jar } = await srv.loginOk(L.DEMO_USERS.informer);
		const page = await srv.get(`/staff/chat/${c.id}`, { jar });
		L.assertHtml(page, 200, 'staff conversation');
		assert.match(page.text, /class="pe-timeline"/, 'the person known by the e-mail has a timeline panel');
		const audit = L.sql(srv.db, `SELECT detail FROM audit_log WHERE action = 'people.view' ORDER BY id DESC LIMIT 1`);
		assert.equal(audit, `chat: ${c.id}`);
	});

	it('coordinators keep quick replies; the procedure\'s documents and link come as replies too', async () => {
		const coordS = await srv.loginOk(L.DEMO_USERS.coordinator);
		const r = await srv.postForm('/staff/chat/replies', { service: SERVICE, title: 'Prova ràpida', body: 'Text de prova' }, { jar: coordS.jar, csrf: coordS.csrf });
		assert.equal(r.status, 303, r.text.slice(0, 300));
		const c = await started();
		await srv.request('POST', `/api/v1/chats/${c.id}/take`, { headers: { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.coordinator)}` } });
		const page = await srv.get(`/staff/chat/${c.id}`, { jar: coordS.jar });
		assert.match(page.text, /data-insert="Text de prova">Prova ràpida</);
		assert.match(page.text, /data-insert="[^"]*https:\/\/seu\.vilamar\.example\/tramits\/volant-individual"/, 'the online link');
		const informerS = await srv.loginOk(L.DEMO_USERS.informer);
		assert.equal((await srv.get('/staff/chat/replies', { jar: informerS.jar })).status, 403, 'informers use replies, coordinators keep them');
	});
});
