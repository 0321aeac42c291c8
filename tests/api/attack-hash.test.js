'use strict';
// A sign-in flood does not slow everyone down: password checks (argon2id, 64 MiB and ~0.1–0.3 s
// of a core each) take turns from one gate, at most auth.max_concurrent_hashes at once (1 here);
// a sign-in that finds no turn is answered at once 503 with Retry-After and "too many sign-ins
// right now" in the visitor's language, the same for known and unknown accounts, and counts no
// try towards the lock-out. Meanwhile a public page and a signed-in staff page from other
// addresses keep being answered quickly. Clients are distinct loopback addresses (127.x.y.z).
// A sign-in waiting for its turn holds no worker thread (the check runs off them), so the queue
// (auth.hash_queue) works with the defaults: staff signing in at the same moment all get in.
const { it, test, describe } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib/server.js');
const A = require('./lib/attack.js');

const MAX = 3; // login.max_attempts
const srv = L.useServer({
	name: 'password hashing under a sign-in flood',
	env: {
		FINESTRETA_AUTH_MAX_CONCURRENT_HASHES: '1',
		FINESTRETA_LOGIN_MAX_ATTEMPTS: String(MAX),
		FINESTRETA_LOGIN_MAX_ATTEMPTS_PER_IP: '1000',
		// Room for a burst of five checks one after another on a machine shared with other work.
		FINESTRETA_AUTH_HASH_WAIT_MS: '5000',
	},
});
// Every [auth] setting at its default: on a 2-core machine one check at once, four more may wait.
// On PostgreSQL it gets a database of its own beside the file's (`demo` recreates it), made on the
// server itself so that it outlives the file's.
function ownDatabase(suffix) {
	if (!L.IS_PG) return undefined;
	return L.makeDatabase(process.env.FINESTRETA_TEST_DB, `${new URL(L.TEST_DB).pathname.slice(1)}_${suffix}`);
}
const dflt = L.useServer({ name: 'password hashing with the default settings', db: ownDatabase('defaults') });

// What a refused sign-in says, in each language (locale/auth/*.po, login_busy).
const BUSY = {
	ca: "Massa inicis de sessió en aquest moment. Torneu-ho a provar d'aquí a un moment.",
	es: 'Demasiados inicios de sesión en este momento. Vuelva a intentarlo en un momento.',
	en: 'Too many sign-ins right now. Try again in a moment.',
};
const LANGS = Object.keys(BUSY);
// Legitimate answers during the flood: p95 at most this (the machine's two cores are shared with
// the attackers and the server's one hashing turn).
const P95_MS = 300;

// The sign-in form fetched from `from`, then a function that posts it (opts: e.g. a timeout).
async function signInForm(server, email, password, from, lang = 'ca') {
	const jar = new L.CookieJar();
	const headers = { 'Accept-Language': lang };
	const page = await server.get('/login', { jar, from, headers });
	const csrf = L.csrfFrom(page.text);
	return (opts = {}) =>
		server.request('POST', '/login', { jar, from, headers: { ...L.FORM, ...headers }, body: L.formBody({ email, password, _csrf: csrf }), ...opts });
}

async function signIn(email, password, from, lang = 'ca') {
	return (await signInForm(srv, email, password, from, lang))();
}

// Staff from `from` addresses post their sign-ins at the same moment; each answer with its time.
async function rush(server, emails, from) {
	const posts = await Promise.all(emails.map((e, i) => signInForm(server, e, L.DEMO_PASSWORD, from[i])));
	const t0 = Date.now();
	return Promise.all(posts.map((post) => post().then((res) => ({ res, ms: Date.now() - t0 }))));
}

// The error shown above the sign-in form.
function alertText(res) {
	const m = /<div class="alert alert-error" role="alert" id="login-error">([^<]*)<\/div>/.exec(res.text);
	return m ? L.decodeEntities(m[1]) : null;
}

function attemptsFrom(address) {
	return Number(L.sql(srv.db, `SELECT COUNT(*) FROM login_attempts WHERE ip = '${address}'`));
}

describe('a sign-in flood from many addresses', { concurrency: false }, () => {
	it('is answered 503 beyond the hashing turns, counts no tries, and leaves other pages fast', async () => {
		const staff = await srv.loginOk(L.DEMO_USERS.coordinator);
		const publicPages = A.legit(srv, { paths: ['/', '/healthz'], from: '127.0.0.1' });
		const staffPages = A.legit(srv, { paths: ['/staff', '/api/v1/me'], from: '127.0.0.2', jar: staff.jar });
		const refused = []; // { res, known, lang }
		// Known account, wrong passwords: each address stops one short of the lock-out, whatever
		// number of 503s it got (the attacker ignores Retry-After).
		const t0 = Date.now();
		const known = A.addresses(40, 12).map(async (from, i) => {
			const out = [];
			while (out.filter((s) => s === 401).length < MAX - 1 && Date.now() - t0 < 30000) {
				const lang = LANGS[(i + out.length) % LANGS.length];
				const res = await signIn(L.DEMO_USERS.informer, `wrong-${out.length}`, from, lang);
				out.push(res.status);
				if (res.status === 503) refused.push({ res, known: true, lang });
			}
			return { from, statuses: out };
		});
		// Unknown accounts: the same answers.
		const unknown = A.addresses(41, 8).map(async (from, i) => {
			const out = [];
			for (let k = 0; k < 4; k++) {
				const lang = LANGS[(i + k) % LANGS.length];
				const res = await signIn(`nobody${i}.${k}@vilamar.example`, 'whatever-it-is', from, lang);
				out.push(res.status);
				if (res.status === 503) refused.push({ res, known: false, lang });
			}
			return { from, statuses: out };
		});
		const flood = await Promise.all([...known, ...unknown]);
		const pub = await publicPages();
		const stf = await staffPages();

		const all = flood.flatMap((f) => f.statuses);
		console.log(`# ${all.length} sign-ins from 20 addresses: ${JSON.stringify(A.tally(all))}`);
		assert.deepEqual([...new Set(all)].filter((s) => s !== 401 && s !== 503), [], `only 401 and 503: ${JSON.stringify(A.tally(all))}`);
		assert.ok(refused.some((x) => x.known), 'sign-ins to a known account were refused for want of a turn');
		assert.ok(refused.some((x) => !x.known), 'sign-ins to unknown accounts were refused for want of a turn');
		for (const { res, lang } of refused) {
			L.assertHtml(res, 503, 'a sign-in without a hashing turn');
			assert.equal(res.headers['retry-after'], '1');
			assert.equal(alertText(res), BUSY[lang], `the refusal in ${lang}`);
		}

		// Other visitors were served, and quickly.
		A.assertServed(pub, 'public pages during the sign-in flood');
		A.assertServed(stf, 'staff pages during the sign-in flood');
		assert.ok(pub.p95 <= P95_MS, `public pages: p95 ${pub.p95} ms`);
		assert.ok(stf.p95 <= P95_MS, `staff pages: p95 ${stf.p95} ms`);

		// Only the checked tries were counted: an address refused 503 any number of times is one
		// try short of its lock-out, so the right password still gets in from there.
		const results = await Promise.all(known);
		let refusedAndFine = 0;
		for (const { from, statuses } of results) {
			const checked = statuses.filter((s) => s === 401).length;
			assert.equal(checked, MAX - 1, `${from}: ${statuses}`);
			assert.equal(attemptsFrom(from), checked, `${from}: the tries counted are the 401s (${statuses})`);
			if (statuses.includes(503)) refusedAndFine++;
		}
		for (const { from } of results) {
			const res = await signIn(L.DEMO_USERS.informer, L.DEMO_PASSWORD, from);
			assert.equal(res.status, 303, `the right password from ${from} after the flood`);
		}
		assert.ok(refusedAndFine > 0, 'some address was refused 503 and still signs in');
	});

	it('creating an account during a flood is refused 503 when no turn is free, never 500', async () => {
		const admin = await srv.loginOk(L.DEMO_USERS.admin);
		let running = true;
		const flood = A.addresses(42, 6).map(async (from) => {
			while (running) await signIn(`nobody@vilamar.example`, 'whatever-it-is', from);
		});
		const statuses = [];
		let busy = null;
		for (let i = 0; i < 40 && !busy; i++) {
			const res = await srv.postForm(
				'/admin/users',
				{ email: `flood${i}@vilamar.example`, name: `Flood ${i}`, role: 'informer', password: 'a-long-enough-password' },
				{ jar: admin.jar, formPage: '/admin/users' }
			);
			statuses.push(res.status);
			if (res.status === 503) busy = res;
		}
		running = false;
		await Promise.all(flood);
		assert.deepEqual([...new Set(statuses)].filter((s) => s !== 201 && s !== 503), [], `only 201 and 503: ${statuses}`);
		assert.ok(busy, `an account creation found no turn among ${statuses.length}`);
		L.assertHtml(busy, 503, 'an account creation without a hashing turn');
		assert.equal(busy.headers['retry-after'], '1');
		assert.match(busy.text, /El servidor està ocupat comprovant contrasenyes/);
	});
});

describe('a morning rush of staff sign-ins', { concurrency: false }, () => {
	const STAFF = ['admin', 'coordinator', 'informer', 'ict_agent'].map((k) => L.DEMO_USERS[k]);

	it('with the default settings, four staff signing in at the same moment all get in', async () => {
		const out = await rush(dflt, STAFF, A.addresses(43, STAFF.length));
		console.log(`# 4 sign-ins at once (defaults): ${out.map((o) => `${o.res.status} in ${o.ms} ms`).join(', ')}`);
		for (const [i, { res }] of out.entries()) {
			assert.equal(res.status, 303, `${STAFF[i]}: ${res.status} ${alertText(res) || ''}`);
			assert.ok(res.headers['set-cookie'].some((c) => c.startsWith('fin_session=')), `${STAFF[i]} has a session`);
		}
	});

	it('with one check at once, the four that wait their turn within hash_wait_ms get in too', async () => {
		const five = [...STAFF, L.DEMO_USERS.welcome];
		const out = await rush(srv, five, A.addresses(44, five.length));
		console.log(`# 5 sign-ins at once (one check at a time): ${out.map((o) => `${o.res.status} in ${o.ms} ms`).join(', ')}`);
		for (const [i, { res }] of out.entries()) assert.equal(res.status, 303, `${five[i]}: ${res.status} ${alertText(res) || ''}`);
		// One at a time: the last answer came after several checks, not with the first.
		const times = out.map((o) => o.ms).sort((a, b) => a - b);
		assert.ok(times[4] >= times[0] + 100, `the checks took turns: ${times}`);
	});
});

describe('checks in flight', { concurrency: false }, () => {
	it('a client that leaves while its check waits or runs gives its place back, and others still get in', async () => {
		const emails = [L.DEMO_USERS.admin, L.DEMO_USERS.coordinator, L.DEMO_USERS.informer, L.DEMO_USERS.ict_agent, L.DEMO_USERS.welcome];
		const from = A.addresses(45, emails.length);
		const forms = await Promise.all(emails.map((e, i) => signInForm(srv, e, L.DEMO_PASSWORD, from[i])));
		// Each client hangs up 20 ms after sending: one check runs, four wait, nobody reads.
		const gone = await Promise.allSettled(forms.map((post) => post({ timeout: 20 })));
		assert.deepEqual(
			gone.map((g) => g.status),
			emails.map(() => 'rejected'),
			`every client hung up before its answer: ${gone.map((g) => g.value?.status)}`
		);
		await L.sleep(1500); // their checks end meanwhile
		const out = await rush(srv, emails, A.addresses(46, emails.length));
		for (const [i, { res }] of out.entries()) assert.equal(res.status, 303, `${emails[i]} after the others left: ${res.status}`);
	});
});

test('SIGTERM with checks in flight: they finish and are answered, then the server exits 0', async () => {
	const emails = [L.DEMO_USERS.admin, L.DEMO_USERS.coordinator, L.DEMO_USERS.informer, L.DEMO_USERS.ict_agent, L.DEMO_USERS.welcome];
	const from = A.addresses(47, emails.length);
	const posts = await Promise.all(emails.map((e, i) => signInForm(srv, e, L.DEMO_PASSWORD, from[i])));
	const answers = Promise.allSettled(posts.map((post) => post()));
	await L.sleep(30); // in: one check runs, four wait their turn
	await srv.stop();
	const settled = await answers;
	assert.deepEqual(
		settled.map((a) => (a.status === 'fulfilled' ? a.value.status : String(a.reason))),
		emails.map(() => 303)
	);
	await dflt.stop();
});
