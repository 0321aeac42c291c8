'use strict';
// The video call through a real TURN server: coturn (Debian's package) on loopback with
// use-auth-secret, Finestreta issuing per-call credentials in coturn's REST scheme, and
// video.ice_transport_policy = relay so that the browsers may only use relayed candidates. The
// call connects with video frames both ways over relay candidates, which proves coturn accepted
// the credentials. coturn is started here and stopped after.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const B = require('./lib/browser.js');
const C = require('./lib/call.js');

const TURN = '/usr/bin/turnserver';
const SECRET = 'e2e-turn-secret-' + Math.random().toString(16).slice(2);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'finestreta-turn-'));
let turn;
let port;
const srv = new B.Server({ name: 'e2e turn server' });
const br = B.useBrowser({ args: B.FAKE_MEDIA });

before(async () => {
	assert.ok(fs.existsSync(TURN), `${TURN} missing: scripts/install-deps.sh installs coturn`);
	port = await B.freePort();
	const relayBase = 40000 + Math.floor(Math.random() * 20000);
	turn = spawn(TURN, [
		'-n', '--listening-ip=127.0.0.1', '--relay-ip=127.0.0.1', `--listening-port=${port}`, '--no-tls', '--no-dtls',
		'--use-auth-secret', `--static-auth-secret=${SECRET}`, '--realm=finestreta.test', '--no-cli', '--allow-loopback-peers',
		`--min-port=${relayBase}`, `--max-port=${relayBase + 200}`, `--pidfile=${path.join(dir, 'turn.pid')}`,
		`--userdb=${path.join(dir, 'turn.db')}`, '--log-file=stdout', '--simple-log',
	], { stdio: ['ignore', 'pipe', 'pipe'] });
	let log = '';
	turn.stdout.on('data', (d) => (log += d));
	turn.stderr.on('data', (d) => (log += d));
	await B.waitFor(() => /Total (General|UDP|auth) servers|IO method/.test(log) || turn.exitCode !== null, 10000, 'coturn starts');
	assert.equal(turn.exitCode, null, `coturn exited:\n${log}`);
	srv.extraEnv = {
		FINESTRETA_VIDEO_TURN_URLS: `turn:127.0.0.1:${port}?transport=udp`,
		FINESTRETA_VIDEO_TURN_SECRET: SECRET,
		FINESTRETA_VIDEO_ICE_TRANSPORT_POLICY: 'relay',
	};
	await srv.start();
}, { timeout: 60000 });

after(async () => {
	await srv.kill();
	if (turn && turn.exitCode === null) {
		turn.kill('SIGTERM');
		await new Promise((r) => turn.once('exit', r));
	}
	fs.rmSync(dir, { recursive: true, force: true });
});

test('relay only, through coturn with per-call REST credentials: connected, video both ways', { timeout: 180000 }, async () => {
	const room = C.demoRoom(srv);
	const citizen = await br.page(srv, { timeout: 30000 });
	await C.enter(citizen, room.path);
	const informer = await br.signedInPage(srv, B.DEMO_USERS.informer, { timeout: 30000 });
	await C.enter(informer, `/video/${room.code}`);
	const { states, ms } = await C.waitConnected([citizen, informer]);
	console.log(`# relayed call connected with video both ways in ${ms} ms: ${JSON.stringify(states)}`);
	for (const s of states) assert.equal(s.localType, 'relay', 'the selected candidate pair is relayed');
	await br.closeContexts();
});
