'use strict';
// axe-core (WCAG 2.1 A and AA) on every page that exists: zero violations.
// Screenshots of the pages go to build/e2e/. One browser context per visitor (anonymous,
// then one per role), reused across pages: contexts are the slow part on 2 cores.
const { describe, it, test } = require('node:test');
const assert = require('node:assert/strict');
const B = require('./lib/browser.js');

const srv = B.useServer({ name: 'e2e a11y server' });
const br = B.useBrowser();
const pages = {}; // visitor → page

async function pageFor(visitor) {
	if (!pages[visitor]) {
		pages[visitor] =
			visitor === 'anonymous'
				? await br.page(srv, { axe: true })
				: await br.signedInPage(srv, B.DEMO_USERS[visitor], { axe: true });
	}
	return pages[visitor];
}

async function check(visitor, name, url, status = 200) {
	const page = await pageFor(visitor);
	const res = await page.goto(url);
	assert.equal(res.status(), status, `${url} as ${visitor}`);
	await B.screenshot(page, name);
	await B.checkA11y(page, `${name} (${url} as ${visitor})`);
}

describe('anonymous pages', () => {
	for (const [name, url, status] of [
		['home-ca', '/?lang=ca', 200],
		['home-es', '/?lang=es', 200],
		['home-en', '/?lang=en', 200],
		['login-ca', '/login?lang=ca', 200],
		['login-en', '/login?lang=en', 200],
		['not-found-ca', '/no-such-page?lang=ca', 404],
		['not-found-es', '/no-such-page?lang=es', 404],
	]) {
		it(`${name} (${url}) has no axe violations`, () => check('anonymous', name, url, status));
	}

	it('login page with a wrong-password error has no axe violations', async () => {
		const page = await pageFor('anonymous');
		await page.goto('/login?lang=ca');
		await B.loginViaForm(page, B.DEMO_USERS.coordinator, 'wrong-password');
		await B.screenshot(page, 'login-error');
		await B.checkA11y(page, 'login with a wrong-password error');
	});
});

describe('staff pages', () => {
	for (const role of Object.keys(B.DEMO_USERS)) {
		it(`staff home as ${role} has no axe violations`, () => check(role, `staff-${role}`, '/staff'));
	}
	for (const [name, url] of [
		['admin-users', '/admin/users'],
		['admin-settings', '/admin/settings'],
		['admin-audit', '/admin/audit'],
		['staff-en', '/staff?lang=en'],
		['admin-users-es', '/admin/users?lang=es'],
	]) {
		it(`${name} (${url}) as admin has no axe violations`, () => check('admin', name, url));
	}
	it('the 403 page has no axe violations', () => check('informer', 'forbidden', '/admin/users', 403));
});

test('SIGTERM: the server exits 0', async () => {
	await br.closeContexts();
	await srv.stop();
});
