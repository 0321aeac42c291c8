'use strict';
// The anti-robot check of the booking flow (static/pow.js) in a real browser under the site's
// CSP. It is asked where a seat is taken — the time page, whose time buttons hold a seat — and
// not again on the details page. A person who picks a time before the check is done is told to
// wait a moment and the form goes by itself, with the time picked, once it is; a browser without Web Workers or WebCrypto still solves it; a
// failed challenge says so, offers a button to try again, and that works. The status is a live
// region and the page stays axe-clean in every state.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const B = require('./lib/browser.js');

const srv = B.useServer({
	name: 'e2e proof-of-work server',
	env: {
		FINESTRETA_BOOKING_PROOF_OF_WORK: 'on',
		FINESTRETA_BOOKING_POW_MAX_NUMBER: '20000',
		FINESTRETA_BOOKING_RATE_AVAILABILITY: '0',
		FINESTRETA_BOOKING_RATE_BOOKING: '0',
		FINESTRETA_BOOKING_MAX_HOLDS_PER_ADDRESS: '0', // every page of this file comes from one address
	},
});
const br = B.useBrowser();
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
let seq = 52000000 + Math.floor(Math.random() * 1000000);

async function nav(page, selector) {
	await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator(selector).first().click()]);
}

// A video call (no office step) up to the time page, where the check runs.
async function toTimes(page) {
	await page.goto('/cita/dia?service=cita-serveis&channel=video');
	await nav(page, 'table.bk-cal a');
	assert.equal(new URL(page.url()).pathname, '/cita/hora');
}

// On the details page (the hold paid: no second check there), the form filled in and sent.
async function detailsAndBook(page) {
	assert.equal(new URL(page.url()).pathname, '/cita/dades');
	assert.equal(await page.locator('[data-pow]').count(), 0, 'no second check on the details page');
	await page.fill('#d-name', 'Aina Serra Bosch');
	await page.fill('#d-id_number', B.dni(seq++));
	await page.fill('#d-email', `aina${seq}@example.com`);
	await nav(page, 'button.bk-submit');
}

// axe-core through evaluate, which the CSP does not govern: the page keeps its real CSP.
async function a11y(page, label) {
	if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(AXE_SOURCE);
	await B.checkA11y(page, label);
}

async function state(page) {
	return page.locator('[data-pow]').getAttribute('data-state');
}

async function status(page) {
	return (await page.locator('.bk-pow-status').textContent()).trim();
}

async function confirmed(page) {
	await page.waitForURL(/\/cita\/[A-Z0-9]{8}\/confirmacio(\?|$)/, { timeout: 30000 });
	assert.match(await page.locator('.bk-code').textContent(), /[A-Z0-9]{8}/);
}

test('sent before the check is done: "wait a moment", then the form goes by itself', { timeout: 90000 }, async () => {
	const page = await br.page(srv);
	// The challenge takes its time to arrive, as on a slow phone line.
	let release;
	const held = new Promise((r) => (release = r));
	await page.route('**/api/v1/pow/challenge', async (route) => {
		const res = await route.fetch();
		await held;
		await route.fulfill({ response: res });
	});
	await toTimes(page);
	assert.equal(await page.getAttribute('.bk-pow-status', 'role'), 'status');
	assert.equal(await state(page), 'verifying');
	assert.equal(await status(page), 'Comprovant…');
	const picked = page.locator('button.bk-time').nth(1);
	const start = await picked.getAttribute('value');
	await picked.click();
	await B.waitUntil(page, () => document.querySelector('[data-pow]').dataset.state === 'wait', null, 'the wait message');
	assert.match(await status(page), /moment/);
	assert.equal(new URL(page.url()).pathname, '/cita/hora', 'still on the times');
	assert.equal(await page.inputValue('input[name="altcha"]'), '', 'nothing solved yet');
	await a11y(page, 'time page, waiting for the check');
	release();
	await page.waitForURL(/\/cita\/dades/, { timeout: 30000 });
	assert.equal(await page.inputValue('input[name="start"]'), start, 'the time picked went along');
	await detailsAndBook(page);
	await confirmed(page);
	assert.deepEqual(page.consoleErrors, []);
	await page.context().close();
});

test('without Web Workers and WebCrypto the page solves it itself', { timeout: 90000 }, async () => {
	const page = await br.page(srv);
	await page.addInitScript(() => {
		delete window.Worker;
		Object.defineProperty(window.crypto, 'subtle', { value: undefined });
	});
	await toTimes(page);
	assert.equal(await page.evaluate(() => typeof Worker), 'undefined');
	await B.waitUntil(page, () => document.querySelector('[data-pow]').dataset.state === 'verified', null, 'solved in the page', 30000);
	assert.equal(await status(page), 'Comprovat');
	const payload = JSON.parse(Buffer.from(await page.inputValue('input[name="altcha"]'), 'base64').toString());
	assert.deepEqual(Object.keys(payload).sort(), ['algorithm', 'challenge', 'number', 'salt', 'signature']);
	await nav(page, 'button.bk-time');
	await detailsAndBook(page);
	await confirmed(page);
	assert.deepEqual(page.consoleErrors, []);
	await page.context().close();
});

test('a failed challenge: the error, a button to try again, and then it works', { timeout: 90000 }, async () => {
	const page = await br.page(srv);
	let calls = 0;
	await page.route('**/api/v1/pow/challenge', async (route) => {
		if (++calls === 1) await route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":"unavailable"}' });
		else await route.continue();
	});
	await toTimes(page);
	await B.waitUntil(page, () => document.querySelector('[data-pow]').dataset.state === 'error', null, 'the error shows');
	assert.match(await status(page), /fallat/);
	const retry = page.locator('.bk-pow-retry');
	assert.ok(await retry.isVisible(), 'the retry button shows');
	await a11y(page, 'time page, check failed');
	await retry.focus();
	await page.keyboard.press('Enter');
	await B.waitUntil(page, () => document.querySelector('[data-pow]').dataset.state === 'verified', null, 'solved after retrying', 30000);
	assert.ok(!(await retry.isVisible()), 'the retry button goes away');
	assert.equal(calls, 2);
	await a11y(page, 'time page, check done');
	await nav(page, 'button.bk-time');
	await detailsAndBook(page);
	await confirmed(page);
	await page.context().close();
});

test('SIGTERM: the server exits 0', async () => {
	await br.closeContexts();
	await srv.stop();
});
