'use strict';
// What a person does: log in as each role through the form, switch language with the
// switcher, move with the keyboard. The site's CSP is enforced here (no bypass), and a
// CSP violation or script error in the console fails the test.
const { describe, it, test } = require('node:test');
const assert = require('node:assert/strict');
const B = require('./lib/browser.js');

const srv = B.useServer({ name: 'e2e flows server' });
const br = B.useBrowser();


// One context for the whole file, emptied before each test (new contexts cost seconds
// on 2 cores): no cookies, no collected errors, a blank page.
let shared;
async function fresh() {
	if (!shared) shared = await br.page(srv);
	await shared.context().clearCookies();
	await shared.goto('about:blank');
	shared.consoleErrors.length = 0;
	return shared;
}

function assertNoConsoleErrors(page, what) {
	assert.deepEqual(page.consoleErrors, [], `console errors on ${what}`);
}

describe('login through the form', () => {
	for (const role of Object.keys(B.DEMO_USERS)) {
		it(`${role} logs in and lands on the staff home`, async () => {
			const page = await fresh();
			await B.loginViaForm(page, B.DEMO_USERS[role]);
			assert.equal(new URL(page.url()).pathname, '/staff', `after login as ${role}`);
			const h1 = await page.locator('h1').first().textContent();
			assert.ok(h1 && h1.trim().length > 0, 'the staff home has a heading');
			const cookies = await page.context().cookies();
			const session = cookies.find((c) => c.name === 'fin_session');
			assert.ok(session, 'fin_session cookie');
			assert.equal(session.httpOnly, true, 'HttpOnly');
			assert.equal(await page.evaluate(() => document.cookie.includes('fin_session')), false, 'not readable from script');
			assertNoConsoleErrors(page, `/staff as ${role}`);
		});
	}

	it('a wrong password keeps the visitor on the login form with a message', async () => {
		const page = await fresh();
		await B.loginViaForm(page, B.DEMO_USERS.admin, 'not-the-password');
		assert.equal(new URL(page.url()).pathname, '/login');
		assert.equal(await page.locator('input[name="password"]').count(), 1, 'the form is shown again');
		assertNoConsoleErrors(page, 'login error');
	});

	it('logging out through the page returns to the home page, signed out', async () => {
		const page = await fresh();
		await B.loginViaForm(page, B.DEMO_USERS.coordinator);
		const logout = page.locator('form[action="/logout"] [type="submit"]').first();
		assert.equal(await logout.count(), 1, 'the staff home has a logout button');
		await Promise.all([page.waitForNavigation(), logout.click()]);
		assert.equal(new URL(page.url()).pathname, '/');
		await page.goto('/staff');
		assert.equal(new URL(page.url()).pathname, '/login', 'signed out');
	});
});

describe('language switch', () => {
	it('the switcher links change <html lang> and the heading, and the choice sticks', async () => {
		const page = await fresh();
		await page.goto('/');
		assert.equal(await B.htmlLang(page), 'ca');
		const headings = { ca: (await page.locator('h1').first().textContent()).trim() };
		for (const lang of ['es', 'en', 'ca']) {
			const link = page.locator(`a[href*="lang=${lang}"]`).first();
			assert.equal(await link.count(), 1, `a switcher link to ${lang}`);
			await Promise.all([page.waitForNavigation(), link.click()]);
			assert.equal(await B.htmlLang(page), lang, `<html lang> after choosing ${lang}`);
			headings[lang] = (await page.locator('h1').first().textContent()).trim();
		}
		assert.notEqual(headings.es, headings.ca, 'the heading changes to Spanish');
		assert.notEqual(headings.en, headings.ca, 'the heading changes to English');
		assert.notEqual(headings.en, headings.es);
		// The last choice (ca) was after en: choose en again and visit another page.
		await Promise.all([page.waitForNavigation(), page.locator('a[href*="lang=en"]').first().click()]);
		await page.goto('/login');
		assert.equal(await B.htmlLang(page), 'en', 'the language choice is remembered on the next page');
		assertNoConsoleErrors(page, 'language switch');
	});

	it('a Spanish browser gets Spanish without choosing', async () => {
		const page = await br.page(srv, { locale: 'es-ES' });
		try {
			await page.goto('/');
			assert.equal(await B.htmlLang(page), 'es');
		} finally {
			await page.context().close();
		}
	});
});

describe('keyboard', () => {
	for (const [name, url, role] of [
		['home', '/', null],
		['login', '/login', null],
		['staff home', '/staff', 'admin'],
	]) {
		it(`on the ${name} page the first Tab reaches a visible skip link to the main content`, async () => {
			const page = await fresh();
			if (role) await B.loginViaForm(page, B.DEMO_USERS[role]);
			await page.goto(url);
			await page.keyboard.press('Tab');
			await B.waitUntil(page, () => document.activeElement && document.activeElement !== document.body, null, 'the first Tab focuses something');
			const info = await page.evaluate(() => {
				const a = document.activeElement;
				const href = a && a.getAttribute('href');
				const target = href && href.startsWith('#') ? document.getElementById(href.slice(1)) : null;
				const r = a.getBoundingClientRect();
				return {
					tag: a.tagName,
					href,
					targetTag: target && target.tagName,
					targetIsMain: !!(target && (target.tagName === 'MAIN' || target.closest('main') || target.querySelector('main'))),
					visible: r.width > 1 && r.height > 1 && r.bottom > 0 && r.right > 0 && r.top < innerHeight,
				};
			});
			assert.equal(info.tag, 'A', `first focusable is a link (got ${JSON.stringify(info)})`);
			assert.ok(info.href && info.href.startsWith('#'), `an in-page link: ${info.href}`);
			assert.ok(info.targetTag, `its target ${info.href} exists`);
			assert.ok(info.targetIsMain, 'it leads to the main content');
			assert.ok(info.visible, 'visible when focused');
			await page.keyboard.press('Enter');
			await B.waitUntil(page, (h) => location.hash === h, info.href, `Enter follows the skip link to ${info.href}`);
			assert.equal(new URL(page.url()).hash, info.href, 'Enter follows the skip link');
		});
	}

	it('the login form works with the keyboard alone', async () => {
		const page = await fresh();
		await page.goto('/login');
		await page.focus('input[name="email"]');
		await page.keyboard.type(B.DEMO_USERS.welcome);
		await page.keyboard.press('Tab');
		await B.waitUntil(page, () => document.activeElement.getAttribute('name') === 'password', null, 'Tab goes from e-mail to password');
		await page.keyboard.type(B.DEMO_PASSWORD);
		await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
		assert.equal(new URL(page.url()).pathname, '/staff');
	});
});

test('screenshots of the home and staff pages', async () => {
	const page = await fresh();
	await page.goto('/');
	await B.screenshot(page, 'home');
	await B.loginViaForm(page, B.DEMO_USERS.admin);
	await B.screenshot(page, 'staff');
});

test('SIGTERM: the server exits 0', async () => {
	await srv.stop();
});
