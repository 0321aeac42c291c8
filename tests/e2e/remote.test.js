'use strict';
// The built-in video call in Chromium, as people use it: the citizen opens the secret link of
// the demo's room that is open now, checks the (fake) camera and microphone in the waiting room
// and enters; the informer signs in, opens the agenda, the appointment and the room; the peer
// connection reaches "connected" and both sides decode video frames (getStats). Then the
// informer marks the identity verified (the citizen's page says so), the citizen asks to be
// called by phone (the informer's page shows it), the citizen ends the call (the informer's page
// says they left). axe-core (WCAG 2.1 A/AA) runs on the waiting room, the agenda, the
// appointment page and the document space. Screenshots go to build/e2e/remote-*.png.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const B = require('./lib/browser.js');
const C = require('./lib/call.js');

const srv = B.useServer({ name: 'e2e remote server' });
const br = B.useBrowser({ args: B.FAKE_MEDIA });

test('two browsers: a connected video call with decoded frames both ways', { timeout: 180000 }, async () => {
	const room = C.demoRoom(srv);
	const citizen = await br.page(srv, { timeout: 30000 });
	await C.enter(citizen, room.path);
	await B.waitUntil(citizen, () => /sala d'espera/.test(document.getElementById('rm-status').textContent), null, 'the waiting room says the informer will join');
	await C.a11y(citizen, 'the video room (citizen)');
	await B.screenshot(citizen, 'remote-waiting-room');

	const informer = await br.signedInPage(srv, B.DEMO_USERS.informer, { timeout: 30000 });
	const agenda = await informer.goto('/remote');
	assert.equal(agenda.status(), 200);
	await C.a11y(informer, 'the agenda');
	await informer.click(`a[href="/remote/${room.code}"]`);
	await informer.waitForURL(new RegExp(`/remote/${room.code}$`));
	await C.a11y(informer, 'the appointment page');
	await B.screenshot(informer, 'remote-case');
	await C.enter(informer, `/video/${room.code}`);

	const { states, ms } = await C.waitConnected([citizen, informer]);
	console.log(`# call connected with video both ways in ${ms} ms: ${JSON.stringify(states)}`);
	await B.screenshot(citizen, 'remote-call-citizen');
	await B.screenshot(informer, 'remote-call-informer');
	await B.waitUntil(citizen, () => !document.getElementById('rm-controls').hidden, null, 'the controls show');
	await C.a11y(informer, 'the video room (informer, in the call)');

	// The attention is under way: the appointment moved on (the informer's page said connected).
	await B.waitFor(() => B.sql(srv.db, `SELECT status FROM appointments WHERE code = '${room.code}'`) === 'in_service', 10000, 'in_service');

	// Mute and camera off are toggles with their state said.
	await citizen.click('#rm-mute');
	assert.equal(await citizen.getAttribute('#rm-mute', 'aria-pressed'), 'true');
	assert.equal(await citizen.evaluate(() => window.finestretaCall.pc.getSenders().find((s) => s.track && s.track.kind === 'audio').track.enabled), false);
	await citizen.click('#rm-mute');
	assert.equal(await citizen.getAttribute('#rm-mute', 'aria-pressed'), 'false');

	// Identity verified by the informer: recorded, and the citizen's page says it.
	await informer.click('#rm-verify');
	await B.waitUntil(citizen, () => window.finestretaCall.verified === true, null, 'the citizen hears the identity was verified');
	assert.match(B.sql(srv.db, `SELECT verified_by FROM remote_cases c JOIN appointments a ON a.id = c.appointment_id WHERE a.code = '${room.code}'`), /informador@/);

	// The phone channel offered: the citizen asks, the informer's page shows it.
	await citizen.evaluate(() => (document.getElementById('rm-fallback').hidden = false));
	await citizen.click('#rm-phone');
	await B.waitUntil(informer, () => !document.getElementById('rm-phone-request').hidden, null, 'the informer sees the request to be called');

	// The citizen ends; the informer's page says they left.
	await citizen.click('#rm-end');
	await B.waitUntil(informer, () => window.finestretaCall.state === 'left', null, 'the informer sees the citizen left');
	assert.deepEqual(citizen.consoleErrors, [], 'no console problems (citizen)');
	assert.deepEqual(informer.consoleErrors, [], 'no console problems (informer)');

	// The document space from the mail's link, axe-clean.
	const docs = await citizen.goto(`/docs/${room.code}?token=${room.token}`);
	assert.equal(docs.status(), 200);
	await C.a11y(citizen, 'the document space');
	await br.closeContexts();
});

test('the room refuses without the secret and with a wrong one, with a page that says why', async () => {
	const room = C.demoRoom(srv);
	const page = await br.page(srv);
	let res = await page.goto(`/video/${room.code}`);
	assert.equal(res.status(), 403);
	assert.match(await page.locator('h1').textContent(), /Falta una part de l'enllaç/);
	await C.a11y(page, 'the refusal page');
	res = await page.goto(`/video/${room.code}?token=${'0'.repeat(64)}`);
	assert.equal(res.status(), 404);
	await br.closeContexts();
});

test('graceful shutdown', () => srv.stop());
