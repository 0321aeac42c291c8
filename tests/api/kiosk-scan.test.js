'use strict';
// The kiosk's camera where the browser has no BarcodeDetector (src/kiosk/scan.c, POST
// /kiosk/scan): a real QR code of a demo appointment's manage link (drawn by the server's own
// libqrencode, GET /kiosk/qr.svg) rasterised into a grey (Y800) frame, posted as static/kiosk-floor.js
// posts it, read back by libzbar as the link, and the link checks the appointment in. Bad frames,
// a QR code of another site, another account and a flood get their own 4xx.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib/server.js');

const FLOOR = L.hasCapability('floor');
// Frames a second one kiosk may send: the cases below send them one by one, well under it.
const PER_SECOND = 10;
const pause = (ms) => new Promise((res) => setTimeout(res, ms));

// The modules of /kiosk/qr.svg (its path is "M{x} {y}h1v1h-1z" per dark module, in a viewBox of
// n × n with the quiet zone), `scale` pixels a module, at (x0, y0) of a white w × h frame.
function rasterise(svg, w, h, scale, x0, y0) {
	const n = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)[1]);
	assert.ok(x0 + n * scale <= w && y0 + n * scale <= h, 'the code fits the frame');
	const px = Buffer.alloc(w * h, 255);
	let dark = 0;
	for (const m of svg.matchAll(/M(\d+) (\d+)h1v1h-1z/g)) {
		const mx = Number(m[1]);
		const my = Number(m[2]);
		for (let y = 0; y < scale; y++) px.fill(0, (y0 + my * scale + y) * w + x0 + mx * scale, (y0 + my * scale + y) * w + x0 + (mx + 1) * scale);
		dark++;
	}
	assert.ok(dark > 100, 'a QR code has modules');
	return px;
}

describe('kiosk: the QR code read from a camera frame', { skip: !FLOOR && 'the office floor (src/floor) is not in this build' }, () => {
	const srv = L.useServer({ env: { FINESTRETA_KIOSK_SCANS_PER_SECOND: String(PER_SECOND) } });

	async function kiosk(email = L.DEMO_USERS.kiosk) {
		const k = await srv.loginOk(email);
		const page = await srv.get('/kiosk/arribada?lang=en', { jar: k.jar });
		L.assertHtml(page, 200, 'check-in');
		return { jar: k.jar, headers: { 'X-CSRF-Token': L.csrfFrom(page.text), Accept: 'application/json' } };
	}

	async function frameOf(k, url, w = 320, h = 240) {
		const svg = await srv.get(`/kiosk/qr.svg?u=${encodeURIComponent(url)}`, { jar: k.jar });
		assert.equal(svg.status, 200, url);
		return { width: w, height: h, y800: rasterise(svg.text, w, h, 4, 40, 12).toString('base64') };
	}

	const scan = (k, body, lang = 'en') => srv.request('POST', `/kiosk/scan?lang=${lang}`, { jar: k.jar, headers: k.headers, body });

	it('a confirmation\'s QR code gives back its manage link, which checks the appointment in', async () => {
		const admin = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.admin)}` };
		const from = L.madridDate(2);
		const q = `service=cita-serveis&channel=in_person&office=centre&from=${from}&to=${L.addDays(from, 20)}`;
		const av = await srv.get(`/api/v1/availability?${q}`, { headers: admin });
		assert.equal(av.status, 200, av.text);
		const start = av.json().days[0].slots[0].start;
		const who = L.people({ from: 84000, random: 10000 })();
		const booked = await srv.request('POST', '/api/v1/appointments', { headers: admin, body: { service: 'cita-serveis', channel: 'in_person', office: 'centre', start, ...who } });
		assert.equal(booked.status, 201, booked.text);
		const { code, manage_url: link } = booked.json();
		assert.match(link, new RegExp(`^${srv.base.replace(/[.]/g, '\\.')}/cita/${code}\\?token=[0-9a-f]{64}$`));
		const now = Math.floor(Date.now() / 1000);
		L.sql(srv.db, `UPDATE appointments SET start_at = ${now + 180}, end_at = ${now + 780} WHERE code = '${code}'`);

		const k = await kiosk();
		const r = await scan(k, await frameOf(k, link));
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json(), { link });
		// The largest frame is taken too.
		const big = await scan(k, await frameOf(k, link, 640, 640));
		assert.equal(big.status, 200, big.text);
		assert.equal(big.json().link, link);

		const c = await srv.request('POST', '/api/v1/offices/centre/check-in', { jar: k.jar, headers: k.headers, body: { appointment: r.json().link } });
		assert.equal(c.status, 201, c.text);
		assert.ok(c.json().live_url.startsWith(srv.base));
		assert.equal(L.sql(srv.db, `SELECT status FROM appointments WHERE code = '${code}'`), 'checked_in');
	});

	it('a frame without a code is {"link":null}; another site\'s QR code and a page of ours that is not an appointment are 422', async () => {
		const k = await kiosk();
		const blank = await scan(k, { width: 64, height: 48, y800: Buffer.alloc(64 * 48, 255).toString('base64') });
		assert.equal(blank.status, 200, blank.text);
		assert.deepEqual(blank.json(), { link: null });
		const token = 'a'.repeat(64);
		// Starts with this server's address, but the host is evil.example.
		for (const url of [`${srv.base}@evil.example/cita/NY7CJQ6N?token=${token}`, `${srv.base}/cua/ABC`]) {
			const r = await scan(k, await frameOf(k, url), 'ca');
			L.assertJsonError(r, 422, 'not_an_appointment');
			assert.match(r.json().message, /no és el d'una cita/, 'in the request\'s language');
			assert.ok(!r.text.includes('evil.example'), 'the foreign text is not echoed');
		}
	});

	it('bad frames: garbage 400, sides that do not match the bytes 400, too big 413, translated', async () => {
		const k = await kiosk();
		const px = Buffer.alloc(32 * 32, 128).toString('base64');
		const cases = [
			[{ width: 32, height: 32, y800: '@@@@ not base64 @@@@' }, 400, 'bad_frame'],
			[{ width: 32, height: 32, y800: px.replace(/[A-Za-z]/g, '-') }, 400, 'bad_frame'],
			[{ width: 32, height: 31, y800: px }, 400, 'bad_frame'],
			[{ width: 33, height: 32, y800: px }, 400, 'bad_frame'],
			[{ width: '32', height: 32, y800: px }, 400, 'bad_frame'],
			[{ width: 32, height: 32 }, 400, 'bad_frame'],
			[{ width: 0, height: 0, y800: '' }, 400, 'bad_frame'],
			[{ width: 641, height: 1, y800: Buffer.alloc(641, 0).toString('base64') }, 413, 'too_big'],
			[{ width: 1, height: 900, y800: px }, 413, 'too_big'],
			[{ width: 32, height: 32, y800: 'A'.repeat(640 * 640 * 2) }, 413, 'too_big'],
		];
		// One frame per 1/PER_SECOND at most, after a whole second's rest: the earlier tests' frames
		// count in the kiosk's current second (its rate is tested below).
		await pause(1100);
		for (const [body, status, error] of cases) {
			await pause(1000 / PER_SECOND + 20);
			const r = await scan(k, body, 'es');
			L.assertJsonError(r, status, error);
			assert.ok(r.json().message && !r.json().message.startsWith('ks_'), `a message: ${r.text}`);
		}
		await pause(1000 / PER_SECOND + 20);
		assert.match((await scan(k, cases[0][0], 'es')).json().message, /No se ha podido leer/);
		await pause(1000 / PER_SECOND + 20);
		const notJson = await srv.request('POST', '/kiosk/scan', { jar: k.jar, headers: { ...k.headers, 'Content-Type': 'application/octet-stream' }, body: Buffer.alloc(100) });
		assert.equal(notJson.status, 415);
	});

	it('kiosk accounts only, with the CSRF token; a flood is 429', async () => {
		const k = await kiosk();
		const body = { width: 8, height: 8, y800: Buffer.alloc(64, 255).toString('base64') };
		assert.equal((await srv.request('POST', '/kiosk/scan', { body })).status, 401, 'anonymous');
		const coord = await srv.loginOk(L.DEMO_USERS.coordinator);
		const cpage = await srv.get('/kiosk/arribada', { jar: coord.jar });
		assert.equal(cpage.status, 200, 'a coordinator may look at the screen');
		const asCoord = await srv.request('POST', '/kiosk/scan', { jar: coord.jar, headers: { 'X-CSRF-Token': L.csrfFrom(cpage.text), Accept: 'application/json' }, body });
		L.assertJsonError(asCoord, 403, 'forbidden');
		L.assertJsonError(await srv.request('POST', '/kiosk/scan', { jar: k.jar, headers: { Accept: 'application/json' }, body }), 403, 'csrf');
		// One kiosk, a burst well over kiosk.scans_per_second: some are turned away, with Retry-After.
		const riera = await kiosk('quiosc.riera@vilamar.example');
		const all = await Promise.all(Array.from({ length: PER_SECOND * 4 }, () => scan(riera, body)));
		const slow = all.filter((r) => r.status === 429);
		assert.ok(slow.length >= PER_SECOND, `429s: ${slow.length}`);
		assert.ok(slow[0].headers['retry-after'], 'Retry-After');
		assert.equal(slow[0].json().error, 'rate_limited');
		assert.ok(all.filter((r) => r.status === 200).length >= 1, 'the first frames were read');
		// Another kiosk is not held back by that one.
		assert.equal((await scan(k, body)).status, 200);
	});

	it('SIGTERM: the server exits 0', () => srv.stop());
});
