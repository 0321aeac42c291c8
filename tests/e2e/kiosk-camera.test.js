'use strict';
// Appointment check-in by camera at the kiosk, in Chromium on Linux (no BarcodeDetector): the
// confirmation's QR code (the appointment's manage link, drawn by the server's /kiosk/qr.svg) is
// turned into a Y4M video that Chromium's fake camera plays (--use-file-for-fake-video-capture);
// the check-in screen sends grey frames to POST /kiosk/scan, the server reads the link with
// libzbar, and the appointment becomes a ticket that is printed. axe-core on the screens.
// Screenshots go to build/e2e/kiosk-camera-*.png.
const { describe, it, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const B = require('./lib/browser.js');

const FLOOR = B.hasCapability('floor');
const W = 640;
const H = 480;

// The dark modules of /kiosk/qr.svg ("M{x} {y}h1v1h-1z", viewBox n × n with the quiet zone) as
// the luma plane of a W × H picture, `scale` pixels a module, centred.
function lumaOf(svg, scale) {
	const n = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)[1]);
	const x0 = Math.floor((W - n * scale) / 2);
	const y0 = Math.floor((H - n * scale) / 2);
	assert.ok(x0 >= 0 && y0 >= 0, 'the code fits the picture');
	const y = Buffer.alloc(W * H, 235);
	for (const m of svg.matchAll(/M(\d+) (\d+)h1v1h-1z/g)) {
		for (let r = 0; r < scale; r++) {
			const row = (y0 + Number(m[2]) * scale + r) * W;
			y.fill(16, row + x0 + Number(m[1]) * scale, row + x0 + (Number(m[1]) + 1) * scale);
		}
	}
	return y;
}

// A few seconds of that picture as a 4:2:0 Y4M file (grey: chroma planes at 128).
function writeY4m(file, luma) {
	const chroma = Buffer.alloc((W / 2) * (H / 2) * 2, 128);
	const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma]);
	const frames = Array.from({ length: 20 }, () => frame);
	fs.writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`), ...frames]));
}

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
async function a11y(page, label) {
	if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(AXE_SOURCE);
	await B.checkA11y(page, label);
}

describe('kiosk check-in by camera, read on the server', { skip: !FLOOR && 'the office floor (src/floor) is not in this build' }, () => {
	// The browser's after() first: a failed check in the server's would stop the hooks after it.
	let browser;
	after(async () => {
		if (browser) await browser.close();
	});
	const srv = B.server.useServer({ env: { FINESTRETA_BOOKING_PROOF_OF_WORK: 'off' } });

	it('the confirmation\'s QR code shown to the camera checks the appointment in; the ticket is printed', { timeout: 90000 }, async () => {
		const admin = { Authorization: `Bearer ${await srv.token(B.DEMO_USERS.admin)}` };
		const from = B.madridDate(2);
		const av = await srv.get(`/api/v1/availability?service=cita-serveis&channel=in_person&office=centre&from=${from}&to=${B.addDays(from, 20)}`, { headers: admin });
		assert.equal(av.status, 200, av.text);
		const who = B.people({ from: 85000, random: 1000 })();
		const booked = await srv.request('POST', '/api/v1/appointments', { headers: admin, body: { service: 'cita-serveis', channel: 'in_person', office: 'centre', start: av.json().days[0].slots[0].start, ...who } });
		assert.equal(booked.status, 201, booked.text);
		const { code, manage_url: link } = booked.json();
		const now = Math.floor(Date.now() / 1000);
		B.sql(srv.db, `UPDATE appointments SET start_at = ${now + 180}, end_at = ${now + 780} WHERE code = '${code}'`);

		const k = await srv.loginOk(B.DEMO_USERS.kiosk);
		const svg = await srv.get(`/kiosk/qr.svg?u=${encodeURIComponent(link)}`, { jar: k.jar });
		assert.equal(svg.status, 200);
		fs.mkdirSync(B.SHOTS, { recursive: true });
		const video = path.join(B.SHOTS, 'kiosk-camera.y4m');
		writeY4m(video, lumaOf(svg.text, 6));

		browser = await B.launch([...B.FAKE_MEDIA, `--use-file-for-fake-video-capture=${video}`]);
		const ctx = await browser.newContext({ baseURL: srv.base, locale: 'ca-ES', viewport: { width: 1080, height: 1920 }, hasTouch: true });
		await ctx.addCookies(B.jarCookies(k.jar, srv));
		const page = await ctx.newPage();
		page.setDefaultTimeout(20000);
		B.watch(page);
		await page.addInitScript(() => {
			window.__printed = 0;
			window.print = () => {
				window.__printed += 1;
			};
		});
		const scans = [];
		page.on('response', (r) => {
			if (new URL(r.url()).pathname === '/kiosk/scan') scans.push(r.status());
		});
		await page.goto('/kiosk/arribada?lang=ca');
		assert.equal(await page.evaluate(() => 'BarcodeDetector' in window), false, 'this Chromium has no BarcodeDetector');
		const button = page.locator('[data-kiosk-scan]');
		assert.ok(await button.isVisible(), 'the camera button is offered all the same');
		await a11y(page, 'check-in');
		await button.click();
		await B.waitUntil(page, (want) => document.querySelector('#ks-code').value === want, code, 'the code read from the camera', 20000);
		assert.equal(await page.locator('[data-kiosk-checkin] input[name="link"]').inputValue(), link);
		assert.ok(scans.length >= 1 && scans.every((s) => s === 200), `frames read: ${scans}`);
		assert.ok(await page.locator('[data-kiosk-video]').isHidden(), 'the camera is put away');
		await a11y(page, 'check-in, code read');
		await page.locator('[data-kiosk-checkin] button[type="submit"]').click();
		await B.waitUntil(page, () => window.__printed === 1, null, 'the ticket goes to the printer once');
		assert.match((await page.locator('[data-kiosk-ticket-out] [data-number]').textContent()).trim(), /^[A-Z]\d{3}$/);
		assert.equal(B.sql(srv.db, `SELECT status FROM appointments WHERE code = '${code}'`), 'checked_in');
		assert.equal(new URL(page.url()).pathname, '/kiosk/arribada', 'nothing of the person in the URL');
		await a11y(page, 'check-in, ticket');
		assert.deepEqual(page.consoleErrors, [], 'console problems');
		await B.screenshot(page, 'kiosk-camera-ticket');
		await ctx.close();
	});
});
