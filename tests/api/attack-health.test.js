'use strict';
// Honest logs, health and metrics under a hostile client: /metrics only to metrics.allow or
// with metrics.token; log lines a path or an e-mail cannot forge or garble; /healthz
// unhealthy while the database cannot be written (a write refused as a full disk would);
// behind a proxy (server.trust_proxy), limits counted per forwarded address, so that one client
// cannot dodge them by writing its own X-Forwarded-For. Clients are distinct loopback addresses.
const { describe, it, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const L = require('./lib/server.js');
const A = require('./lib/attack.js');

const TOKEN = 'metrics-token-for-the-attack-suite';
// A refusal of /metrics: 403, and not one figure in it.
function assertRefused(r, what) {
	assert.equal(r.status, 403, `${what}: ${r.status}`);
	assert.doesNotMatch(r.text, /finestreta_/, `${what}: no figure leaks in the refusal`);
}

const srv = L.useServer({
	name: 'health under attack',
	env: { FINESTRETA_METRICS_ALLOW: '127.0.0.1, 127.0.40.0/24', FINESTRETA_METRICS_TOKEN: TOKEN, FINESTRETA_LOGIN_MAX_ATTEMPTS: '1' },
});

describe('/metrics', { concurrency: false }, () => {
	before(() => srv.ready());
	const get = (from, headers = {}) => srv.get('/metrics', { from, headers });

	it('answers the allowed addresses and networks', async () => {
		for (const from of ['127.0.0.1', '127.0.40.7']) {
			const r = await get(from);
			assert.equal(r.status, 200, from);
			assert.match(r.text, /^finestreta_http_refused_total\{reason="header_timeout"\} \d+$/m);
		}
	});

	it('refuses everyone else, unless they bring the token', async () => {
		for (const from of ['127.0.41.1', '127.1.40.7']) assertRefused(await get(from), from);
		for (const wrong of [`Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, `Basic ${TOKEN}`, TOKEN, 'Bearer '])
			assertRefused(await get('127.0.41.1', { Authorization: wrong }), wrong);
		const r = await get('127.0.41.1', { Authorization: `Bearer ${TOKEN}` });
		assert.equal(r.status, 200);
		assert.match(r.text, /^finestreta_sse_streams_open \d+$/m);
	});
});

describe('the log', () => {
	it('escapes control characters from paths and e-mails: no forged line, no terminal escape', async () => {
		const marker = `forged${Date.now()}`;
		const r = await srv.rawSend(`GET /no/such/page%0A${marker}%20error%1B[2J HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, {
			from: '127.0.42.1',
		});
		assert.equal(A.statusOf(r.data), 404);
		// A locked sign-in logs the e-mail it was for (login.max_attempts is 1 here).
		const email = `x@y.example\n${marker}-mail error\x1b[31m\x07`;
		for (const status of [401, 429]) {
			const jar = new L.CookieJar();
			const page = await srv.get('/login', { jar, from: '127.0.42.2' });
			const body = L.formBody({ email, password: 'wrong', _csrf: L.csrfFrom(page.text) });
			assert.equal((await srv.request('POST', '/login', { jar, from: '127.0.42.2', headers: L.FORM, body })).status, status);
		}
		// One more request, so that the access lines are written by now.
		assert.equal((await srv.get('/healthz')).status, 200);
		const log = srv.stdout.text() + srv.stderr.text();
		const lines = log.split('\n').filter((l) => l.includes(marker));
		assert.ok(lines.some((l) => l.includes('/no/such/page')), `the path is logged:\n${log.slice(-2000)}`);
		assert.ok(lines.some((l) => l.includes(`${marker}-mail`)), `the e-mail is logged:\n${log.slice(-2000)}`);
		for (const l of lines) assert.ok(!l.startsWith(marker), `a line starts with the client's text: ${JSON.stringify(l)}`);
		assert.doesNotMatch(log, /[\x1b\x07]/, 'no escape or bell byte reaches the log');
	});
});

describe('/healthz', () => {
	const BLOCK = ['ins', 'upd'];
	function refuseWrites() {
		if (L.IS_PG) {
			L.sql(
				srv.db,
				"CREATE FUNCTION refuse_write() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'could not extend file: No space left on device'; END $$;" +
					'CREATE TRIGGER health_full BEFORE INSERT OR UPDATE ON db_health FOR EACH ROW EXECUTE FUNCTION refuse_write();'
			);
		} else {
			for (const [t, op] of BLOCK.map((t) => [t, t === 'ins' ? 'INSERT' : 'UPDATE']))
				L.sql(srv.db, `CREATE TRIGGER health_full_${t} BEFORE ${op} ON db_health BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;`);
		}
	}
	function allowWrites() {
		if (L.IS_PG) L.sql(srv.db, 'DROP TRIGGER health_full ON db_health; DROP FUNCTION refuse_write();');
		else for (const t of BLOCK) L.sql(srv.db, `DROP TRIGGER health_full_${t};`);
	}
	let blocked = false;
	after(() => blocked && allowWrites());

	it('reports a database that answers but cannot be written as unhealthy, and recovers', async () => {
		const ok = await srv.get('/healthz');
		assert.equal(ok.status, 200);
		assert.equal(ok.json().storage.writable, true);
		refuseWrites();
		blocked = true;
		const waited = await L.waitFor(async () => (await srv.get('/healthz')).status === 503, 5000, '/healthz turns 503');
		const bad = await srv.get('/healthz');
		assert.equal(bad.status, 503);
		assert.deepEqual({ status: bad.json().status, ok: bad.json().storage.ok, writable: bad.json().storage.writable }, { status: 'unavailable', ok: false, writable: false });
		// Reads still work: the pages that only read are served.
		assert.equal((await srv.get('/api/v1/services')).status, 200);
		assert.match(srv.stderr.text() + srv.stdout.text(), /the database cannot be written/);
		console.log(`# /healthz noticed the refused write after ${waited} ms`);
		allowWrites();
		blocked = false;
		await L.waitFor(async () => (await srv.get('/healthz')).status === 200, 5000, '/healthz is healthy again');
	});
});

describe('names and mails', { concurrency: false }, () => {
	const SERVICE = 'volant-individual';
	const OFFICE = 'mar-blava';
	const person = L.people({ from: 80000, random: 10000, email: 'salut' });
	let staff;
	let slots;
	before(async () => {
		await srv.ready();
		staff = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.informer)}` };
		const from = L.madridDate(2);
		const av = await srv.get(`/api/v1/availability?service=${SERVICE}&channel=in_person&office=${OFFICE}&from=${from}&to=${L.addDays(from, 20)}`);
		assert.equal(av.status, 200, av.text);
		slots = av.json().days.flatMap((d) => d.slots).filter((x) => x.free >= 1);
		assert.ok(slots.length >= 2, 'two free slots');
	});
	const book = (who, slot = slots[0]) =>
		srv.request('POST', '/api/v1/appointments', { headers: staff, body: { service: SERVICE, channel: 'in_person', office: OFFICE, start: slot.start, ...who } });

	it('a name with a direction override or a control character is refused, and nothing is stored', async () => {
		for (const [what, name] of [
			['right-to-left override', 'Anna \u202Eatsop'],
			['isolate', 'Anna \u2066Puig\u2069'],
			['escape', 'Anna\x1b[2J Puig'],
			['newline', 'Anna\nPuig'],
		]) {
			const who = person({ name });
			const j = L.assertJsonError(await book(who), 422, 'invalid', what);
			assert.ok(j.fields && j.fields.name, `${what}: the name is the field at fault (${JSON.stringify(j.fields)})`);
			assert.equal(L.sql(srv.db, `SELECT COUNT(*) FROM appointments WHERE email = '${who.email}'`), '0', `${what}: nothing stored`);
		}
		const r = await book(person({ name: 'Anna Puig i Ferrer' }));
		assert.equal(r.status, 201, r.text);
	});

	it('mails carry the city name set on the admin page, not the configured one', async () => {
		const admin = await srv.loginOk(L.DEMO_USERS.admin);
		const city = `Ajuntament de Prova ${Date.now() % 100000}`;
		const page = await srv.get('/admin/settings', { jar: admin.jar });
		const mp = L.multipartBody({ city_name: city, _csrf: L.csrfFrom(page.text) });
		const saved = await srv.request('POST', '/admin/settings', { jar: admin.jar, headers: { 'Content-Type': mp.contentType }, body: mp.body });
		assert.equal(saved.status, 200, saved.text.slice(0, 300));
		assert.equal(L.textOf(saved.text, 'title'), `Configuració · ${city}`, 'the settings page answers with the new name');
		const who = person();
		const b = await book(who, slots[1]);
		assert.equal(b.status, 201, b.text);
		const outbox = path.join(srv.tmpdir, 'outbox');
		let mail;
		await L.waitFor(
			() => {
				const files = fs.existsSync(outbox) ? fs.readdirSync(outbox).filter((f) => f.endsWith('.eml')) : [];
				mail = files.map((f) => fs.readFileSync(path.join(outbox, f), 'utf8')).find((t) => t.includes(who.email));
				return Boolean(mail);
			},
			30000,
			`the confirmation to ${who.email} in the outbox`
		);
		const from = /^From: (.*)$/m.exec(mail)[1];
		assert.ok(from.includes(city) || decodeMime(from).includes(city), `From: ${from}`);
		assert.ok(!mail.includes(L.DEMO_CITY), 'the configured name appears nowhere');
	});
});

// "=?UTF-8?B?…?=" / "=?UTF-8?Q?…?=" words of a header, decoded.
function decodeMime(h) {
	return h.replace(/=\?UTF-8\?([BQ])\?([^?]*)\?=/gi, (_, enc, text) =>
		enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (m, x) => String.fromCharCode(parseInt(x, 16))), 'latin1').toString('utf8')
	);
}

describe('behind a proxy, limits count per forwarded address', () => {
	let p;
	before(async () => {
		await srv.ready();
		p = new L.Server({
			name: 'node behind a proxy',
			command: 'serve',
			db: srv.db,
			env: { FINESTRETA_SERVER_TRUST_PROXY: 'true', FINESTRETA_LIMITS_MAX_SSE_PER_ADDRESS: '2', FINESTRETA_METRICS_ALLOW: '198.51.100.9' },
		});
		await p.start();
	});
	after(() => p && p.running && p.kill());

	it('streams: two per forwarded address, whatever the client writes before the proxy', async () => {
		const open = (xff) => p.openSSE('/events?topic=public.proxy', { headers: { 'X-Forwarded-For': xff }, timeout: 5000 });
		const a = [await open('198.51.100.1'), await open('198.51.100.1')];
		assert.deepEqual(a.map((s) => s.status), [200, 200]);
		// The proxy appends the address it saw; what the client wrote before it does not count.
		const dodge = await open('203.0.113.5, 198.51.100.1');
		assert.equal(dodge.status, 429, 'a made-up first address does not dodge the cap');
		const other = await open('198.51.100.2');
		assert.equal(other.status, 200, 'another forwarded address has its own streams');
		for (const s of [...a, dodge, other]) s.close();
	});

	it('/metrics: the forwarded address is the one checked against metrics.allow', async () => {
		assertRefused(await p.get('/metrics', { headers: { 'X-Forwarded-For': '198.51.100.1' } }), 'another forwarded address');
		assertRefused(await p.get('/metrics'), 'no forwarded address: the proxy itself (127.0.0.1) is not in metrics.allow');
		assert.equal((await p.get('/metrics', { headers: { 'X-Forwarded-For': '198.51.100.1, 198.51.100.9' } })).status, 200);
		assertRefused(await p.get('/metrics', { headers: { 'X-Forwarded-For': '198.51.100.9, 198.51.100.1' } }), 'an allowed address made up by the client');
	});

	test('SIGTERM: the proxied node exits 0', () => p.stop());
});

test('SIGTERM: the server exits 0', () => srv.stop());
