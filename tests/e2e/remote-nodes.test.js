'use strict';
// The video call across two server nodes on one PostgreSQL: the citizen's browser talks to node
// A, the informer's to node B; every signalling message crosses nodes (the row in the shared
// database, the notice through LISTEN/NOTIFY), the peer connection reaches "connected" and both
// sides decode video frames. The test starts its own throwaway PostgreSQL (scripts/pg-test.sh)
// and stops it. The documents are shared too: a file uploaded through A downloads through B.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const B = require('./lib/browser.js');
const C = require('./lib/call.js');

const PG = fs.mkdtempSync(path.join(os.tmpdir(), 'finestreta-pg-remote-'));
const DOCS = fs.mkdtempSync(path.join(os.tmpdir(), 'finestreta-docs-'));
const env = {
	FINESTRETA_DOCUMENTS_KEYS: '1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=',
	FINESTRETA_DOCUMENTS_DIR: DOCS,
};
let url;
let a;
let b;
const br = B.useBrowser({ args: B.FAKE_MEDIA });

before(async () => {
	fs.rmdirSync(PG);
	url = execFileSync(path.join(B.ROOT, 'scripts/pg-test.sh'), ['start', PG], { encoding: 'utf8' }).trim().split('\n').pop();
	a = new B.Server({ name: 'node A', db: url, env });
	b = new B.Server({ name: 'node B', db: url, env, command: 'serve' });
	await a.start(); // demo: creates the data
	await b.start();
}, { timeout: 120000 });

after(async () => {
	await Promise.all([a && a.kill(), b && b.kill()]);
	if (fs.existsSync(PG)) execFileSync(path.join(B.ROOT, 'scripts/pg-test.sh'), ['stop', PG]);
	fs.rmSync(DOCS, { recursive: true, force: true });
});

test('citizen on node A, informer on node B: connected, video frames both ways', { timeout: 180000 }, async () => {
	const room = C.demoRoom(a);
	const citizen = await br.page(a, { timeout: 30000 });
	await C.enter(citizen, room.path);
	const informer = await br.signedInPage(b, B.DEMO_USERS.informer, { timeout: 30000 });
	await C.enter(informer, `/video/${room.code}`);
	const { states, ms } = await C.waitConnected([citizen, informer]);
	console.log(`# two nodes: call connected with video both ways in ${ms} ms: ${JSON.stringify(states)}`);
	assert.deepEqual(citizen.consoleErrors, []);
	assert.deepEqual(informer.consoleErrors, []);

	// A document sent through node A is read through node B.
	const list = await b.get(`/api/v1/appointments/${room.code}/documents?token=${room.token}`);
	assert.equal(list.status, 200);
	const first = list.json().documents[0];
	const viaB = await b.get(first.href);
	const viaA = await a.get(first.href);
	assert.equal(viaB.status, 200);
	assert.deepEqual(viaB.body, viaA.body);
	await br.closeContexts();
});
