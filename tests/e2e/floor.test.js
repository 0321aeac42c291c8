'use strict';
// The office floor in the browser, several pages at once as on a real morning at the demo's
// central office: the call display (the display account, sound turned on), the welcome desk
// issues a ticket, the person follows it on a phone, the desk opens and calls it — the display
// shows it and plays the spoken call, the live page shows the desk — then serves and finishes
// it, and the live page offers the survey, which is answered. axe-core (WCAG 2.1 A/AA) on every
// page; no script errors. Screenshots go to build/e2e/floor-*.png.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const B = require('./lib/browser.js');

const srv = B.useServer({ name: 'e2e floor server', env: { FINESTRETA_FLOOR_RATE_PUBLIC: '0' } });
const br = B.useBrowser();
const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };

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

	// The welcome desk registers an arrival and sends them to the assisted zone.
	const welcome = await br.signedInPage(srv, B.DEMO_USERS.welcome, { axe: true });
	await welcome.goto('/floor/welcome');
	await a11y(welcome, 'welcome');
	await welcome.selectOption('#w-service', 'idcat-mobil');
	await welcome.check('#w-age_band-over_50');
	await welcome.check('#w-gender-woman');
	await welcome.check('#w-aut-0');
	await welcome.selectOption('#w-lang', 'es');
	await Promise.all([welcome.waitForNavigation(), welcome.click('button[name="zone"][value="assistida"]')]);
	assert.match(welcome.url(), /\/floor\/welcome\/ticket\/\d+\?token=[0-9a-f]{64}$/);
	const number = (await welcome.textContent('.fl-ticket-number')).replace(/\s+/g, ' ').trim().split(' ').pop();
	assert.match(number, /^B\d{3}$/);
	assert.ok(await welcome.isVisible('button[data-print]'), 'one-click print');
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

test('SIGTERM: the server exits 0 within 10 s', () => srv.stop());
