'use strict';
// The office floor in the browser, several pages at once as on a real morning at the demo's
// central office: the call display (the display account, sound turned on); the welcome desk on a
// tablet (touch targets of 48 px, no sideways scrolling) issues a ticket and prints it in one
// click (what the browser prints, from there and from the live page, is one 80 mm page with the
// number and a QR code that leads to the live page); the person follows it on a phone; the desk
// opens and calls it — the display shows it and plays the spoken call, the live page shows the
// desk — then serves and finishes it, and the live page offers the survey, which is answered.
// Then what is pushed, not polled: a live page alerts (banner, vibration) when two people are
// ahead; the board follows the queue (and moves a ticket, closes and reopens a zone's issuing);
// a display whose network is cut and restored shows the call made meanwhile. axe-core (WCAG 2.1
// A/AA) on every page; no script errors. Screenshots go to build/e2e/floor-*.png.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const B = require('./lib/browser.js');

const srv = B.useServer({ name: 'e2e floor server', env: { FINESTRETA_FLOOR_RATE_PUBLIC: '0' } });
const br = B.useBrowser();
const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };
const TABLET = { viewport: { width: 800, height: 1280 }, isMobile: true, hasTouch: true };

// A loopback TCP relay to the server whose network can be cut (every connection reset, new ones
// refused) and restored, as a screen's Wi-Fi does.
async function relay(port) {
	const open = new Set();
	let down = false;
	const server = net.createServer((client) => {
		if (down) return client.destroy();
		const up = net.connect(port, '127.0.0.1');
		for (const [a, b] of [[client, up], [up, client]]) {
			open.add(a);
			a.on('error', () => b.destroy());
			a.on('close', () => {
				open.delete(a);
				b.destroy();
			});
			a.pipe(b);
		}
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		base: `http://127.0.0.1:${server.address().port}`,
		cut() {
			down = true;
			for (const s of open) s.resetAndDestroy ? s.resetAndDestroy() : s.destroy();
		},
		restore() {
			down = false;
		},
		close: () => new Promise((resolve) => server.close(resolve)),
	};
}

async function a11y(page, label) {
	await B.checkA11y(page, label);
	await B.screenshot(page, `floor-${label}`);
	assert.deepEqual(page.consoleErrors, [], `${label}: no script errors`);
}

test('welcome → ticket → desk call → display and live page; the survey after it', { timeout: 240000 }, async () => {
	const display = await br.signedInPage(srv, B.DEMO_USERS.display, { axe: true, context: { viewport: { width: 1920, height: 1080 } } });
	await display.goto('/floor/display');
	await B.waitUntil(display, () => document.getElementById('fl-display').dataset.synced >= '1', null, 'the display reads the calls');
	await a11y(display, 'display');
	await display.click('#fl-sound');
	await B.waitUntil(display, () => document.getElementById('fl-display').dataset.sound === 'on', null, 'sound on');

	// The welcome desk, on a tablet, registers an arrival and sends them to the assisted zone.
	const welcome = await br.signedInPage(srv, B.DEMO_USERS.welcome, { axe: true, context: TABLET });
	await welcome.addInitScript(() => {
		window.printed = 0;
		const real = window.print.bind(window);
		window.print = () => {
			window.printed++;
			real();
		};
	});
	await welcome.goto('/floor/welcome');
	await a11y(welcome, 'welcome');
	const small = await welcome.evaluate(() => [...document.querySelectorAll('button[name="zone"], .fl-choices label')]
		.map((el) => el.getBoundingClientRect())
		.filter((b) => b.height < 48 || b.width < 48).length);
	assert.equal(small, 0, 'every zone button and choice is a touch target of 48 px or more');
	assert.equal(await welcome.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, 'no sideways scrolling');
	await welcome.selectOption('#w-service', 'idcat-mobil');
	await welcome.check('#w-age_band-over_50');
	await welcome.check('#w-gender-woman');
	await welcome.check('#w-aut-0');
	await welcome.selectOption('#w-lang', 'es');
	await Promise.all([welcome.waitForNavigation(), welcome.click('button[name="zone"][value="assistida"]')]);
	assert.match(welcome.url(), /\/floor\/welcome\/ticket\/\d+\?token=[0-9a-f]{64}$/);
	const number = (await welcome.textContent('.fl-ticket-number')).replace(/\s+/g, ' ').trim().split(' ').pop();
	assert.match(number, /^B\d{3}$/);
	// What the browser prints: the ticket alone, on the 80 mm roll.
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fl-print-'));
	try {
		const file = path.join(dir, 'screen.pdf');
		await welcome.emulateMedia({ media: 'print' });
		fs.writeFileSync(file, await welcome.pdf({ preferCSSPageSize: true, printBackground: true }));
		await welcome.emulateMedia({ media: 'screen' });
		const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
		assert.match(info, /^Pages:\s+1$/m, 'one page');
		const [, w] = info.match(/^Page size:\s+([\d.]+) x/m);
		assert.ok(Math.abs(Number(w) - (80 * 72) / 25.4) < 0.5, `printed 80 mm wide: ${w} pt`);
		assert.ok(execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).includes(number), 'the number is printed');
		execFileSync('pdftoppm', ['-r', '200', '-png', '-singlefile', file, path.join(dir, 'screen')]);
		const qr = execFileSync('zbarimg', ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', path.join(dir, 'screen.png')], {
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'ignore'],
		});
		const [, id, token] = welcome.url().match(/\/ticket\/(\d+)\?token=([0-9a-f]{64})$/);
		assert.equal(qr.trim(), `${srv.base}/floor/t/${id}?token=${token}`, 'the printed QR code leads to the live page');
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
	await welcome.click('button[data-print]');
	assert.equal(await welcome.evaluate(() => window.printed), 1, 'one click prints');
	assert.ok(await welcome.isVisible('.fl-ticket-qr img'), 'the QR code on screen');
	await a11y(welcome, 'welcome-ticket');
	const pdf = await welcome.getAttribute('a[href*="ticket.pdf"]', 'href');
	const res = await srv.get(pdf);
	assert.equal(res.status, 200);
	assert.equal(res.headers['content-type'], 'application/pdf');
	const live = pdf.replace('/ticket.pdf', '');

	// The person follows it on their phone, in their language.
	const phone = await br.page(srv, { axe: true, context: PHONE, locale: 'es-ES' });
	await phone.goto(live);
	assert.equal(await B.htmlLang(phone), 'es');
	assert.match(await phone.textContent('#fl-status'), /En espera/);
	await a11y(phone, 'live');
	// Printed from the phone's live page: the ticket, with its number, on one 80 mm page.
	await phone.emulateMedia({ media: 'print' });
	const printed = await phone.pdf({ preferCSSPageSize: true });
	await phone.emulateMedia({ media: 'screen' });
	const livePdf = path.join(os.tmpdir(), `fl-live-${process.pid}.pdf`);
	try {
		fs.writeFileSync(livePdf, printed);
		assert.match(execFileSync('pdfinfo', [livePdf], { encoding: 'utf8' }), /^Pages:\s+1$/m);
		assert.ok(execFileSync('pdftotext', [livePdf, '-'], { encoding: 'utf8' }).includes(number), 'the live page prints the ticket');
	} finally {
		fs.rmSync(livePdf, { force: true });
	}

	// An informer opens desk taula-2 for the assisted zone and calls this ticket.
	const desk = await br.signedInPage(srv, B.DEMO_USERS.informer, { axe: true });
	await desk.goto('/floor/desk');
	await a11y(desk, 'desk-open');
	await desk.selectOption('#d-desk', 'taula-2');
	await desk.check('#d-zone-assistida');
	await Promise.all([desk.waitForNavigation(), desk.click('form[action="/floor/desk/open"] button')]);
	await a11y(desk, 'desk');
	const callBtn = desk.locator('li', { hasText: number }).locator('button');
	const t0 = Date.now();
	await Promise.all([desk.waitForNavigation(), callBtn.click()]);
	assert.match(await desk.textContent('.fl-current'), new RegExp(number));

	await B.waitUntil(display, (n) => document.getElementById('fl-latest').textContent.includes(n), number, 'the display shows the call');
	const shown = Date.now() - t0;
	assert.ok(shown < 5000, `the call reached the display in ${shown} ms`);
	assert.match(await display.textContent('#fl-latest'), /Taula 2/);
	await B.waitUntil(display, () => Number(document.getElementById('fl-display').dataset.played || 0) >= 1, null, 'the display played the spoken call', 30000);

	await B.waitUntil(phone, () => !document.getElementById('fl-banner').hidden, null, 'the live page alerts');
	assert.match(await phone.textContent('#fl-banner'), /Taula 2/);
	assert.match(await phone.textContent('#fl-status'), /Llamado/);

	// Served and finished: the live page offers the survey.
	await Promise.all([desk.waitForNavigation(), desk.click('button[value="start"]')]);
	await desk.check('#d-p-idcat-mobil');
	await desk.check('#d-mode-with');
	await desk.check('#d-idcat-1');
	await a11y(desk, 'desk-serving');
	await Promise.all([desk.waitForNavigation(), desk.click('button[value="finish"]')]);
	await B.waitUntil(phone, () => !!document.querySelector('.fl-survey a'), null, 'the survey link appears', 15000);
	await a11y(phone, 'live-done');
	await Promise.all([phone.waitForNavigation(), phone.click('.fl-survey a')]);
	await a11y(phone, 'survey');
	await phone.check('input[name="score"][value="10"]');
	await phone.fill('#sv-comment', 'Muy amables');
	await Promise.all([phone.waitForNavigation(), phone.click('.sv-form button[type="submit"]')]);
	assert.match(await phone.textContent('main'), /Gracias/);

	// The coordinator's board.
	const board = await br.signedInPage(srv, B.DEMO_USERS.coordinator, { axe: true });
	await board.goto('/floor/board');
	assert.match(await board.textContent('main'), /Taula 2/);
	await a11y(board, 'board');
	await br.closeContexts();
});

test('pushed, not polled: the live page alerts at two ahead, the board follows the queue, moves a ticket and closes a zone, a display resyncs after a network loss', { timeout: 120000 }, async () => {
	const OFFICE = 'mar-blava'; // the demo leaves it empty
	const admin = { Authorization: `Bearer ${await srv.token(B.DEMO_USERS.admin)}` };
	const api = async (path, body, status) => {
		const r = await srv.request('POST', path, { headers: admin, body });
		assert.equal(r.status, status, `${path}: ${r.text}`);
		return r.status === 204 ? null : r.json();
	};
	const issue = (lang) => api(`/api/v1/offices/${OFFICE}/tickets`, { zone: 'assistida', lang }, 201);
	const first = await issue();
	await issue();
	await issue();
	const mine = await issue('en');
	assert.equal(mine.ahead, 3);

	// The person's phone: in English, as the ticket says; vibrations are recorded as they go through.
	const phone = await br.page(srv, { axe: true, context: PHONE, locale: 'en-GB' });
	await phone.addInitScript(() => {
		window.vibrations = [];
		const real = navigator.vibrate ? navigator.vibrate.bind(navigator) : () => false;
		navigator.vibrate = (p) => {
			window.vibrations.push(p);
			return real(p);
		};
	});
	await phone.goto(new URL(mine.live_url).pathname + new URL(mine.live_url).search);
	assert.equal(await B.htmlLang(phone), 'en');
	assert.equal((await phone.textContent('.fl-ahead')).trim(), '3');
	assert.ok(await phone.isHidden('#fl-banner'), 'no alert with three ahead');

	// The board (an administrator, this office) and a display of this office.
	const board = await br.signedInPage(srv, B.DEMO_USERS.admin, { axe: true });
	await board.goto(`/floor/board?office=${OFFICE}`);
	const waitingB = () => board.locator('#fl-refresh tbody tr', { hasText: '(B)' }).locator('td').first().textContent();
	const before = Number((await waitingB()).trim());
	const wifi = await relay(srv.port);
	const { jar } = await srv.loginOk(B.DEMO_USERS.admin);
	const display = await br.page(wifi, { axe: true, cookies: B.jarCookies(jar, wifi), context: { viewport: { width: 1920, height: 1080 } } });
	await display.goto(`/floor/display?office=${OFFICE}`);
	await B.waitUntil(display, () => document.getElementById('fl-display').dataset.synced >= '1', null, 'the display reads the calls');

	// A desk calls the first ticket: the queue event reaches the phone (two ahead: banner and
	// vibration) and the board, without reloading either.
	const called = await api(`/api/v1/offices/${OFFICE}/desks/taula-1/call-next`, undefined, 200);
	assert.equal(called.id, first.id);
	await B.waitUntil(phone, () => !document.getElementById('fl-banner').hidden, null, 'the live page alerts at two ahead');
	assert.equal((await phone.textContent('.fl-ahead')).trim(), '2');
	assert.match(await phone.textContent('#fl-banner'), /2|two/i);
	assert.ok((await phone.evaluate(() => window.vibrations.length)) >= 1, 'the phone vibrated');
	await a11y(phone, 'live-two-ahead');
	await B.waitUntil(board, (n) => {
		const row = [...document.querySelectorAll('#fl-refresh tbody tr')].find((tr) => tr.textContent.includes('(B)'));
		return row && Number(row.querySelector('td').textContent.trim()) === n;
	}, before - 1, 'the board shows one fewer waiting');
	assert.ok(Number(await board.evaluate(() => document.getElementById('fl-refresh').dataset.refreshed)) >= 1);
	await a11y(board, 'board-live');

	// The coordinator moves the person's ticket to the self-service zone with a note: the live
	// page hears it. Then closes the assisted zone's issuing, and reopens it.
	await board.fill('#b-number', mine.number);
	await board.selectOption('#b-to', 'autoservei');
	await board.fill('#b-note', 'Autoservei, ordinador 3');
	await Promise.all([board.waitForNavigation(), board.click('form[action="/floor/board/move"] button')]);
	let t = (await srv.get(`/api/v1/tickets/${mine.id}`, { headers: admin })).json();
	assert.equal(t.zone, 'autoservei');
	assert.equal(t.status, 'transferred');
	await B.waitUntil(phone, () => document.getElementById('fl-live').dataset.status === 'transferred', null, 'the live page hears the move');
	assert.match(await phone.textContent('#fl-status'), /Waiting \(transferred\)/);
	const assisted = board.locator('#fl-refresh tbody tr', { hasText: '(B)' });
	await Promise.all([board.waitForNavigation(), assisted.locator('button[name="open"][value="0"]').click()]);
	const closed = await srv.request('POST', `/api/v1/offices/${OFFICE}/tickets`, { headers: admin, body: { zone: 'assistida' } });
	assert.equal(closed.status, 409, closed.text);
	assert.equal(closed.json().error, 'issuing_closed');
	await a11y(board, 'board-closed');
	await Promise.all([board.waitForNavigation(), assisted.locator('button[name="open"][value="1"]').click()]);
	t = await issue();
	assert.match(t.number, /^B\d{3}$/);
	await B.waitUntil(display, (n) => document.getElementById('fl-latest').textContent.includes(n), called.number, 'the display shows the call');
	// Large and blinking: 5rem on a 1080p screen (about 4 cm on a 43-inch TV, for 5 metres).
	assert.equal(await display.locator('#fl-latest .fl-call-big.fl-blink').count(), 1, 'a new call blinks');
	const px = await display.evaluate(() => parseFloat(getComputedStyle(document.querySelector('#fl-latest .fl-call-big')).fontSize));
	assert.ok(px >= 72, `the latest call is ${px} px tall`);

	// The display loses its network; a call made meanwhile is there once it is back.
	const synced = Number(await display.evaluate(() => document.getElementById('fl-display').dataset.synced));
	wifi.cut();
	await B.waitUntil(display, () => !document.getElementById('fl-offline').hidden, null, 'the display says it is offline', 15000);
	await api(`/api/v1/tickets/${called.id}/no-show`, undefined, 200);
	const second = await api(`/api/v1/offices/${OFFICE}/desks/taula-1/call-next`, undefined, 200);
	wifi.restore();
	await B.waitUntil(display, (n) => Number(document.getElementById('fl-display').dataset.synced) > n, synced, 'the display resyncs', 20000);
	await B.waitUntil(display, (n) => document.getElementById('fl-latest').textContent.includes(n), second.number, 'the call made while offline is shown');
	assert.ok(await display.isHidden('#fl-offline'));
	// What failed is only what the cut broke.
	const lost = display.consoleErrors.splice(0);
	assert.ok(lost.every((e) => /ERR_CONNECTION_(RESET|REFUSED|CLOSED)|ERR_EMPTY_RESPONSE/.test(e)), lost.join('\n'));
	await a11y(display, 'display-resynced');
	await br.closeContexts();
	await wifi.close();
});

test('SIGTERM: the server exits 0 within 10 s', () => srv.stop());
