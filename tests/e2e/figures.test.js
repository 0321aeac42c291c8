'use strict';
// A coordinator, in the browser, reads the figures: from the staff home card to the themes, a
// theme's filters submitted, the chart (an SVG with its title) and the data table beside it.
// axe-core (WCAG 2.1 A/AA) runs on every page visited, a page with a bad filter included.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const B = require('./lib/browser.js');

const srv = B.useServer({ name: 'e2e figures server' });
const br = B.useBrowser();

async function submit(page, formSelector) {
	const form = page.locator(formSelector);
	await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), form.locator('[type="submit"]').first().click()]);
}

test('a coordinator reads the figures of each theme, with filters', { timeout: 120000 }, async () => {
	const page = await br.page(srv, { axe: true });
	await B.loginViaForm(page, B.DEMO_USERS.coordinator);
	await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('a[href="/figures"]')]);
	assert.match(page.url(), /\/figures$/);
	await B.checkA11y(page, 'figures: themes');

	await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('a[href="/figures/attendance"]')]);
	await B.checkA11y(page, 'figures: attendance');
	const to = B.madridDate(14);
	await page.fill('#fg-from', B.madridDate(-14));
	await page.fill('#fg-to', to);
	await page.selectOption('#fg-group', 'week');
	await submit(page, 'form.fg-filters');
	assert.match(page.url(), /group=week/);
	await B.checkA11y(page, 'figures: attendance by week');
	const chart = page.locator('svg.fg-chart').first();
	assert.equal(await chart.getAttribute('role'), 'img');
	assert.equal(await chart.locator('title').textContent(), 'Cites');
	assert.ok((await page.locator('table.table caption').count()) >= 1, 'a data table beside the chart');
	assert.ok((await chart.boundingBox()).width > 200, 'the chart is drawn');

	for (const theme of ['capacity', 'people', 'procedures', 'satisfaction']) {
		const res = await page.goto(`/figures/${theme}`);
		assert.equal(res.status(), 200, theme);
		await B.checkA11y(page, `figures: ${theme}`);
	}
	const bad = await page.goto('/figures/attendance?from=2026-02-30');
	assert.equal(bad.status(), 422);
	assert.equal(await page.locator('[role="alert"]').count(), 1);
	await B.checkA11y(page, 'figures: a bad filter');

	// A phone's width: the chart scales down inside the page.
	await page.setViewportSize({ width: 360, height: 740 });
	await page.goto('/figures/capacity');
	const box = await page.locator('svg.fg-chart').first().boundingBox();
	assert.ok(box.width <= 360, `the chart fits a phone (${box.width}px)`);
	await B.checkA11y(page, 'figures: capacity on a phone');
});
