'use strict';
// The self-service kiosk in the browser, on a standing screen in portrait (1080 × 1920) and in
// landscape (1920 × 1080), signed in as the demo's kiosk of the central office: the language
// first, the task menu, a padró certificate with the SMS code (a local SMS gateway receives it)
// ending on the printable page, the facility finder with its map (tiles from a local tile
// server, the CSP enforced), booking an appointment through the citizen's pages in the kiosk's
// frame, a call for help heard live by the welcome desk, and the idle wipe (warning, then back to
// the start, nothing personal left in the page or behind "back"). On every screen: axe-core
// (WCAG 2.1 A/AA) and every visible touch target measured at 48 × 48 CSS pixels or more.
// Screenshots go to build/e2e/kiosk-*.png.
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const zlib = require('node:zlib');
const fs = require('node:fs');
const B = require('./lib/browser.js');
const { smsGateway } = require('../api/lib/sms.js');

const SMS_TOKEN = 'kiosk-sms';
// The ticket and check-in screens need the office floor (src/floor) in the build.
const FLOOR = B.hasCapability('floor');
const NO_FLOOR = { skip: !FLOOR && 'the office floor (src/floor) is not in this build' };
const VIEWS = [
	{ name: 'portrait', viewport: { width: 1080, height: 1920 } },
	{ name: 'landscape', viewport: { width: 1920, height: 1080 } },
];
let gw, tiles, srv;
const tileHits = [];

// A 256 × 256 grey PNG, the one tile the test tile server serves for every {z}/{x}/{y}.
function tilePng() {
	const crcTable = Array.from({ length: 256 }, (_, n) => {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		return c >>> 0;
	});
	const crc = (buf) => {
		let c = 0xffffffff;
		for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
		return (c ^ 0xffffffff) >>> 0;
	};
	const chunk = (type, data) => {
		const len = Buffer.alloc(4);
		len.writeUInt32BE(data.length);
		const td = Buffer.concat([Buffer.from(type), data]);
		const c = Buffer.alloc(4);
		c.writeUInt32BE(crc(td));
		return Buffer.concat([len, td, c]);
	};
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(256, 0);
	ihdr.writeUInt32BE(256, 4);
	ihdr[8] = 8; // bit depth
	ihdr[9] = 0; // greyscale
	const raw = Buffer.alloc(257 * 256, 0xdd);
	for (let y = 0; y < 256; y++) raw[y * 257] = 0;
	return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

before(async () => {
	gw = await smsGateway(SMS_TOKEN);
	const png = tilePng();
	tiles = http.createServer((req, res) => {
		tileHits.push(req.url);
		res.writeHead(200, { 'Content-Type': 'image/png', 'Access-Control-Allow-Origin': '*' }).end(png);
	});
	await new Promise((r) => tiles.listen(0, '127.0.0.1', r));
	srv = new B.Server({
		name: 'e2e kiosk server',
		env: {
			FINESTRETA_SMS_GATEWAY_URL: gw.url,
			FINESTRETA_SMS_GATEWAY_TOKEN: SMS_TOKEN,
			FINESTRETA_JOBS_INTERVAL: '1',
			FINESTRETA_KIOSK_IDLE_SECONDS: '15',
			FINESTRETA_KIOSK_WARN_SECONDS: '5',
			FINESTRETA_KIOSK_HELP_EVERY: '1',
			FINESTRETA_MAP_TILE_URL: `http://127.0.0.1:${tiles.address().port}/{z}/{x}/{y}.png`,
			FINESTRETA_MAP_ATTRIBUTION: 'Tiles: Vilamar test tiles',
			FINESTRETA_BOOKING_PROOF_OF_WORK: 'off',
			FINESTRETA_BOOKING_RATE_AVAILABILITY: '0',
			FINESTRETA_BOOKING_RATE_BOOKING: '0',
		},
	});
	await srv.ready();
}, { timeout: 60000 });

after(async () => {
	if (srv) await srv.kill();
	if (gw) await gw.close();
	if (tiles) tiles.close();
});

const br = B.useBrowser();

async function kioskPage(view) {
	const page = await br.signedInPage(srv, B.DEMO_USERS.kiosk, { context: { viewport: view.viewport, hasTouch: true }, timeout: 20000 });
	return page;
}

// Every visible thing a finger can press, measured: none under 48 × 48 CSS pixels.
async function targets(page, label) {
	const small = await page.evaluate(() => {
		const out = [];
		for (const el of document.querySelectorAll('a[href], button, input:not([type="hidden"]), select, textarea, summary, [role="button"]')) {
			const r = el.getBoundingClientRect();
			const s = getComputedStyle(el);
			if (r.width === 0 || r.height === 0 || s.visibility === 'hidden') continue;
			if (r.width < 48 || r.height < 48) out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${(el.textContent || el.value || el.name || '').trim().slice(0, 30)}" ${Math.round(r.width)}×${Math.round(r.height)}`);
		}
		return out;
	});
	assert.deepEqual(small, [], `${label}: touch targets under 48 × 48 px`);
	return page.evaluate(() => document.querySelectorAll('a[href], button, input:not([type="hidden"]), select, textarea').length);
}

const measured = {};
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// axe-core goes in through evaluate, which the enforced CSP does not govern.
async function a11y(page, label) {
	if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(AXE_SOURCE);
	await B.checkA11y(page, label);
}

async function screen(page, view, label) {
	await a11y(page, `${label} (${view.name})`);
	const n = await targets(page, `${label} (${view.name})`);
	assert.deepEqual(page.consoleErrors, [], `${label} (${view.name}): console problems`);
	await B.screenshot(page, `kiosk-${view.name}-${label.replace(/\W+/g, '-')}`);
	return n;
}

// The printer: counted instead of driven (Chromium prints silently in kiosk mode).
async function countPrints(page) {
	await page.addInitScript(() => {
		window.__printed = 0;
		window.print = () => {
			window.__printed += 1;
		};
	});
}

async function tap(page, selector) {
	await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator(selector).first().click()]);
}


for (const [vi, view] of VIEWS.entries()) {
	describe(`kiosk, ${view.name} ${view.viewport.width}×${view.viewport.height}`, () => {
		it('the language first, in its own words; then one button per task, in that language', async () => {
			const page = await kioskPage(view);
			await page.goto('/kiosk');
			const labels = await page.locator('a.kiosk-choice').allTextContents();
			assert.deepEqual(labels.map((s) => s.trim()), ['Català', 'Castellano', 'English']);
			assert.equal(await page.locator('img').count(), 0, 'no flags');
			measured[`${view.name}/language`] = await screen(page, view, 'language');
			await tap(page, 'a.kiosk-choice[lang="es"]');
			assert.equal(new URL(page.url()).pathname, '/kiosk/inici');
			assert.equal(await B.htmlLang(page), 'es');
			const tasks = await page.locator('.kiosk-tasks a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
			const floor = FLOOR ? ['/kiosk/tiquet', '/kiosk/arribada'] : [];
			assert.deepEqual(tasks, [...floor, '/padro', '/cita', '/equipaments', '/idcat'], 'ticket and check-in exactly with the office floor');
			assert.equal(await page.locator('a[href="/logout"], form[action="/logout"] button:visible').count(), 0, 'no way out of the kiosk');
			assert.ok(await page.locator('.kiosk-bar a[href="/kiosk/wipe"]').isVisible(), '"start again" in view');
			assert.ok(await page.locator('.kiosk-bar button.kiosk-help').isVisible(), '"call for help" in view');
			measured[`${view.name}/menu`] = await screen(page, view, 'menu');
		});

		it('a ticket: the zone and a few questions; the number big with its live page\'s QR code, printed', NO_FLOOR, async () => {
			const page = await kioskPage(view);
			await countPrints(page);
			await page.goto('/kiosk/inici?lang=en');
			await tap(page, '.kiosk-tasks a[href="/kiosk/tiquet"]');
			measured[`${view.name}/ticket`] = await screen(page, view, 'ticket');
			const zone = page.locator('input[name="zone"]').first();
			const zoneName = (await page.locator(`label[for="${await zone.getAttribute('id')}"]`).textContent()).trim();
			await page.locator(`label[for="${await zone.getAttribute('id')}"]`).click();
			await page.locator('label[for="ks-age-2"]').click();
			await page.locator('label[for="ks-g-1"]').click();
			await page.locator('[data-kiosk-ticket] button[type="submit"]').click();
			await B.waitUntil(page, () => window.__printed === 1, null, 'the ticket goes to the printer once');
			const number = (await page.locator('[data-kiosk-ticket-out] [data-number]').textContent()).trim();
			assert.match(number, /^[A-Z]\d{3}$/);
			assert.equal((await page.locator('[data-kiosk-ticket-out] [data-zone]').textContent()).trim(), zoneName, 'the zone by its name');
			assert.ok(await page.locator('img[data-qr]').evaluate((el) => el.naturalWidth > 0), 'the QR code of its live page');
			const row = B.sql(srv.db, `SELECT channel || '|' || age_band || '|' || gender || '|' || lang FROM floor_tickets WHERE number = '${number}' ORDER BY id DESC LIMIT 1`);
			assert.equal(row, 'kiosk|30_50|woman|en');
			assert.equal(new URL(page.url()).pathname, '/kiosk/tiquet', 'nothing of the ticket in the URL');
			await screen(page, view, 'ticket-out');
		});

		it('check-in by ID number: the appointment becomes a ticket, printed', NO_FLOOR, async () => {
			const admin = { Authorization: `Bearer ${await srv.token(B.DEMO_USERS.admin)}` };
			const from = B.madridDate(2);
			const av = await srv.get(`/api/v1/availability?service=cita-serveis&channel=in_person&office=centre&from=${from}&to=${B.addDays(from, 20)}`, { headers: admin });
			assert.equal(av.status, 200, av.text);
			const start = av.json().days[0].slots[vi].start;
			const who = B.people({ from: 84000 + vi * 100, random: 50 })();
			const booked = await srv.request('POST', '/api/v1/appointments', { headers: admin, body: { service: 'cita-serveis', channel: 'in_person', office: 'centre', start, ...who } });
			assert.equal(booked.status, 201, booked.text);
			const code = booked.json().code;
			// Moved to in three minutes from now (a fixture: today is not bookable at every hour).
			const now = Math.floor(Date.now() / 1000);
			B.sql(srv.db, `UPDATE appointments SET start_at = ${now + 180}, end_at = ${now + 780} WHERE code = '${code}'`);
			const page = await kioskPage(view);
			await countPrints(page);
			await page.goto('/kiosk/inici?lang=ca');
			await tap(page, '.kiosk-tasks a[href="/kiosk/arribada"]');
			measured[`${view.name}/checkin`] = await screen(page, view, 'checkin');
			await page.fill('#ks-id', who.id_number.toLowerCase());
			await page.locator('[data-kiosk-checkin] button[type="submit"]').click();
			await B.waitUntil(page, () => window.__printed === 1, null, 'the ticket goes to the printer once');
			const number = (await page.locator('[data-kiosk-ticket-out] [data-number]').textContent()).trim();
			assert.match(number, /^[A-Z]\d{3}$/);
			assert.equal(B.sql(srv.db, `SELECT status FROM appointments WHERE code = '${code}'`), 'checked_in');
			assert.equal(new URL(page.url()).pathname, '/kiosk/arribada', 'nothing of the person in the URL');
			await screen(page, view, 'checkin-out');
		});

		it('a padró certificate: ID, the SMS code, the kind, printed; nothing personal in the URL', async () => {
			const who = vi === 0 ? { type: 'dni', number: '12345678Z', mobile: '+34600000001' } : { type: 'nie', number: 'X1234567L', mobile: '+34600000002' };
			const page = await kioskPage(view);
			await page.goto('/kiosk/inici?lang=ca');
			await tap(page, '.kiosk-tasks a[href="/padro"]');
			measured[`${view.name}/padro`] = await screen(page, view, 'padro-id');
			await page.selectOption('#pd-id_type', who.type);
			await page.fill('#pd-id_number', who.number);
			const since = gw.messages.length;
			await tap(page, 'form[action="/padro/codi"] button[type="submit"]');
			assert.equal(new URL(page.url()).pathname, '/padro/codi');
			await screen(page, view, 'padro-code');
			const sms = await gw.next((m) => m.to === who.mobile && gw.messages.indexOf(m) >= since);
			const code = /\b(\d{6})\b/.exec(sms.text)[1];
			await page.fill('#pd-code', code);
			await page.check('#pd-kind-c');
			await countPrints(page);
			await tap(page, 'form[action="/padro/volant"] button[type="submit"]');
			await B.waitUntil(page, () => window.__printed === 1, null, 'the certificate goes to the printer once');
			assert.equal(new URL(page.url()).pathname, '/padro/volant', 'the certificate page is the POST\'s answer: no code in the URL');
			const img = page.locator('img[data-kiosk-print]');
			assert.match(await img.getAttribute('src'), /^data:image\/png;base64,/);
			const size = await img.evaluate((el) => ({ w: el.naturalWidth, h: el.naturalHeight }));
			assert.ok(Math.abs(size.h / size.w - 297 / 210) < 0.01, `an A4 page (${size.w}×${size.h})`);
			await screen(page, view, 'padro-print');
			const vcode = (await page.locator('strong').filter({ hasText: /^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/ }).first().textContent()).replace(/-/g, '');
			const row = B.sql(srv.db, `SELECT channel || '|' || kind || '|' || holders FROM padro_volants WHERE code = '${vcode}'`);
			assert.match(row, /^kiosk\|collective\|\d+$/);
			assert.equal(B.sql(srv.db, `SELECT COUNT(*) FROM audit_log WHERE target = 'volant:${vcode}' AND detail LIKE '%channel=kiosk%'`), '1');
		});

		it('the facility finder: nearest to a postcode, on the map and in the list', async () => {
			const page = await kioskPage(view);
			await page.goto('/kiosk/inici?lang=en');
			await tap(page, '.kiosk-tasks a[href="/equipaments"]');
			await page.fill('#fc-postcode', '08993');
			await page.selectOption('#fc-category', '');
			const before = tileHits.length;
			await tap(page, 'form[action="/equipaments"] button[type="submit"]');
			const first = await page.locator('.fc-result h3').first().textContent();
			assert.match(first, /Casal de Barri Sant Pere/, 'the nearest first');
			await page.waitForSelector('#fc-map .leaflet-tile-loaded');
			await page.waitForSelector('#fc-map .leaflet-marker-icon');
			assert.ok(tileHits.length > before, 'tiles came from map.tile_url');
			assert.equal(await page.locator('#fc-map .leaflet-marker-icon').count(), 12);
			measured[`${view.name}/facilities`] = await screen(page, view, 'facilities');
		});

		it('booking an appointment on the citizen pages, inside the kiosk frame', async () => {
			const page = await kioskPage(view);
			await page.goto('/kiosk/inici?lang=ca');
			await tap(page, '.kiosk-tasks a[href="/cita"]');
			assert.ok(await page.locator('.kiosk-bar').isVisible(), 'the kiosk frame on the booking pages');
			await screen(page, view, 'book-service');
			await tap(page, 'a.bk-proc[href="/cita/canal?service=cita-serveis"]');
			await page.check('#ch-in_person');
			await tap(page, 'button[name="next"]');
			await page.check('#of-centre');
			await tap(page, 'button[name="next"]');
			await screen(page, view, 'book-day');
			await tap(page, 'table.bk-cal a');
			await screen(page, view, 'book-time');
			await tap(page, 'button.bk-time');
			await page.fill('#d-name', 'Montserrat Kiosc');
			await page.check('#d-id_type-dni');
			await page.fill('#d-id_number', B.dni(43000000 + vi));
			await page.fill('#d-phone', '600 55 44 3' + vi);
			await page.check('#d-conf-2');
			await screen(page, view, 'book-details');
			await tap(page, 'button.bk-submit');
			assert.match(new URL(page.url()).pathname, /^\/cita\/[A-Z0-9]{8}\/confirmacio$/);
			await screen(page, view, 'book-confirmation');
		});

		it('"call for help": the welcome desk of the office hears it live; the person stays on the task', async () => {
			const desk = await br.signedInPage(srv, B.DEMO_USERS.welcome);
			await desk.goto('/kiosk/alerts');
			await B.waitUntil(
				desk,
				() => document.querySelector('[data-kiosk-alerts-state]').textContent === document.querySelector('[data-kiosk-alerts]').dataset.labelLive,
				null,
				'the alerts page is live'
			);
			await a11y(desk, 'alerts page');
			const page = await kioskPage(view);
			await page.goto('/idcat?lang=es');
			await screen(page, view, 'idcat');
			await page.locator('.kiosk-bar button.kiosk-help').click();
			await B.waitUntil(page, () => document.querySelector('[data-kiosk-help-status]').textContent.length > 0, null, 'the kiosk says help is coming');
			assert.equal(new URL(page.url()).pathname, '/idcat', 'still on the task');
			await B.waitUntil(desk, () => document.querySelectorAll('.kiosk-alert').length > 0, null, 'the call reaches the welcome desk');
			const text = await desk.locator('.kiosk-alert').first().textContent();
			assert.match(text, /Quiosc OAC Centre/);
			assert.match(text, /\/idcat/);
			assert.deepEqual(desk.consoleErrors, []);
		});

		it('idle: a warning, then the screen is wiped back to the start; "back" shows nothing personal', async () => {
			const page = await kioskPage(view);
			await page.goto('/kiosk');
			await tap(page, 'a.kiosk-choice[lang="ca"]');
			await tap(page, '.kiosk-tasks a[href="/padro"]');
			await page.fill('#pd-id_number', '12345678Z');
			const t0 = Date.now();
			await page.waitForSelector('[data-kiosk-idle]:not([hidden])', { timeout: 25000 });
			const warned = Date.now() - t0;
			assert.ok(warned >= 14000, `the warning after kiosk.idle_seconds (${warned} ms)`);
			await a11y(page, `idle warning (${view.name})`);
			await targets(page, `idle warning (${view.name})`);
			await B.screenshot(page, `kiosk-${view.name}-idle-warning`);
			await page.waitForURL((u) => u.pathname === '/kiosk', { timeout: 10000 });
			assert.ok(Date.now() - t0 >= 19000, 'wiped after the warning ran out');
			assert.equal(await B.htmlLang(page), 'ca', 'the language is forgotten: the default again');
			assert.equal(await page.evaluate(() => document.cookie.includes('lang=')), false);
			const html = await page.content();
			assert.ok(!html.includes('12345678Z'));
			// Links replaced the page as the person went: behind "back" is nothing of theirs.
			await page.goBack().catch(() => null);
			const back = await page.evaluate(() => ({ path: location.pathname, typed: Array.from(document.querySelectorAll('input')).map((i) => i.value).join('|'), html: document.documentElement.outerHTML }));
			assert.ok(!back.typed.includes('12345678Z') && !back.html.includes('12345678Z'), `nothing personal behind "back" (${back.path})`);
		});

		it('"I am still here" keeps the person on the task', async () => {
			const page = await kioskPage(view);
			await page.goto('/padro');
			await page.fill('#pd-id_number', '87654321X');
			await page.waitForSelector('[data-kiosk-idle]:not([hidden])', { timeout: 25000 });
			await page.locator('[data-kiosk-idle-stay]').click();
			assert.equal(await page.locator('[data-kiosk-idle]').isHidden(), true);
			await page.waitForTimeout(6000);
			assert.equal(new URL(page.url()).pathname, '/padro');
			assert.equal(await page.inputValue('#pd-id_number'), '87654321X');
			await br.closeContexts();
		});
	});
}

describe('kiosk: the numbers measured', () => {
	it('every screen had touch targets, all of them 48 px or more', () => {
		for (const [k, n] of Object.entries(measured)) assert.ok(n > 3, `${k}: ${n} targets measured`);
		console.log(`kiosk: touch targets measured per screen: ${JSON.stringify(measured)}`);
	});
	it('SIGTERM: the server exits 0', () => srv.stop());
});
