'use strict';
// The pages citizens read beyond booking, in Arabic: one page of each folder that
// scripts/check-po.sh counts among the citizens' (CITIZEN_FOLDERS) — the live turn page and the
// survey (floor, survey), the chat, the request form, the video room's answer to a wrong link
// (remote), the padró certificate, the facilities finder, the idCAT Mòbil help (kiosk) and the
// legal notice — is served right to left in Arabic, with its Arabic heading.
const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib/server.js');

const srv = L.useServer({
	name: 'citizen pages in Arabic',
	env: {
		FINESTRETA_I18N_LANGUAGES: 'ca,es,en,ar,zh',
		FINESTRETA_FLOOR_RATE_PUBLIC: '0',
	},
});
let admin;

before(async () => {
	await srv.ready();
	admin = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.admin)}` };
});

function assertArabic(res, status, h1, what) {
	L.assertHtml(res, status, what);
	assert.deepEqual(L.tags(res.text, 'html')[0], { lang: 'ar', dir: 'rtl' }, what);
	assert.equal(L.textOf(res.text, 'h1'), h1, what);
}

test('the public pages of chat, requests, padró, facilities, kiosk and legal, in Arabic', async () => {
	for (const [path, h1] of [
		['/xat', 'الدردشة'],
		['/consulta/nova', 'طرح سؤال'],
		['/padro', 'شهادة التسجيل في السجل البلدي (padró)'],
		['/equipaments', 'المرافق البلدية'],
		['/idcat', 'idCAT Mòbil: هويتك الرقمية'],
		['/avis-legal', 'إشعار قانوني'],
	]) {
		assertArabic(await srv.get(`${path}?lang=ar`), 200, h1, path);
	}
	// The English word must be gone: the page is not the fallback with an Arabic frame.
	const form = await srv.get('/consulta/nova?lang=ar');
	assert.ok(!form.text.includes('Ask a question'), 'no English heading left');
	assert.ok(form.text.includes('سؤالك'), 'the question field in Arabic');
});

test('a wrong video link answers in Arabic', async () => {
	assertArabic(await srv.get('/video/ZZZZZZZZ?lang=ar&token=' + '0'.repeat(64)), 404, 'الرابط غير صالح', 'video');
});

test('the live turn page of a ticket, and the survey after it, in Arabic', async () => {
	const office = 'mar-blava';
	let r = await srv.request('POST', `/api/v1/offices/${office}/tickets`, { headers: admin, body: { zone: 'assistida' } });
	assert.equal(r.status, 201, r.text);
	const t = r.json();
	const live = await srv.get(`${new URL(t.live_url).pathname}?token=${t.token}&lang=ar`);
	assertArabic(live, 200, `دورك: رقمك هو ${t.number}`, 'live page');
	r = await srv.request('POST', `/api/v1/offices/${office}/desks/taula-2/call-next`, { headers: admin });
	assert.equal(r.status, 200, r.text);
	assert.equal(r.json().id, t.id);
	for (const [action, body] of [['start', undefined], ['finish', {}]]) {
		r = await srv.request('POST', `/api/v1/tickets/${t.id}/${action}`, { headers: admin, body });
		assert.equal(r.status, 200, `${action}: ${r.text}`);
	}
	const j = (await srv.get(`/api/v1/tickets/${t.id}?token=${t.token}`)).json();
	assertArabic(await srv.get(`${new URL(j.survey_url).pathname}?lang=ar`), 200, 'كيف كانت خدمتنا؟', 'survey');
});

test('SIGTERM: the server exits 0', () => srv.stop());
