'use strict';
// Storage fault injection over every state-changing route (tests/api/lib/faults.js): the n-th
// database call of a request fails, for every n, and nothing may be half-written. The cases live
// in tests/api/faults/, one file per capability; a route that `finestreta routes` lists with POST,
// PUT, PATCH or DELETE and no case (or no written reason to skip it) fails the first test.
const { test, describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const L = require('./lib/server.js');
const F = require('./lib/faults.js');

const srv = L.useServer({
	name: 'fault injection server',
	env: {
		FINESTRETA_SERVER_FAULT_INJECTION: 'true',
		FINESTRETA_JOBS_INTERVAL: '3600',
		FINESTRETA_BOOKING_PROOF_OF_WORK: 'off',
		FINESTRETA_BOOKING_RATE_AVAILABILITY: '0',
		FINESTRETA_BOOKING_RATE_BOOKING: '0',
		FINESTRETA_LOGIN_MAX_ATTEMPTS: '1000',
		FINESTRETA_LOGIN_MAX_ATTEMPTS_PER_IP: '100000',
		FINESTRETA_CHAT_RATE_START: '0',
		FINESTRETA_CHAT_RATE_MESSAGES: '0',
		FINESTRETA_CHAT_MAX_PER_CLIENT: '100000',
		FINESTRETA_REQUESTS_RATE_CREATE: '0',
		FINESTRETA_REQUESTS_RATE_READ: '0',
	},
});

const DIR = path.join(__dirname, 'faults');
const modules = fs
	.readdirSync(DIR)
	.filter((f) => f.endsWith('.js'))
	.sort()
	.map((f) => ({ name: path.basename(f, '.js'), ...require(path.join(DIR, f)) }));

// What the cases share: the server, the harness, a session per demo role, an API token per role,
// SQL on the server's database, and a place for what a module's setup made.
const ctx = {
	srv,
	L,
	state: {},
	sessions: {},
	tokens: {},
	async session(role) {
		if (!this.sessions[role]) this.sessions[role] = await srv.loginOk(L.DEMO_USERS[role]);
		return this.sessions[role];
	},
	async bearer(role) {
		if (!this.tokens[role]) this.tokens[role] = await srv.token(L.DEMO_USERS[role]);
		return { Authorization: `Bearer ${this.tokens[role]}` };
	},
	sql(q) {
		return L.sql(srv.db, q);
	},
};

// A module may name its capability (`capability: 'floor'`): it is skipped when the binary does not
// serve it (the skeleton's cases, tests/api/faults/example.js).
const served = (m) => !m.capability || L.hasCapability(m.capability);

test('every state-changing route has a fault case or a reason to have none', () => {
	const unsafe = new Set();
	for (const r of L.routes()) {
		for (const m of r.methods) if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(m)) unsafe.add(`${m} ${r.pattern}`);
	}
	assert.ok(unsafe.size > 20, 'finestreta routes lists the routes');
	const covered = new Set();
	for (const m of modules.filter(served)) {
		for (const c of m.cases || []) covered.add(c.route);
		for (const r of Object.keys(m.exempt || {})) covered.add(r);
	}
	assert.deepEqual([...unsafe].filter((r) => !covered.has(r)), [], 'routes without a case in tests/api/faults/');
	assert.deepEqual([...covered].filter((r) => !unsafe.has(r)), [], 'cases for routes that do not exist');
});

for (const m of modules) {
	describe(`${m.name}: a failing database call writes nothing`, { skip: !served(m) }, () => {
		before(async () => {
			await srv.ready();
			if (m.setup) await m.setup(ctx);
		});
		for (const c of m.cases || []) {
			it(c.route, { timeout: 300000 }, async () => {
				const calls = await F.exercise(ctx, c);
				console.log(`# ${c.route}: ${calls} database calls`);
			});
		}
	});
}

test('SIGTERM: the server exits 0', () => srv.stop());
