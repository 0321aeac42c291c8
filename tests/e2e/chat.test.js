'use strict';
// The chat in the browser: a citizen and an informer in two browser contexts, under the site's
// CSP. The citizen starts a conversation on a procedure's chat page, the informer takes it from
// the inbox and sees the citizen's timeline beside it, they exchange messages live (Server-Sent
// Events, sent without reloading), typing shows, a quick reply goes into the box in one click,
// hostile text arrives as text; axe-core (WCAG 2.1 A/AA) on every page, deferred requests' and
// the citizen record's pages included. Screenshots go to build/e2e/chat-*.png.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const B = require('./lib/browser.js');

const srv = B.useServer({
	name: 'e2e chat server',
	env: { FINESTRETA_CHAT_RATE_START: '0', FINESTRETA_CHAT_RATE_MESSAGES: '0', FINESTRETA_REQUESTS_RATE_CREATE: '0' },
});
const br = B.useBrowser();
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const HOSTILE = '<img src=x onerror="window.pwned=1"> \u202Egnol';

async function a11y(page, label) {
	if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(AXE_SOURCE);
	await B.checkA11y(page, label);
	assert.deepEqual(page.consoleErrors, [], `${label}: console errors`);
}

test('a citizen and an informer chat in two browsers; the informer sees the timeline', { timeout: 120000 }, async () => {
	const citizen = await br.page(srv);
	await citizen.goto('/xat');
	await a11y(citizen, 'chat index');
	await citizen.goto('/xat/volant-individual');
	await a11y(citizen, 'chat start');
	await citizen.fill('#ch-name', 'Núria Vidal');
	await citizen.fill('#ch-email', 'nuria.vidal@example.org');
	await citizen.fill('#ch-text', 'Bon dia, necessito un volant');
	await Promise.all([citizen.waitForNavigation(), citizen.click('form[action="/xat/volant-individual"] button[type="submit"]')]);
	assert.match(citizen.url(), /\/xat\/c\/\d+\?token=[0-9a-f]{64}/);
	const id = citizen.url().match(/\/c\/(\d+)/)[1];
	await citizen.waitForSelector('#chat-pos');
	await a11y(citizen, 'citizen conversation (waiting)');

	const staff = await br.signedInPage(srv, B.DEMO_USERS.informer);
	await staff.goto('/staff/chat');
	await a11y(staff, 'staff inbox');
	await staff.waitForSelector(`a[href="/staff/chat/${id}"]`);
	await staff.goto(`/staff/chat/${id}`);
	await Promise.all([staff.waitForNavigation(), staff.click(`form[action="/staff/chat/${id}/take"] button`)]);
	// The citizen's page learns it was taken (its state changes: the page shows the new one).
	await citizen.waitForSelector('#chat-status[data-status="open"]', { timeout: 10000 });

	// The timeline beside the conversation: the person is known by the e-mail given.
	await staff.waitForSelector('.chat-aside .pe-timeline');
	assert.ok(await staff.isVisible('.chat-aside .pe-timeline'));
	await a11y(staff, 'staff conversation');

	// Staff → citizen, live, without a reload.
	await staff.fill('#chat-text', 'Bon dia! Teniu idCAT Mòbil? https://seu.vilamar.example/tramits');
	await staff.click('#chat-form button[type="submit"]');
	await citizen.waitForFunction(() => [...document.querySelectorAll('#chat-log .chat-staff .chat-text')].some((p) => /idCAT/.test(p.textContent)), null, { timeout: 5000 });
	const link = await citizen.getAttribute('#chat-log .chat-staff a', 'href');
	assert.equal(link, 'https://seu.vilamar.example/tramits', 'a staff link is a link');

	// Typing shows on the other side.
	await citizen.type('#chat-text', 'No');
	await staff.waitForSelector('#chat-typing:not([hidden])', { timeout: 5000 });

	// Citizen → staff, hostile text arrives as text.
	await citizen.fill('#chat-text', HOSTILE);
	await citizen.click('#chat-form button[type="submit"]');
	await staff.waitForFunction((t) => [...document.querySelectorAll('#chat-log .chat-citizen .chat-text')].some((p) => p.textContent.includes(t)), '<img src=x onerror="window.pwned=1">', { timeout: 5000 });
	assert.equal(await staff.evaluate(() => document.querySelectorAll('#chat-log img').length), 0, 'no markup from the citizen');
	assert.equal(await staff.evaluate(() => window.pwned), undefined);
	assert.ok(await staff.evaluate(() => !document.querySelector('#chat-log').textContent.includes('\u202E')), 'no override');
	await staff.reload();
	assert.equal(await staff.evaluate(() => document.querySelectorAll('#chat-log img').length), 0, 'nor after a reload');

	// A quick reply goes into the box in one click.
	await staff.click('.chat-replies button[data-insert]');
	assert.notEqual(await staff.inputValue('#chat-text'), '');
	await a11y(citizen, 'citizen conversation (open)');
	await B.screenshot(citizen, 'chat-citizen');
	await B.screenshot(staff, 'chat-informer');

	// The informer closes it with an outcome; the citizen sees the end.
	await Promise.all([staff.waitForNavigation(), staff.click(`form[action="/staff/chat/${id}/close"] button`)]);
	await citizen.waitForSelector('#chat-status[data-status="closed"]', { timeout: 10000 });
	await a11y(citizen, 'citizen conversation (closed)');
	await br.closeContexts();
});

test('the chat works without JavaScript: a plain form, new messages on reload', { timeout: 60000 }, async () => {
	const page = await br.page(srv, { context: { javaScriptEnabled: false } });
	await page.goto('/xat/volant-collectiu');
	await page.fill('#ch-name', 'Sense JavaScript');
	await page.fill('#ch-text', 'Hola');
	await Promise.all([page.waitForNavigation(), page.click('form[action="/xat/volant-collectiu"] button[type="submit"]')]);
	await page.fill('#chat-text', 'Segon missatge');
	await Promise.all([page.waitForNavigation(), page.click('#chat-form button[type="submit"]')]);
	const texts = await page.$$eval('#chat-log .chat-text', (ps) => ps.map((p) => p.textContent));
	assert.deepEqual(texts, ['Hola', 'Segon missatge']);
	await br.closeContexts();
});

test('deferred requests, the citizen record and the chat settings pages are axe-clean', { timeout: 120000 }, async () => {
	const citizen = await br.page(srv);
	await citizen.goto('/cita/canal?service=volant-individual');
	await a11y(citizen, 'the procedure\'s booking page with its chat and request links');
	await Promise.all([citizen.waitForNavigation(), citizen.click('a[href="/xat/volant-individual"]')]);
	assert.equal(new URL(citizen.url()).pathname, '/xat/volant-individual');
	await citizen.goto('/cita/canal?service=volant-individual');
	await Promise.all([citizen.waitForNavigation(), citizen.click('a[href="/consulta/nova?servei=volant-individual"]')]);
	await a11y(citizen, 'request form');
	await citizen.selectOption('#rq-topic', 'procedure');
	await citizen.fill('#rq-text', 'Puc demanar el volant per correu?');
	await citizen.fill('#rq-name', 'Marta Ferrer');
	await citizen.fill('#rq-email', 'marta.ferrer@example.cat');
	await Promise.all([citizen.waitForNavigation(), citizen.click('form[action="/consulta/nova"] button[type="submit"]')]);
	assert.match(citizen.url(), /\/consulta\/[2-9A-Z]{8}\?token=/);
	await a11y(citizen, 'request status');
	await citizen.goto('/consulta/nova');
	await Promise.all([citizen.waitForNavigation(), citizen.click('form[action="/consulta/nova"] button[type="submit"]')]);
	await a11y(citizen, 'request form with errors');

	const coord = await br.signedInPage(srv, B.DEMO_USERS.coordinator);
	for (const [url, label] of [
		['/staff/requests', 'request queue'],
		['/staff/requests/overdue', 'overdue requests'],
		['/staff/requests/new', 'record a request'],
		['/staff/people', 'people search'],
		['/staff/people?email=nuria.vidal%40example.org&reason=attending', 'people results'],
		['/staff/chat/replies', 'quick replies'],
		['/staff/chat/hours', 'chat hours'],
	]) {
		await coord.goto(url);
		await a11y(coord, label);
	}
	await coord.goto('/staff/requests');
	const code = await coord.$eval('table.table tbody a', (a) => a.textContent);
	await coord.goto(`/staff/requests/${code}`);
	await a11y(coord, 'one request');
	await coord.goto('/staff/people?email=nuria.vidal%40example.org&reason=attending');
	await Promise.all([coord.waitForNavigation(), coord.click('ul.list a')]);
	await coord.waitForSelector('.pe-timeline');
	await a11y(coord, 'a person\'s record');
	const bare = coord.url().replace(/\?.*$/, '');
	await coord.goto(bare);
	await a11y(coord, 'the reason form');
	await br.closeContexts();
});
