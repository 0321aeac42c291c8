'use strict';
// Administration (docs/api.md): users, settings with a multipart logo upload, the audit
// log; malformed and oversized multipart bodies.
const { test, describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib/server.js');

const MAX_UPLOAD = 65536;
const srv = L.useServer({ env: { FINESTRETA_LIMITS_MAX_UPLOAD: String(MAX_UPLOAD) } });
const { FORM } = L;

// A valid 1×1 PNG (red pixel).
const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
	'base64'
);
const NEW_USER = {
	email: 'nova.informadora@vilamar.example',
	name: 'Núria Nova i Puig',
	role: 'informer',
	password: 'una-contrasenya-ben-llarga-2026',
};

let admin; // { jar, csrf }
let usersPage;

before(async () => {
	await srv.ready();
	admin = await srv.loginOk(L.DEMO_USERS.admin);
});

async function canLogIn(email, password) {
	const { res } = await srv.login(email, password);
	return res.status === 303;
}

function options(html, selectName) {
	const m = new RegExp(`<select\\b[^>]*name="${selectName}"[^>]*>([\\s\\S]*?)</select>`, 'i').exec(html);
	return m ? L.tags(m[1], 'option').map((o) => o.value) : null;
}

async function settingsPost(fields, files, { csrf = admin.csrf, jar = admin.jar } = {}) {
	const page = await srv.get('/admin/settings', { jar });
	const token = csrf === null ? undefined : L.csrfFrom(page.text);
	const all = token === undefined ? { ...fields } : { ...fields, _csrf: token };
	const mp = L.multipartBody(all, files);
	return srv.request('POST', '/admin/settings', { jar, headers: { 'Content-Type': mp.contentType }, body: mp.body });
}

describe('users', () => {
	it('GET /admin/users has the form with every role', async () => {
		const r = await srv.get('/admin/users', { jar: admin.jar });
		L.assertHtml(r, 200, 'GET /admin/users');
		usersPage = r.text;
		const names = new Set(L.tags(r.text, 'input').map((i) => i.name).concat(L.tags(r.text, 'select').map((s) => s.name)));
		for (const f of ['email', 'name', 'role', 'password', '_csrf']) assert.ok(names.has(f), `field ${f}`);
		const roles = options(r.text, 'role');
		assert.ok(roles, 'a role <select>');
		for (const role of Object.keys(L.DEMO_USERS)) assert.ok(roles.includes(role), `role option ${role}`);
		for (const email of Object.values(L.DEMO_USERS)) assert.ok(r.text.includes(email), `lists ${email}`);
	});

	it('an admin creates a user with the form, and that user can log in', async () => {
		const offices = options(usersPage, 'office') || [];
		const office = offices.find((o) => o) || '';
		const r = await srv.postForm('/admin/users', { ...NEW_USER, office }, { jar: admin.jar });
		assert.equal(r.status, 201, `POST /admin/users answers the list with the new user: ${r.text.slice(0, 300)}`);
		const list = await srv.get('/admin/users', { jar: admin.jar });
		assert.ok(list.text.includes(NEW_USER.email), 'the list shows the new user');
		const { jar } = await srv.loginOk(NEW_USER.email, NEW_USER.password);
		const me = (await srv.get('/api/v1/me', { jar })).json();
		assert.equal(me.email, NEW_USER.email);
		assert.equal(me.role, NEW_USER.role);
		assert.equal(me.name, NEW_USER.name);
	});

	it('without _csrf: 403 and no user', async () => {
		const email = 'sense.csrf@vilamar.example';
		const r = await srv.request('POST', '/admin/users', {
			jar: admin.jar,
			headers: FORM,
			body: L.formBody({ ...NEW_USER, email }),
		});
		L.assertHtml(r, 403, 'POST /admin/users without _csrf');
		assert.equal(await canLogIn(email, NEW_USER.password), false, 'no user was created');
	});

	it('bad input is a 4xx with no half-written user', async () => {
		// [name, fields, status, whether the e-mail was on the list before]
		const cases = [
			['unknown role', { ...NEW_USER, email: 'rol.dolent@vilamar.example', role: 'superuser' }, 422, false],
			['bad e-mail', { ...NEW_USER, email: 'not-an-email' }, 422, false],
			['duplicate e-mail', { ...NEW_USER, email: L.DEMO_USERS.coordinator, password: 'una-altra-contrasenya-llarga' }, 409, true],
			['empty password', { ...NEW_USER, email: 'sense.contrasenya@vilamar.example', password: '' }, 422, false],
		];
		for (const [name, fields, status, listed] of cases) {
			const r = await srv.postForm('/admin/users', fields, { jar: admin.jar });
			assert.equal(r.status, status, `${name}: ${r.text.slice(0, 300)}`);
			const list = await srv.get('/admin/users', { jar: admin.jar });
			assert.equal(list.text.includes(`>${fields.email}<`), listed, `${name}: the list ${listed ? 'still has' : 'does not get'} ${fields.email}`);
		}
		assert.equal(await canLogIn(L.DEMO_USERS.coordinator, 'una-altra-contrasenya-llarga'), false, 'the duplicate did not change the password');
		assert.equal(await canLogIn(L.DEMO_USERS.coordinator, L.DEMO_PASSWORD), true, 'the existing account is untouched');
	});

	it('the audit log lists the user creation', async () => {
		const r = await srv.get('/admin/audit', { jar: admin.jar });
		L.assertHtml(r, 200, 'GET /admin/audit');
		assert.ok(r.text.includes(NEW_USER.email), 'the audit page names the created user');
		assert.ok(r.text.includes(L.DEMO_USERS.admin), 'and the admin who created it');
	});
});

describe('settings', () => {
	it('GET /admin/settings has a multipart form with city_name and logo', async () => {
		const r = await srv.get('/admin/settings', { jar: admin.jar });
		L.assertHtml(r, 200, 'GET /admin/settings');
		const form = L.tags(r.text, 'form').find((f) => f.enctype === 'multipart/form-data');
		assert.ok(form, 'a multipart/form-data form');
		const inputs = L.tags(r.text, 'input');
		assert.ok(inputs.some((i) => i.name === 'city_name'), 'city_name field');
		assert.ok(inputs.some((i) => i.name === 'logo' && i.type === 'file'), 'logo file field');
	});

	it('uploading a PNG logo: GET /media/logo returns the same bytes, and the city name changes', async () => {
		const city = 'Ajuntament de Vilamar de Prova';
		const r = await settingsPost({ city_name: city }, [{ name: 'logo', filename: 'logo.png', type: 'image/png', data: PNG }]);
		assert.equal(r.status, 200, `POST /admin/settings answers the settings page: ${r.text.slice(0, 300)}`);
		const logo = await srv.get('/media/logo');
		assert.equal(logo.status, 200, 'GET /media/logo');
		assert.match(String(logo.headers['content-type']), /^image\/png\b/);
		assert.ok(logo.body.equals(PNG), 'the same bytes');
		const home = await srv.get('/');
		assert.ok(home.text.includes(city), 'the home page shows the new city name');
		L.assertSecurityHeaders(logo, '/media/logo');
	});

	it('without _csrf: 403, nothing changes', async () => {
		const r = await settingsPost({ city_name: 'Sense CSRF' }, [], { csrf: null });
		L.assertHtml(r, 403, 'POST /admin/settings without _csrf');
		assert.ok(!(await srv.get('/')).text.includes('Sense CSRF'));
	});

	it('a file that is not an image is refused, the logo stays', async () => {
		const r = await settingsPost({ city_name: 'Ajuntament de Vilamar de Prova' }, [
			{ name: 'logo', filename: 'logo.png', type: 'image/png', data: '#!/bin/sh\necho not an image\n' },
		]);
		assert.ok(r.status >= 400 && r.status < 500, `non-image logo: ${r.status}`);
		assert.ok((await srv.get('/media/logo')).body.equals(PNG), 'the previous logo stays');
	});

	it('413 for an upload over limits.max_upload', async () => {
		const big = Buffer.concat([PNG, Buffer.alloc(MAX_UPLOAD * 2, 0x41)]);
		const r = await settingsPost({ city_name: 'Massa gran' }, [{ name: 'logo', filename: 'big.png', type: 'image/png', data: big }]);
		L.assertHtml(r, 413, 'oversized multipart');
		assert.ok((await srv.get('/media/logo')).body.equals(PNG), 'the previous logo stays');
		assert.ok(!(await srv.get('/')).text.includes('Massa gran'), 'no half-write of the other fields');
	});

	it('400 page for a malformed multipart body', async () => {
		const page = await srv.get('/admin/settings', { jar: admin.jar });
		const csrf = L.csrfFrom(page.text);
		const good = L.multipartBody({ _csrf: csrf, city_name: 'X' }, [], 'BOUNDARY');
		const cases = [
			['no boundary parameter', 'multipart/form-data', good.body],
			['boundary never closed', 'multipart/form-data; boundary=BOUNDARY', good.body.subarray(0, good.body.length - 12)],
			['garbage body', 'multipart/form-data; boundary=BOUNDARY', Buffer.from('this is not multipart at all')],
			[
				'part without Content-Disposition',
				'multipart/form-data; boundary=BOUNDARY',
				Buffer.from('--BOUNDARY\r\nContent-Type: text/plain\r\n\r\nx\r\n--BOUNDARY--\r\n'),
			],
			[
				'unterminated part headers',
				'multipart/form-data; boundary=BOUNDARY',
				Buffer.from('--BOUNDARY\r\nContent-Disposition: form-data; name="city_name"\r\n'),
			],
		];
		for (const [name, type, body] of cases) {
			const r = await srv.request('POST', '/admin/settings', { jar: admin.jar, headers: { 'Content-Type': type }, body });
			L.assertHtml(r, 400, name);
		}
		assert.equal((await srv.get('/healthz')).status, 200);
	});
});

test('SIGTERM: the server exits 0 within 10 s', async () => {
	await srv.stop();
});
