'use strict';
// The office floor's API (docs/api.md "Office floor"): issuing tickets numbered per office, zone
// and day, quotas and closed zones, a ticket read with its token and printed (the 80 mm PDF:
// its size, text and QR code, read back with pdfinfo, pdftotext and zbarimg), the desks (call next in the
// calling order, call one, recall up to floor.max_recalls then no-show, start, park, resume,
// transfer with a note, finish with the outcome), the queue, the history rows, the display
// stream and its resync, the live page's stream, the spoken call, the board, and an
// appointment checked in that becomes a ticket bound to its time and follows it to done.
// The flows run at mar-blava, which the demo leaves empty; roles and offices are checked at
// centre, where the demo morning is.
const { test, describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const L = require('./lib/server.js');

const srv = L.useServer({
	env: {
		FINESTRETA_FLOOR_MAX_RECALLS: '1',
		FINESTRETA_FLOOR_APPOINTMENT_WINDOW: '5',
		FINESTRETA_FLOOR_RATE_PUBLIC: '0',
		FINESTRETA_BOOKING_PROOF_OF_WORK: 'off',
		FINESTRETA_BOOKING_RATE_BOOKING: '0',
		FINESTRETA_BOOKING_RATE_AVAILABILITY: '0',
	},
});
const OFFICE = 'mar-blava';
const sql = (q) => L.sql(srv.db, q);
let admin, welcome, informer, kiosk;

before(async () => {
	await srv.ready();
	const auth = async (who) => ({ Authorization: `Bearer ${await srv.token(L.DEMO_USERS[who])}` });
	admin = await auth('admin');
	welcome = await auth('welcome');
	informer = await auth('informer');
	kiosk = await auth('kiosk');
});

const issue = (body, headers = admin, office = OFFICE) =>
	srv.request('POST', `/api/v1/offices/${office}/tickets`, { headers, body });
async function issueOk(body, headers, office) {
	const r = await issue(body, headers, office);
	assert.equal(r.status, 201, r.text);
	return r.json();
}
const post = (path, body, headers = admin) => srv.request('POST', path, { headers, body });
const callNext = (desk, headers = admin, office = OFFICE) =>
	srv.request('POST', `/api/v1/offices/${office}/desks/${desk}/call-next`, { headers });
const act = (id, action, body, headers = admin) =>
	srv.request('POST', `/api/v1/tickets/${id}/${action}`, { headers, body });
async function actOk(id, action, body, status) {
	const r = await act(id, action, body);
	assert.equal(r.status, 200, `${action}: ${r.text}`);
	const j = r.json();
	if (status) assert.equal(j.status, status, action);
	return j;
}
// Finishes whatever desk holds, so that the next test starts with a free desk.
async function freeDesk(desk) {
	const rows = sql(
		`SELECT t.id, t.status FROM floor_tickets t JOIN desks d ON d.id = t.desk_id WHERE d.code = '${desk}' ` +
			`AND t.status IN ('called', 'in_service')`
	);
	for (const line of rows.split('\n').filter(Boolean)) {
		const [id, status] = line.split('|');
		if (status === 'called') await actOk(id, 'start');
		await actOk(id, 'finish', {});
	}
}
// Empties the queue of a zone at the office (each waiting ticket called at a desk and ended).
async function drain(desk) {
	for (;;) {
		const r = await callNext(desk);
		if (r.status === 204) return;
		assert.equal(r.status, 200, r.text);
		await actOk(r.json().id, 'no-show', undefined, 'no_show');
	}
}

describe('issuing', () => {
	it('numbers tickets per zone with its letter and answers the documented shape', async () => {
		const a = await issueOk({ zone: 'assistida', service: 'idcat-mobil', age_band: 'over_50', gender: 'woman', autonomous: false, lang: 'es' }, welcome, 'centre');
		assert.deepEqual(Object.keys(a).filter((k) => ['id', 'number', 'zone', 'status', 'ahead', 'estimated_wait_min', 'live_url', 'token'].includes(k)).sort(),
			['ahead', 'estimated_wait_min', 'id', 'live_url', 'number', 'status', 'token', 'zone']);
		assert.match(a.number, /^B\d{3}$/);
		assert.equal(a.zone, 'assistida');
		assert.equal(a.status, 'waiting');
		assert.match(a.token, /^[0-9a-f]{64}$/);
		assert.equal(a.live_url, `${srv.base}/floor/t/${a.id}?token=${a.token}`);
		assert.ok(a.ahead >= 1, 'the demo morning has people waiting in assistida');
		assert.ok(a.estimated_wait_min >= 1);
		const b = await issueOk({ zone: 'assistida' }, welcome, 'centre');
		assert.equal(Number(b.number.slice(1)), Number(a.number.slice(1)) + 1, 'the next number of the zone');
		assert.equal(b.ahead, a.ahead + 1);
		const c = await issueOk({ zone: 'autoservei', autonomous: true }, kiosk, 'centre');
		assert.match(c.number, /^C\d{3}$/);
		const stored = sql(`SELECT channel, lang, age_band, gender, autonomous FROM floor_tickets WHERE id = ${a.id}`);
		assert.equal(stored, 'api|es|over_50|woman|0');
		assert.equal(sql(`SELECT channel FROM floor_tickets WHERE id = ${c.id}`), 'kiosk');
	});

	it('refuses bad input with every field, other offices, and the wrong roles', async () => {
		const r = await issue({ zone: 'nowhere', service: 'no-such', age_band: '20', gender: 'x', autonomous: 'yes', priority: ['flying'], lang: 'fr' });
		const j = L.assertJsonError(r, 422, 'invalid');
		for (const f of ['zone', 'service', 'age_band', 'gender', 'autonomous', 'priority', 'lang']) assert.ok(j.fields[f], `field ${f}: ${r.text}`);
		L.assertJsonError(await issue({ zone: 'assistida' }, welcome), 403, 'forbidden'); // welcome works at centre
		L.assertJsonError(await issue({ zone: 'assistida' }, informer, 'centre'), 403, 'forbidden');
		L.assertJsonError(await srv.request('POST', `/api/v1/offices/${OFFICE}/tickets`, { body: { zone: 'assistida' } }), 401, 'unauthorized');
		L.assertJsonError(await issue({ zone: 'assistida' }, admin, 'no-such-office'), 404, 'not_found');
	});

	it('closes issuing when the quota is used up, and when a coordinator closes the zone', async () => {
		let r = await post(`/api/v1/offices/${OFFICE}/zones/autoservei/issuing`, { quota: 2 });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json().quota, 2);
		const first = await issueOk({ zone: 'autoservei' });
		const issuedBefore = Number(first.number.slice(1)) - 1;
		for (let i = issuedBefore + 1; i < 2; i++) await issueOk({ zone: 'autoservei' });
		const full = L.assertJsonError(await issue({ zone: 'autoservei' }), 409, 'quota_reached');
		assert.match(full.message, /cita prèvia|appointment/);
		r = await post(`/api/v1/offices/${OFFICE}/zones/autoservei/issuing`, { quota: null, open: false });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json().closed, true);
		L.assertJsonError(await issue({ zone: 'autoservei' }), 409, 'issuing_closed');
		r = await post(`/api/v1/offices/${OFFICE}/zones/autoservei/issuing`, { open: true });
		assert.equal(r.json().closed, false);
		const again = await issueOk({ zone: 'autoservei' });
		assert.equal(Number(again.number.slice(1)), 3, 'the refused tickets spent no number');
		L.assertJsonError(await post('/api/v1/offices/centre/zones/autoservei/issuing', { open: false }, informer), 403, 'forbidden');
		L.assertJsonError(await post(`/api/v1/offices/${OFFICE}/zones/autoservei/issuing`, { quota: -4 }), 422, 'invalid');
		await drain('autoservei-1');
	});
});

describe('a ticket and its token', () => {
	it('is read with its token; without it, or with another, it does not exist', async () => {
		const t = await issueOk({ zone: 'assistida' });
		let r = await srv.get(`/api/v1/tickets/${t.id}?token=${t.token}`);
		assert.equal(r.status, 200, r.text);
		const j = r.json();
		assert.equal(j.number, t.number);
		assert.equal(j.status, 'waiting');
		assert.equal(j.token, undefined, 'the token is not repeated');
		L.assertJsonError(await srv.get(`/api/v1/tickets/${t.id}`), 404, 'not_found');
		L.assertJsonError(await srv.get(`/api/v1/tickets/${t.id}?token=${'0'.repeat(64)}`), 404, 'not_found');
		L.assertJsonError(await srv.get(`/api/v1/tickets/${t.id}?token=short`), 404, 'not_found');
		r = await srv.get(`/api/v1/tickets/${t.id}`, { headers: admin });
		assert.equal(r.status, 200, 'staff of its office read it without the token');
		L.assertJsonError(await srv.get(`/api/v1/tickets/${t.id}`, { headers: informer }), 404, 'not_found'); // another office
		await drain('taula-1');
	});
	it('prints on an 80 mm receipt: number, zone, people ahead, wait, time, and a QR code of the live page', async () => {
		const before = await issueOk({ zone: 'assistida' });
		const t = await issueOk({ zone: 'assistida' });
		assert.equal(t.ahead, before.ahead + 1);
		const res = await srv.get(`/floor/t/${t.id}/ticket.pdf?token=${t.token}`);
		assert.equal(res.status, 200);
		assert.equal(res.headers['content-type'], 'application/pdf');
		assert.equal(res.body.subarray(0, 5).toString(), '%PDF-');
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fl-pdf-'));
		try {
			const file = path.join(dir, 't.pdf');
			fs.writeFileSync(file, res.body);
			const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
			assert.match(info, /^Pages:\s+1$/m, info);
			const [, w, h] = info.match(/^Page size:\s+([\d.]+) x ([\d.]+) pts/m);
			assert.ok(Math.abs(Number(w) - (80 * 72) / 25.4) < 0.5, `80 mm wide: ${w} pt`);
			assert.ok(Number(h) > 200 && Number(h) < 1200, `a receipt's length: ${h} pt`);
			const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
			assert.ok(text.includes(t.number), `the number in:\n${text}`);
			assert.match(text, /Assistida|assistida/i, 'the zone');
			assert.ok(text.includes(`Persones davant ${t.ahead}`), `people ahead in:\n${text}`);
			assert.ok(text.includes(`Espera aproximada ${t.estimated_wait_min} min`), `the wait in:\n${text}`);
			assert.match(text, /Hora d'arribada \d{2}:\d{2}/, 'the time');
			execFileSync('pdftoppm', ['-r', '200', '-png', '-singlefile', file, path.join(dir, 't')]);
			const qr = execFileSync('zbarimg', ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', path.join(dir, 't.png')], {
				encoding: 'utf8',
				stdio: ['ignore', 'pipe', 'ignore'],
			});
			assert.equal(qr.trim(), t.live_url, 'the QR code leads to the live page');
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
		L.assertHtml(await srv.get(`/floor/t/${t.id}/ticket.pdf?token=${'0'.repeat(64)}`), 404);
		await drain('taula-1');
	});
});

describe('desks', () => {
	it('call next follows the calling order: priority before first come, then first come first served; 204 when nobody waits', async () => {
		await drain('taula-1');
		const a = await issueOk({ zone: 'assistida' });
		const b = await issueOk({ zone: 'assistida' });
		const p = await issueOk({ zone: 'assistida', priority: ['pregnancy'] });
		assert.equal(a.ahead, 0);
		assert.equal(p.ahead, 0, 'a priority visitor goes first');
		let r = await srv.get(`/api/v1/tickets/${a.id}?token=${a.token}`);
		assert.equal(r.json().ahead, 1, 'the first walk-in now has the priority visitor ahead');
		const q = (await srv.get(`/api/v1/offices/${OFFICE}/queue`, { headers: admin })).json();
		const zone = q.zones.find((z) => z.zone === 'assistida');
		assert.deepEqual(zone.waiting.map((t) => t.number), [p.number, a.number, b.number]);
		const order = [];
		for (let i = 0; i < 3; i++) {
			r = await callNext('taula-1');
			assert.equal(r.status, 200, r.text);
			const c = r.json();
			assert.equal(c.status, 'called');
			assert.equal(c.desk, 'taula-1');
			order.push(c.number);
			L.assertJsonError(await callNext('taula-1'), 409, 'bad_state'); // the desk is busy
			await actOk(c.id, 'start', undefined, 'in_service');
			await actOk(c.id, 'finish', { procedures: ['idcat-mobil'], mode: 'with', idcat: true }, 'done');
		}
		assert.deepEqual(order, [p.number, a.number, b.number]);
		r = await callNext('taula-1');
		assert.equal(r.status, 204);
		L.assertJsonError(await callNext('no-such-desk'), 404, 'not_found');
		L.assertJsonError(await callNext('taula-1', informer), 403, 'forbidden');
	});

	it('every state change is a history row, with the times and who served it', async () => {
		const t = await issueOk({ zone: 'assistida' });
		const c = (await callNext('taula-2')).json();
		assert.equal(c.id, t.id);
		await actOk(t.id, 'start');
		await actOk(t.id, 'finish', { procedures: ['padro-alta', 'volant-individual'], mode: 'for', idcat: false, referred: 'Serveis socials', notes: 'Cal tornar amb el llibre de família' });
		const ev = sql(`SELECT action, from_state, to_state, actor FROM floor_ticket_events WHERE ticket_id = ${t.id} ORDER BY id`);
		assert.equal(ev, ['issue||waiting|admin@vilamar.example', 'call|waiting|called|admin@vilamar.example',
			'start|called|in_service|admin@vilamar.example', 'finish|in_service|done|admin@vilamar.example'].join('\n'));
		const ok = (cond) => `CASE WHEN ${cond} THEN 1 ELSE 0 END`;
		const row = sql(`SELECT ${ok('issued_at <= called_at')}, ${ok('called_at <= started_at')}, ${ok('started_at <= finished_at')}, ${ok('served_by IS NOT NULL')}, mode, idcat, referred FROM floor_tickets WHERE id = ${t.id}`);
		assert.equal(row, '1|1|1|1|for|0|Serveis socials');
		assert.equal(sql(`SELECT count(*) FROM floor_ticket_procedures WHERE ticket_id = ${t.id}`), '2');
	});

	it('a finished ticket offers its survey on the live page: 0–10 and a comment, answered once', async () => {
		const t = await issueOk({ zone: 'assistida', lang: 'en' });
		assert.equal((await callNext('taula-2')).json().id, t.id);
		await actOk(t.id, 'start');
		await actOk(t.id, 'finish', {});
		const j = (await srv.get(`/api/v1/tickets/${t.id}?token=${t.token}`)).json();
		assert.match(j.survey_url, new RegExp(`^${srv.base}/survey/[0-9a-f]{64}$`));
		const path = new URL(j.survey_url).pathname;
		const jar = new L.CookieJar();
		const page = await srv.get(path, { jar });
		L.assertHtml(page, 200);
		assert.equal(L.htmlLang(page.text), 'ca');
		const form = L.formIn(page.text, path);
		assert.ok(form, 'the survey form');
		let r = await srv.request('POST', path, { jar, headers: L.FORM, body: L.formBody({ ...form, comment: 'Molt amables' }) });
		L.assertHtml(r, 422, 'no score');
		r = await srv.request('POST', path, { jar, headers: L.FORM, body: L.formBody({ ...form, score: '9', comment: 'Molt amables' }) });
		L.assertHtml(r, 200);
		assert.equal(sql(`SELECT score, comment, kind, ref, office FROM surveys WHERE ref = '${t.id}'`), `9|Molt amables|ticket|${t.id}|${OFFICE}`);
		r = await srv.request('POST', path, { jar, headers: L.FORM, body: L.formBody({ ...form, score: '2' }) });
		L.assertHtml(r, 409, 'one answer per attention');
		assert.equal(sql(`SELECT score FROM surveys WHERE ref = '${t.id}'`), '9');
		L.assertHtml(await srv.get(`/survey/${'a'.repeat(64)}`), 404);
	});

	it('recall up to floor.max_recalls, then the next recall is a no-show', async () => {
		const t = await issueOk({ zone: 'assistida' });
		const c = (await callNext('taula-1')).json();
		assert.equal(c.id, t.id);
		await actOk(t.id, 'recall', undefined, 'called');
		await actOk(t.id, 'recall', undefined, 'no_show');
		L.assertJsonError(await act(t.id, 'recall'), 409, 'bad_state');
		assert.equal(sql(`SELECT count(*) FROM floor_calls WHERE ticket_id = ${t.id}`), '2', 'the call and one recall reached the displays');
	});

	it('moves the state does not allow answer 409 bad_state; unknown actions 404', async () => {
		const t = await issueOk({ zone: 'assistida' });
		L.assertJsonError(await act(t.id, 'finish', {}), 409, 'bad_state');
		L.assertJsonError(await act(t.id, 'start'), 409, 'bad_state');
		L.assertJsonError(await act(t.id, 'resume', {}), 409, 'bad_state');
		L.assertJsonError(await act(t.id, 'no-show'), 409, 'bad_state');
		L.assertJsonError(await act(t.id, 'explode'), 404, 'not_found');
		L.assertJsonError(await act(999999999, 'start'), 404, 'not_found');
		await drain('taula-1');
	});

	it('park and resume at another desk; a transfer keeps the arrival and sends the ticket to a zone or a desk with a note', async () => {
		await drain('taula-1');
		const early = await issueOk({ zone: 'autoservei' });
		await L.sleep(1100);
		const t = await issueOk({ zone: 'assistida' });
		await L.sleep(1100);
		const later = await issueOk({ zone: 'autoservei' });
		assert.equal((await callNext('taula-1')).json().id, t.id);
		await actOk(t.id, 'start');
		await actOk(t.id, 'park', undefined, 'parked');
		assert.equal((await callNext('taula-1')).status, 204, 'the desk is free while its ticket is parked');
		const resumed = await actOk(t.id, 'resume', { desk: 'taula-2' }, 'called');
		assert.equal(resumed.desk, 'taula-2');
		await actOk(t.id, 'start');
		L.assertJsonError(await act(t.id, 'transfer', {}), 422, 'invalid');
		const moved = await actOk(t.id, 'transfer', { zone: 'autoservei', note: 'Només cal el volant' }, 'transferred');
		assert.equal(moved.zone, 'autoservei');
		assert.equal(moved.ahead, 1, 'it waits after the one who came before it, before the one who came after');
		const q = (await srv.get(`/api/v1/offices/${OFFICE}/queue`, { headers: admin })).json();
		const zone = q.zones.find((z) => z.zone === 'autoservei');
		assert.deepEqual(zone.waiting.map((x) => x.number), [early.number, t.number, later.number]);
		assert.equal(zone.waiting[1].note, 'Només cal el volant');
		// To a desk: only that desk calls it.
		await actOk(early.id, 'transfer', { desk: 'taula-3', note: 'Per a la Marta' }, 'transferred');
		let r = await callNext('autoservei-1');
		assert.equal(r.json().id, t.id, 'autoservei-1 skips the ticket sent to taula-3');
		await actOk(t.id, 'no-show');
		r = await callNext('taula-3');
		assert.equal(r.json().id, early.id, 'taula-3 calls the ticket sent to it');
		await actOk(early.id, 'no-show');
		await drain('autoservei-1');
		assert.equal(sql(`SELECT note FROM floor_tickets WHERE id = ${early.id}`), 'Per a la Marta');
	});

	it('call a given ticket by its number', async () => {
		await drain('taula-1');
		await issueOk({ zone: 'assistida' });
		const t2 = await issueOk({ zone: 'assistida' });
		const r = await post(`/api/v1/offices/${OFFICE}/desks/taula-1/call`, { number: t2.number });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json().id, t2.id);
		L.assertJsonError(await post(`/api/v1/offices/${OFFICE}/desks/taula-2/call`, { number: 'Z999' }), 422, 'invalid');
		await actOk(t2.id, 'no-show');
		await drain('taula-1');
	});
});

describe('streams', () => {
	it('a call reaches the display stream with exactly number, desk, zone and at; the recent calls resync it', async () => {
		await drain('taula-1');
		const sse = await srv.openSSE(`/api/v1/offices/${OFFICE}/calls`);
		try {
			assert.equal(sse.status, 200);
			assert.match(String(sse.headers['content-type']), /^text\/event-stream/);
			await sse.waitForComment('connected');
			const t = await issueOk({ zone: 'assistida' });
			const t0 = Date.now();
			await callNext('taula-1');
			const ev = await sse.waitForEvent((e) => e.event === 'call' && JSON.parse(e.data).number === t.number, 5000);
			const data = JSON.parse(ev.data);
			assert.deepEqual(Object.keys(data).sort(), ['at', 'desk', 'number', 'zone']);
			assert.deepEqual([data.desk, data.zone], ['taula-1', 'assistida']);
			assert.ok(Date.now() - t0 < 5000);
			const recent = await srv.get(`/api/v1/offices/${OFFICE}/calls/recent`);
			assert.equal(recent.status, 200);
			const rj = recent.json();
			assert.equal(rj.calls[0].number, t.number);
			assert.ok(rj.zones.find((z) => z.code === 'assistida' && /^#[0-9a-f]{6}$/i.test(z.colour)));
			assert.ok(rj.desks.find((d) => d.code === 'taula-1'));
			await actOk(t.id, 'no-show');
		} finally {
			sse.close();
		}
		L.assertJsonError(await srv.get('/api/v1/offices/no-such/calls'), 404, 'not_found');
	});

	it('the live stream of a ticket hears its zone move and its own call', async () => {
		await drain('taula-1');
		const a = await issueOk({ zone: 'assistida' });
		const b = await issueOk({ zone: 'assistida' });
		L.assertJsonError(await srv.get(`/api/v1/tickets/${b.id}/events?token=${'f'.repeat(64)}`), 404, 'not_found');
		const sse = await srv.openSSE(`/api/v1/tickets/${b.id}/events?token=${b.token}`);
		try {
			assert.equal(sse.status, 200);
			await sse.waitForComment('connected');
			await callNext('taula-1');
			const ev = await sse.waitForEvent((e) => e.event === 'queue' && JSON.parse(e.data).ticket?.id === a.id, 5000);
			const data = JSON.parse(ev.data);
			const zone = data.zones.find((z) => z.zone === 'assistida');
			assert.equal(zone.order[0], b.id, 'b is now first');
			assert.equal(zone.wait.length, zone.order.length);
			await actOk(a.id, 'no-show');
			await callNext('taula-1');
			const mine = await sse.waitForEvent((e) => e.event === 'queue' && JSON.parse(e.data).ticket?.id === b.id && JSON.parse(e.data).ticket.status === 'called', 5000);
			assert.equal(JSON.parse(mine.data).ticket.desk, 'taula-1');
			await actOk(b.id, 'no-show');
		} finally {
			sse.close();
		}
	});

	it('the spoken call is a WAV file with the chime and the speech, cached per text', async () => {
		const r = await srv.get(`/api/v1/offices/${OFFICE}/calls/audio?number=B012&desk=taula-2`);
		assert.equal(r.status, 200, r.text);
		assert.equal(r.headers['content-type'], 'audio/wav');
		assert.equal(r.body.subarray(0, 4).toString(), 'RIFF');
		assert.equal(r.body.subarray(8, 12).toString(), 'WAVE');
		// The chime alone is 1.35 s at 22050 Hz, 16 bit: speech in two languages makes it longer.
		assert.ok(r.body.length > 22050 * 2 * 3, `speech follows the chime (${r.body.length} bytes)`);
		assert.equal(sql('SELECT count(*) FROM floor_audio'), '1');
		const again = await srv.get(`/api/v1/offices/${OFFICE}/calls/audio?number=B012&desk=taula-2`);
		assert.equal(again.headers.etag, r.headers.etag);
		assert.ok(again.body.equals(r.body));
		assert.equal(sql('SELECT count(*) FROM floor_audio'), '1', 'served from the cache');
		L.assertJsonError(await srv.get(`/api/v1/offices/${OFFICE}/calls/audio?number=hello&desk=taula-2`), 422, 'invalid');
		L.assertJsonError(await srv.get(`/api/v1/offices/${OFFICE}/calls/audio?number=B1&desk=nowhere`), 422, 'invalid');
	});
});

describe('board', () => {
	it('shows per zone the queue, the longest wait, served today and quotas; desks open and what they do', async () => {
		const r = await srv.get('/api/v1/offices/centre/board', { headers: admin });
		assert.equal(r.status, 200, r.text);
		const b = r.json();
		const z = b.zones.find((x) => x.zone === 'assistida');
		assert.ok(z.waiting >= 3, 'the demo morning waits in assistida');
		assert.ok(z.longest_wait_min >= 0);
		assert.ok(z.served >= 2);
		const auto = b.zones.find((x) => x.zone === 'autoservei');
		assert.equal(auto.quota, 60);
		assert.equal(auto.quota_left, 60 - auto.issued);
		assert.ok(b.desks.find((d) => d.desk === 'taula-1' && d.status === 'in_service'), JSON.stringify(b.desks));
		L.assertJsonError(await srv.get('/api/v1/offices/centre/board', { headers: informer }), 403, 'forbidden');
	});
});

describe('appointments', () => {
	it('a check-in becomes a ticket in the appointment zone bound to its time, called first once due, and the appointment follows it', async () => {
		const from = L.madridDate(2);
		const av = await srv.get(`/api/v1/availability?service=volant-individual&channel=in_person&office=${OFFICE}&from=${from}&to=${L.addDays(from, 20)}`, { headers: admin });
		assert.equal(av.status, 200, av.text);
		const start = av.json().days[0].slots[0].start;
		const who = L.people({ from: 71000, random: 20000 })();
		const booked = await post('/api/v1/appointments', { service: 'volant-individual', channel: 'in_person', office: OFFICE, start, ...who });
		assert.equal(booked.status, 201, booked.text);
		const code = booked.json().code;
		// The appointment is moved to in three minutes from now (a fixture: today is not bookable at every hour).
		const now = Math.floor(Date.now() / 1000);
		sql(`UPDATE appointments SET start_at = ${now + 180}, end_at = ${now + 780} WHERE code = '${code}'`);
		await drain('taula-4');
		const walkIn = await issueOk({ zone: 'cita-previa' });
		L.assertJsonError(await post(`/api/v1/offices/${OFFICE}/check-in`, { appointment: 'NOPE2345' }, welcome), 403, 'forbidden');
		L.assertJsonError(await post(`/api/v1/offices/${OFFICE}/check-in`, { appointment: 'ZZZZZZZZ' }), 422, 'invalid');
		const r = await post(`/api/v1/offices/${OFFICE}/check-in`, { appointment: who.id_number.toLowerCase() });
		assert.equal(r.status, 201, r.text);
		const t = r.json();
		assert.match(t.number, /^D\d{3}$/);
		assert.equal(t.zone, 'cita-previa');
		assert.ok(t.appointment_at);
		assert.match(t.token, /^[0-9a-f]{64}$/);
		assert.equal(sql(`SELECT status FROM appointments WHERE code = '${code}'`), 'checked_in');
		L.assertJsonError(await post(`/api/v1/offices/${OFFICE}/check-in`, { appointment: code }), 409, 'bad_state');
		// Within the window (5 min before its time) it goes before the walk-in who came first.
		const c = (await callNext('taula-4')).json();
		assert.equal(c.id, t.id, 'the appointment is called first');
		assert.equal(sql(`SELECT status FROM appointments WHERE code = '${code}'`), 'called');
		await actOk(t.id, 'start');
		assert.equal(sql(`SELECT status FROM appointments WHERE code = '${code}'`), 'in_service');
		await actOk(t.id, 'finish', { procedures: ['volant-individual'] });
		assert.equal(sql(`SELECT status FROM appointments WHERE code = '${code}'`), 'done');
		// The survey goes by e-mail to the appointment's address, once, and the live page links the same one.
		assert.equal(sql(`SELECT count(*) FROM outbox WHERE kind = 'survey_invite' AND to_email = '${who.email}'`), '1');
		const live = (await srv.get(`/api/v1/tickets/${t.id}?token=${t.token}`)).json();
		const token = sql(`SELECT token FROM surveys WHERE kind = 'appointment' AND ref = '${code}'`);
		assert.equal(live.survey_url, `${srv.base}/survey/${token}`);
		await actOk(walkIn.id, 'transfer', { zone: 'assistida' });
		await drain('taula-1');
	});

	it('check-in through booking\'s own API makes the ticket too', async () => {
		const from = L.madridDate(2);
		const av = await srv.get(`/api/v1/availability?service=volant-individual&channel=in_person&office=${OFFICE}&from=${from}&to=${L.addDays(from, 20)}`, { headers: admin });
		const start = av.json().days[0].slots[0].start;
		const who = L.people({ from: 91000, random: 8000 })();
		const booked = await post('/api/v1/appointments', { service: 'volant-individual', channel: 'in_person', office: OFFICE, start, ...who });
		assert.equal(booked.status, 201, booked.text);
		const code = booked.json().code;
		const r = await post(`/api/v1/appointments/${code}/check-in`, { id_number: who.id_number });
		assert.equal(r.status, 200, r.text);
		const row = sql(`SELECT t.number, t.status, t.channel FROM floor_tickets t JOIN appointments a ON a.id = t.appointment_id WHERE a.code = '${code}'`);
		assert.match(row, /^D\d{3}\|waiting\|check_in$/);
	});

	it('the welcome desk checks in by the QR code of the confirmation (its manage link), only with the right token', async () => {
		const from = L.madridDate(3);
		const av = await srv.get(`/api/v1/availability?service=volant-individual&channel=in_person&office=${OFFICE}&from=${from}&to=${L.addDays(from, 20)}`, { headers: admin });
		assert.equal(av.status, 200, av.text);
		const start = av.json().days[0].slots[0].start;
		const who = L.people({ from: 99100, random: 800 })();
		const booked = await post('/api/v1/appointments', { service: 'volant-individual', channel: 'in_person', office: OFFICE, start, ...who });
		assert.equal(booked.status, 201, booked.text);
		const { code, manage_url: link } = booked.json();
		assert.match(link, new RegExp(`/cita/${code}\\?token=[0-9a-f]{64}$`));
		const now = Math.floor(Date.now() / 1000);
		sql(`UPDATE appointments SET start_at = ${now + 3600}, end_at = ${now + 4200} WHERE code = '${code}'`);
		const forged = link.replace(/token=[0-9a-f]{64}/, `token=${'0'.repeat(64)}`);
		L.assertJsonError(await post(`/api/v1/offices/${OFFICE}/check-in`, { appointment: forged }), 422, 'invalid');
		assert.equal(sql(`SELECT status FROM appointments WHERE code = '${code}'`), 'booked');
		const r = await post(`/api/v1/offices/${OFFICE}/check-in`, { appointment: link });
		assert.equal(r.status, 201, r.text);
		const t = r.json();
		assert.match(t.number, /^D\d{3}$/);
		assert.equal(t.status, 'waiting');
		assert.equal(sql(`SELECT status FROM appointments WHERE code = '${code}'`), 'checked_in');
		assert.equal(sql(`SELECT a.code FROM floor_tickets t JOIN appointments a ON a.id = t.appointment_id WHERE t.id = ${t.id}`), code);
		await drain('taula-4');
	});
});

describe('two nodes on PostgreSQL', { skip: !L.IS_PG && 'needs FINESTRETA_TEST_DB=postgresql://… (SQLite is one node only)' }, () => {
	const b = new L.Server({ name: 'node B', command: 'serve', env: { FINESTRETA_FLOOR_RATE_PUBLIC: '0' } });
	before(() => b.start());
	after(() => b.kill());

	it('a call made on one node reaches a display stream and a live stream held on the other; the display resyncs there', async () => {
		await drain('taula-1');
		const t = await issueOk({ zone: 'assistida' });
		const display = await b.openSSE(`/api/v1/offices/${OFFICE}/calls`);
		const live = await b.openSSE(`/api/v1/tickets/${t.id}/events?token=${t.token}`);
		try {
			await Promise.all([display.waitForComment('connected'), live.waitForComment('connected')]);
			const r = await callNext('taula-1'); // on node A
			assert.equal(r.status, 200, r.text);
			const ev = await display.waitForEvent((e) => e.event === 'call' && JSON.parse(e.data).number === t.number, 5000);
			assert.equal(JSON.parse(ev.data).desk, 'taula-1');
			await live.waitForEvent((e) => e.event === 'queue' && JSON.parse(e.data).ticket?.id === t.id, 5000);
			const recent = (await b.get(`/api/v1/offices/${OFFICE}/calls/recent`)).json();
			assert.equal(recent.calls[0].number, t.number, 'node B resyncs from the shared database');
			const seen = display.events.filter((e) => e.event === 'call' && JSON.parse(e.data).number === t.number).length;
			assert.equal(seen, 1, 'delivered once');
			await actOk(t.id, 'no-show');
		} finally {
			display.close();
			live.close();
		}
		await b.stop();
	});
});

test('SIGTERM: the server exits 0 within 10 s', () => srv.stop());
