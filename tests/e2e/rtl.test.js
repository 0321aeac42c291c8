'use strict';
// The whole booking in Arabic, right to left, on a phone (390 × 844) as a newcomer would do it:
// the page is dir="rtl" from the first step; the calendar runs from the right (Monday in the
// rightmost column) and its arrows point the way the text goes; the proof of work, the
// confirmation, the manage page and cancelling all work; axe-core (WCAG 2.1 A/AA) finds
// nothing and nothing scrolls sideways. Then a look at the Chinese pages. Screenshots go to
// build/e2e/rtl-*.png.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const B = require('./lib/browser.js');

const srv = B.useServer({
	name: 'e2e Arabic server',
	env: {
		FINESTRETA_I18N_LANGUAGES: 'ca,es,en,ar,zh',
		FINESTRETA_BOOKING_PROOF_OF_WORK: 'on',
		FINESTRETA_BOOKING_POW_MAX_NUMBER: '1000',
		FINESTRETA_BOOKING_RATE_AVAILABILITY: '0',
		FINESTRETA_BOOKING_RATE_BOOKING: '0',
		FINESTRETA_BOOKING_MAX_HOLDS_PER_ADDRESS: '0', // every page of this file comes from one address
	},
});
const br = B.useBrowser();
const PHONE = { width: 390, height: 844 };
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

async function phone(locale) {
	const context = { viewport: PHONE, isMobile: true, hasTouch: true, acceptDownloads: true };
	return br.page(srv, { context, locale, timeout: 20000 });
}

// Every page: right to left in Arabic, nothing wider than the phone, axe clean, no console problem.
async function check(page, label, { lang = 'ar', dir = 'rtl', shot } = {}) {
	const html = await page.evaluate(() => ({ lang: document.documentElement.lang, dir: document.documentElement.dir }));
	assert.deepEqual(html, { lang, dir }, `${label}: <html lang dir>`);
	const wide = await page.evaluate(() => document.documentElement.scrollWidth);
	assert.ok(wide <= PHONE.width, `${label}: the page is ${wide}px wide on a ${PHONE.width}px phone`);
	if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(AXE_SOURCE);
	await B.checkA11y(page, label);
	assert.deepEqual(page.consoleErrors, [], `console problems on ${label}`);
	if (shot) await B.screenshot(page, shot);
}

async function nav(page, selector) {
	const [res] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator(selector).first().click()]);
	return res;
}

const path = (page) => new URL(page.url()).pathname;

test('a citizen books, checks and cancels an appointment in Arabic, right to left', { timeout: 180000 }, async () => {
	const page = await phone('ar-MA');
	// Accept-Language alone brings the Arabic pages.
	await page.goto('/');
	await check(page, 'home', { shot: 'rtl-0-home' });
	assert.equal(await page.locator('nav.lang-switch a[aria-current="true"]').textContent(), 'العربية');
	await nav(page, 'a[href="/cita"]');
	await check(page, 'step 1 (procedure)', { shot: 'rtl-1-service' });
	assert.equal(await page.locator('h1').textContent(), 'لأي غرض تحتاج إلى موعد؟');
	await nav(page, 'a.bk-proc[href="/cita/canal?service=cita-serveis"]');
	await check(page, 'step 2 (channel)', { shot: 'rtl-2-channel' });
	// The back link's arrow points right, where right-to-left text comes from.
	const arrow = await page.evaluate(() => getComputedStyle(document.querySelector('.bk-back a'), '::before').content);
	assert.equal(arrow, '"→ "');
	await page.check('#ch-in_person');
	await nav(page, 'button[name="next"]');
	await check(page, 'step 3 (office)', { shot: 'rtl-3-office' });
	await page.check('#of-centre');
	await nav(page, 'button[name="next"]');
	assert.equal(path(page), '/cita/dia');
	await check(page, 'step 4 (day)', { shot: 'rtl-4-day' });
	// The calendar runs right to left: Monday's column is the rightmost.
	const cols = await page.evaluate(() => [...document.querySelectorAll('table.bk-cal thead th')].map((th) => {
		const r = th.getBoundingClientRect();
		return { x: r.x, title: th.querySelector('abbr').title };
	}));
	assert.equal(cols.length, 7);
	assert.equal(cols[0].title, 'الاثنين');
	assert.ok(cols[0].x > cols[6].x, `Monday (${cols[0].x}) right of Sunday (${cols[6].x})`);
	assert.match(await page.locator('table.bk-cal caption').textContent(), /^(يناير|فبراير|مارس|أبريل|مايو|يونيو|يوليو|أغسطس|سبتمبر|أكتوبر|نوفمبر|ديسمبر) \d{4}$/);
	await nav(page, 'table.bk-cal a');
	// Picking a time holds a seat: the proof of work is solved here, its status in Arabic.
	await page.waitForFunction(() => document.querySelector('[data-pow]').dataset.state === 'verified', null, { timeout: 30000 });
	assert.equal((await page.locator('.bk-pow-status').textContent()).trim(), 'تم التحقق');
	await check(page, 'step 5 (time)', { shot: 'rtl-5-time' });
	await nav(page, 'button.bk-time');
	assert.equal(path(page), '/cita/dades');
	// Messages in Arabic: the language of the page is the one chosen.
	assert.ok(await page.isChecked('#d-lang-ar'), 'Arabic is the language of the messages');
	assert.equal(await page.getAttribute('label[for="d-lang-ar"]', 'dir'), 'rtl');
	await page.fill('#d-name', 'فاطمة الزهراء العمراني');
	await page.check('#d-id_type-nie');
	await page.fill('#d-id_number', 'X1234567L');
	await page.fill('#d-email', `fatima${Date.now()}@example.com`);
	await check(page, 'step 6 (details)', { shot: 'rtl-6-details' });
	await nav(page, 'button.bk-submit');
	assert.match(path(page), /^\/cita\/[A-Z0-9]{8}\/confirmacio$/);
	await check(page, 'confirmation', { shot: 'rtl-7-confirmation' });
	assert.equal(await page.locator('h1').textContent(), 'تم حجز موعدك');
	const when = await page.locator('main').textContent();
	assert.match(when, /(الاثنين|الثلاثاء|الأربعاء|الخميس|الجمعة|السبت|الأحد)، \d{1,2} (يناير|فبراير|مارس|أبريل|مايو|يونيو|يوليو|أغسطس|سبتمبر|أكتوبر|نوفمبر|ديسمبر) \d{4}/);
	const code = (await page.locator('.bk-code').textContent()).trim();
	// The receipt downloads from the page.
	const [pdf] = await Promise.all([page.waitForEvent('download'), page.locator('a[href*="/receipt.pdf?token="]').click()]);
	assert.equal(pdf.suggestedFilename(), `cita-${code}.pdf`);
	await nav(page, 'a.bk-manage');
	await check(page, 'manage page', { shot: 'rtl-8-manage' });
	await nav(page, `form[action="/cita/${code}/anulla"] button`);
	await check(page, 'cancel, asked first', { shot: 'rtl-9-cancel' });
	await nav(page, 'form.bk-cancel-form button');
	assert.match(page.url(), /done=cancelled/);
	await check(page, 'manage page after cancelling');
	assert.equal((await page.locator('.bk-status').textContent()).trim(), 'ملغى');
	await page.context().close();
});

test('the Chinese pages: Simplified Chinese, left to right, dates the Chinese way', { timeout: 90000 }, async () => {
	const page = await phone('zh-CN');
	await page.goto('/cita/dia?service=cita-serveis&channel=video');
	await check(page, 'day (Chinese)', { lang: 'zh-Hans', dir: 'ltr', shot: 'zh-day' });
	assert.match(await page.locator('table.bk-cal caption').textContent(), /^\d{4}年\d{1,2}月$/);
	await nav(page, 'table.bk-cal a');
	await check(page, 'time (Chinese)', { lang: 'zh-Hans', dir: 'ltr' });
	assert.match(await page.locator('main').textContent(), /\d{1,2}月\d{1,2}日 星期[一二三四五六日]/);
	await page.context().close();
});

test('SIGTERM: the server exits 0', async () => {
	await br.closeContexts();
	await srv.stop();
});
