'use strict';
// What a citizen's phone downloads: every citizen page, visited as a first visit (the browser's
// cache off, so the page brings its stylesheet, scripts, icon and the proof-of-work challenge
// with it), must transfer less than 50 KB — bytes on the wire as Chromium counts them (headers
// included, bodies as sent, compressed when the server compresses). The walk goes through the
// whole booking flow with the proof of work on, then the pages of a booked appointment.
// The table of sizes is printed (and written to build/e2e/weight.json) for docs/benchmarks.md.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const B = require('./lib/browser.js');

const LIMIT = 50 * 1024;

const srv = B.useServer({
	name: 'e2e page weight server',
	env: {
		FINESTRETA_BOOKING_PROOF_OF_WORK: 'on',
		FINESTRETA_BOOKING_POW_MAX_NUMBER: '1000',
		FINESTRETA_BOOKING_RATE_AVAILABILITY: '0',
		FINESTRETA_BOOKING_RATE_BOOKING: '0',
	},
});
const br = B.useBrowser();

// Counts the bytes of every response the page receives (its workers' included): Playwright's
// request.sizes() gives the response's header and body bytes as they came over the connection
// (the body encoded, as sent). The DevTools protocol turns the browser's cache off.
async function meter(page) {
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('Network.enable');
	await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
	const m = { done: [], pending: new Set() };
	const ctx = page.context();
	ctx.on('request', (r) => m.pending.add(r));
	ctx.on('requestfailed', (r) => m.pending.delete(r));
	ctx.on('requestfinished', async (r) => {
		const s = await r.sizes();
		m.done.push([new URL(r.url()).pathname, s.responseHeadersSize + s.responseBodySize]);
		m.pending.delete(r);
	});
	m.reset = () => {
		m.done = [];
		m.pending.clear();
	};
	// Everything the page asked for since the last reset, once all of it has arrived.
	m.total = async () => {
		await page.waitForLoadState('networkidle');
		for (let i = 0; i < 100 && m.pending.size; i++) await new Promise((r) => setTimeout(r, 50));
		assert.equal(m.pending.size, 0, `every request finished: ${[...m.pending].map((r) => r.url()).join(', ')}`);
		const parts = [...m.done];
		return { total: parts.reduce((s, [, n]) => s + n, 0), parts };
	};
	return m;
}

const weights = [];

async function weigh(m, label, page) {
	const { total, parts } = await m.total();
	weights.push({ page: label, path: new URL(page.url()).pathname, bytes: total, parts });
	return total;
}

async function visit(page, m, label, url) {
	m.reset();
	const res = await page.goto(url);
	assert.ok(res.status() < 500, `${label}: ${res.status()}`);
	return weigh(m, label, page);
}

async function click(page, m, label, selector) {
	m.reset();
	await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator(selector).first().click()]);
	return weigh(m, label, page);
}

// The proof of work is solved by the page's script: wait until it filled the field.
async function proofDone(page) {
	await page.waitForFunction(() => {
		const i = document.querySelector('input[name="altcha"]');
		return i && i.value.length > 20;
	}, null, { timeout: 30000 });
}

test('every citizen page weighs under 50 KB on a first visit', { timeout: 180000 }, async () => {
	const page = await br.page(srv, {
		context: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
		timeout: 30000,
	});
	const m = await meter(page);
	await visit(page, m, 'home', '/');
	await visit(page, m, 'procedures (step 1)', '/cita');
	await click(page, m, 'channel', 'a.bk-proc[href="/cita/canal?service=cita-serveis"]');
	await page.check('#ch-in_person');
	await click(page, m, 'office', 'button[name="next"]');
	await page.check('#of-centre');
	await click(page, m, 'day (calendar)', 'button[name="next"]');
	// Picking a time holds a seat: the time page carries the proof of work, weighed once solved.
	await click(page, m, 'time (proof of work)', 'table.bk-cal a');
	await proofDone(page);
	weights.pop();
	await weigh(m, 'time (proof of work)', page);
	await click(page, m, 'details', 'button.bk-time');
	await page.fill('#d-name', 'Núria Pla Soler');
	await page.fill('#d-id_number', B.dni(47000000 + Math.floor(Math.random() * 100000)));
	await page.fill('#d-email', 'nuria@example.com');
	await click(page, m, 'confirmation', 'button.bk-submit');
	assert.match(new URL(page.url()).pathname, /^\/cita\/[A-Z0-9]{8}\/confirmacio$/);
	const manage = await page.locator('a.bk-manage').getAttribute('href');
	await visit(page, m, 'manage', manage);
	await click(page, m, 'reschedule (calendar)', 'a[href*="/canvia?token="]');
	await visit(page, m, 'manage', manage);
	await click(page, m, 'cancel (asked first)', 'form[action$="/anulla"] button');
	await visit(page, m, 'look-up', '/cita/gestiona');
	await visit(page, m, 'not found', '/no-such-page');
	await page.context().close();

	const rows = weights.map((w) => `  ${w.page.padEnd(26)} ${(w.bytes / 1024).toFixed(1).padStart(6)} KB  ${w.path}`);
	console.log(`first-visit transfer per citizen page (limit ${LIMIT / 1024} KB):\n${rows.join('\n')}`);
	fs.mkdirSync(B.SHOTS, { recursive: true });
	fs.writeFileSync(path.join(B.SHOTS, 'weight.json'), JSON.stringify(weights, null, 1));
	assert.ok(weights.length >= 12, 'every page was weighed');
	for (const w of weights) {
		const detail = w.parts.map(([p, n]) => `${p} ${n}`).join(', ');
		assert.ok(w.bytes < LIMIT, `${w.page} (${w.path}) transfers ${w.bytes} bytes: ${detail}`);
	}
});
