'use strict';
// The booking journey in Chromium on a phone (390 × 844), with the site's CSP enforced and
// axe-core (WCAG 2.1 A/AA) on every page: sending the details before the anti-robot check has
// finished waits and sends by itself; a form with errors takes the focus to its summary; the
// first heading clears the header; the home cards are links; the procedure list stays short; Back
// after booking shows the booking; the legal pages; the counter's check-in; and no staff page
// scrolls sideways on a phone. Screenshots go to build/e2e/journey-*.png.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const B = require('./lib/browser.js');

const srv = B.useServer({
	name: 'e2e journey server',
	env: {
		FINESTRETA_BOOKING_PROOF_OF_WORK: 'on',
		FINESTRETA_BOOKING_POW_MAX_NUMBER: '1000',
		FINESTRETA_BOOKING_RATE_AVAILABILITY: '0',
		FINESTRETA_BOOKING_RATE_BOOKING: '0',
		FINESTRETA_BOOKING_MAX_HOLDS_PER_ADDRESS: '0', // every page of this file comes from one address
	},
});
const br = B.useBrowser();

const PHONE = { width: 390, height: 844 };
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
let dniSeq = 60000000 + Math.floor(Math.random() * 1000000);

// An appointment booked through the API by an informer (no proof of work): { code, token }.
async function apiBook(service, office, idNumber, name) {
	const day = (await srv.get(`/api/v1/availability?service=${service}&channel=in_person&office=${office}`)).json().days[0];
	const auth = { Authorization: `Bearer ${await srv.token(B.DEMO_USERS.informer)}` };
	const r = await srv.request('POST', '/api/v1/appointments', {
		headers: auth,
		body: { service, channel: 'in_person', office, start: day.slots[0].start, name, id_type: 'dni', id_number: idNumber, email: `${idNumber.toLowerCase()}@example.com` },
	});
	assert.equal(r.status, 201, r.text);
	return { ...r.json(), date: day.date };
}

async function phonePage({ cookies } = {}) {
	return br.page(srv, { context: { viewport: PHONE, isMobile: true, hasTouch: true }, cookies, timeout: 20000 });
}

async function staffPage(role) {
	const { jar } = await srv.loginOk(B.DEMO_USERS[role]);
	return phonePage({ cookies: B.jarCookies(jar, srv) });
}

// No sideways scrolling on the phone, axe clean, nothing wrong in the console.
async function check(page, label, shot) {
	const wide = await page.evaluate(() => document.documentElement.scrollWidth);
	assert.ok(wide <= PHONE.width, `${label}: the page is ${wide}px wide on a ${PHONE.width}px phone`);
	if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(AXE_SOURCE);
	await B.checkA11y(page, label);
	assert.deepEqual(page.consoleErrors, [], `console problems on ${label}`);
	if (shot) await B.screenshot(page, `journey-${shot}`);
}

async function nav(page, locator) {
	const [res] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator(locator).first().click()]);
	return res;
}

// Up to the details page of an in-person booking at the centre.
async function toDetails(page) {
	await page.goto('/cita/oficina?service=cita-serveis&channel=in_person&office=centre&next=1');
	await nav(page, 'table.bk-cal a');
	// Picking a time holds a seat, so the proof of work is solved on the time page.
	await B.waitUntil(page, () => !!document.querySelector('input[name="altcha"]')?.value, null, 'the check is done', 60000);
	await nav(page, 'button.bk-time');
	assert.equal(new URL(page.url()).pathname, '/cita/dades');
	assert.equal(await page.locator('input[name="altcha"]').count(), 0, 'the hold paid: no second proof on the details page');
}

async function fillDetails(page) {
	await page.fill('#d-name', 'Antònia Roca Pujol');
	await page.fill('#d-id_number', B.dni(dniSeq++));
	await page.fill('#d-email', `antonia${dniSeq}@example.com`);
}

test('a form sent back with errors: the focus is on the error summary and the title starts with "Error:"', { timeout: 120000 }, async () => {
	const page = await phonePage();
	await toDetails(page);
	await page.fill('#d-name', 'Antònia Roca Pujol');
	await page.fill('#d-id_number', '12345678A');
	await nav(page, 'button.bk-submit');
	assert.match(await page.title(), /^Error: /);
	await B.waitUntil(page, () => document.activeElement && document.activeElement.id === 'form-errors', null, 'the focus on the summary');
	await check(page, 'details with errors', 'errors-focus');
	// The page without errors keeps its plain title.
	await page.goto('/cita');
	assert.doesNotMatch(await page.title(), /^Error/);
	await page.context().close();
});

test('the first heading does not touch the header; the home cards are links; the manage entry is there', async () => {
	const page = await phonePage();
	for (const url of ['/', '/cita', '/cita/gestiona', '/privacitat']) {
		await page.goto(url);
		const gap = await page.evaluate(() => document.querySelector('h1').getBoundingClientRect().top - document.querySelector('.site-header').getBoundingClientRect().bottom);
		assert.ok(gap >= 16, `${url}: ${gap}px between the header and the first heading`);
	}
	await page.goto('/');
	await check(page, 'home', 'home');
	// A tap on a card's description (not on its title) follows the card's link.
	for (const href of ['/cita/gestiona', '/cita']) {
		await page.goto('/');
		const box = await page.locator(`li.card:has(a[href="${href}"]) p`).boundingBox();
		await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)]);
		assert.equal(new URL(page.url()).pathname, href, `a tap on the card of ${href}`);
	}
	await page.context().close();
});

test('the procedure list is short on a phone, and a topic opens with a tap', async () => {
	const page = await phonePage();
	await page.goto('/cita');
	await check(page, 'procedure list', 'procedures');
	const height = await page.evaluate(() => document.documentElement.scrollHeight);
	assert.ok(height < 4000, `the list is ${height}px long on a phone`);
	const hidden = page.locator('details.bk-group').first().locator('a.bk-proc').first();
	assert.equal(await hidden.isVisible(), false, 'topics start closed');
	await page.locator('details.bk-group > summary').first().click();
	assert.equal(await hidden.isVisible(), true, 'a tap opens the topic');
	// The help line calls.
	assert.equal(await page.locator('a[href="tel:010"]').count() > 0, true);
	await page.goto('/cita?q=empadronar');
	await check(page, 'search for a verb', 'search');
	assert.ok((await page.locator('a.bk-proc[href*="service=padro-alta"]').count()) > 0);
	await page.context().close();
});

test('Back after booking shows the booking, not the form', { timeout: 120000 }, async () => {
	const page = await phonePage();
	await toDetails(page);
	await fillDetails(page);
	await nav(page, 'button.bk-submit');
	const confirmation = page.url();
	assert.match(confirmation, /\/cita\/[A-Z0-9]{8}\/confirmacio\?token=/);
	const code = (await page.locator('.bk-code').textContent()).trim();
	await page.goBack({ waitUntil: 'load' });
	assert.equal(page.url(), confirmation, 'back on the confirmation');
	assert.equal((await page.locator('.bk-code').textContent()).trim(), code);
	await check(page, 'confirmation after Back', 'back');
	await page.context().close();
});

test('offices without free days come last, marked; a cancelled appointment shows as cancelled', { timeout: 120000 }, async () => {
	const page = await phonePage();
	await page.goto('/cita/oficina?service=volant-individual&channel=in_person');
	await check(page, 'offices', 'offices');
	const last = page.locator('.bk-choice').last();
	assert.match(await last.textContent(), /Ara no hi ha hores lliures/);
	// A cancelled appointment through the API: its manage page.
	const a = await apiBook('cita-serveis', 'la-riera', B.dni(dniSeq++), 'Joana Vives');
	assert.equal((await srv.request('POST', `/api/v1/appointments/${a.code}/cancel`, { body: { token: a.token } })).status, 200);
	await page.goto(`/cita/${a.code}?token=${a.token}`);
	await check(page, 'cancelled appointment', 'cancelled');
	assert.equal(await page.locator('a[href*="calendar.ics"]').count(), 0);
	assert.match(await page.locator('main').textContent(), /Aquesta cita està anul·lada/);
	await page.context().close();
});

test('the legal pages are linked from every page and read well on a phone', async () => {
	const page = await phonePage();
	await page.goto('/cita');
	for (const [href, title] of [['/avis-legal', 'Avís legal'], ['/privacitat', 'Política de privacitat'], ['/accessibilitat', "Declaració d'accessibilitat"]]) {
		await page.goto('/cita');
		await nav(page, `footer a[href="${href}"]`);
		assert.equal(await page.locator('h1').textContent(), title);
		await check(page, title, href.slice(1));
	}
	await page.context().close();
});

test('the counter on a phone: the day\'s list, a check-in by code that asks for the ID number', { timeout: 120000 }, async () => {
	const id = B.dni(dniSeq++);
	const a = await apiBook('volant-individual', 'mar-blava', id, 'Lluïsa Camps Ferrer');
	const page = await staffPage('welcome');
	await page.goto(`/staff/cites/mar-blava?date=${a.date}`);
	await check(page, 'counter', 'counter');
	await page.fill('#k-find', a.code);
	await nav(page, 'section.bk-checkin button[type="submit"]');
	await check(page, 'counter, ID number asked', 'counter-id');
	await page.fill('#k-id_number', id);
	await nav(page, 'section.bk-checkin button.button');
	assert.match(await page.locator('[role="status"]').first().textContent(), /Lluïsa Camps Ferrer ha arribat/);
	await check(page, 'counter after check-in', 'counter-done');
	await page.goto(`/staff/cita/${a.code}`);
	await check(page, 'staff summary', 'staff-summary');
	await page.context().close();
});

test('no staff page scrolls sideways on a phone, and each is axe clean', { timeout: 300000 }, async () => {
	const admin = await staffPage('admin');
	const problems = [];
	for (const url of ['/staff', '/staff/cites/centre', '/staff/cita', '/admin/users', '/admin/settings', '/admin/audit', '/admin/outbox', '/admin/legal',
		'/admin/offices', '/admin/offices/centre', '/admin/procedures', '/admin/procedures/padro-alta', '/admin/organisations',
		'/schedule', '/schedule/offices/centre', '/schedule/offices/centre/slots', '/schedule/offices/centre/hours', '/schedule/holidays', '/schedule/shifts', '/schedule/skills']) {
		const res = await admin.goto(url);
		assert.equal(res.status(), 200, url);
		await check(admin, `${url} as admin`).catch((e) => problems.push(e.message.split('\n').slice(0, 4).join('\n')));
		admin.consoleErrors.length = 0;
	}
	await admin.context().close();
	assert.deepEqual(problems, []);
});

test('SIGTERM: the server exits 0', () => srv.stop());
