'use strict';
// Nobody can lock staff out: wrong passwords lock an account for the address they come from only
// (login.max_attempts), with waits that grow (login.lockout, doubled per further failure), and an
// address trying many accounts is locked itself (login.max_attempts_per_ip). The check and the
// count are one step, so concurrent guesses get no more tries than the limit. Clients are
// distinct loopback addresses (127.x.y.z).
const { it, test, describe } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib/server.js');
const A = require('./lib/attack.js');

const MAX = 3;
const LOCKOUT = 2;
const PER_ADDRESS = 8;
const srv = L.useServer({
	name: 'sign-in under attack',
	env: {
		// The lock-out is what these tests are about: the password-hashing gate is left wide open
		// here (attack-hash.test.js floods it at 1).
		FINESTRETA_AUTH_MAX_CONCURRENT_HASHES: '64',
		FINESTRETA_LOGIN_MAX_ATTEMPTS: String(MAX),
		FINESTRETA_LOGIN_LOCKOUT: String(LOCKOUT),
		FINESTRETA_LOGIN_LOCKOUT_MAX: '60',
		FINESTRETA_LOGIN_MAX_ATTEMPTS_PER_IP: String(PER_ADDRESS),
	},
});

async function signIn(email, password, from) {
	const jar = new L.CookieJar();
	const page = await srv.get('/login', { jar, from });
	const csrf = L.csrfFrom(page.text);
	return srv.request('POST', '/login', { jar, from, headers: L.FORM, body: L.formBody({ email, password, _csrf: csrf }) });
}

describe('lock-outs', { concurrency: false }, () => {
	it('wrong passwords from one address lock the account there only, with growing waits', async () => {
		const email = L.DEMO_USERS.informer;
		for (let i = 0; i < MAX; i++) assert.equal((await signIn(email, `wrong-${i}`, '127.0.20.1')).status, 401);
		const locked = await signIn(email, L.DEMO_PASSWORD, '127.0.20.1');
		L.assertHtml(locked, 429, 'the right password from the guessing address');
		const wait = Number(locked.headers['retry-after']);
		assert.ok(wait >= 1 && wait <= LOCKOUT, `Retry-After ${wait} (login.lockout ${LOCKOUT})`);
		// The account's owner, elsewhere, is not locked out.
		const owner = await signIn(email, L.DEMO_PASSWORD, '127.0.20.2');
		assert.equal(owner.status, 303, 'the right password from another address');
		// After the wait one more try; its failure doubles the next wait.
		await L.sleep(wait * 1000 + 300);
		assert.equal((await signIn(email, 'wrong-again', '127.0.20.1')).status, 401);
		const longer = await signIn(email, L.DEMO_PASSWORD, '127.0.20.1');
		assert.equal(longer.status, 429);
		const next = Number(longer.headers['retry-after']);
		assert.ok(next > LOCKOUT && next <= 2 * LOCKOUT, `the next wait is longer: ${next} s`);
	});

	it(`20 concurrent wrong passwords get exactly ${MAX} tries`, async () => {
		const email = L.DEMO_USERS.coordinator;
		const results = await Promise.all(Array.from({ length: 20 }, (_, i) => signIn(email, `guess-${i}`, '127.0.21.1')));
		assert.deepEqual(A.tally(results.map((r) => r.status)), { 401: MAX, 429: 20 - MAX });
		const n = L.sql(srv.db, `SELECT COUNT(*) FROM login_attempts WHERE email = '${email}' AND ip = '127.0.21.1'`);
		assert.equal(n, String(MAX), 'only the tries checked were counted');
		assert.equal((await signIn(email, L.DEMO_PASSWORD, '127.0.21.2')).status, 303, 'the owner elsewhere');
	});

	it(`one address trying many accounts is stopped after ${PER_ADDRESS} failures; others are not`, async () => {
		for (let i = 0; i < PER_ADDRESS; i++) assert.equal((await signIn(`nobody${i}@vilamar.example`, 'x', '127.0.22.1')).status, 401);
		L.assertHtml(await signIn(L.DEMO_USERS.welcome, L.DEMO_PASSWORD, '127.0.22.1'), 429, 'a new account from that address');
		assert.equal((await signIn(L.DEMO_USERS.welcome, L.DEMO_PASSWORD, '127.0.22.2')).status, 303, 'from another address');
	});

	it('a sign-in flood from 10 addresses: each gets its tries, then is refused at once; the service keeps answering', async () => {
		const stop = A.legit(srv, { paths: ['/login', '/'] });
		// Each address guesses until it has been refused twice (at most 20 tries).
		const per = await Promise.all(
			A.addresses(23, 10).map(async (from) => {
				const out = [];
				while (out.filter((s) => s === 429).length < 2 && out.length < 20) out.push((await signIn(L.DEMO_USERS.admin, 'not-it', from)).status);
				return out;
			})
		);
		const stats = await stop();
		for (const statuses of per) {
			// Three password checks, then refusals; a fourth check only if a whole wait of LOCKOUT s
			// passed between two tries of one address.
			const checks = statuses.filter((s) => s === 401).length;
			assert.ok(checks >= MAX && checks <= MAX + 1, `password checks from one address: ${statuses}`);
			assert.deepEqual(statuses.slice(0, MAX), Array(MAX).fill(401), `the first ${MAX} tries are checked: ${statuses}`);
			assert.deepEqual([...new Set(statuses)].sort(), [401, 429], `only 401 and 429: ${statuses}`);
		}
		const all = per.flat();
		console.log(`# ${all.length} sign-in attempts from 10 addresses: ${all.filter((s) => s === 401).length} checked, ${all.filter((s) => s === 429).length} refused`);
		A.assertServed(stats, 'sign-in flood from 10 addresses');
		assert.equal((await signIn(L.DEMO_USERS.admin, L.DEMO_PASSWORD, '127.0.0.1')).status, 303, 'the admin still signs in');
	});
});

test('SIGTERM: the server exits 0', () => srv.stop());
