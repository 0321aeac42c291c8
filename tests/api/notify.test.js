'use strict';
// Notifications (docs/internals/notify.md) against a REAL SMTP server: aiosmtpd (Debian
// python3-aiosmtpd) on a free loopback port with tests/api/lib/smtp_sink.py writing every message
// it receives to a folder, read back with Python's email package and python3-icalendar — parsers
// that share nothing with the server. Covered: the operator's `finestreta mail test`; a booking on
// each channel (in person, phone, video; ca, es, en) → a multipart text + HTML mail with the .ics
// attached, whose DTSTART is the booked instant; a cancellation (METHOD:CANCEL, higher SEQUENCE);
// the SMS twin through a small HTTP gateway (bearer token, JSON, a 503 retried); the PDF receipt
// through pdftotext; an SMTP outage with retries and backoff, the server stopped
// mid-outage and restarted with `serve` on the same database, and every mail delivered exactly
// once afterwards; the admin outbox pages (audited views, the .eml download, "retry now" of a dead
// message).
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const L = require('./lib/server.js');

const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const SINK_PY = path.join(L.ROOT, 'tests/api/lib/smtp_sink.py');
const PUBLIC = 'http://cita.vilamar.test';
const { FORM } = L;
const SERVICE = 'ibi'; // in person, phone and video in the demo catalogue
const OFFICE = 'centre';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'finestreta-notify-'));
const DB = L.IS_PG ? L.TEST_DB : `sqlite:${path.join(tmp, 'notify.db')}`;
let smtpPort;
let env;
let srv;
let sink;

// An SMS gateway as docs/api.md describes: POST JSON {to, text} with a bearer token. It answers
// 503 to the very first request, so the retry path runs too.
const SMS_TOKEN = 'sms-gateway-secret';
const sms = { requests: [], server: null, port: 0 };
function startSmsGateway() {
	return new Promise((resolve) => {
		sms.server = http.createServer((req, res) => {
			let body = '';
			req.on('data', (c) => (body += c));
			req.on('end', () => {
				const r = { method: req.method, url: req.url, auth: req.headers.authorization, type: req.headers['content-type'], body };
				try {
					r.json = JSON.parse(body);
				} catch {
					r.json = null;
				}
				sms.requests.push(r);
				const first = sms.requests.length === 1;
				res.writeHead(first ? 503 : 200, { 'Content-Type': 'application/json' });
				res.end(first ? '{"error":"busy"}' : '{"ok":true}');
			});
		});
		sms.server.listen(0, '127.0.0.1', () => {
			sms.port = sms.server.address().port;
			resolve();
		});
	});
}

// ---------------------------------------------------------------- the SMTP sink

class Sink {
	constructor(dir, port) {
		this.dir = dir;
		this.port = port;
		this.parsed = new Map(); // file → parsed message
		fs.mkdirSync(dir, { recursive: true });
	}

	async start() {
		this.log = '';
		this.proc = spawn(PYTHON, ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${this.port}`, '-c', 'smtp_sink.Sink', this.dir], {
			env: { ...process.env, PYTHONPATH: path.dirname(SINK_PY) },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		this.proc.stdout.on('data', (b) => (this.log += b));
		this.proc.stderr.on('data', (b) => (this.log += b));
		this.exited = new Promise((r) => this.proc.on('exit', r));
		const deadline = Date.now() + 10000;
		while (Date.now() < deadline) {
			if (await canConnect(this.port)) return;
			await L.sleep(50);
		}
		throw new Error(`aiosmtpd did not listen on ${this.port}: ${this.log}`);
	}

	async stop() {
		if (!this.proc || this.proc.exitCode !== null) return;
		this.proc.kill('SIGTERM');
		await L.withTimeout(this.exited, 5000);
		if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
		// Nobody may answer on the port any more.
		assert.equal(await canConnect(this.port), false, 'the SMTP sink is down');
	}

	files() {
		return fs
			.readdirSync(this.dir)
			.filter((f) => f.endsWith('.eml') && !f.startsWith('.'))
			.sort();
	}

	messages() {
		return this.files().map((f) => {
			if (!this.parsed.has(f)) {
				const out = execFileSync(PYTHON, [SINK_PY, 'parse', path.join(this.dir, f)], { encoding: 'utf8' });
				const m = JSON.parse(out);
				m.file = f;
				m.envelope = JSON.parse(fs.readFileSync(path.join(this.dir, f.replace(/\.eml$/, '.json')), 'utf8'));
				this.parsed.set(f, m);
			}
			return this.parsed.get(f);
		});
	}

	// The first message matching pred, waiting up to ms.
	async waitFor(pred, ms = 15000, what = 'a message') {
		const deadline = Date.now() + ms;
		for (;;) {
			const m = this.messages().find(pred);
			if (m) return m;
			if (Date.now() > deadline) {
				const seen = this.messages().map((x) => `${x.to}: ${x.subject}`);
				throw new Error(`no ${what} within ${ms} ms; the sink holds:\n${seen.join('\n')}`);
			}
			await L.sleep(100);
		}
	}

	to(addr) {
		return this.messages().filter((m) => m.envelope.rcpt_tos.includes(addr));
	}
}

function canConnect(port) {
	return new Promise((resolve) => {
		const s = net.connect(port, '127.0.0.1');
		s.once('connect', () => {
			s.destroy();
			resolve(true);
		});
		s.once('error', () => resolve(false));
	});
}

// ---------------------------------------------------------------- helpers

const sql = (q) => L.sql(DB, q);

function outboxRows(where) {
	const out = sql(`SELECT id, status, attempts, next_attempt_at, COALESCE(last_error, '') FROM outbox WHERE ${where} ORDER BY id`);
	return out
		? out.split('\n').map((l) => {
				const [id, status, attempts, next, error] = l.split('|');
				return { id: +id, status, attempts: +attempts, next: +next, error };
			})
		: [];
}

const citizen = L.people({ from: 40000, random: 1000 * 10, name: "Persona d'Avís", email: 'avis' });
const person = (lang) => citizen({ lang });
const { madridDate } = L;

// Free slots per channel, taken one by one so that no two bookings share a seat; from three days
// ahead, so that every booking also queues its reminder (24 h before).
const slots = {};
async function takeSlot(channel) {
	if (!slots[channel]) {
		const office = channel === 'in_person' ? `&office=${OFFICE}` : '';
		const r = await srv.get(
			`/api/v1/availability?service=${SERVICE}&channel=${channel}${office}&from=${madridDate(3)}&to=${madridDate(24)}`
		);
		assert.equal(r.status, 200, r.text);
		slots[channel] = r.json().days.flatMap((d) => d.slots.filter((s) => s.free > 0).map((s) => s.start));
	}
	const s = slots[channel].shift();
	assert.ok(s, `a free ${channel} slot`);
	return s;
}

async function book(channel, lang) {
	const who = person(lang);
	const start = await takeSlot(channel);
	const body = { service: SERVICE, channel, start, ...who };
	if (channel === 'in_person') body.office = OFFICE;
	const r = await srv.request('POST', '/api/v1/appointments', { body, headers: { 'Accept-Language': lang } });
	assert.equal(r.status, 201, `booking ${channel}: ${r.status} ${r.text}`);
	return { ...r.json(), who, start };
}

// Every link to this service in a message leads to a page that exists (PUBLIC stands for the
// server under test; the links keep their query, ?token= included).
async function assertLinksLead(what, ...parts) {
	const re = new RegExp(PUBLIC.replace(/[.]/g, '\\.') + '(/[^\\s"<>]*)', 'g');
	const paths = new Set();
	for (const p of parts) for (const m of p.replace(/&amp;/g, '&').matchAll(re)) paths.add(m[1].replace(/[.,;:)]+$/, ''));
	assert.ok(paths.size > 0, `${what}: links to the service`);
	for (const p of paths) {
		const r = await srv.request('GET', p);
		assert.equal(r.status, 200, `${what}: ${p} answers ${r.status}`);
	}
}

function partsOf(m, type) {
	return m.parts.filter((p) => p.type === type);
}

// The multipart shape every appointment mail has: mixed(alternative(text, html), calendar).
function assertAppointmentMail(m, method) {
	assert.equal(m.type, 'multipart/mixed', 'top level multipart/mixed');
	assert.deepEqual(
		m.parts.map((p) => p.type),
		['multipart/mixed', 'multipart/alternative', 'text/plain', 'text/html', 'text/calendar'],
		'parts in order'
	);
	const cal = partsOf(m, 'text/calendar')[0];
	assert.equal(cal.params.method, method);
	assert.equal(cal.disposition, 'attachment');
	assert.match(cal.filename, /^cita-[A-Z0-9]+\.ics$/);
	assert.equal(m.auto_submitted, 'auto-generated');
	return { text: partsOf(m, 'text/plain')[0].text, html: partsOf(m, 'text/html')[0].text, ics: cal.ics };
}

// ---------------------------------------------------------------- set-up

before(async () => {
	smtpPort = await L.freePort();
	sink = new Sink(path.join(tmp, 'mail'), smtpPort);
	await sink.start();
	await startSmsGateway();
	env = {
		FINESTRETA_SMS_GATEWAY_URL: `http://127.0.0.1:${sms.port}/send`,
		FINESTRETA_SMS_GATEWAY_TOKEN: SMS_TOKEN,
		FINESTRETA_MAIL_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
		FINESTRETA_MAIL_FROM: 'Cita prèvia de Vilamar <cita@vilamar.example>',
		FINESTRETA_MAIL_RETRY_BASE: '1',
		FINESTRETA_MAIL_TIMEOUT: '5',
		FINESTRETA_MAIL_OUTBOX_DIR: path.join(tmp, 'outbox-unused'),
		FINESTRETA_JOBS_INTERVAL: '1',
		FINESTRETA_SERVER_PUBLIC_URL: PUBLIC,
		FINESTRETA_BOOKING_PROOF_OF_WORK: 'off',
		FINESTRETA_BOOKING_RATE_BOOKING: '0',
		FINESTRETA_BOOKING_RATE_AVAILABILITY: '0',
	};
	srv = new L.Server({ env, command: 'demo', db: DB, name: 'notify' });
	await srv.ready();
}, { timeout: 60000 });

after(async () => {
	if (sms.server) sms.server.close();
	if (srv) await srv.kill();
	if (sink) await sink.stop().catch(() => {});
	fs.rmSync(tmp, { recursive: true, force: true });
});

// ---------------------------------------------------------------- the operator's test mail

test('`finestreta mail test` queues a test mail that the server delivers over SMTP', async () => {
	const { stdout } = await L.runCli(['mail', 'test', '--to', 'it@vilamar.example', '--lang', 'es', '--db', DB], { env });
	assert.match(stdout, /queued test message \d+ to it@vilamar\.example/);
	const m = await sink.waitFor((x) => x.envelope.rcpt_tos.includes('it@vilamar.example'), 15000, 'test mail');
	assert.equal(m.envelope.mail_from, 'cita@vilamar.example');
	assert.equal(m.from, 'Cita prèvia de Vilamar <cita@vilamar.example>');
	assert.equal(m.subject, `${L.DEMO_CITY}: mensaje de prueba`);
	assert.equal(m.content_language, 'es');
	assert.equal(m.type, 'multipart/alternative');
	assert.deepEqual(m.parts.map((p) => p.type), ['multipart/alternative', 'text/plain', 'text/html']);
	assert.match(partsOf(m, 'text/plain')[0].text, /el envío de correo funciona/);
	assert.match(partsOf(m, 'text/html')[0].text, /<html lang="es" dir="ltr">/);
	assert.equal(outboxRows("kind = 'test' AND status = 'sent'").length, 1);

	// A bad address is refused before anything is queued.
	await assert.rejects(L.runCli(['mail', 'test', '--to', 'not-an-address', '--db', DB], { env }), (e) => e.code === 2);
	await assert.rejects(L.runCli(['mail', 'test', '--db', DB], { env }), (e) => e.code === 2);
	assert.equal(outboxRows("kind = 'test'").length, 1);
});

// ---------------------------------------------------------------- a booking on each channel

const booked = {};

test('a booking in person (ca) → confirmation with the office, what to bring and the .ics', async () => {
	const b = await book('in_person', 'ca');
	booked.in_person = b;
	const m = await sink.waitFor((x) => x.envelope.rcpt_tos.includes(b.who.email), 15000, 'confirmation');
	const { text, html, ics } = assertAppointmentMail(m, 'REQUEST');
	assert.equal(m.content_language, 'ca');
	assert.match(m.subject, /^Cita confirmada: /);
	assert.ok(m.subject.includes(b.service.name), m.subject);
	assert.ok(m.to.includes(b.who.email));
	// Text and HTML carry the same facts.
	for (const part of [text, html]) {
		assert.ok(part.includes(b.code), 'the code');
		assert.ok(part.includes(`${PUBLIC}/cita/${b.code}?token=${b.token}`), 'the manage link');
		assert.ok(part.includes(b.start_local.long), 'the date in Catalan');
		assert.ok(part.includes(b.start_local.time), 'the time');
	}
	assert.ok(text.includes(b.office.address), 'the office address');
	assert.ok(text.includes(b.documents[1]), 'the documents to bring');
	assert.ok(text.includes('Què cal portar'));
	assert.ok(text.includes(`Hola, ${b.who.name}:`), 'the name, unescaped in text');
	assert.ok(html.includes('Persona d&#39;Avís'), 'the name, escaped in HTML');
	await assertLinksLead('in-person confirmation', text, html);
	// The calendar, read by python-icalendar.
	assert.equal(ics.method, 'REQUEST');
	assert.equal(ics.status, 'CONFIRMED');
	assert.equal(ics.uid, `${b.code}@cita.vilamar.test`);
	assert.equal(Date.parse(ics.dtstart), Date.parse(b.start), `DTSTART ${ics.dtstart} is ${b.start}`);
	assert.match(ics.dtstart, /\+00:00$/, 'DTSTART in UTC');
	assert.equal(Date.parse(ics.dtend), Date.parse(b.end));
	assert.ok(ics.summary.includes(b.service.name));
	assert.ok(ics.location.includes(b.office.address), ics.location);
	assert.equal(ics.url, b.manage_url);
	assert.equal(ics.sequence, 0);
	assert.equal(ics.alarms, 1);
	assert.match(ics.organizer, /mailto:cita@vilamar\.example/i);
	assert.match(ics.attendee, new RegExp(`mailto:${b.who.email.replace('.', '\\.')}`, 'i'));
	// The SMS twin went to the gateway: JSON {to, text} with the bearer token; the gateway's first
	// answer was a 503, so it took a second attempt.
	const smsSent = `ref = '${b.code}' AND channel = 'sms' AND kind = 'booking_confirmed' AND status = 'sent'`;
	const deadline = Date.now() + 15000;
	while (outboxRows(smsSent).length === 0) {
		assert.ok(Date.now() < deadline, `an SMS to ${b.who.phone}: ${JSON.stringify(sms.requests)}`);
		await L.sleep(100);
	}
	const mine = sms.requests.filter((r) => r.json && r.json.to === b.who.phone);
	assert.equal(mine.length, 2, 'a failed attempt, then the one that worked');
	for (const r of mine) {
		assert.equal(r.method, 'POST');
		assert.equal(r.url, '/send');
		assert.equal(r.auth, `Bearer ${SMS_TOKEN}`);
		assert.match(r.type, /^application\/json/);
		assert.deepEqual(Object.keys(r.json).sort(), ['text', 'to']);
	}
	assert.ok(mine[1].json.text.length <= 160, mine[1].json.text);
	assert.ok(mine[1].json.text.includes(`${PUBLIC}/cita/${b.code}`), 'the manage page');
	assert.ok(!mine[1].json.text.includes(b.token), 'never the token in an SMS');
	const smsRow = outboxRows(`ref = '${b.code}' AND channel = 'sms' AND kind = 'booking_confirmed'`);
	assert.equal(smsRow.length, 1);
	assert.equal(smsRow[0].status, 'sent');
	assert.equal(smsRow[0].attempts, 2);

	// One mail now; the reminder waits in the outbox for its time.
	assert.equal(sink.to(b.who.email).length, 1);
	const waiting = outboxRows(`ref = '${b.code}' AND kind = 'booking_reminder' AND channel = 'email'`);
	assert.equal(waiting.length, 1);
	assert.equal(waiting[0].status, 'queued');
	assert.ok(waiting[0].next > Date.now() / 1000 + 3600, 'the reminder is due before the appointment, not now');
});

test('a booking by phone (es) → "le llamaremos al NÚMERO"', async () => {
	const b = await book('phone', 'es');
	booked.phone = b;
	const m = await sink.waitFor((x) => x.envelope.rcpt_tos.includes(b.who.email), 15000, 'confirmation');
	const { text, html, ics } = assertAppointmentMail(m, 'REQUEST');
	assert.equal(m.content_language, 'es');
	assert.ok(text.includes(`Le llamaremos al ${b.who.phone}`), text);
	assert.ok(html.includes(`Le llamaremos al ${b.who.phone}`));
	assert.ok(!text.includes('Oficina:'), 'no office for a phone call');
	assert.equal(ics.location, 'Teléfono');
	assert.equal(Date.parse(ics.dtstart), Date.parse(b.start));
});

test('a booking by video (en) → the links to the video room and the document space, which lead to their pages', async () => {
	const b = await book('video', 'en');
	booked.video = b;
	assert.equal(b.video_url, `${PUBLIC}/video/${b.code}?token=${b.token}`);
	assert.equal(b.docs_url, `${PUBLIC}/docs/${b.code}?token=${b.token}`);
	const m = await sink.waitFor((x) => x.envelope.rcpt_tos.includes(b.who.email), 15000, 'confirmation');
	const { text, html, ics } = assertAppointmentMail(m, 'REQUEST');
	assert.match(m.subject, /^Appointment confirmed: /);
	for (const part of [text, html.replace(/&amp;/g, '&'), JSON.stringify(ics).replace(/\\n/g, ' ')]) {
		assert.ok(part.includes('join the video call from this link'), part);
		assert.ok(part.includes(b.video_url), `the room's link in ${part}`);
		assert.ok(part.includes(b.docs_url), `the document space's link in ${part}`);
	}
	assert.ok(!text.includes('get in touch'), 'no promise that the office will write');
	// The document space opens now; the room says when it opens (the appointment is days away).
	const docs = await srv.request('GET', `/docs/${b.code}?token=${b.token}`);
	assert.equal(docs.status, 200);
	const room = await srv.request('GET', `/video/${b.code}?token=${b.token}&lang=en`);
	assert.equal(room.status, 403);
	assert.match(room.text, /The video call&#39;s room opens on \d\d\/\d\d\/\d{4} at \d\d:\d\d/);
	assert.equal(ics.location, 'Video call');
	assert.equal(Date.parse(ics.dtstart), Date.parse(b.start));
});

test('a cancellation → METHOD:CANCEL, STATUS:CANCELLED, a higher SEQUENCE, and no reminder left', async () => {
	const b = booked.phone;
	const r = await srv.request('POST', `/api/v1/appointments/${b.code}/cancel`, { body: { token: b.token } });
	assert.equal(r.status, 200, r.text);
	const m = await sink.waitFor(
		(x) => x.envelope.rcpt_tos.includes(b.who.email) && /anulada/.test(x.subject),
		15000,
		'cancellation'
	);
	const { text, ics } = assertAppointmentMail(m, 'CANCEL');
	assert.ok(text.includes(b.code));
	assert.ok(!text.includes(b.token), 'no manage link for a cancelled appointment');
	assert.equal(ics.method, 'CANCEL');
	assert.equal(ics.status, 'CANCELLED');
	assert.equal(ics.uid, `${b.code}@cita.vilamar.test`);
	assert.ok(ics.sequence > 0, `SEQUENCE ${ics.sequence}`);
	assert.equal(ics.alarms, 0);
	assert.equal(outboxRows(`ref = '${b.code}' AND kind = 'booking_reminder'`).length, 0, 'the reminder was withdrawn');
});

test('the PDF receipt: pdftotext finds the code, the date and the service', async () => {
	const b = booked.in_person;
	const r = await srv.get(`/cita/${b.code}/receipt.pdf?token=${b.token}&lang=ca`);
	assert.equal(r.status, 200, r.text.slice(0, 300));
	assert.match(String(r.headers['content-type']), /^application\/pdf/);
	assert.equal(r.body.subarray(0, 5).toString(), '%PDF-');
	const file = path.join(tmp, 'receipt.pdf');
	fs.writeFileSync(file, r.body);
	const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
	assert.ok(text.includes(b.code), 'the code');
	assert.ok(text.includes(b.start_local.long), `the date "${b.start_local.long}"`);
	assert.ok(text.includes(b.start_local.time), 'the time');
	assert.ok(text.includes(b.service.name), 'the service');
	assert.ok(text.includes(b.office.address.split(',')[0]), 'the office address');
	assert.ok(text.includes(L.DEMO_CITY), 'the city');
	assert.ok(text.includes('Justificant de cita prèvia'));

	// A video appointment's receipt gives the room's and the document space's links.
	const v = booked.video;
	const rv = await srv.get(`/cita/${v.code}/receipt.pdf?token=${v.token}&lang=en`);
	assert.equal(rv.status, 200);
	fs.writeFileSync(file, rv.body);
	const vt = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
	assert.ok(vt.includes(`/video/${v.code}?token=${v.token}`), vt);
	assert.ok(vt.includes(`/docs/${v.code}?token=${v.token}`), vt);
});

// ---------------------------------------------------------------- outage and recovery

test('SMTP outage: retries with backoff, the server restarted mid-outage, every mail delivered once', async () => {
	await sink.stop();
	const a = await book('in_person', 'ca');
	const b = await book('video', 'es');
	const refs = `ref IN ('${a.code}', '${b.code}') AND kind = 'booking_confirmed' AND channel = 'email'`;

	// Attempts pile up; each wait doubles (retry_base = 1 s).
	const samples = new Map(); // attempts → next_attempt_at, for message a
	const deadline = Date.now() + 20000;
	let rows;
	for (;;) {
		rows = outboxRows(refs);
		assert.equal(rows.length, 2);
		const ra = rows[0];
		if (ra.status === 'failed') samples.set(ra.attempts, ra.next);
		if (rows.every((x) => x.status === 'failed' && x.attempts >= 3)) break;
		assert.ok(Date.now() < deadline, `retries: ${JSON.stringify(rows)}`);
		await L.sleep(150);
	}
	for (const r of rows) {
		assert.match(r.error, /^smtp: /, 'the SMTP error is kept');
		assert.ok(r.attempts <= 5, `backoff keeps attempts down: ${r.attempts} in a few seconds`);
	}
	const seen = [...samples.keys()].sort((x, y) => x - y);
	for (let i = 1; i < seen.length; i++) {
		const k = seen[i];
		if (k !== seen[i - 1] + 1) continue;
		const gap = samples.get(k) - samples.get(k - 1);
		assert.ok(gap >= 2 ** (k - 1), `wait after attempt ${k}: ${gap} s, at least ${2 ** (k - 1)} s`);
	}

	// The admin page shows them failing, with the error.
	const admin = await srv.loginOk(L.DEMO_USERS.admin);
	const page = await srv.get('/admin/outbox?status=failed', { jar: admin.jar });
	L.assertHtml(page, 200, 'outbox page');
	assert.ok(page.text.includes(a.who.email) && page.text.includes(b.who.email), 'both listed');
	assert.match(page.text, /smtp: /);

	// Stop the server mid-outage: nothing is lost, the state is in the database.
	await srv.stop();
	assert.equal(sink.to(a.who.email).length + sink.to(b.who.email).length, 0);
	await sink.start();
	srv = new L.Server({ env, command: 'serve', db: DB, name: 'notify-restarted' });
	await srv.ready();

	const ma = await sink.waitFor((x) => x.envelope.rcpt_tos.includes(a.who.email), 30000, 'mail a after recovery');
	const mb = await sink.waitFor((x) => x.envelope.rcpt_tos.includes(b.who.email), 30000, 'mail b after recovery');
	assert.equal(Date.parse(assertAppointmentMail(ma, 'REQUEST').ics.dtstart), Date.parse(a.start));
	assert.equal(Date.parse(assertAppointmentMail(mb, 'REQUEST').ics.dtstart), Date.parse(b.start));
	assert.equal(mb.content_language, 'es');
	await L.sleep(2500); // a few more rounds: still exactly one each
	assert.equal(sink.to(a.who.email).length, 1);
	assert.equal(sink.to(b.who.email).length, 1);
	for (const r of outboxRows(refs)) assert.equal(r.status, 'sent');
});

// ---------------------------------------------------------------- the admin pages

test('admin outbox: admins only, each view audited, a dead message retried by hand', async () => {
	const coord = await srv.loginOk(L.DEMO_USERS.coordinator);
	const denied = await srv.get('/admin/outbox', { jar: coord.jar });
	assert.equal(denied.status, 403);
	const anon = await srv.get('/admin/outbox');
	assert.equal(anon.status, 303);

	const admin = await srv.loginOk(L.DEMO_USERS.admin);
	// A message that was given up (as after mail.max_attempts failures).
	const [row] = outboxRows("kind = 'test'");
	sql(`UPDATE outbox SET status = 'dead', attempts = 10, last_error = 'smtp: 550 mailbox unavailable' WHERE id = ${row.id}`);
	const list = await srv.get('/admin/outbox?status=dead', { jar: admin.jar });
	L.assertHtml(list, 200, 'dead list');
	L.assertSecurityHeaders(list, 'dead list');
	assert.ok(list.text.includes(`href="/admin/outbox/${row.id}"`));
	assert.ok(list.text.includes('550 mailbox unavailable'));

	const view = await srv.get(`/admin/outbox/${row.id}`, { jar: admin.jar });
	L.assertHtml(view, 200, 'message page');
	L.assertSecurityHeaders(view, 'message page');
	assert.ok(view.text.includes('it@vilamar.example'));
	// The mail's HTML is shown as escaped source, never as markup of this page.
	assert.ok(view.text.includes('&lt;!DOCTYPE html&gt;'), 'the HTML part as source');
	assert.ok(!view.text.includes('<body style='), 'never as markup');
	assert.ok(L.textOf(view.text, 'pre').includes('mensaje de prueba'), 'the text part');
	// … and as the whole message for the admin's mail client.
	const eml = await srv.get(`/admin/outbox/${row.id}/message.eml`, { jar: admin.jar });
	assert.equal(eml.status, 200);
	assert.match(String(eml.headers['content-type']), /^message\/rfc822/);
	assert.match(String(eml.headers['content-disposition']), /^attachment; filename="message-\d+\.eml"/);
	const file = path.join(tmp, 'download.eml');
	fs.writeFileSync(file, eml.body);
	const parsed = JSON.parse(execFileSync(PYTHON, [SINK_PY, 'parse', file], { encoding: 'utf8' }));
	assert.equal(parsed.to, 'it@vilamar.example');
	assert.deepEqual(parsed.parts.map((p) => p.type), ['multipart/alternative', 'text/plain', 'text/html']);
	assert.equal((await srv.get(`/admin/outbox/${row.id}/message.eml`, { jar: coord.jar })).status, 403);

	const sentBefore = sink.to('it@vilamar.example').length;
	const csrf = L.csrfFrom(view.text);
	const retry = await srv.request('POST', `/admin/outbox/${row.id}/retry`, {
		jar: admin.jar,
		headers: FORM,
		body: L.formBody({ _csrf: csrf }),
	});
	assert.equal(retry.status, 303);
	assert.equal(retry.headers.location, `/admin/outbox/${row.id}?retried=1`);
	await sink.waitFor(() => sink.to('it@vilamar.example').length > sentBefore, 15000, 'the retried mail');
	const [retried] = outboxRows(`id = ${row.id}`);
	assert.equal(retried.status, "sent");
	// Retrying a sent message changes nothing.
	const again = await srv.request('POST', `/admin/outbox/${row.id}/retry`, {
		jar: admin.jar,
		headers: FORM,
		body: L.formBody({ _csrf: csrf }),
	});
	assert.equal(again.status, 409);
	// A forged form without the token is refused.
	const forged = await srv.request('POST', `/admin/outbox/${row.id}/retry`, { jar: admin.jar, headers: FORM, body: '' });
	assert.equal(forged.status, 403);

	const audit = await srv.get('/admin/audit', { jar: admin.jar });
	assert.ok(audit.text.includes('outbox.view'));
	assert.ok(audit.text.includes('outbox.retry'));
	assert.ok(audit.text.includes('outbox.download'));
	assert.ok(audit.text.includes(`outbox:${row.id}`));
});

test('graceful shutdown', () => srv.stop());
