'use strict';
// The Jitsi Meet mode (remote.video = jitsi): the room page links to the city's Jitsi site with an
// HS256 token (checked here with node's own HMAC-SHA256) limited to that room (room claim) and to
// the appointment's window (nbf, exp); the informer's token makes them moderator, the citizen's
// does not; the built-in call's script is not loaded; without the secret there is no link.
const { it } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const L = require('./lib/server.js');

const SECRET = 'jitsi-test-secret';
const srv = L.useServer({
	env: {
		FINESTRETA_REMOTE_VIDEO: 'jitsi',
		FINESTRETA_REMOTE_OPEN_BEFORE_MIN: '15',
		FINESTRETA_REMOTE_CLOSE_AFTER_MIN: '20',
		FINESTRETA_VIDEO_JITSI_URL: 'https://meet.example.org/',
		FINESTRETA_VIDEO_JITSI_SECRET: SECRET,
		FINESTRETA_VIDEO_JITSI_APP_ID: 'ajuntament',
		FINESTRETA_VIDEO_JITSI_AUD: 'meet',
	},
});

function room() {
	const m = /video\/([A-Z0-9]{8})\?token=([0-9a-f]{64})/.exec(srv.stdout.text());
	assert.ok(m, 'the demo prints the open room');
	return { code: m[1], token: m[2] };
}

const unb64 = (s) => Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');

// The link of a room page, its token's signature checked and its claims decoded.
function jitsiLink(page, code) {
	L.assertHtml(page, 200);
	const m = /id="rm-jitsi" href="https:\/\/meet\.example\.org\/([a-z0-9-]+)\?jwt=([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)"/.exec(page.text);
	assert.ok(m, 'the page links to the Jitsi room with a token');
	assert.equal(m[1], `finestreta-${code.toLowerCase()}`);
	const sig = crypto.createHmac('sha256', SECRET).update(`${m[2]}.${m[3]}`).digest();
	assert.deepEqual(unb64(m[4]), sig, 'signed with video.jitsi_secret');
	assert.deepEqual(JSON.parse(unb64(m[2])), { alg: 'HS256', typ: 'JWT' });
	assert.doesNotMatch(page.text, /\/static\/remote\/room\.[0-9a-f]+\.js/, 'no built-in call script');
	return { room: m[1], claims: JSON.parse(unb64(m[3])) };
}

it('the citizen\'s link: a token for that room only, valid from the opening to the closing', async () => {
	const { code, token } = room();
	const { room: name, claims } = jitsiLink(await srv.get(`/video/${code}?token=${token}`), code);
	const [start, end] = L.sql(srv.db, `SELECT start_at || ' ' || end_at FROM appointments WHERE code = '${code}'`).split(' ').map(Number);
	assert.equal(claims.room, name);
	assert.equal(claims.nbf, start - 15 * 60);
	assert.equal(claims.exp, end + 20 * 60);
	assert.equal(claims.iss, 'ajuntament');
	assert.equal(claims.aud, 'meet');
	assert.equal(claims.sub, 'meet.example.org');
	assert.equal(claims.context.user.moderator, false);
	assert.equal(claims.context.user.id, 'citizen');
});

it('the informer\'s link: the same room, as moderator, after signing in', async () => {
	const { code } = room();
	assert.notEqual((await srv.get(`/video/${code}`)).status, 200, 'no link without the secret or a session');
	const inf = await srv.loginOk(L.DEMO_USERS.informer);
	const { claims } = jitsiLink(await srv.get(`/video/${code}`, { jar: inf.jar }), code);
	assert.equal(claims.room, `finestreta-${code.toLowerCase()}`);
	assert.equal(claims.context.user.moderator, true);
	assert.equal(claims.context.user.id, 'staff');
});

it('a wrong secret gets no link', async () => {
	const { code } = room();
	const page = await srv.get(`/video/${code}?token=${'0'.repeat(64)}`);
	assert.equal(page.status, 404);
	assert.doesNotMatch(page.text, /jwt=/);
});

it('graceful shutdown', () => srv.stop());
