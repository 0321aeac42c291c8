'use strict';
// Staff accounts (docs/api.md "Staff"): login, cookies, CSRF, lock-out, logout, roles,
// /api/v1/me with a session or a bearer token, CSRF on JSON calls.
const { test, describe, it } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib/server.js');

const MAX_ATTEMPTS = 3;
const LOCKOUT = 120;
const srv = L.useServer({
	env: {
		FINESTRETA_LOGIN_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
		FINESTRETA_LOGIN_WINDOW: '600',
		FINESTRETA_LOGIN_LOCKOUT: String(LOCKOUT),
		// Every test comes from 127.0.0.1: keep the per-address limit out of the way of
		// the per-e-mail one this file tests.
		FINESTRETA_LOGIN_MAX_ATTEMPTS_PER_IP: '1000',
	},
});

const { FORM } = L;
const ROLES = Object.keys(L.DEMO_USERS);
const ADMIN_PAGES = ['/admin/users', '/admin/settings', '/admin/audit'];
const sessions = {}; // role → { jar, csrf }

function mainText(html) {
	// The page's message, without the per-request CSRF token and the typed e-mail.
	const m = /<main\b[^>]*>([\s\S]*?)<\/main>/i.exec(html);
	return (m ? m[1] : html)
		.replace(/<input\b[^>]*>/gi, '')
		.replace(/<[^>]+>/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
}

describe('login page and anonymous access', () => {
	it('GET /login shows the form with email, password and _csrf', async () => {
		const r = await srv.get('/login');
		L.assertHtml(r, 200, 'GET /login');
		const inputs = L.tags(r.text, 'input');
		const byName = Object.fromEntries(inputs.map((i) => [i.name, i]));
		assert.ok(byName.email, 'email field');
		assert.equal(byName.password?.type, 'password', 'password field of type password');
		assert.equal(byName._csrf?.type, 'hidden', 'hidden _csrf field');
		assert.ok(byName._csrf.value.length >= 16, '_csrf token is long enough');
		const form = L.tags(r.text, 'form').find((f) => (f.method || '').toLowerCase() === 'post');
		assert.ok(form, 'a POST form');
	});

	it('/staff redirects an anonymous visitor to /login?next=/staff', async () => {
		const r = await srv.get('/staff');
		assert.equal(r.status, 303);
		const loc = L.location(r, srv.base);
		assert.equal(loc.origin, srv.base, 'same-site redirect');
		assert.equal(loc.pathname, '/login');
		assert.equal(loc.searchParams.get('next'), '/staff');
	});

	it('admin pages redirect an anonymous visitor to /login', async () => {
		for (const p of ADMIN_PAGES) {
			const r = await srv.get(p);
			assert.equal(r.status, 303, `GET ${p}`);
			const loc = L.location(r, srv.base);
			assert.equal(loc.pathname, '/login', `GET ${p}`);
			assert.equal(loc.searchParams.get('next'), p, `GET ${p} next`);
		}
	});

	it('/api/v1/me anonymous is 401 JSON', async () => {
		L.assertJsonError(await srv.get('/api/v1/me'), 401, 'unauthorized', 'anonymous /api/v1/me');
	});
});

describe('login', () => {
	it('success: 303 to /staff with an HttpOnly SameSite=Lax session cookie', async () => {
		const jar = new L.CookieJar();
		const before = (await srv.get('/login', { jar })) && jar.get('fin_session');
		const { res } = await srv.login(L.DEMO_USERS.admin, L.DEMO_PASSWORD, { jar });
		assert.equal(res.status, 303, `POST /login: ${res.text.slice(0, 300)}`);
		assert.equal(L.location(res, srv.base).pathname, '/staff');
		const c = res.cookies.fin_session;
		assert.ok(c, `Set-Cookie fin_session (got ${JSON.stringify(res.setCookies)})`);
		assert.equal(c.attrs.httponly, true, 'HttpOnly');
		assert.equal(String(c.attrs.samesite).toLowerCase(), 'lax', 'SameSite=Lax');
		assert.equal(c.attrs.path, '/', 'Path=/');
		assert.equal(c.attrs.secure, undefined, 'no Secure without server.secure_cookies');
		assert.match(c.value, /^[0-9a-f]{64}$/, 'a 256-bit random token in hex');
		assert.notEqual(c.value, before, 'a new session token at login (no fixation)');
		const staff = await srv.get('/staff', { jar });
		L.assertHtml(staff, 200, 'GET /staff after login');
	});

	it('next= sends to that page after login', async () => {
		const { res } = await srv.login(L.DEMO_USERS.admin, L.DEMO_PASSWORD, { next: '/admin/users' });
		assert.equal(res.status, 303);
		assert.equal(L.location(res, srv.base).pathname, '/admin/users');
	});

	it('next= never leads off the site', async () => {
		for (const next of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)']) {
			const { res } = await srv.login(L.DEMO_USERS.admin, L.DEMO_PASSWORD, { next });
			assert.equal(res.status, 303, `next=${next}`);
			const loc = L.location(res, srv.base);
			assert.equal(loc.origin, srv.base, `next=${next} redirects to ${res.headers.location}`);
		}
	});

	it('wrong password or unknown e-mail: 401 with the form again, no session', async () => {
		for (const [email, pw] of [
			[L.DEMO_USERS.coordinator, 'wrong-password'],
			['nobody@vilamar.example', L.DEMO_PASSWORD],
		]) {
			const { res, jar } = await srv.login(email, pw);
			L.assertHtml(res, 401, `login ${email}/${pw}`);
			assert.ok(L.tags(res.text, 'input').some((i) => i.name === 'password'), 'the form is shown again');
			assert.ok(L.csrfFrom(res.text), 'with a CSRF token');
			assert.ok(!jar.get('fin_session'), 'no session cookie');
		}
	});

	it('empty fields: a 4xx page with the form again, no session', async () => {
		const { res, jar } = await srv.login('', '');
		assert.equal(res.status, 400, 'empty e-mail and password');
		assert.match(String(res.headers['content-type']), /^text\/html\b/);
		assert.ok(L.tags(res.text, 'input').some((i) => i.name === 'password'), 'the form is shown again');
		assert.ok(!jar.get('fin_session'), 'no session cookie');
	});

	it('missing or wrong CSRF token: 403, no session', async () => {
		for (const csrf of [undefined, 'wrong-token', '']) {
			const jar = new L.CookieJar();
			await srv.get('/login', { jar });
			const r = await srv.request('POST', '/login', {
				jar,
				headers: FORM,
				body: L.formBody({ email: L.DEMO_USERS.admin, password: L.DEMO_PASSWORD, _csrf: csrf }),
			});
			L.assertHtml(r, 403, `_csrf=${csrf}`);
			assert.ok(!jar.get('fin_session'), `no session for _csrf=${csrf}`);
		}
	});

	it('a CSRF token without the cookies it came with is refused', async () => {
		const page = await srv.get('/login');
		const csrf = L.csrfFrom(page.text);
		const r = await srv.request('POST', '/login', {
			headers: FORM,
			body: L.formBody({ email: L.DEMO_USERS.admin, password: L.DEMO_PASSWORD, _csrf: csrf }),
		});
		// The token is bound to the cookie that came with it (an unbound token would be a
		// forgeable one: any page's token would work for every visitor).
		assert.ok(page.cookies.fin_csrf, 'the login page sets the pre-session cookie its token is bound to');
		assert.equal(r.status, 403, 'token replayed without its cookie');
	});
});

describe('roles', () => {
	for (const role of ROLES) {
		it(`${role} (${L.DEMO_USERS[role]}) logs in through the form and reaches /staff`, async () => {
			const { jar, csrf, staff } = await srv.loginOk(L.DEMO_USERS[role]);
			L.assertHtml(staff, 200, `/staff as ${role}`);
			assert.ok(L.tags(staff.text, 'meta').some((m) => m.name === 'csrf-token' && m.content), '<meta name="csrf-token">');
			assert.ok(csrf, 'staff page carries a CSRF token');
			sessions[role] = { jar, csrf };
			const me = await srv.get('/api/v1/me', { jar });
			assert.equal(me.status, 200, `/api/v1/me as ${role}`);
			const j = me.json();
			assert.equal(j.email, L.DEMO_USERS[role]);
			assert.equal(j.role, role);
		});
	}

	it('admin reaches every admin page', async () => {
		for (const p of ADMIN_PAGES) {
			const r = await srv.get(p, { jar: sessions.admin.jar });
			L.assertHtml(r, 200, `${p} as admin`);
		}
	});

	for (const role of ROLES.filter((r) => r !== 'admin')) {
		it(`admin pages give 403 to ${role}`, async () => {
			assert.ok(sessions[role], `${role} logged in earlier`);
			for (const p of ADMIN_PAGES) {
				const r = await srv.get(p, { jar: sessions[role].jar });
				L.assertHtml(r, 403, `${p} as ${role}`);
			}
			const r = await srv.request('POST', '/admin/users', {
				jar: sessions[role].jar,
				headers: FORM,
				body: L.formBody({
					email: `intrus.${role}@vilamar.example`,
					name: 'Intrús',
					role: 'admin',
					password: 'una-contrasenya-llarga',
					_csrf: sessions[role].csrf,
				}),
			});
			L.assertHtml(r, 403, `POST /admin/users as ${role}`);
		});
	}
});

describe('staff API', () => {
	it('/api/v1/me with the session cookie', async () => {
		const r = await srv.get('/api/v1/me', { jar: sessions.admin.jar });
		assert.equal(r.status, 200);
		assert.match(String(r.headers['content-type']), /^application\/json\b/);
		const j = r.json();
		for (const k of ['id', 'email', 'name', 'role', 'office']) assert.ok(k in j, `field ${k}`);
		assert.equal(j.email, L.DEMO_USERS.admin);
		assert.equal(j.role, 'admin');
		assert.equal(typeof j.name, 'string');
	});

	it('/api/v1/me with a bearer token from `finestreta token create`', async () => {
		const tok = await srv.token(L.DEMO_USERS.coordinator);
		const r = await srv.get('/api/v1/me', { headers: { Authorization: `Bearer ${tok}` } });
		assert.equal(r.status, 200, r.text);
		const j = r.json();
		assert.equal(j.email, L.DEMO_USERS.coordinator);
		assert.equal(j.role, 'coordinator');
	});

	it('a wrong or malformed bearer token is 401 JSON', async () => {
		const tok = await srv.token(L.DEMO_USERS.admin);
		for (const auth of [
			'Bearer wrong-token',
			`Bearer ${tok}x`,
			`Bearer ${tok.slice(0, -1)}`,
			'Bearer ',
			'Bearer',
			`Basic ${Buffer.from('admin:x').toString('base64')}`,
		]) {
			const r = await srv.get('/api/v1/me', { headers: { Authorization: auth } });
			L.assertJsonError(r, 401, 'unauthorized', `Authorization: ${auth}`);
		}
	});

	it('POST /api/v1/events with the session cookie needs X-CSRF-Token', async () => {
		const { jar, csrf } = sessions.admin;
		const body = { topic: 'public.test', type: 'csrf.check', data: {} };
		let r = await srv.request('POST', '/api/v1/events', { jar, body });
		L.assertJsonError(r, 403, 'csrf', 'no X-CSRF-Token');
		r = await srv.request('POST', '/api/v1/events', { jar, body, headers: { 'X-CSRF-Token': 'wrong' } });
		L.assertJsonError(r, 403, 'csrf', 'wrong X-CSRF-Token');
		r = await srv.request('POST', '/api/v1/events', { jar, body, headers: { 'X-CSRF-Token': csrf } });
		assert.equal(r.status, 202, `with the page's X-CSRF-Token: ${r.text}`);
		assert.equal(typeof r.json().id, 'number');
	});

	it('POST /api/v1/events is for admin and coordinator only', async () => {
		const body = { topic: 'public.test', type: 'role.check', data: {} };
		for (const role of ['coordinator', 'admin']) {
			const r = await srv.request('POST', '/api/v1/events', {
				headers: { Authorization: `Bearer ${await srv.token(L.DEMO_USERS[role])}` },
				body,
			});
			assert.equal(r.status, 202, `${role}: ${r.text}`);
		}
		for (const role of ['informer', 'welcome', 'display']) {
			const r = await srv.request('POST', '/api/v1/events', {
				headers: { Authorization: `Bearer ${await srv.token(L.DEMO_USERS[role])}` },
				body,
			});
			L.assertJsonError(r, 403, 'forbidden', role);
		}
		L.assertJsonError(await srv.request('POST', '/api/v1/events', { body }), 401, 'unauthorized', 'anonymous');
	});
});

describe('lock-out', () => {
	it(`after ${MAX_ATTEMPTS} failures: 429 with Retry-After and the lock-out message; another e-mail still works`, async () => {
		const email = L.DEMO_USERS.informer;
		let wrongPage;
		for (let i = 1; i <= MAX_ATTEMPTS; i++) {
			const { res } = await srv.login(email, `wrong-${i}`);
			assert.equal(res.status, 401, `failure ${i} of ${MAX_ATTEMPTS}`);
			wrongPage = res.text;
		}
		for (const pw of ['wrong-again', L.DEMO_PASSWORD]) {
			const { res, jar } = await srv.login(email, pw);
			L.assertHtml(res, 429, `attempt after lock-out with ${pw === L.DEMO_PASSWORD ? 'the right' : 'a wrong'} password`);
			assert.ok(/^\d+$/.test(String(res.headers['retry-after'])), `Retry-After in seconds: ${res.headers['retry-after']}`);
			const ra = Number(res.headers['retry-after']);
			assert.ok(ra > 0 && ra <= LOCKOUT, `0 < Retry-After (${ra}) <= login.lockout (${LOCKOUT})`);
			assert.notEqual(mainText(res.text), mainText(wrongPage), 'the lock-out page says something else than "wrong password"');
			assert.ok(!jar.get('fin_session'), 'no session while locked out');
		}
		const other = await srv.login(L.DEMO_USERS.welcome);
		assert.equal(other.res.status, 303, 'another e-mail still logs in');
	});

	it('the lock-out message is translated', async () => {
		const texts = new Set();
		for (const lang of ['ca', 'es', 'en']) {
			const { res } = await srv.login(L.DEMO_USERS.informer, 'x', { query: `?lang=${lang}` });
			assert.equal(res.status, 429, `?lang=${lang}`);
			assert.equal(L.htmlLang(res.text), lang);
			texts.add(mainText(res.text));
		}
		assert.equal(texts.size, 3, 'three different lock-out pages');
	});
});

describe('logout', () => {
	it('needs the CSRF token', async () => {
		const { jar } = await srv.loginOk(L.DEMO_USERS.admin);
		const r = await srv.request('POST', '/logout', { jar, headers: FORM, body: '' });
		L.assertHtml(r, 403, 'POST /logout without _csrf');
		assert.equal((await srv.get('/staff', { jar })).status, 200, 'still signed in');
	});

	it('deletes the session server-side: the old cookie no longer works', async () => {
		const { jar, csrf } = await srv.loginOk(L.DEMO_USERS.admin);
		const old = jar.get('fin_session');
		const r = await srv.request('POST', '/logout', { jar, headers: FORM, body: L.formBody({ _csrf: csrf }) });
		assert.equal(r.status, 303);
		assert.equal(L.location(r, srv.base).pathname, '/');
		const replay = new L.CookieJar({ fin_session: old });
		const staff = await srv.get('/staff', { jar: replay });
		assert.equal(staff.status, 303, 'the old cookie is signed out');
		assert.equal(L.location(staff, srv.base).pathname, '/login');
		L.assertJsonError(await srv.get('/api/v1/me', { jar: replay }), 401, 'unauthorized', 'old cookie on /api/v1/me');
	});

	it('a made-up session cookie is not a session', async () => {
		const jar = new L.CookieJar({ fin_session: 'A'.repeat(43) });
		assert.equal((await srv.get('/staff', { jar })).status, 303);
		L.assertJsonError(await srv.get('/api/v1/me', { jar }), 401, 'unauthorized', 'made-up cookie');
	});
});

test('SIGTERM: the server exits 0 within 10 s', async () => {
	await srv.stop();
});
