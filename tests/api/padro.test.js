'use strict';
// Padró certificates (src/padro/): the one-time SMS code through notify's SMS gateway (a local
// receiver), the no-enumeration rule and the limits, individual and collective volants (the PDF's
// text with pdftotext, its QR code with zbarimg), verification of good, wrong and tampered codes,
// staff issue in person (audited), the citizen pages, and `finestreta import padro` with bad rows.
// The register is the demo's (src/padro/demo.c): DNI 12345678Z, mobile +34600000001.
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const L = require('./lib/server.js');
const { smsGateway } = require('./lib/sms.js');

const TOKEN = 'sms-test-token';
const MARTINA = { id_type: 'dni', id_number: '12345678Z', mobile: '+34600000001' };
const IOANA = { id_type: 'nie', id_number: 'X1234567L', mobile: '+34600000002' };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'padro-test-'));
let gw, srv;
let unknown = 40000000; // DNIs nobody in the demo register has (the demo's are 20000000+)

// The n-th demo resident with a mobile, outside the README's household: { id_type, id_number, mobile }.
function resident(n) {
	const row = L.sql(
		srv.db,
		`SELECT id_type || '|' || id_number || '|' || mobile FROM padro_people WHERE mobile <> '' AND id_number NOT IN ('12345678Z', 'X1234567L') ORDER BY id LIMIT 1 OFFSET ${n}`
	);
	const [id_type, id_number, mobile] = row.split('|');
	return { id_type, id_number, mobile };
}

function nextUnknown() {
	unknown += 1;
	return L.dni(unknown);
}

before(async () => {
	gw = await smsGateway(TOKEN);
	srv = new L.Server({
		name: 'padro',
		env: {
			FINESTRETA_SMS_GATEWAY_URL: gw.url,
			FINESTRETA_SMS_GATEWAY_TOKEN: TOKEN,
			FINESTRETA_JOBS_INTERVAL: '1',
			FINESTRETA_PADRO_RATE_PER_MINUTE: '0',
			FINESTRETA_PADRO_CODES_PER_ADDRESS: '40',
			FINESTRETA_PADRO_VERIFY_PER_MINUTE: '60',
		},
	});
	await srv.ready();
}, { timeout: 60000 });

after(async () => {
	if (srv) await srv.kill();
	if (gw) await gw.close();
	fs.rmSync(tmp, { recursive: true, force: true });
});

const askCode = (who, opts = {}) =>
	srv.request('POST', '/api/v1/padro/codes', { body: { id_type: who.id_type, id_number: who.id_number }, ...opts });

// The code of the next SMS to mobile after `since` messages.
async function smsCode(mobile, since) {
	const m = await gw.next((x) => x.to === mobile && gw.messages.indexOf(x) >= since);
	const code = /\b(\d{6})\b/.exec(m.text);
	assert.ok(code, `a 6-digit code in the SMS: ${m.text}`);
	return code[1];
}

async function codeFor(who) {
	const since = gw.messages.length;
	const r = await askCode(who);
	assert.equal(r.status, 202, r.text);
	return smsCode(who.mobile, since);
}

const issue = (body, opts = {}) => srv.request('POST', '/api/v1/padro/volants', { body, ...opts });

function pdfText(buf) {
	const f = path.join(tmp, `v-${crypto.randomBytes(4).toString('hex')}.pdf`);
	fs.writeFileSync(f, buf);
	const text = execFileSync('pdftotext', ['-layout', f, '-'], { encoding: 'utf8' });
	const png = f.replace(/\.pdf$/, '');
	execFileSync('pdftoppm', ['-png', '-r', '150', '-singlefile', f, png]);
	const qr = execFileSync('zbarimg', ['-q', '--raw', `${png}.png`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
	return { text, qr };
}

const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');

describe('padró: codes, volants, verification', () => {
	let issued; // the collective volant of the first test

	it('asks for a code: the same answer for a registered and an unknown ID; only the registered mobile gets an SMS', async () => {
		const since = gw.messages.length;
		const a = await askCode(MARTINA);
		const b = await askCode({ id_type: 'dni', id_number: nextUnknown() });
		assert.equal(a.status, 202);
		assert.equal(b.status, 202);
		assert.equal(a.text, b.text, 'identical bodies');
		assert.deepEqual(a.json(), { sent: true });
		assert.equal(a.headers['content-type'], b.headers['content-type']);
		const code = await smsCode(MARTINA.mobile, since);
		assert.match(code, /^\d{6}$/);
		await L.sleep(2500); // two more delivery rounds: nothing else goes out
		assert.deepEqual(
			gw.messages.slice(since).map((m) => m.to),
			[MARTINA.mobile],
			'one SMS, to the registered mobile'
		);
		assert.match(gw.messages[since].text, /Ajuntament de Vilamar/);
		// The code is stored as a hash only.
		assert.equal(L.sql(srv.db, `SELECT COUNT(*) FROM padro_codes WHERE code_hash LIKE '%${code}%'`), '0');
	});

	it('a malformed ID is a 422 naming the field; the API answers every shape the same way', async () => {
		const r = await askCode({ id_type: 'dni', id_number: '12345678A' });
		const j = L.assertJsonError(r, 422, 'invalid');
		assert.ok(j.fields.id_number);
		const t = L.assertJsonError(await askCode({ id_type: 'card', id_number: '12345678Z' }), 422, 'invalid');
		assert.ok(t.fields.id_type);
	});

	it('a collective volant with the SMS code: 201, the PDF says who, where and when, its QR leads to the verification page', async () => {
		const code = await codeFor(MARTINA);
		const r = await issue({ ...MARTINA, mobile: undefined, code, kind: 'collective', lang: 'ca' });
		assert.equal(r.status, 201, r.text);
		issued = r.json();
		assert.match(issued.verification_code, /^[0-9A-HJKMNP-TV-Z]{20}$/, 'Crockford base32, 20 characters');
		assert.equal(issued.verify_url, `${srv.base}/verify/${issued.verification_code}`);
		assert.equal(issued.pdf_url, `${srv.base}/verify/${issued.verification_code}/volant.pdf`);
		assert.match(issued.issued_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/);
		const pdf = await srv.get(`/verify/${issued.verification_code}/volant.pdf`);
		assert.equal(pdf.status, 200);
		assert.equal(pdf.headers['content-type'], 'application/pdf');
		assert.equal(pdf.body.subarray(0, 5).toString(), '%PDF-');
		assert.equal(sha256(pdf.body), issued.sha256, 'the stored SHA-256 is the PDF served');
		const { text, qr } = pdfText(pdf.body);
		for (const s of [
			'Ajuntament de Vilamar',
			"Volant d'empadronament col·lectiu",
			'Plaça de la Vila, 4, 2n 1a',
			'08990 · Centre',
			'Martina Puig Serra',
			'DNI 12345678Z',
			'Ioana Popescu',
			'NIE X1234567L',
			'Pau Puig Popescu',
			'naixement 12/03/1984',
			'alta al padró 01/06/2009',
		]) {
			assert.ok(text.includes(s), `the PDF says "${s}":\n${text}`);
		}
		const grouped = issued.verification_code.match(/.{4}/g).join('-');
		assert.ok(text.includes(grouped), `the verification code ${grouped} is printed`);
		assert.match(text, /Data d'emissió\s+\d{2}\/\d{2}\/\d{4} a les \d{2}:\d{2}/);
		assert.equal(qr, issued.verify_url, 'the QR code is the verification URL');
		// Audited with what was issued, never the person's data.
		const audit = L.sql(srv.db, `SELECT action || '|' || detail FROM audit_log WHERE target = 'volant:${issued.verification_code}'`);
		assert.equal(audit, 'padro.volant.issue|kind=collective holders=3 channel=api confirmed_by=sms');
	});

	it('an individual volant in English lists the holder alone', async () => {
		const code = await codeFor(IOANA);
		const r = await issue({ id_type: 'nie', id_number: 'x-1234567-l', code, kind: 'individual', lang: 'en' });
		assert.equal(r.status, 201, r.text);
		const pdf = await srv.get(new URL(r.json().pdf_url).pathname);
		const { text } = pdfText(pdf.body);
		assert.ok(text.includes('Individual certificate of registration'), text);
		assert.ok(text.includes('Ioana Popescu'));
		assert.ok(!text.includes('Martina'), 'no other member of the household');
	});

	it('verification: the API and the page show the kind, date, masked holder and hash; codes are read leniently', async () => {
		const v = issued.verification_code;
		const api = await srv.get(`/api/v1/verify/${v}`);
		assert.equal(api.status, 200);
		assert.deepEqual(api.json(), { valid: true, kind: 'collective', issued_at: issued.issued_at, sha256: issued.sha256, holders: 3 });
		const typed = v.toLowerCase().match(/.{4}/g).join('-');
		const r = await srv.get(`/verify?code=${typed}`);
		assert.equal(r.status, 303);
		assert.equal(r.headers.location, `/verify/${v}`);
		const page = await srv.get(r.headers.location);
		L.assertHtml(page, 200, 'verification page');
		assert.match(page.text, /M\. P\. S\. · \*\*\*5678Z/, 'the holder masked');
		assert.ok(!page.text.includes('12345678Z') && !page.text.includes('Martina'), 'no name or full ID on the page');
		assert.ok(page.text.includes(issued.sha256));
		assert.ok(L.hrefs(page.text).includes(`/verify/${v}/volant.pdf`));
	});

	it('wrong and tampered codes get the same "not found"; a tampered PDF does not match the stored hash', async () => {
		const v = issued.verification_code;
		const flip = (s, i) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
		const bodies = [];
		for (const bad of [flip(v, 0), flip(v, 19), '0000000000000000000Z', 'NOT-A-CODE']) {
			const api = await srv.get(`/api/v1/verify/${bad}`);
			L.assertJsonError(api, 404, 'not_found', bad);
			bodies.push(api.text);
			const page = await srv.get(`/verify/${bad}`);
			L.assertHtml(page, 404, bad);
			assert.match(page.text, /No hi ha cap volant amb aquest codi/);
			assert.equal((await srv.get(`/verify/${bad}/volant.pdf`)).status, 404);
		}
		assert.equal(new Set(bodies).size, 1, 'one answer for every wrong code');
		const pdf = (await srv.get(`/verify/${v}/volant.pdf`)).body;
		const copy = Buffer.from(pdf);
		copy[copy.length >> 1] ^= 0x01;
		assert.notEqual(sha256(copy), issued.sha256);
		assert.equal(sha256(pdf), issued.sha256);
	});

	it('a wrong code is a 422 on fields.code; three wrong tries spend it; an expired code is refused', async () => {
		const who = resident(0);
		const body = { id_type: who.id_type, id_number: who.id_number, kind: 'individual', lang: 'ca' };
		const code = await codeFor(who);
		const wrong = code === '000000' ? '111111' : '000000';
		for (let i = 0; i < 3; i++) {
			const r = await issue({ ...body, code: wrong });
			const j = L.assertJsonError(r, 422, 'invalid', `try ${i + 1}`);
			assert.ok(j.fields.code);
		}
		const spent = await issue({ ...body, code });
		assert.ok(L.assertJsonError(spent, 422, 'invalid').fields.code, 'the right code after three wrong tries');
		const fresh = await codeFor(who);
		L.sql(srv.db, 'UPDATE padro_codes SET expires_at = 1 WHERE used_at IS NULL');
		const late = await issue({ ...body, code: fresh });
		assert.ok(L.assertJsonError(late, 422, 'invalid').fields.code, 'an expired code');
	});

	it('not_registered only after a valid code: an unknown ID never gets past the code', async () => {
		const who = { id_type: 'dni', id_number: nextUnknown() };
		assert.equal((await askCode(who)).status, 202);
		for (const code of ['123456', '654321']) {
			const r = await issue({ ...who, code, kind: 'individual', lang: 'ca' });
			L.assertJsonError(r, 422, 'invalid');
		}
		// A resident who left the register between the code and the certificate.
		const gone = resident(1);
		const code = await codeFor(gone);
		L.sql(srv.db, `DELETE FROM padro_people WHERE id_number = '${gone.id_number}'`);
		const r = await issue({ id_type: gone.id_type, id_number: gone.id_number, code, kind: 'individual', lang: 'ca' });
		L.assertJsonError(r, 404, 'not_registered');
	});

	it('limits: three codes per ID, then 429 whether or not the ID is registered', async () => {
		const a = { id_type: 'dni', id_number: nextUnknown() };
		const b = resident(2);
		for (let i = 0; i < 3; i++) {
			assert.equal((await askCode(a)).status, 202, `unknown: code ${i + 1}`);
			assert.equal((await askCode(b)).status, 202, `registered: code ${i + 1}`);
		}
		const over = await askCode(a);
		L.assertJsonError(over, 429, 'rate_limited');
		const m = await askCode(b);
		assert.equal(m.status, 429);
		assert.equal(m.text, over.text, 'the same answer for a registered ID');
	});

	it('staff confirm the ID in person: no code needed, who confirmed it is audited; others need the code', async () => {
		const anon = await issue({ ...MARTINA, mobile: undefined, kind: 'individual', lang: 'ca' });
		assert.ok(L.assertJsonError(anon, 422, 'invalid').fields.code);
		const tok = await srv.token(L.DEMO_USERS.informer);
		const r = await issue({ id_type: 'dni', id_number: '12345678Z', kind: 'individual', lang: 'es' }, { headers: { Authorization: `Bearer ${tok}` } });
		assert.equal(r.status, 201, r.text);
		const v = r.json().verification_code;
		const audit = L.sql(srv.db, `SELECT actor || '|' || detail FROM audit_log WHERE target = 'volant:${v}'`);
		assert.equal(audit, `${L.DEMO_USERS.informer}|kind=individual holders=1 channel=staff confirmed_by=staff:${L.DEMO_USERS.informer}`);
		// A staff session (not a token) must carry the CSRF token.
		const s = await srv.loginOk(L.DEMO_USERS.welcome);
		const noCsrf = await issue({ ...MARTINA, mobile: undefined, kind: 'individual', lang: 'ca' }, { jar: s.jar });
		L.assertJsonError(noCsrf, 403, 'csrf');
		// The page: the "seen" box is required.
		const page = await srv.get('/staff/padro', { jar: s.jar });
		L.assertHtml(page, 200, 'staff page');
		const form = { id_type: 'dni', id_number: '12345678Z', kind: 'individual', lang: 'ca' };
		const unseen = await srv.postForm('/staff/padro', form, { jar: s.jar, csrf: s.csrf });
		L.assertHtml(unseen, 422, 'not seen');
		assert.match(unseen.text, /id="pd-seen-err"/);
		const ok = await srv.postForm('/staff/padro', { ...form, seen: '1' }, { jar: s.jar, csrf: s.csrf });
		assert.equal(ok.status, 303, ok.text.slice(0, 300));
		const m = /^\/verify\/([0-9A-Z]{20})\?new=1$/.exec(ok.headers.location);
		assert.ok(m, ok.headers.location);
		assert.equal(
			L.sql(srv.db, `SELECT detail FROM audit_log WHERE target = 'volant:${m[1]}'`),
			`kind=individual holders=1 channel=staff confirmed_by=staff:${L.DEMO_USERS.welcome}`
		);
		const none = await srv.postForm('/staff/padro', { ...form, id_number: L.dni(40999999), seen: '1' }, { jar: s.jar, csrf: s.csrf });
		L.assertHtml(none, 404, 'not in the register');
		assert.match(none.text, /id="pd-id_number-err"/);
		// Display and kiosk accounts and anonymous visitors cannot use the staff page.
		assert.equal((await srv.get('/staff/padro')).status, 303);
	});

	it('the citizen pages, from home: ID → code by SMS → the volant to download, in ca, es and en', async () => {
		for (const [lang, title] of [['ca', "Volant d'empadronament"], ['es', 'Volante de empadronamiento'], ['en', 'Certificate of registration (padró)']]) {
			const p = await srv.get(`/padro?lang=${lang}`);
			L.assertHtml(p, 200, `/padro ${lang}`);
			assert.equal(L.htmlLang(p.text), lang);
			assert.equal(L.textOf(p.text, 'h1'), title);
		}
		const jar = new L.CookieJar();
		const start = await srv.get('/padro', { jar });
		const csrf = L.csrfFrom(start.text);
		const bad = await srv.request('POST', '/padro/codi', { jar, headers: L.FORM, body: L.formBody({ _csrf: csrf, id_type: 'dni', id_number: '1234' }) });
		L.assertHtml(bad, 422, 'bad ID');
		assert.match(bad.text, /id="pd-id_number-err"/);
		// Martina is over her limit by now: Ioana asks.
		const since = gw.messages.length;
		const step2 = await srv.request('POST', '/padro/codi', { jar, headers: L.FORM, body: L.formBody({ _csrf: csrf, ...IOANA, mobile: undefined }) });
		L.assertHtml(step2, 200, 'code page');
		assert.match(step2.text, /us hem enviat un codi de 6 xifres per SMS\. Val 5 minuts\./);
		const fields = L.formIn(step2.text, '/padro/volant');
		assert.equal(fields.id_number, 'X1234567L');
		const code = await smsCode(IOANA.mobile, since);
		const wrong = await srv.request('POST', '/padro/volant', { jar, headers: L.FORM, body: L.formBody({ ...fields, code: code === '999999' ? '999998' : '999999' }) });
		L.assertHtml(wrong, 422, 'wrong code');
		assert.match(wrong.text, /id="pd-code-err"/);
		const done = await srv.request('POST', '/padro/volant', { jar, headers: L.FORM, body: L.formBody({ ...fields, code, kind: 'collective', lang: 'es' }) });
		assert.equal(done.status, 303, done.text.slice(0, 400));
		const ready = await srv.get(done.headers.location, { jar });
		L.assertHtml(ready, 200, 'ready');
		assert.match(ready.text, /role="status"/);
		const link = L.hrefs(ready.text).find((h) => h.endsWith('/volant.pdf'));
		const pdf = await srv.get(link);
		assert.equal(pdf.status, 200);
		assert.match(pdfText(pdf.body).text, /Volante de empadronamiento\s+colectivo/);
		const v = /\/verify\/([0-9A-Z]{20})/.exec(done.headers.location)[1];
		assert.match(L.sql(srv.db, `SELECT detail FROM audit_log WHERE target = 'volant:${v}'`), /channel=web confirmed_by=sms$/);
	});

	it('verification attempts are limited per address (pages and API together)', async () => {
		let n = 0;
		let r;
		do {
			r = await srv.get(n % 2 ? `/verify/${'Z'.repeat(20)}` : `/api/v1/verify/${'Z'.repeat(20)}`);
			n++;
		} while (r.status === 404 && n < 70);
		assert.equal(r.status, 429, `after ${n} look-ups`);
		assert.ok(n <= 61, `limited within a minute's budget (${n})`);
		assert.ok(Number(r.headers['retry-after']) > 0);
	});

	it('import padro: bad rows are named by file, row and field and nothing is written; a good file replaces the register', async () => {
		const header = 'household,address,postcode,district,id_type,id_number,given_name,surnames,birth_date,registered_on,mobile';
		const before = L.sql(srv.db, 'SELECT COUNT(*) FROM padro_people');
		const bad = path.join(tmp, 'bad.csv');
		fs.writeFileSync(
			bad,
			[
				header,
				'H1,"Carrer Nou, 1",08990,Centre,dni,11111111H,Anna,Roig,1990-01-01,2000-01-01,600111222',
				'H1,"Carrer Nou, 1",08990,Centre,dni,11111111A,Berta,Roig,1990-01-01,2000-01-01,',
				'H2,"Carrer Vell, 2",08991,La Riera,nie,Y1234567X,Carles,Soler,2099-01-01,2000-01-01,',
				'H2,"Carrer Vell, 2",08991,La Riera,passport,AB123456,Dolors,Soler,1980-02-30,2000-01-01,12',
				'',
			].join('\n')
		);
		let err;
		try {
			await L.runCli(['import', 'padro', bad, '--db', srv.db]);
		} catch (e) {
			err = e;
		}
		assert.ok(err, 'the import fails');
		assert.equal(err.code, 2, 'exit status 2');
		for (const line of [`${bad}:3: id_number:`, `${bad}:4: birth_date:`, `${bad}:5: birth_date:`, `${bad}:5: mobile:`]) {
			assert.ok(err.message.includes(line), `reports "${line}":\n${err.message}`);
		}
		assert.match(err.message, /5 problem\(s\); nothing was written/);
		assert.equal(L.sql(srv.db, 'SELECT COUNT(*) FROM padro_people'), before, 'nothing written');
		const mixed = path.join(tmp, 'mixed.csv');
		fs.writeFileSync(mixed, [header, 'H1,"Carrer Nou, 1",08990,Centre,dni,11111111H,Anna,Roig,1990-01-01,2000-01-01,600111222', 'H1,"Carrer Nou, 3",08990,Centre,dni,22222222J,Berta,Roig,1991-01-01,2000-01-01,'].join('\n'));
		await assert.rejects(L.runCli(['import', 'padro', mixed, '--db', srv.db]), (e) => e.message.includes(`${mixed}:3: address:`));
		const good = path.join(tmp, 'good.csv');
		fs.writeFileSync(
			good,
			[
				header,
				'# a comment line',
				'H1,"Carrer Nou, 1",08990,Centre,dni,11111111H,Anna,Roig Pi,1990-01-01,2000-01-01,600 11 12 22',
				'H1,"Carrer Nou, 1",08990,Centre,dni,22222222J,Berta,Roig Pi,1991-01-01,2001-01-01,',
				'H2,"Carrer Vell, 2",08991,La Riera,passport,ab-123456,Carles,Soler,1980-02-28,2000-01-01,+33 6 12 34 56 78',
			].join('\r\n')
		);
		const { stdout } = await L.runCli(['import', 'padro', good, '--db', srv.db]);
		assert.match(stdout, /imported 3 people in 2 households/);
		assert.equal(L.sql(srv.db, 'SELECT COUNT(*) FROM padro_people'), '3');
		assert.equal(L.sql(srv.db, "SELECT COUNT(*) FROM padro_people WHERE id_number = '12345678Z'"), '0', 'the old register is gone');
		assert.equal(L.sql(srv.db, "SELECT mobile FROM padro_people WHERE id_number = '11111111H'"), '+34600111222');
		assert.equal(L.sql(srv.db, "SELECT mobile || '|' || id_number FROM padro_people WHERE id_type = 'passport'"), '+33612345678|AB123456');
		// The new register answers at once.
		const since = gw.messages.length;
		const tok = await srv.token(L.DEMO_USERS.welcome);
		assert.equal((await askCode({ id_type: 'dni', id_number: '11111111H' }, { headers: { Authorization: `Bearer ${tok}` } })).status, 202);
		await smsCode('+34600111222', since);
	});

	it('limits: padro.codes_per_address codes per address, whatever the IDs', async () => {
		const since = Math.floor(Date.now() / 1000) - 3600;
		const used = Number(L.sql(srv.db, `SELECT COUNT(*) FROM padro_codes WHERE client NOT LIKE 'staff:%' AND created_at >= ${since}`));
		assert.ok(used < 40, `room left under the limit (${used} used)`);
		for (let i = used; i < 40; i++) assert.equal((await askCode({ id_type: 'dni', id_number: nextUnknown() })).status, 202, `code ${i + 1}`);
		L.assertJsonError(await askCode({ id_type: 'dni', id_number: nextUnknown() }), 429, 'rate_limited');
		// Staff ask on a resident's behalf: the address limit does not apply to them.
		const tok = await srv.token(L.DEMO_USERS.welcome);
		const r = await askCode({ id_type: 'dni', id_number: nextUnknown() }, { headers: { Authorization: `Bearer ${tok}` } });
		assert.equal(r.status, 202);
	});

	it('SIGTERM: the server exits 0', () => srv.stop());
});
