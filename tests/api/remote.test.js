'use strict';
// The remote attention's HTTP interface (docs/api.md, "Remote attention"): the video room's ICE
// servers with per-call TURN credentials (checked here with node's own HMAC-SHA1), the window and
// the secret (403 outside_window, 403 no_token, 404 for a wrong token), the document space
// (uploads typed by content, caps on size and count, odd and overlong names, a truncated upload,
// no plaintext on disk, downloads decrypted, every access audited), the informer's pages, a
// failed call-back that tells the citizen how to book again, and the Jitsi link's token.
const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const L = require('./lib/server.js');

const TURN_SECRET = 'turn-test-secret';
const srv = L.useServer({
	env: {
		FINESTRETA_VIDEO_TURN_URLS: 'turn:127.0.0.1:3478?transport=udp',
		FINESTRETA_VIDEO_STUN_URLS: 'stun:127.0.0.1:3478',
		FINESTRETA_VIDEO_TURN_SECRET: TURN_SECRET,
		FINESTRETA_VIDEO_TURN_TTL: '600',
		FINESTRETA_DOCUMENTS_MAX_BYTES: '20000',
		FINESTRETA_DOCUMENTS_MAX_FILES: '3',
		FINESTRETA_REMOTE_MAX_CALL_ATTEMPTS: '2',
		FINESTRETA_EVENTS_HEARTBEAT: '1',
		FINESTRETA_BOOKING_PROOF_OF_WORK: 'off',
		FINESTRETA_BOOKING_RATE_BOOKING: '0',
		FINESTRETA_BOOKING_RATE_AVAILABILITY: '0',
	},
});
const person = L.people({ from: 90000, random: 100000, name: 'Persona Remota', email: 'remota' });
const SECRET_TEXT = 'DNI 12345678Z de la persona, text que no pot quedar en clar';
const pdf = (extra = '') => Buffer.from(`%PDF-1.4\n% ${SECRET_TEXT}${extra}\n1 0 obj << >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`);

// A 1×1 PNG (signature, IHDR, IDAT, IEND, each chunk with its CRC-32), as a receipt's image.
function crc32(buf) {
	let c = ~0;
	for (const byte of buf) {
		c ^= byte;
		for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
	}
	return ~c >>> 0;
}
function png() {
	const chunk = (type, data) => {
		const td = Buffer.concat([Buffer.from(type), data]);
		const len = Buffer.alloc(4);
		len.writeUInt32BE(data.length);
		const crc = Buffer.alloc(4);
		crc.writeUInt32BE(crc32(td));
		return Buffer.concat([len, td, crc]);
	};
	const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
	const idat = require('node:zlib').deflateSync(Buffer.from([0, 0x80]));
	return Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

function room() {
	const m = /video\/([A-Z0-9]{8})\?token=([0-9a-f]{64})/.exec(srv.stdout.text());
	assert.ok(m, 'the demo prints the open room');
	return { code: m[1], token: m[2] };
}

async function book(channel) {
	const r = await srv.get(`/api/v1/availability?service=ibi&channel=${channel}&from=${L.madridDate(0)}&to=${L.madridDate(60)}`);
	const start = r.json().days.flatMap((d) => d.slots.filter((s) => s.free > 0).map((s) => s.start))[0];
	const who = person();
	const b = await srv.request('POST', '/api/v1/appointments', { body: { service: 'ibi', channel, start, ...who } });
	assert.equal(b.status, 201, b.text);
	return { ...b.json(), who };
}

function upload(code, token, files, { boundary, cut = 0 } = {}) {
	const mp = L.multipartBody({}, files, boundary);
	const body = cut ? mp.body.subarray(0, mp.body.length - cut) : mp.body;
	return srv.request('POST', `/api/v1/appointments/${code}/documents?token=${token}`, { headers: { 'Content-Type': mp.contentType }, body });
}

describe('the video room', () => {
	it('gives ICE servers with a TURN credential in coturn\'s REST scheme inside the window', async () => {
		const { code, token } = room();
		const r = await srv.get(`/api/v1/appointments/${code}/video/ice?token=${token}`);
		assert.equal(r.status, 200, r.text);
		const j = r.json();
		assert.deepEqual(j.iceServers[0], { urls: ['stun:127.0.0.1:3478'] });
		const turn = j.iceServers[1];
		assert.deepEqual(turn.urls, ['turn:127.0.0.1:3478?transport=udp']);
		const [expiry, roomName] = turn.username.split(':');
		assert.equal(roomName, code);
		const now = Date.now() / 1000;
		assert.ok(+expiry > now && +expiry <= now + 601, `expiry ${expiry} within turn_ttl`);
		assert.equal(turn.credential, crypto.createHmac('sha1', TURN_SECRET).update(turn.username).digest('base64'));
		assert.equal(Date.parse(j.expires_at) / 1000, +expiry);
		assert.equal(j.iceTransportPolicy, 'all');
		assert.equal(r.headers['cache-control'], 'no-store');
	});

	it('answers 404 for a wrong token or code, 403 no_token without one, 401 for the staff-only check', async () => {
		const { code } = room();
		L.assertJsonError(await srv.get(`/api/v1/appointments/${code}/video/ice?token=${'a'.repeat(64)}`), 404, 'not_found');
		L.assertJsonError(await srv.get(`/api/v1/appointments/${code}/video/ice?token=short`), 404, 'not_found');
		L.assertJsonError(await srv.get(`/api/v1/appointments/ZZZZZZZZ/video/ice?token=${'a'.repeat(64)}`), 404, 'not_found');
		L.assertJsonError(await srv.get(`/api/v1/appointments/${code}/video/ice`), 403, 'no_token');
		L.assertJsonError(await srv.request('POST', `/api/v1/appointments/${code}/video/verified`, { body: {} }), 401, 'unauthorized');
	});

	it('is closed outside its window: 403 outside_window, and a page that says when it opens', async () => {
		const b = await book('video');
		L.assertJsonError(await srv.get(`/api/v1/appointments/${b.code}/video/ice?token=${b.token}`), 403, 'outside_window');
		L.assertJsonError(
			await srv.request('POST', `/api/v1/appointments/${b.code}/video/signal?token=${b.token}`, { body: { kind: 'hello', body: {} } }),
			403,
			'outside_window'
		);
		const page = await srv.get(`/video/${b.code}?token=${b.token}`);
		L.assertHtml(page, 403);
		assert.match(page.text, /La sala de la videotrucada s&#39;obre el \d\d\/\d\d\/\d{4} a les \d\d:\d\d/);
		// A phone appointment has no room.
		const p = await book('phone');
		L.assertHtml(await srv.get(`/video/${p.code}?token=${p.token}`), 409);
	});

	it('the informer enters with a staff session; signalling messages go to the other side, in order', async () => {
		const { code, token } = room();
		const inf = await srv.loginOk(L.DEMO_USERS.informer);
		const page = await srv.get(`/video/${code}`, { jar: inf.jar });
		L.assertHtml(page, 200);
		assert.match(page.text, /data-side="staff"/);
		const ice = await srv.get(`/api/v1/appointments/${code}/video/ice`, { jar: inf.jar });
		assert.equal(ice.status, 200);
		const sse = await srv.openSSE(`/api/v1/appointments/${code}/video/events`, { jar: inf.jar });
		try {
			await sse.waitForComment('connected', 5000);
			const sent = await srv.request('POST', `/api/v1/appointments/${code}/video/signal?token=${token}`, { body: { kind: 'offer', body: { sdp: 'x'.repeat(9000) } } });
			assert.equal(sent.status, 201, sent.text);
			const ev = await sse.waitForEvent((e) => e.event === 'signal', 5000);
			assert.equal(JSON.parse(ev.data).id, sent.json().id);
			const got = await srv.get(`/api/v1/appointments/${code}/video/signals?after=${sent.json().id - 1}`, { jar: inf.jar });
			assert.equal(got.json().messages[0].kind, 'offer');
			assert.equal(got.json().messages[0].body.sdp.length, 9000, 'a message larger than a cross-node notification');
		} finally {
			sse.close();
		}
		// A staff POST with the session needs its CSRF token.
		const noCsrf = await srv.request('POST', `/api/v1/appointments/${code}/video/signal`, { jar: inf.jar, body: { kind: 'hello', body: {} } });
		assert.equal(noCsrf.status, 403);
		L.assertJsonError(await srv.request('POST', `/api/v1/appointments/${code}/video/signal?token=${token}`, { body: { kind: 'evil', body: {} } }), 422, 'invalid');
	});
	it('one side of a room holds at most 4 live streams: the fifth is 429 too_many, and a closed one frees its place', async () => {
		const { code, token } = room();
		const url = `/api/v1/appointments/${code}/video/events?token=${token}`;
		const open = [];
		try {
			for (let i = 0; i < 4; i++) {
				const s = await srv.openSSE(url);
				open.push(s);
				assert.equal(s.status, 200);
				await s.waitForComment('connected', 5000);
			}
			const fifth = await srv.openSSE(url);
			open.push(fifth);
			assert.equal(fifth.status, 429);
			assert.equal(fifth.headers['retry-after'], '15');
			// The informer's side has places of its own.
			const inf = await srv.loginOk(L.DEMO_USERS.informer);
			const staff = await srv.openSSE(`/api/v1/appointments/${code}/video/events`, { jar: inf.jar });
			open.push(staff);
			assert.equal(staff.status, 200);
			open[0].close();
			// The server sees the close at the next heartbeat (events.heartbeat = 1 s here).
			let again = null;
			for (const until = Date.now() + 10000; !again && Date.now() < until; ) {
				await new Promise((res) => setTimeout(res, 500));
				const s = await srv.openSSE(url);
				open.push(s);
				if (s.status === 200) again = s;
			}
			assert.ok(again, 'a place is freed once the server sees the stream closed');
			await again.waitForComment('connected', 5000);
		} finally {
			for (const s of open) s.close();
		}
	});
});

describe('the document space', () => {
	let b;
	before(async () => {
		await srv.ready();
		b = await book('phone');
	});

	it('takes a PDF (201) and gives it back decrypted; the stored file holds no plaintext', async () => {
		const r = await upload(b.code, b.token, [{ name: 'file', filename: 'contracte.pdf', type: 'application/pdf', data: pdf() }]);
		assert.equal(r.status, 201, r.text);
		const j = r.json();
		assert.deepEqual(Object.keys(j).sort(), ['id', 'name', 'size', 'type']);
		assert.equal(j.type, 'application/pdf');
		assert.equal(j.name, 'contracte.pdf');
		const back = await srv.get(`/api/v1/appointments/${b.code}/documents/${j.id}?token=${b.token}`);
		assert.equal(back.status, 200);
		assert.equal(back.headers['content-type'], 'application/pdf');
		assert.deepEqual(back.body, pdf());
		const stored = L.sql(srv.db, `SELECT stored FROM remote_documents WHERE id = ${j.id}`);
		const bytes = fs.readFileSync(path.join(srv.tmpdir, 'documents', stored));
		assert.ok(bytes.length > pdf().length, 'sealed: larger than the plaintext');
		assert.equal(bytes.indexOf(Buffer.from('12345678Z')), -1, 'no plaintext on disk');
		assert.equal(bytes.indexOf(Buffer.from('%PDF')), -1, 'no plaintext on disk');
		const list = await srv.get(`/api/v1/appointments/${b.code}/documents?token=${b.token}`);
		assert.equal(list.json().documents.length, 1);
		const audit = L.sql(srv.db, `SELECT action FROM audit_log WHERE target = 'appointment:${b.code}' ORDER BY id`).split('\n');
		assert.deepEqual(audit, ['remote.document.upload', 'remote.document.download', 'remote.document.list']);
	});

	it('refuses an executable named .pdf, an empty file and a file too big: 422 fields.file, nothing stored', async () => {
		const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]), Buffer.alloc(500)]);
		const before = fs.readdirSync(path.join(srv.tmpdir, 'documents')).length;
		for (const [data, msg] of [
			[elf, /Només acceptem documents PDF/],
			[Buffer.alloc(0), /Trieu un fitxer/],
			[pdf('x'.repeat(30000)), /massa gran/],
		]) {
			const r = await upload(b.code, b.token, [{ name: 'file', filename: 'programa.pdf', type: 'application/pdf', data }]);
			const j = L.assertJsonError(r, 422, 'invalid');
			assert.match(j.fields.file, msg);
		}
		const en = await srv.request('POST', `/api/v1/appointments/${b.code}/documents?token=${b.token}&lang=en`, {
			headers: { 'Content-Type': L.multipartBody({}, [{ name: 'file', filename: 'x.pdf', data: elf }], 'bnd').contentType },
			body: L.multipartBody({}, [{ name: 'file', filename: 'x.pdf', data: elf }], 'bnd').body,
		});
		assert.match(L.assertJsonError(en, 422, 'invalid').fields.file, /We only accept PDF documents/);
		assert.equal(fs.readdirSync(path.join(srv.tmpdir, 'documents')).length, before, 'no file written');
	});

	it('a truncated upload is 400 and stores nothing; odd and overlong names are made safe', async () => {
		const n0 = L.sql(srv.db, `SELECT COUNT(*) FROM remote_documents`);
		const cut = await upload(b.code, b.token, [{ name: 'file', filename: 'a.pdf', data: pdf() }], { cut: 30 });
		L.assertJsonError(cut, 400, 'bad_multipart');
		assert.equal(L.sql(srv.db, `SELECT COUNT(*) FROM remote_documents`), n0);
		const odd = await upload(b.code, b.token, [{ name: 'file', filename: '..\\\\..\\\\fitxer\u202Efdp.exe', data: pdf() }]);
		assert.equal(odd.status, 201, odd.text);
		assert.equal(odd.json().name, 'fitxerfdp.pdf');
		const long = await upload(b.code, b.token, [{ name: 'file', filename: 'à'.repeat(300) + '.pdf', data: pdf() }]);
		assert.equal(long.status, 201, long.text);
		assert.ok(Buffer.byteLength(long.json().name) <= 84, long.json().name);
		// Three documents now: the fourth is too many.
		const more = await upload(b.code, b.token, [{ name: 'file', filename: 'quart.pdf', data: pdf() }]);
		assert.match(L.assertJsonError(more, 422, 'invalid').fields.file, /ja té tots els documents/);
	});

	it('the citizen\'s page uploads without JavaScript, with the CSRF token of the visit', async () => {
		const p = await book('video');
		const jar = new L.CookieJar();
		const page = await srv.get(`/docs/${p.code}?token=${p.token}`, { jar });
		L.assertHtml(page, 200);
		const mp = L.multipartBody({ _csrf: L.csrfFrom(page.text) }, [{ name: 'file', filename: 'dni.pdf', data: pdf() }]);
		const r = await srv.request('POST', `/docs/${p.code}?token=${p.token}`, { jar, headers: { 'Content-Type': mp.contentType }, body: mp.body });
		assert.equal(r.status, 303, r.text.slice(0, 300));
		const after = await srv.get(r.headers.location, { jar });
		assert.match(after.text, /dni\.pdf/);
		L.assertHtml(await srv.get(`/docs/${p.code}`), 403);
	});
});

describe('the informer', () => {
	it('agenda and appointment page: staff only, with the documents and earlier contacts', async () => {
		const { code } = room();
		assert.equal((await srv.get('/remote')).status, 303, 'anonymous visitors sign in first');
		const inf = await srv.loginOk(L.DEMO_USERS.informer);
		const agenda = await srv.get('/remote?who=all', { jar: inf.jar });
		L.assertHtml(agenda, 200);
		assert.ok(agenda.text.includes(`/remote/${code}`));
		const page = await srv.get(`/remote/${code}`, { jar: inf.jar });
		L.assertHtml(page, 200);
		assert.match(page.text, /contracte-lloguer\.pdf/);
		assert.match(page.text, /<li><a href="\/remote\/[A-Z0-9]{8}">[^<]+<\/a> · Telèfon · [^<]+ · Atesa<\/li>/, 'the earlier phone contact');
		const kiosk = await srv.loginOk(L.DEMO_USERS.welcome);
		assert.equal((await srv.get('/remote', { jar: kiosk.jar })).status, 403);
	});

	it('a call-back unanswered remote.max_call_attempts times: a no-show, and the citizen is told how to book again', async () => {
		const p = await book('phone');
		const inf = await srv.loginOk(L.DEMO_USERS.informer);
		const url = `/remote/${p.code}`;
		const page = await srv.get(url, { jar: inf.jar });
		assert.ok(page.text.includes(`href="tel:${p.who.phone}"`), 'click-to-call');
		let r = await srv.postForm(`${url}/attempt`, { outcome: 'no_answer' }, { jar: inf.jar, csrf: inf.csrf });
		assert.equal(r.headers.location, `${url}?saved=attempt`);
		assert.equal(L.sql(srv.db, `SELECT status FROM appointments WHERE code = '${p.code}'`), 'booked');
		r = await srv.postForm(`${url}/attempt`, { outcome: 'no_answer' }, { jar: inf.jar, csrf: inf.csrf });
		assert.equal(r.headers.location, `${url}?saved=rebook`);
		assert.equal(L.sql(srv.db, `SELECT status FROM appointments WHERE code = '${p.code}'`), 'no_show');
		assert.equal(L.sql(srv.db, `SELECT COUNT(*) FROM outbox WHERE kind = 'remote_rebook' AND ref = '${p.code}'`), '1');
		const again = await srv.postForm(`${url}/attempt`, { outcome: 'no_answer' }, { jar: inf.jar, csrf: inf.csrf });
		assert.equal(again.status, 409);
	});

	it('the agenda by informer: free until taken, then the taker\'s; the coordinator assigns, an informer may not', async () => {
		const p = await book('phone');
		const date = p.start.slice(0, 10);
		const inf = await srv.loginOk(L.DEMO_USERS.informer);
		const coord = await srv.loginOk(L.DEMO_USERS.coordinator);
		const has = async (who, jar) => (await srv.get(`/remote?date=${date}&who=${who}`, { jar })).text.includes(`/remote/${p.code}"`);
		assert.equal(await has('free', inf.jar), true, 'unassigned: in the free list');
		assert.equal(await has('mine', inf.jar), false);
		let r = await srv.postForm(`/remote/${p.code}/take`, {}, { jar: inf.jar, csrf: inf.csrf });
		assert.equal(r.headers.location, `/remote/${p.code}?saved=taken`);
		assert.equal(await has('mine', inf.jar), true, 'taken: in the informer\'s own list');
		assert.equal(await has('free', inf.jar), false);
		assert.equal(await has('mine', coord.jar), false, 'not the coordinator\'s');
		const infId = L.sql(srv.db, `SELECT id FROM users WHERE email = '${L.DEMO_USERS.informer}'`);
		const coordId = L.sql(srv.db, `SELECT id FROM users WHERE email = '${L.DEMO_USERS.coordinator}'`);
		// The coordinator sees one informer's day: a filter link per informer.
		const byInformer = await srv.get(`/remote?date=${date}&who=${infId}`, { jar: coord.jar });
		assert.ok(byInformer.text.includes(`/remote/${p.code}"`), 'in the informer\'s agenda');
		assert.match(byInformer.text, new RegExp(`href="/remote\\?date=${date}&amp;who=${infId}" aria-current="page"`));
		assert.equal(await has(coordId, coord.jar), false, 'not in another\'s');
		r = await srv.postForm(`/remote/${p.code}/assign`, { informer: coordId }, { jar: inf.jar, csrf: inf.csrf });
		assert.equal(r.status, 403, 'an informer does not assign');
		r = await srv.postForm(`/remote/${p.code}/assign`, { informer: '999999' }, { jar: coord.jar, csrf: coord.csrf });
		assert.equal(r.status, 422, 'no such informer');
		r = await srv.postForm(`/remote/${p.code}/assign`, { informer: coordId }, { jar: coord.jar, csrf: coord.csrf });
		assert.equal(r.headers.location, `/remote/${p.code}?saved=assigned`);
		// A colleague's appointment is not taken back by an informer: a coordinator reassigns it.
		const back = await srv.postForm(`/remote/${p.code}/take`, {}, { jar: inf.jar, csrf: inf.csrf });
		L.assertHtml(back, 409);
		assert.match(back.text, /ja l&#39;atén una altra persona/);
		assert.doesNotMatch(back.text, new RegExp(`action="/remote/${p.code}/take"`), 'no take button on it');
		assert.equal(await has('mine', coord.jar), true);
		assert.equal(await has('mine', inf.jar), false, 'moved to the other informer');
		assert.equal(await has(coordId, inf.jar), true);
		assert.equal(await has(infId, inf.jar), false);
		const page = await srv.get(`/remote/${p.code}`, { jar: inf.jar });
		assert.ok(page.text.includes(L.DEMO_USERS.coordinator), 'the page names who attends it');
		assert.notEqual(infId, coordId);
		const audit = L.sql(srv.db, `SELECT action || ' ' || detail FROM audit_log WHERE target = 'appointment:${p.code}' AND action = 'remote.case.assign' ORDER BY id`);
		assert.deepEqual(audit.split('\n'), [`remote.case.assign ${L.DEMO_USERS.coordinator}`]);
		const taken = L.sql(srv.db, `SELECT COUNT(*) FROM audit_log WHERE target = 'appointment:${p.code}' AND action = 'remote.case.take'`);
		assert.equal(taken, '1', 'one take recorded, the refused one not');
	});

	it('the office sends a document back from the appointment page: the citizen lists and downloads it', async () => {
		const p = await book('video');
		const inf = await srv.loginOk(L.DEMO_USERS.informer);
		const casePage = await srv.get(`/remote/${p.code}`, { jar: inf.jar });
		const image = png();
		const mp = L.multipartBody({ _csrf: L.csrfFrom(casePage.text) }, [{ name: 'file', filename: 'rebut.png', data: image }]);
		const r = await srv.request('POST', `/docs/${p.code}`, { jar: inf.jar, headers: { 'Content-Type': mp.contentType }, body: mp.body });
		assert.equal(r.status, 303, r.text.slice(0, 300));
		assert.equal(r.headers.location, `/remote/${p.code}?saved=document`);
		const list = (await srv.get(`/api/v1/appointments/${p.code}/documents?token=${p.token}`)).json().documents;
		assert.equal(list.length, 1);
		assert.equal(list[0].name, 'rebut.png');
		assert.equal(list[0].type, 'image/png');
		assert.equal(list[0].origin, 'office');
		const back = await srv.get(`/api/v1/appointments/${p.code}/documents/${list[0].id}?token=${p.token}`);
		assert.equal(back.status, 200);
		assert.deepEqual(back.body, image);
		// Staff download it too, and the citizen's page shows where it came from.
		const staffBack = await srv.get(`/api/v1/appointments/${p.code}/documents/${list[0].id}`, { jar: inf.jar });
		assert.deepEqual(staffBack.body, image);
		assert.match((await srv.get(`/docs/${p.code}?token=${p.token}`)).text, /rebut\.png/);
		const actors = L.sql(srv.db, `SELECT actor || ' ' || action FROM audit_log WHERE target = 'appointment:${p.code}' AND action LIKE 'remote.document.%' ORDER BY id`).split('\n');
		assert.equal(actors[0], `${L.DEMO_USERS.informer} remote.document.upload`);
		assert.ok(actors.includes(`${L.DEMO_USERS.informer} remote.document.download`), actors.join('; '));
		// Another appointment's secret opens nothing here.
		const other = await book('phone');
		L.assertJsonError(await srv.get(`/api/v1/appointments/${p.code}/documents/${list[0].id}?token=${other.token}`), 404, 'not_found');
		L.assertJsonError(await srv.get(`/api/v1/appointments/${other.code}/documents/${list[0].id}?token=${other.token}`), 404, 'not_found');
	});

	it('a wrong number ends the call-back at once; a rescheduled call moves the appointment and is logged', async () => {
		const inf = await srv.loginOk(L.DEMO_USERS.informer);
		const w = await book('phone');
		let r = await srv.postForm(`/remote/${w.code}/attempt`, { outcome: 'wrong_number', note: 'No és seu' }, { jar: inf.jar, csrf: inf.csrf });
		assert.equal(r.headers.location, `/remote/${w.code}?saved=rebook`);
		assert.equal(L.sql(srv.db, `SELECT status FROM appointments WHERE code = '${w.code}'`), 'no_show');
		assert.equal(L.sql(srv.db, `SELECT COUNT(*) FROM outbox WHERE kind = 'remote_rebook' AND ref = '${w.code}'`), '1');

		const p = await book('phone');
		const page = await srv.get(`/remote/${p.code}`, { jar: inf.jar });
		const times = [...page.text.matchAll(/<option value="(\d{4}-[^"]+)">/g)].map((m) => m[1]);
		assert.ok(times.length > 1, 'the page offers other times');
		const before = L.sql(srv.db, `SELECT start_at FROM appointments WHERE code = '${p.code}'`);
		r = await srv.postForm(`/remote/${p.code}/attempt`, { outcome: 'rescheduled', start: 'not-a-time' }, { jar: inf.jar, csrf: inf.csrf });
		assert.equal(r.status, 422);
		assert.equal(L.sql(srv.db, `SELECT COUNT(*) FROM remote_attempts a JOIN appointments p ON p.id = a.appointment_id WHERE p.code = '${p.code}'`), '0', 'a refused move logs nothing');
		r = await srv.postForm(`/remote/${p.code}/attempt`, { outcome: 'rescheduled', start: times[times.length - 1], note: 'Prefereix a la tarda' }, { jar: inf.jar, csrf: inf.csrf });
		assert.equal(r.headers.location, `/remote/${p.code}?saved=rescheduled`);
		assert.notEqual(L.sql(srv.db, `SELECT start_at FROM appointments WHERE code = '${p.code}'`), before);
		assert.equal(
			L.sql(srv.db, `SELECT a.outcome || ' ' || a.note FROM remote_attempts a JOIN appointments p ON p.id = a.appointment_id WHERE p.code = '${p.code}'`),
			'rescheduled Prefereix a la tarda'
		);
	});

	it('records the outcome: the appointment is done', async () => {
		const p = await book('phone');
		const inf = await srv.loginOk(L.DEMO_USERS.informer);
		let r = await srv.postForm(`/remote/${p.code}/outcome`, { procedures: '', how: 'for' }, { jar: inf.jar, csrf: inf.csrf });
		assert.equal(r.status, 422);
		r = await srv.postForm(`/remote/${p.code}/outcome`, { procedures: 'Domiciliació', how: 'with', notes: 'Ho ha fet sol' }, { jar: inf.jar, csrf: inf.csrf });
		assert.equal(r.status, 303, r.text.slice(0, 300));
		assert.equal(L.sql(srv.db, `SELECT status FROM appointments WHERE code = '${p.code}'`), 'done');
		// The attention ended: one satisfaction survey for it, its invitation queued in the same commit.
		assert.equal(L.sql(srv.db, `SELECT kind || ' ' || invited FROM surveys WHERE ref = '${p.code}'`), 'appointment 1');
		assert.equal(L.sql(srv.db, `SELECT COUNT(*) FROM outbox WHERE kind = 'survey_invite' AND ref = '${p.code}'`), '1');
	});
});

it('graceful shutdown', () => srv.stop());
