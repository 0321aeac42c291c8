'use strict';
// axe-core (WCAG 2.1 A and AA) on every page that exists: zero violations.
// Screenshots of the pages go to build/e2e/.
const { describe, it, test } = require('node:test');
const B = require('./lib/browser.js');

const srv = B.useServer({ name: 'e2e a11y server' });
const br = B.useBrowser();

const anonymous = [
	['home-ca', '/?lang=ca'],
	['home-es', '/?lang=es'],
	['home-en', '/?lang=en'],
	['login-ca', '/login?lang=ca'],
	['login-en', '/login?lang=en'],
	['not-found-ca', '/no-such-page?lang=ca'],
	['not-found-es', '/no-such-page?lang=es'],
];

describe('anonymous pages', () => {
	for (const [name, url] of anonymous) {
		it(`${name} (${url}) has no axe violations`, async () => {
			const page = await br.page(srv, { axe: true });
			await page.goto(url);
			await B.screenshot(page, name);
			await B.checkA11y(page, name);
			await br.closeContexts();
		});
	}

	it('login page with a wrong-password error has no axe violations', async () => {
		const page = await br.page(srv, { axe: true });
		await B.loginViaForm(page, B.DEMO_USERS.coordinator, 'wrong-password');
		await B.screenshot(page, 'login-error');
		await B.checkA11y(page, 'login with error');
		await br.closeContexts();
	});
});

describe('staff pages', () => {
	for (const role of Object.keys(B.DEMO_USERS)) {
		it(`staff home as ${role} has no axe violations`, async () => {
			const page = await br.page(srv, { axe: true });
			await B.loginViaForm(page, B.DEMO_USERS[role]);
			await page.goto('/staff');
			await B.screenshot(page, `staff-${role}`);
			await B.checkA11y(page, `staff home (${role})`);
			await br.closeContexts();
		});
	}

	for (const [name, url] of [
		['admin-users', '/admin/users'],
		['admin-settings', '/admin/settings'],
		['admin-audit', '/admin/audit'],
		['staff-en', '/staff?lang=en'],
	]) {
		it(`${name} (${url}) as admin has no axe violations`, async () => {
			const page = await br.page(srv, { axe: true });
			await B.loginViaForm(page, B.DEMO_USERS.admin);
			await page.goto(url);
			await B.screenshot(page, name);
			await B.checkA11y(page, name);
			await br.closeContexts();
		});
	}

	it('the 403 page has no axe violations', async () => {
		const page = await br.page(srv, { axe: true });
		await B.loginViaForm(page, B.DEMO_USERS.informer);
		const res = await page.goto('/admin/users');
		if (res.status() !== 403) throw new Error(`expected 403 for an informer on /admin/users, got ${res.status()}`);
		await B.screenshot(page, 'forbidden');
		await B.checkA11y(page, '403 page');
		await br.closeContexts();
	});
});

test('SIGTERM: the server exits 0', async () => {
	await srv.stop();
});
