'use strict';
// Booking in the browser, on a phone-sized screen (390 × 844), as people do it: a citizen books
// on each channel (in person at an office, phone call-back, video call) through the real pages,
// with the proof of work on and the page's own solver (static/pow.js) solving the challenge in the
// page under the site's CSP; then manages the appointment through the manage link (reschedule, cancel); an
// informer books on a citizen's behalf; and a browser without JavaScript books end to end with
// the proof of work off. axe-core (WCAG 2.1 A/AA) runs on every page of the flow. Screenshots go
// to build/e2e/booking-*.png.
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const B = require('./lib/browser.js');

const srv = B.useServer({
	name: 'e2e booking server (proof of work on)',
	env: {
		FINESTRETA_BOOKING_PROOF_OF_WORK: 'on',
		FINESTRETA_BOOKING_POW_MAX_NUMBER: '1000',
		FINESTRETA_BOOKING_RATE_AVAILABILITY: '0',
		FINESTRETA_BOOKING_RATE_BOOKING: '0',
	},
});
const br = B.useBrowser();

const PHONE = { width: 390, height: 844 };
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
let dniSeq = 40000000 + Math.floor(Math.random() * 1000000);
function nextDni() {
	return B.dni(dniSeq++);
}

// A phone-sized context. The CSP is enforced (axe goes in through evaluate, which the CSP does
// not govern); script errors, CSP violations and failed sub-resources are collected.
async function phonePage(server, { javaScriptEnabled = true, cookies } = {}) {
	const context = { viewport: PHONE, isMobile: true, hasTouch: true, javaScriptEnabled, acceptDownloads: true };
	const page = await br.page(server, { context, cookies, timeout: 20000 });
	page.problems = page.consoleErrors;
	return page;
}

async function a11y(page, label) {
	if (page.jsOff) return;
	const has = await page.evaluate(() => typeof window.axe !== 'undefined');
	if (!has) await page.evaluate(AXE_SOURCE);
	await B.checkA11y(page, label);
}

// Every page of the flow: no sideways scrolling on the phone, no console problems, axe clean.
async function check(page, label, shot) {
	const res = page.lastStatus;
	if (!page.jsOff) {
		const wide = await page.evaluate(() => document.documentElement.scrollWidth);
		assert.ok(wide <= PHONE.width, `${label}: the page is ${wide}px wide on a ${PHONE.width}px phone`);
	}
	await a11y(page, label);
	assert.deepEqual(page.problems, [], `console problems on ${label}`);
	if (shot) await B.screenshot(page, `booking-${shot}`);
	return res;
}

async function go(page, url) {
	const res = await page.goto(url);
	page.lastStatus = res.status();
	return res;
}

// Clicks something that navigates and waits for the new page.
async function nav(page, locator) {
	const [res] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator(locator).first().click()]);
	page.lastStatus = res ? res.status() : 0;
	return res;
}

function path_(page) {
	const u = new URL(page.url());
	return u.pathname;
}

// Procedure → channel → [office] → day → time → details → confirmation, by clicking.
// Returns { code, manageHref }.
async function waitForProof(page) {
	if (page.jsOff || !(await page.locator('[data-pow]').count())) return;
	// The script fetches a challenge and solves it in a worker as soon as the page loads.
	await page.waitForFunction(() => {
		const i = document.querySelector('input[name="altcha"]');
		return i && i.value && i.value.length > 20;
	}, null, { timeout: 30000 });
}

async function bookAsCitizen(page, { channel, office, shots = '', pickTime = 'first', person, badFirst = false }) {
	await go(page, '/cita');
	assert.equal(page.lastStatus, 200);
	await check(page, 'step 1 (procedure)', shots && `${shots}1-service`);
	await nav(page, 'a.bk-proc[href="/cita/canal?service=cita-serveis"]');
	assert.equal(path_(page), '/cita/canal');
	await check(page, 'step 2 (channel)', shots && `${shots}2-channel`);
	await page.check(`#ch-${channel}`);
	await nav(page, 'button[name="next"]');
	if (channel === 'in_person') {
		assert.equal(path_(page), '/cita/oficina');
		await check(page, 'step 3 (office)', shots && `${shots}3-office`);
		await page.check(`#of-${office}`);
		await nav(page, 'button[name="next"]');
	}
	assert.equal(path_(page), '/cita/dia');
	await check(page, 'step (day)', shots && `${shots}4-day`);
	const days = page.locator('table.bk-cal a');
	assert.ok((await days.count()) > 0, 'free days are links');
	await nav(page, 'table.bk-cal a');
	assert.equal(path_(page), '/cita/hora');
	await check(page, 'step (time)', shots && `${shots}5-time`);
	const timeSel = pickTime === 'last' ? 'button.bk-time >> nth=-1' : 'button.bk-time';
	const chosen = (await page.locator(timeSel).first().textContent()).trim();
	await nav(page, timeSel);
	assert.equal(path_(page), '/cita/dades', `after picking ${chosen}`);
	assert.match(await page.locator('.bk-held').textContent(), /\d\d:\d\d/, 'how long the seat is held');
	const p = { name: 'Montserrat Vidal Puig', id: nextDni(), email: `m${dniSeq}@example.com`, phone: '', ...person };
	if (badFirst) {
		// A wrong check letter first: the page comes back with the summary and the field marked.
		const wrong = p.id.slice(0, 8) + B.DNI_LETTERS[(B.DNI_LETTERS.indexOf(p.id[8]) + 1) % 23];
		await page.fill('#d-name', p.name);
		await page.fill('#d-id_number', wrong);
		await waitForProof(page);
		await nav(page, 'button.bk-submit');
		assert.equal(page.lastStatus, 422);
		assert.equal(await page.getAttribute('#d-id_number', 'aria-invalid'), 'true');
		assert.equal(await page.inputValue('#d-name'), p.name, 'values are kept');
		assert.ok((await page.locator('#form-errors a[href="#d-id_number"]').count()) === 1);
		await check(page, 'details with errors', shots && `${shots}6-details-errors`);
	}
	await page.fill('#d-name', p.name);
	await page.check('#d-id_type-dni');
	await page.fill('#d-id_number', p.id);
	await page.fill('#d-email', p.email);
	if (p.phone) await page.fill('#d-phone', p.phone);
	await page.check('#d-conf-2');
	await waitForProof(page);
	await check(page, 'step (details)', shots && `${shots}6-details`);
	await nav(page, 'button.bk-submit');
	assert.match(path_(page), /^\/cita\/[A-Z0-9]{8}\/confirmacio$/, `confirmation page (${page.url()})`);
	assert.equal(page.lastStatus, 200);
	await check(page, 'confirmation', shots && `${shots}7-confirmation`);
	const code = (await page.locator('.bk-code').textContent()).trim();
	assert.match(code, /^[A-Z0-9]{8}$/);
	const manageHref = await page.locator('a.bk-manage').getAttribute('href');
	return { code, manageHref, time: chosen, person: p };
}

test('a citizen books in person at an office, with the proof of work solved in the browser', { timeout: 180000 }, async () => {
	const page = await phonePage(srv);
	const b = await bookAsCitizen(page, { channel: 'in_person', office: 'centre', shots: 'inperson-', badFirst: true });
	assert.match(await page.locator('main').textContent(), /OAC Centre/);
	// The downloads work from the page.
	const [ics] = await Promise.all([page.waitForEvent('download'), page.locator('a[href*="/calendar.ics?token="]').click()]);
	assert.equal(ics.suggestedFilename(), `cita-${b.code}.ics`);
	const [pdf] = await Promise.all([page.waitForEvent('download'), page.locator('a[href*="/receipt.pdf?token="]').click()]);
	assert.equal(pdf.suggestedFilename(), `cita-${b.code}.pdf`);
	await page.context().close();
});

test('a citizen books a phone call-back and a video call', { timeout: 180000 }, async () => {
	const page = await phonePage(srv);
	const phone = await bookAsCitizen(page, { channel: 'phone', shots: 'phone-', person: { phone: '612 345 678' } });
	assert.match(await page.locator('.bk-instructions').textContent(), /612345678|612 345 678/);
	await page.context().clearCookies();
	const video = await bookAsCitizen(page, { channel: 'video', shots: 'video-' });
	assert.notEqual(phone.code, video.code);
	assert.match(await page.locator('.bk-instructions').textContent(), /videotrucada/i);
	await page.context().close();
});

test('manage link: reschedule, then cancel', { timeout: 180000 }, async () => {
	const page = await phonePage(srv);
	const b = await bookAsCitizen(page, { channel: 'in_person', office: 'la-riera', pickTime: 'first' });
	await nav(page, 'a.bk-manage');
	assert.equal(path_(page), `/cita/${b.code}`);
	await check(page, 'manage page', 'manage');
	// Reschedule: the calendar, a day, a later time.
	await nav(page, `a[href^="/cita/${b.code}/canvia?token="]`);
	await check(page, 'reschedule calendar', 'reschedule-day');
	await nav(page, 'table.bk-cal a >> nth=-1');
	await check(page, 'reschedule times', 'reschedule-time');
	const newTime = (await page.locator('button.bk-time >> nth=-1').textContent()).trim();
	await nav(page, 'button.bk-time >> nth=-1');
	assert.equal(path_(page), `/cita/${b.code}`);
	assert.match(page.url(), /done=rescheduled/);
	assert.match(await page.locator('[role="status"]').first().textContent(), /canviat/);
	assert.match(await page.locator('.bk-when').textContent(), new RegExp(newTime));
	await check(page, 'manage page after reschedule');
	// Cancel: asked first, then done.
	await nav(page, `form[action="/cita/${b.code}/anulla"] button`);
	await check(page, 'cancel confirmation', 'cancel-confirm');
	await nav(page, 'form.bk-cancel-form button');
	assert.match(page.url(), /done=cancelled/);
	assert.match(await page.locator('.bk-status').textContent(), /Anul·lada/);
	assert.equal(await page.locator(`form[action="/cita/${b.code}/anulla"]`).count(), 0, 'nothing left to cancel');
	await check(page, 'manage page after cancel', 'cancelled');
	// The look-up form, by code and ID number, finds it too.
	await go(page, `/cita/gestiona?code=${b.code}`);
	await check(page, 'look-up form', 'lookup');
	await page.fill('#l-id_number', b.person.id);
	await nav(page, 'form[action="/cita/gestiona"] button');
	assert.equal(page.lastStatus, 200);
	assert.match(await page.locator('.bk-code-inline').textContent(), new RegExp(b.code));
	await check(page, 'manage page by code and ID');
	// The pages that say something went wrong are accessible too.
	await go(page, '/cita/canal?service=no-such-procedure');
	assert.equal(page.lastStatus, 404);
	await check(page, 'unknown procedure', 'problem');
	await go(page, '/cita/canal?service=padro-alta&channel=phone&next=1');
	assert.equal(page.lastStatus, 422);
	await check(page, 'channel not allowed');
	await page.context().close();
});

test('an informer books on a citizen\'s behalf from the staff area', { timeout: 180000 }, async () => {
	const { jar } = await srv.loginOk(B.DEMO_USERS.informer);
	const page = await phonePage(srv, { cookies: B.jarCookies(jar, srv) });
	await go(page, '/staff');
	await check(page, 'staff home (informer)');
	await nav(page, 'a[href="/staff/cita"]');
	await check(page, 'staff step 1', 'staff-1-service');
	await page.fill('#bk-q', 'serveis municipals');
	await nav(page, 'form.bk-search button');
	await nav(page, 'a.bk-proc[href="/staff/cita/canal?service=cita-serveis"]');
	await page.check('#ch-phone');
	await nav(page, 'button[name="next"]');
	await check(page, 'staff day', 'staff-4-day');
	await nav(page, 'table.bk-cal a');
	await check(page, 'staff times', 'staff-5-time');
	await nav(page, 'button.bk-time');
	await page.fill('#d-name', 'Josep Martí');
	await page.check('#d-id_type-nie');
	await page.fill('#d-id_number', 'X1234567L');
	await page.fill('#d-phone', '699 000 111');
	assert.equal(await page.locator('[data-pow]').count(), 0, 'no proof of work for staff');
	await check(page, 'staff details', 'staff-6-details');
	await nav(page, 'button.bk-submit');
	assert.match(path_(page), /^\/staff\/cita\/[A-Z0-9]{8}$/);
	await check(page, 'staff summary', 'staff-7-summary');
	const text = await page.locator('main').textContent();
	assert.ok(text.includes(B.DEMO_USERS.informer), 'who booked it');
	assert.match(text, /\/cita\/[A-Z0-9]{8}\?token=[0-9a-f]{64}/, 'the manage link to hand over');
	// The script shows the print button once it has run.
	await B.waitUntil(page, () => {
		const b = document.querySelector('button[data-print]');
		return !!b && b.getClientRects().length > 0 && getComputedStyle(b).visibility !== 'hidden';
	}, null, 'the print button shows with JavaScript');
	await page.context().close();
});

test('the citizen home links to the booking flow', async () => {
	const page = await phonePage(srv);
	await go(page, '/');
	await nav(page, 'a[href="/cita"]');
	assert.equal(path_(page), '/cita');
	await page.context().close();
});

// Without JavaScript: a server with the proof of work off, and a browser that runs no script.
const nojs = new B.Server({
	name: 'e2e booking server (proof of work off)',
	env: { FINESTRETA_BOOKING_PROOF_OF_WORK: 'off', FINESTRETA_BOOKING_RATE_AVAILABILITY: '0', FINESTRETA_BOOKING_RATE_BOOKING: '0' },
});
after(() => nojs.kill());

test('without JavaScript a citizen books end to end (proof of work off)', { timeout: 180000 }, async () => {
	await nojs.start();
	const page = await phonePage(nojs, { javaScriptEnabled: false });
	page.jsOff = true;
	const b = await bookAsCitizen(page, { channel: 'in_person', office: 'mar-blava', shots: 'nojs-' });
	assert.match(b.code, /^[A-Z0-9]{8}$/);
	// And manages it: cancel, still without script.
	await nav(page, 'a.bk-manage');
	await nav(page, `form[action="/cita/${b.code}/anulla"] button`);
	await nav(page, 'form.bk-cancel-form button');
	assert.match(page.url(), /done=cancelled/);
	await page.context().close();
	await nojs.stop();
});

test('with the proof of work on and no JavaScript, the time step says what to do', { timeout: 60000 }, async () => {
	const page = await phonePage(srv, { javaScriptEnabled: false });
	page.jsOff = true;
	await go(page, '/cita/dia?service=cita-serveis&channel=video');
	await nav(page, 'table.bk-cal a');
	// Picking a time holds a seat, so the proof of work is asked there, before any seat is taken.
	assert.equal(path_(page), '/cita/hora');
	const noscript = await page.locator('.bk-nojs').textContent();
	assert.match(noscript, /JavaScript/);
	assert.match(noscript, /010/);
	await B.screenshot(page, 'booking-nojs-pow');
	await nav(page, 'button.bk-time');
	assert.equal(page.lastStatus, 422);
	assert.equal(path_(page), '/cita/hora');
	assert.match(await page.locator('#form-errors').textContent(), /JavaScript/);
	await page.context().close();
});
