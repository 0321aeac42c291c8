'use strict';
// Digital accompaniment in the browser, under the site's CSP: an ICT agent records a walk-in
// session with the person, a procedure done together, a tool taught and the "before"
// self-assessment; a session with a missing level is shown again with the field marked; a
// coordinator reads the evaluation with its chart, the learning sheets and the follow-up list. axe-core (WCAG 2.1 A/AA) on every page.
// Screenshots go to build/e2e/ict-*.png.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const B = require('./lib/browser.js');

const srv = B.useServer({ name: 'e2e ict server' });
const br = B.useBrowser();
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

async function a11y(page, label) {
	if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(AXE_SOURCE);
	await B.checkA11y(page, label);
	assert.deepEqual(page.consoleErrors, [], `${label}: console errors`);
}

test('an ICT agent records a session with an assessment; a coordinator reads the evaluation', { timeout: 120000 }, async () => {
	const agent = await br.signedInPage(srv, B.DEMO_USERS.ict_agent);
	await agent.goto('/staff/ict');
	await a11y(agent, 'session form');
	await agent.selectOption('#ict-office', 'casal-sant-pere');
	await agent.fill('#ict-name', 'Carme Rovira Pons');
	await agent.fill('#ict-id_number', '73000001W');
	await agent.selectOption('#ict-age_band', '75_plus');
	await agent.selectOption('#ict-gender', 'female');
	await agent.check('#ict-consent');
	await agent.fill('#ict-needs', 'Vol veure les notificacions electròniques.');
	await agent.selectOption('#ict-service_1', 'enotum');
	await agent.selectOption('#ict-mode_1', 'with');
	await agent.fill('#ict-other_2', 'Seguretat Social: cita prèvia');
	await agent.selectOption('#ict-mode_2', 'for');
	await agent.check('input[name="tools"][value="email"]');
	await agent.fill('#ict-minutes', '40');
	await agent.selectOption('#ict-next', 'booked');
	await agent.selectOption('#ict-moment', 'before');
	await agent.selectOption('#ict-level_eprocedures', '0');
	await agent.selectOption('#ict-level_email', '1');
	await Promise.all([agent.waitForNavigation(), agent.click('form[action="/staff/ict"] button[type="submit"]')]);
	assert.match(agent.url(), /\/staff\/ict\?saved=\d+$/);
	const id = agent.url().match(/saved=(\d+)/)[1];
	assert.equal((await agent.textContent('[role="status"]')).trim(), `S'ha desat la sessió ${id}.`);
	await a11y(agent, 'session saved');
	assert.equal(B.sql(srv.db, `SELECT s.minutes || ' ' || x.moment || ' ' || x.eprocedures || ' ' || x.email FROM ict_sessions s
		JOIN ict_assessments x ON x.session_id = s.id WHERE s.id = ${id}`), '40 before 0 1');
	await agent.screenshot({ path: 'build/e2e/ict-session.png', fullPage: true });

	// "After" without the e-procedures level: the form again, the field marked, what was typed kept.
	await agent.selectOption('#ict-office', 'casal-sant-pere');
	await agent.fill('#ict-id_number', '73000001W');
	await agent.fill('#ict-minutes', '20');
	await agent.selectOption('#ict-moment', 'after');
	await Promise.all([agent.waitForNavigation(), agent.click('form[action="/staff/ict"] button[type="submit"]')]);
	assert.ok(await agent.isVisible('#ict-level_eprocedures-err'));
	assert.equal(await agent.getAttribute('#ict-level_eprocedures', 'aria-invalid'), 'true');
	assert.equal(await agent.inputValue('#ict-id_number'), '73000001W');
	await a11y(agent, 'session with an error');

	const coord = await br.signedInPage(srv, B.DEMO_USERS.coordinator);
	await coord.goto('/staff/ict/evaluation');
	await a11y(coord, 'evaluation');
	const both = Number(await coord.textContent('#ict-with-both'));
	assert.ok(both > 50, `people with both: ${both}`);
	assert.equal(await coord.locator('svg.chart rect').count(), 4);
	await coord.fill('#ict-from', '2000-01-01');
	await Promise.all([coord.waitForNavigation(), coord.click('form[action="/staff/ict/evaluation"] button')]);
	assert.match(coord.url(), /from=2000-01-01/);
	assert.equal(Number(await coord.textContent('#ict-with-both')), both);
	assert.match(await coord.getAttribute('a[download]', 'href'), /^\/api\/v1\/ict\/evaluation\.csv\?from=2000-01-01&to=&office=&agent=$/);
	await coord.screenshot({ path: 'build/e2e/ict-evaluation.png', fullPage: true });

	// Learning sheets: the list to print, a coordinator's edit form.
	await coord.goto('/staff/ict/sheets');
	await a11y(coord, 'learning sheets');
	await coord.goto('/staff/ict/sheets/email?lang=es');
	await a11y(coord, 'learning sheet form');
	assert.match(await coord.inputValue('#ict-body'), /^# Qué es/);
	await coord.goto('/staff/ict/followup');
	await a11y(coord, 'follow-up list');
});
