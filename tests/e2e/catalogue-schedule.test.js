'use strict';
// A coordinator, in the browser, builds a new office from nothing: the office, a zone with a
// desk, a procedure offered there, the office's opening hours and an availability rule, and then
// sees the slots the rule yields (only inside the opening hours). axe-core (WCAG 2.1 A/AA) runs on
// every page visited, the schedule pages included.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const B = require('./lib/browser.js');
const { madridDate } = B;

const srv = B.useServer({ name: 'e2e catalogue+schedule server' });
const br = B.useBrowser();

const CODE = 'platja';
const PROC = 'e2e-padro-platja';

// The Monday after a YYYY-MM-DD date.
function nextMonday(date) {
	let t = Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10)) + 86400000;
	while (new Date(t).getUTCDay() !== 1) t += 86400000;
	return new Date(t).toISOString().slice(0, 10);
}

async function submit(page, formSelector) {
	const form = page.locator(formSelector);
	await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), form.locator('[type="submit"]').first().click()]);
}

async function visit(page, url, label) {
	const res = await page.goto(url);
	assert.equal(res.status(), 200, `${url}: ${res.status()}`);
	await B.checkA11y(page, label);
}

test('a coordinator sets up an office, its schedule and a rule, and sees the slots', { timeout: 120000 }, async () => {
	const page = await br.page(srv, { axe: true });
	await B.loginViaForm(page, B.DEMO_USERS.coordinator);
	assert.match(page.url(), /\/staff$/);
	await B.checkA11y(page, 'staff home (coordinator)');

	// The office.
	await visit(page, '/admin/offices/new', 'new office form');
	await page.fill('#o-code', CODE);
	await page.selectOption('#o-organisation', 'vilamar');
	await page.selectOption('#o-kind', 'citizen_office');
	await page.fill('#o-name_ca', 'OAC Platja');
	await page.fill('#o-name_es', 'OAC Playa');
	await page.fill('#o-name_en', 'Beach office');
	await page.fill('#o-address', 'Passeig Marítim 3');
	await submit(page, 'form[action="/admin/offices"]');
	assert.match(page.url(), new RegExp(`/admin/offices/${CODE}\\b`));
	await B.checkA11y(page, 'office page');

	// A zone with its ticket letter, then a desk in it.
	await page.fill('#nz-code', 'cita');
	await page.selectOption('#nz-kind', 'appointment');
	await page.fill('#nz-name_ca', 'Cita prèvia');
	await page.fill('#nz-name_es', 'Cita previa');
	await page.fill('#nz-name_en', 'Appointments');
	await page.fill('#nz-colour', '#b35c00');
	await page.fill('#nz-letter', 'C');
	await submit(page, `form[action="/admin/offices/${CODE}/zones"]`);
	await B.checkA11y(page, 'office page with a zone');
	assert.match(await page.content(), /Cita prèvia/);
	await page.fill('#nd-cita-display_name', 'Taula 1');
	await submit(page, `form[action="/admin/offices/${CODE}/zones/cita/desks"]`);
	await B.checkA11y(page, 'office page with a desk');
	assert.match(await page.content(), /Taula 1/);

	// A procedure offered at the new office.
	await visit(page, '/admin/procedures/new', 'new procedure form');
	await page.fill('#p-code', PROC);
	await page.fill('#p-category', 'padro');
	await page.fill('#p-name_ca', 'Alta al padró a la Platja');
	await page.fill('#p-name_es', 'Alta en el padrón en la Playa');
	await page.fill('#p-name_en', 'Register at the Beach office');
	await page.check('input[name="id_methods"][value="idcat_mobil"]');
	await page.check('input[name="channels"][value="in_person"]');
	await page.fill('#p-duration_min', '15');
	await page.check(`input[name="offices"][value="${CODE}"]`);
	await submit(page, 'form[action="/admin/procedures"]');
	assert.doesNotMatch(page.url(), /\/admin\/procedures(\/new)?$/, 'the procedure form was accepted');
	await B.checkA11y(page, 'procedure saved');

	// Opening hours: Monday to Friday 09:00-14:00, and Thursday afternoon 16:00-18:00.
	await visit(page, `/schedule/offices/${CODE}`, 'schedule of the new office (empty)');
	assert.match(await page.content(), /sense horari|no opening hours/i);
	await Promise.all([page.waitForNavigation(), page.click(`a[href="/schedule/offices/${CODE}/hours"]`)]);
	await B.checkA11y(page, 'opening hours form');
	const monday = nextMonday(madridDate());
	await page.fill('#h-valid_from', madridDate());
	for (let d = 1; d <= 5; d++) {
		await page.fill(`#h-open1_${d}`, '09:00');
		await page.fill(`#h-close1_${d}`, '14:00');
	}
	await page.fill('#h-open2_4', '16:00');
	await page.fill('#h-close2_4', '18:00');
	await submit(page, `form[action="/schedule/offices/${CODE}/hours"]`);
	assert.match(page.url(), new RegExp(`/schedule/offices/${CODE}\\?saved=hours`));
	await B.checkA11y(page, 'schedule with hours');
	assert.match(await page.content(), /09:00–14:00, 16:00–18:00/);

	// A form with mistakes first: the summary and the fields say what is wrong.
	await Promise.all([page.waitForNavigation(), page.click(`a[href="/schedule/offices/${CODE}/rules/new"]`)]);
	await B.checkA11y(page, 'new rule form');
	await page.fill('#r-start', '12:00');
	await page.fill('#r-end', '09:00');
	await submit(page, `form[action="/schedule/offices/${CODE}/rules"]`);
	assert.match(await page.locator('#form-errors').innerText(), /\S/);
	assert.equal(await page.getAttribute('#r-end', 'aria-invalid'), 'true');
	await B.checkA11y(page, 'rule form with errors');

	// The rule: in person, Monday to Friday 09:00-17:00 by 30 minutes, 2 seats, from next Monday.
	await page.selectOption('#r-channel', 'in_person');
	for (let d = 1; d <= 5; d++) await page.check(`#r-wd-${d}`);
	await page.fill('#r-valid_from', monday);
	await page.fill('#r-start', '09:00');
	await page.fill('#r-end', '17:00');
	await page.fill('#r-slot_min', '30');
	await page.fill('#r-capacity', '2');
	await page.fill('#r-staff_share', '0');
	await page.check(`#r-proc-${PROC}`);
	await submit(page, `form[action="/schedule/offices/${CODE}/rules"]`);
	assert.match(page.url(), new RegExp(`/schedule/offices/${CODE}/slots\\?channel=in_person&week=${monday}`));
	await B.checkA11y(page, 'slots of the new rule');
	await B.screenshot(page, 'schedule-slots');

	// Every open weekday of that week has the 10 morning slots (09:00-14:00), Thursday 2 more in
	// the afternoon (16:00-17:00); nothing between 14:00 and 16:00 or on a day the office is shut.
	const days = await page.locator('section.sched-slotday').all();
	assert.equal(days.length, 7);
	let total = 0;
	for (const day of days) {
		const times = await day.locator('tbody th[scope="row"]').allInnerTexts();
		const note = (await day.locator('.sched-note').count()) > 0;
		total += times.length;
		if (times.length === 0) continue;
		assert.equal(note, false);
		assert.equal(times[0], '09:00–09:30');
		assert.ok(times.includes('13:30–14:00'));
		assert.ok(!times.some((t) => t.startsWith('14:') || t.startsWith('15:')), times.join(' '));
		assert.ok(times.length === 10 || (times.length === 12 && times.includes('16:30–17:00')), times.join(' '));
	}
	assert.ok(total >= 10, `slots in the week of ${monday}: ${total}`);
	const seats = await page.locator('section.sched-slotday tbody tr').first().locator('td').allInnerTexts();
	assert.deepEqual(seats.slice(1, 3), ['2', '0']);

	// The public API shows the same hours.
	const api = await page.evaluate(async (url) => (await fetch(url)).json(), `/api/v1/offices/${CODE}/hours?from=${monday}`);
	assert.equal(api.days.length, 7);
	assert.equal(api.days[0].date, monday);

	// The other schedule pages are accessible too.
	await visit(page, `/schedule/offices/${CODE}`, 'schedule with a rule');
	await visit(page, '/schedule', 'schedule index');
	await visit(page, '/schedule/holidays?year=2026', 'holidays');
	await visit(page, '/schedule/shifts?office=remot', 'shifts');
	await visit(page, '/schedule/skills', 'skills');
	const informer = await page.locator('#k-pick option').nth(1).getAttribute('value');
	await visit(page, `/schedule/skills?user=${informer}`, 'skills of a person');
	await visit(page, `/schedule/offices/${CODE}/hours?lang=en`, 'opening hours form (English)');
	await visit(page, '/schedule/offices/remot/slots?lang=es', 'slots (Spanish)');
	assert.deepEqual(page.consoleErrors, []);
});

test('SIGTERM: the server exits 0', async () => {
	await br.closeContexts();
	await srv.stop();
});
