'use strict';
// Browser harness: Debian's chromium driven by playwright-core (no browser download),
// axe-core for WCAG 2.1 A/AA checks, and the API suite's server harness.
//   const srv = useServer();  const br = useBrowser();
//   const page = await br.page(srv);  await checkA11y(page, 'home');
const fs = require('node:fs');
const path = require('node:path');
const assert = require('node:assert/strict');
const { before, after } = require('node:test');
const { chromium } = require('playwright-core');
const server = require('../../api/lib/server.js');

const CHROMIUM = process.env.FINESTRETA_CHROMIUM || '/usr/bin/chromium';
const ARGS = [
	'--no-sandbox',
	'--headless',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
];
// A camera and a microphone that need no device and no permission prompt (the video call).
const FAKE_MEDIA = ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'];
const SHOTS = path.join(server.ROOT, 'build', 'e2e');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// extraArgs: more Chromium switches (the video call's tests add the fake camera and microphone).
function launch(extraArgs = []) {
	return chromium.launch({ executablePath: CHROMIUM, args: [...ARGS, ...extraArgs], headless: true, timeout: 30000 });
}

// One browser per test file. contexts: `page(srv)` opens a page in a fresh context with
// the site's CSP enforced (and console errors collected); `page(srv, { axe: true })`
// bypasses the CSP, which only the axe injection needs.
// The servers of this file whose translation-key check waits for the browser to close: a failed
// check in the server's own after() hook would stop the hooks after it, leave Chromium open and
// the runner waiting for it.
const keyChecks = [];

// useServer for browser tests: the same server, its missing-key check run by useBrowser's after()
// once the browser is closed.
function useServer(opts) {
	const srv = new server.Server(opts);
	before(() => srv.ready(), { timeout: 70000 });
	after(async () => {
		await srv.kill();
		keyChecks.push(srv);
	});
	return srv;
}

function useBrowser({ args = [] } = {}) {
	const h = { browser: null, contexts: [] };
	before(async () => {
		h.browser = await launch(args);
	});
	after(async () => {
		try {
			if (h.browser) await h.browser.close();
		} finally {
			for (const srv of keyChecks.splice(0)) srv.assertNoMissingKeys();
		}
	});
	// `context` adds browser-context options (a phone: { viewport, isMobile, hasTouch },
	// { javaScriptEnabled: false }, …); `cookies` go in before the first request.
	h.page = async (srv, { axe = false, locale = 'ca-ES', context = {}, cookies, timeout = 15000 } = {}) => {
		const ctx = await h.browser.newContext({
			baseURL: srv.base,
			bypassCSP: axe,
			locale,
			viewport: { width: 1280, height: 900 },
			...context,
		});
		h.contexts.push(ctx);
		if (cookies) await ctx.addCookies(cookies);
		const page = await ctx.newPage();
		page.setDefaultTimeout(timeout);
		watch(page);
		return page;
	};
	// Adds a signed-in session (made over HTTP by srv.loginOk) to a context, for pages
	// whose test is not about logging in.
	h.signedInPage = async (srv, email, opts) => {
		const { jar } = await srv.loginOk(email);
		return h.page(srv, { ...opts, cookies: jarCookies(jar, srv) });
	};
	h.closeContexts = async () => {
		while (h.contexts.length) await h.contexts.pop().close();
	};
	return h;
}

// A cookie jar of the HTTP harness (srv.loginOk) as browser cookies.
function jarCookies(jar, srv) {
	return [...jar.map].map(([name, value]) => ({ name, value, url: srv.base }));
}

// Collects what a person would see go wrong: script errors, CSP violations, and
// sub-resources (stylesheets, images, scripts) that fail to load. The document's own
// status (a 401 or 404 page) is the test's business, not an error here.
function watch(page) {
	page.consoleErrors = [];
	page.on('console', (m) => {
		if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) page.consoleErrors.push(m.text());
	});
	page.on('pageerror', (e) => page.consoleErrors.push(String(e)));
	page.on('response', (r) => {
		if (r.status() >= 400 && r.request().resourceType() !== 'document') {
			page.consoleErrors.push(`${r.status()} ${r.request().resourceType()} ${r.url()}`);
		}
	});
	page.on('requestfailed', (r) => {
		// ERR_ABORTED: a request cut short by the next navigation, not a failure.
		const err = r.failure()?.errorText || '';
		if (r.resourceType() !== 'document' && !/ERR_ABORTED/.test(err)) {
			page.consoleErrors.push(`failed ${r.resourceType()} ${r.url()}: ${err}`);
		}
	});
}

function formatViolations(violations) {
	return violations
		.map((v) => {
			const nodes = v.nodes
				.slice(0, 5)
				.map((n) => `      ${n.target.join(' ')}\n        ${(n.failureSummary || '').replace(/\n/g, '\n        ')}`)
				.join('\n');
			return `  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n${nodes}`;
		})
		.join('\n');
}

// Runs axe-core on the page (WCAG 2.1 A and AA) and fails with a readable list.
async function checkA11y(page, label) {
	const has = await page.evaluate(() => typeof window.axe !== 'undefined');
	if (!has) await page.addScriptTag({ content: AXE_SOURCE });
	const result = await page.evaluate(async (tags) => {
		// eslint-disable-next-line no-undef
		const r = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
		return r.violations.map((v) => ({
			id: v.id,
			impact: v.impact,
			help: v.help,
			helpUrl: v.helpUrl,
			nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
		}));
	}, AXE_TAGS);
	if (result.length) {
		const text = formatViolations(result);
		console.log(`axe violations on ${label} (${page.url()}):\n${text}`);
		assert.fail(`${result.length} axe-core WCAG 2.1 A/AA violation(s) on ${label}:\n${text}`);
	}
}

async function screenshot(page, name) {
	fs.mkdirSync(SHOTS, { recursive: true });
	await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

// Logs in through the real form, as a person would.
async function loginViaForm(page, email, password = server.DEMO_PASSWORD) {
	await page.goto('/login');
	await page.fill('input[name="email"]', email);
	await page.fill('input[name="password"]', password);
	await Promise.all([
		page.waitForNavigation({ waitUntil: 'load' }),
		page.locator('form:has(input[name="password"]) [type="submit"]').first().click(),
	]);
}

// Waits until fn(arg), run in the page, is true; fails saying `what` when it never becomes
// so. Reading the page's state right after a key press or a click races with the browser (the
// focus, the URL and the script-made parts of the page change a moment later): wait for the
// condition instead.
async function waitUntil(page, fn, arg, what, timeout = 10000) {
	try {
		await page.waitForFunction(fn, arg, { timeout });
	} catch (e) {
		assert.fail(`${what}: not so within ${timeout} ms (${String(e.message).split('\n')[0]})`);
	}
}

async function htmlLang(page) {
	return page.evaluate(() => document.documentElement.lang);
}

module.exports = { ...server, server, useServer, launch, FAKE_MEDIA, useBrowser, jarCookies, watch, checkA11y, screenshot, loginViaForm, htmlLang, waitUntil, AXE_TAGS, SHOTS };
