'use strict';
// A citizen whose camera does not work (getUserMedia refuses video in that context): the waiting
// room says the call goes on with voice only and offers the phone instead; the call still
// connects, the informer hears them (inbound audio packets) and receives no video, and the
// citizen sees the informer (decoded video frames). Then the informer turns the camera off and on
// and shares the screen, which the citizen decodes. axe-core runs on the waiting room so.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const B = require('./lib/browser.js');
const C = require('./lib/call.js');

const srv = B.useServer({ name: 'e2e remote audio server' });
const br = B.useBrowser({ args: B.FAKE_MEDIA });

// What a page receives: decoded video frames and audio packets.
function received(page) {
	return page.evaluate(async () => {
		const c = window.finestretaCall;
		const out = { state: c.pc ? c.pc.connectionState : c.state, frames: 0, audio: 0 };
		if (!c.pc) return out;
		(await c.pc.getStats()).forEach((s) => {
			if (s.type === 'inbound-rtp' && s.kind === 'video') out.frames += s.framesDecoded || 0;
			if (s.type === 'inbound-rtp' && s.kind === 'audio') out.audio += s.packetsReceived || 0;
		});
		return out;
	});
}

test('no camera: voice only with the phone offered, and the call connects', { timeout: 180000 }, async () => {
	const room = C.demoRoom(srv);
	const citizen = await br.page(srv, { timeout: 30000 });
	await citizen.addInitScript(() => {
		const md = navigator.mediaDevices;
		const orig = md.getUserMedia.bind(md);
		md.getUserMedia = (c) => (c && c.video ? Promise.reject(new DOMException('no camera', 'NotFoundError')) : orig(c));
	});
	await C.enter(citizen, room.path);
	const waiting = {
		...(await citizen.evaluate(() => ({
			camera: document.getElementById('rm-camera-state').textContent,
			audioOnly: document.getElementById('rm-room').dataset.msgAudioonly,
		}))),
		fallback: await citizen.isVisible('#rm-fallback'),
		phone: await citizen.isVisible('#rm-phone'),
		audioButton: await citizen.isVisible('#rm-audio'),
	};
	assert.ok(waiting.audioOnly, 'the page carries the voice-only message');
	assert.equal(waiting.camera, waiting.audioOnly, 'the camera check says voice only');
	assert.equal(waiting.fallback, true, 'the phone is offered');
	assert.equal(waiting.phone, true);
	assert.equal(waiting.audioButton, false, 'no "voice only" button when it already is');
	await C.a11y(citizen, 'the video room without a camera');
	await B.screenshot(citizen, 'remote-audio-only');

	const informer = await br.signedInPage(srv, B.DEMO_USERS.informer, { timeout: 30000 });
	await C.enter(informer, `/video/${room.code}`);
	const t0 = Date.now();
	let c, i;
	for (;;) {
		[c, i] = await Promise.all([received(citizen), received(informer)]);
		if (c.state === 'connected' && i.state === 'connected' && c.frames > 0 && i.audio > 20) break;
		if (Date.now() - t0 > 45000) assert.fail(`no voice-only call within 45 s: citizen ${JSON.stringify(c)}, informer ${JSON.stringify(i)}`);
		await B.sleep(250);
	}
	console.log(`# voice-only call connected in ${Date.now() - t0} ms: citizen ${JSON.stringify(c)}, informer ${JSON.stringify(i)}`);
	assert.equal(i.frames, 0, 'the informer receives no video from a citizen without a camera');
	await B.waitUntil(citizen, () => !document.getElementById('rm-controls').hidden, null, 'the controls show');
	assert.equal(await citizen.isVisible('#rm-mute'), true);
	assert.equal(await citizen.isVisible('#rm-camera'), false, 'no camera button without a camera');
	assert.equal(await citizen.evaluate(() => window.finestretaCall.pc.getSenders().some((s) => s.track && s.track.kind === 'video')), false);

	// The informer's camera off and on: a toggle with its state said.
	await informer.click('#rm-camera');
	assert.equal(await informer.getAttribute('#rm-camera', 'aria-pressed'), 'true');
	assert.equal(await informer.evaluate(() => window.finestretaCall.pc.getSenders().find((s) => s.track && s.track.kind === 'video').track.enabled), false);
	await informer.click('#rm-camera');
	assert.equal(await informer.getAttribute('#rm-camera', 'aria-pressed'), 'false');

	// The informer shares the screen: the video sent is the screen's, and the citizen goes on
	// decoding frames; sharing again goes back to the camera.
	await informer.click('#rm-share');
	await informer.locator('#rm-share[aria-pressed="true"]').waitFor({ timeout: 15000 });
	assert.equal(
		await informer.evaluate(() => {
			const c = window.finestretaCall;
			return c.pc.getSenders().find((s) => s.track && s.track.kind === 'video').track === c.screen.getVideoTracks()[0];
		}),
		true,
		'the screen\'s track is the one sent'
	);
	const f0 = (await received(citizen)).frames;
	await B.waitFor(async () => (await received(citizen)).frames > f0 + 10, 15000, 'the citizen decodes the shared screen');
	await informer.click('#rm-share');
	await informer.locator('#rm-share[aria-pressed="false"]').waitFor({ timeout: 15000 });
	assert.equal(await informer.evaluate(() => window.finestretaCall.screen), null);
});

test('graceful shutdown', () => srv.stop());
