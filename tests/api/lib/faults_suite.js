'use strict';
// The storage fault-injection suite (tests/api/faults.test.js and its parts): the n-th database
// call of a request fails, for every n, and nothing may be half-written. The cases live in
// tests/api/faults/, one file per capability. The capabilities are shared out between PARTS test
// files by their measured weight, so that the node runner runs them side by side
// (scripts/run-api.sh); each part has a server of its own.
const { test, describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const L = require('./server.js');
const F = require('./faults.js');

const PARTS = 3;
// Seconds each capability's cases took on PostgreSQL (2 cores); others count 5.
const WEIGHT = { floor: 115, schedule: 62, booking: 57, chat: 57, remote: 26, requests: 20, catalog: 19, people: 16, padro: 11, ict: 9 };

const DIR = path.join(__dirname, '..', 'faults');
const modules = fs
	.readdirSync(DIR)
	.filter((f) => f.endsWith('.js'))
	.sort()
	.map((f) => ({ name: path.basename(f, '.js'), ...require(path.join(DIR, f)) }));

// Heaviest first, each to the lightest part so far.
function partOf() {
	const load = Array(PARTS).fill(0);
	const out = {};
	for (const m of [...modules].sort((a, b) => (WEIGHT[b.name] || 5) - (WEIGHT[a.name] || 5) || a.name.localeCompare(b.name))) {
		const k = load.indexOf(Math.min(...load));
		out[m.name] = k;
		load[k] += WEIGHT[m.name] || 5;
	}
	return out;
}

// A module may name its capability (`capability: 'floor'`): it is skipped when the binary does not
// serve it (the skeleton's cases, tests/api/faults/example.js).
const served = (m) => !m.capability || L.hasCapability(m.capability);

function run(part) {
	const srv = L.useServer({
		name: `fault injection server ${part + 1}/${PARTS}`,
		env: {
			FINESTRETA_SERVER_FAULT_INJECTION: 'true',
			FINESTRETA_JOBS_INTERVAL: '3600',
			// The figures' daily summary is written by the jobs thread on its first run, while
			// the first cases count every table's rows: a background writer is not the route's.
			FINESTRETA_FIGURES_SUMMARY: 'false',
			FINESTRETA_BOOKING_PROOF_OF_WORK: 'off',
			FINESTRETA_BOOKING_RATE_AVAILABILITY: '0',
			FINESTRETA_BOOKING_RATE_BOOKING: '0',
			FINESTRETA_BOOKING_MAX_HOLDS_PER_ADDRESS: '0',
			FINESTRETA_LOGIN_MAX_ATTEMPTS: '1000',
			FINESTRETA_LOGIN_MAX_ATTEMPTS_PER_IP: '100000',
			FINESTRETA_CHAT_RATE_START: '0',
			FINESTRETA_CHAT_RATE_MESSAGES: '0',
			FINESTRETA_CHAT_MAX_PER_CLIENT: '100000',
			FINESTRETA_REQUESTS_RATE_CREATE: '0',
			FINESTRETA_REQUESTS_RATE_READ: '0',
		},
	});

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

	if (part === 0) {
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
	}

	const parts = partOf();
	for (const m of modules.filter((x) => parts[x.name] === part)) {
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
}

module.exports = { run, PARTS };
