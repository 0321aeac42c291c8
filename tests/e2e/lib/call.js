'use strict';
// The video call in two browser contexts (tests/e2e/remote*.test.js): the citizen enters with
// the secret link the demo prints, the informer from a signed-in context; both press "enter",
// and we wait for the peer connection to be connected and for decoded video frames on both sides
// (RTCPeerConnection.getStats: inbound-rtp video framesDecoded).
const assert = require('node:assert/strict');
const fs = require('node:fs');
const B = require('./browser.js');

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// axe-core under the site's CSP: injected through evaluate, which the CSP does not govern.
async function a11y(page, label) {
	if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(AXE_SOURCE);
	await B.checkA11y(page, label);
}

// The citizen's link to the room that is open now, from the demo's output: { code, token, path }.
function demoRoom(srv) {
	const m = /citizen's link: \S*\/video\/([A-Z0-9]{8})\?token=([0-9a-f]{64})/.exec(srv.stdout.text());
	assert.ok(m, `the demo prints the open room's link:\n${srv.stdout.text().slice(0, 2000)}`);
	return { code: m[1], token: m[2], path: `/video/${m[1]}?token=${m[2]}` };
}

// The call's state in a page (window.finestretaCall) and the video it decodes.
async function callState(page) {
	return page.evaluate(async () => {
		const c = window.finestretaCall;
		if (!c || !c.pc) return { state: c ? c.state : 'none', frames: 0, pair: null };
		const stats = await c.pc.getStats();
		let frames = 0;
		let pair = null;
		const byId = new Map();
		stats.forEach((s) => byId.set(s.id, s));
		stats.forEach((s) => {
			if (s.type === 'inbound-rtp' && s.kind === 'video') frames += s.framesDecoded || 0;
			if (s.type === 'transport' && s.selectedCandidatePairId) pair = byId.get(s.selectedCandidatePairId);
		});
		const localType = pair && byId.get(pair.localCandidateId) ? byId.get(pair.localCandidateId).candidateType : null;
		return { state: c.pc.connectionState, frames, localType, verified: c.verified, phoneAsked: c.phoneAsked };
	});
}

// Opens the room in a page and enters once the camera check is done.
async function enter(page, path) {
	const res = await page.goto(path);
	assert.equal(res.status(), 200, `GET ${path}`);
	await page.locator('#rm-join:not([disabled])').waitFor({ timeout: 20000 });
	await page.click('#rm-join');
}

// Waits until both pages are connected and decode video frames; returns their states.
async function waitConnected(pages, timeout = 45000) {
	const t0 = Date.now();
	let states = [];
	for (;;) {
		states = await Promise.all(pages.map(callState));
		if (states.every((s) => s.state === 'connected' && s.frames > 0)) return { states, ms: Date.now() - t0 };
		if (Date.now() - t0 > timeout) assert.fail(`no connected call with video frames within ${timeout} ms: ${JSON.stringify(states)}`);
		await B.sleep(250);
	}
}

module.exports = { a11y, demoRoom, callState, enter, waitConnected };
