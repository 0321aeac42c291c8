'use strict';
// Languages from the configuration (docs/languages.md): a city that offers ca, es, en, ar and zh
// gets them in the switcher, by ?lang=, the cookie and Accept-Language; Arabic pages are right
// to left; a booking made in Arabic or Chinese gets its mail, its calendar file and its PDF
// receipt in that language (the receipt's Arabic shaped and its Chinese in a CJK font); a city
// that does not list a language never serves it.
const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const L = require('./lib/server.js');

const LANGS = 'ca,es,en,ar,zh';
const srv = L.useServer({
	name: 'five languages',
	env: {
		FINESTRETA_I18N_LANGUAGES: LANGS,
		FINESTRETA_BOOKING_PROOF_OF_WORK: 'off',
		FINESTRETA_BOOKING_RATE_AVAILABILITY: '0',
		FINESTRETA_BOOKING_RATE_BOOKING: '0',
	},
});
let plain; // a server with the default languages

before(async () => {
	await srv.ready();
});

function htmlTag(text) {
	return L.tags(text, 'html')[0];
}

test('the switcher lists the configured languages, each in its own name and direction', async () => {
	const r = await srv.get('/');
	const links = L.tags(r.text, 'a').filter((a) => a.hreflang);
	assert.deepEqual(
		links.map((a) => [a.hreflang, a.dir]),
		[['ca', 'ltr'], ['es', 'ltr'], ['en', 'ltr'], ['ar', 'rtl'], ['zh-Hans', 'ltr']]
	);
	assert.ok(r.text.includes('>العربية</a>'), 'Arabic in Arabic');
	assert.ok(r.text.includes('>中文（简体）</a>'), 'Chinese in Chinese');
	assert.deepEqual(htmlTag(r.text), { lang: 'ca', dir: 'ltr' });
});

test('?lang=, the cookie and Accept-Language pick among them; Arabic pages are right to left', async () => {
	const jar = new L.CookieJar();
	let r = await srv.get('/cita?lang=ar', { jar });
	assert.equal(r.status, 200);
	assert.deepEqual(htmlTag(r.text), { lang: 'ar', dir: 'rtl' });
	assert.equal(L.textOf(r.text, 'h1'), 'لأي غرض تحتاج إلى موعد؟');
	assert.equal(jar.get('lang'), 'ar', 'the choice is remembered');
	r = await srv.get('/cita/gestiona', { jar });
	assert.deepEqual(htmlTag(r.text), { lang: 'ar', dir: 'rtl' });
	for (const [accept, lang, dir] of [
		['ar-MA,ar;q=0.9,fr;q=0.8', 'ar', 'rtl'],
		['zh-CN,zh;q=0.9,en;q=0.5', 'zh-Hans', 'ltr'],
		['zh-TW', 'zh-Hans', 'ltr'],
		['fr-FR,de', 'ca', 'ltr'],
		['ur, en;q=0.5', 'en', 'ltr'],
	]) {
		r = await srv.get('/', { headers: { 'Accept-Language': accept } });
		assert.deepEqual(htmlTag(r.text), { lang, dir }, accept);
	}
	// The API speaks them too, and says it varies on them.
	r = await srv.get('/no-such-thing/x', { headers: { 'Accept-Language': 'zh-CN' } });
	assert.match(r.text, /该地址不存在或已更改/);
	r = await srv.get('/api/v1/no-such-thing?lang=ar');
	assert.equal(r.json().message, 'العنوان غير موجود أو تغيّر.');
});

test('a language the city does not list is never served', async () => {
	plain = new L.Server({ name: 'three languages' });
	await plain.start();
	try {
		const jar = new L.CookieJar();
		let r = await plain.get('/cita?lang=ar', { jar });
		assert.deepEqual(htmlTag(r.text), { lang: 'ca', dir: 'ltr' });
		assert.equal(jar.get('lang'), undefined, 'no cookie for a language not offered');
		r = await plain.get('/', { headers: { 'Accept-Language': 'ar,zh;q=0.9,es;q=0.5' } });
		assert.equal(htmlTag(r.text).lang, 'es');
		assert.deepEqual(
			L.tags(r.text, 'a').filter((a) => a.hreflang).map((a) => a.hreflang),
			['ca', 'es', 'en']
		);
		r = await plain.request('POST', '/api/v1/appointments', { body: { lang: 'ar' } });
		assert.equal(L.assertJsonError(r, 422, 'invalid').fields.lang, 'Trieu un dels idiomes de la llista.');
	} finally {
		await plain.stop();
	}
});

// A booking through the API in lang, at the first free time of an in-person procedure.
async function bookIn(lang, n) {
	const from = L.madridDate(2);
	const to = L.madridDate(30);
	const av = (await srv.get(`/api/v1/availability?service=volant-individual&channel=in_person&office=centre&from=${from}&to=${to}`)).json();
	const starts = av.days.flatMap((d) => d.slots.filter((s) => s.free > 0).map((s) => s.start));
	assert.ok(starts.length > n, 'free times');
	const r = await srv.request('POST', `/api/v1/appointments?lang=${lang}`, {
		body: {
			service: 'volant-individual',
			channel: 'in_person',
			office: 'centre',
			start: starts[n],
			name: 'Fatima Zahra El Amrani',
			id_type: 'dni',
			id_number: L.dni(61000000 + n * 7 + (lang === 'ar' ? 1 : 2)),
			email: `${lang}.${n}@example.com`,
			lang,
		},
	});
	assert.equal(r.status, 201, r.text);
	return r.json();
}

function pdfText(buf) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lang-pdf-'));
	try {
		const file = path.join(dir, 'r.pdf');
		fs.writeFileSync(file, buf);
		return {
			text: execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }),
			fonts: execFileSync('pdffonts', [file], { encoding: 'utf8' }),
		};
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

test('booked in Arabic: the answer, the mail, the calendar file and the receipt are in Arabic', async () => {
	const b = await bookIn('ar', 0);
	assert.equal(b.lang, 'ar');
	assert.match(b.start_local.long, /^(الاثنين|الثلاثاء|الأربعاء|الخميس|الجمعة|السبت|الأحد)، \d{1,2} (يناير|فبراير|مارس|أبريل|مايو|يونيو|يوليو|أغسطس|سبتمبر|أكتوبر|نوفمبر|ديسمبر) \d{4}$/);
	// The stored language is Arabic (appointments.language), and so is what is read back.
	assert.equal(L.sql(srv.db, `SELECT lang || '/' || language FROM appointments WHERE code = '${b.code}'`), 'en/ar');
	const got = (await srv.get(`/api/v1/appointments/${b.code}?token=${b.token}`)).json();
	assert.equal(got.lang, 'ar');
	// The confirmation in the outbox.
	const row = L.sql(srv.db, `SELECT lang || '|' || subject FROM outbox WHERE dedupe_key LIKE 'confirmed:${b.code}%'`);
	assert.match(row, /^ar\|تأكيد الموعد: /);
	const html = L.sql(srv.db, `SELECT body_html FROM outbox WHERE dedupe_key LIKE 'confirmed:${b.code}%'`);
	assert.match(html, /<html lang="ar" dir="rtl">/);
	assert.match(html, /<body dir="rtl"/);
	assert.match(html, /padding-right:20px/, 'list indents on the right');
	assert.match(html, /تم تأكيد موعدك/);
	const ics = L.sql(srv.db, `SELECT ics FROM outbox WHERE dedupe_key LIKE 'confirmed:${b.code}%'`);
	assert.match(ics, /SUMMARY;LANGUAGE=ar:/);
	// The pages of the appointment, in the request's language.
	const page = await srv.get(`/cita/${b.code}?token=${b.token}&lang=ar`);
	assert.deepEqual(htmlTag(page.text), { lang: 'ar', dir: 'rtl' });
	const cal = await srv.get(`/cita/${b.code}/calendar.ics?token=${b.token}`);
	assert.match(cal.text, /DESCRIPTION;LANGUAGE=ar:/);
	// The receipt: Arabic text that pdftotext reads back letter by letter (shaped glyphs map back
	// to their letters), in a font that has them.
	const pdf = await srv.get(`/cita/${b.code}/receipt.pdf?token=${b.token}&lang=ar`);
	assert.equal(pdf.status, 200);
	const { text, fonts } = pdfText(pdf.body);
	// pdftotext puts spaces inside Arabic words and bidi marks around them, and writes a lam-alef
	// ligature back the wrong way round: compare without spaces and marks, on words without one.
	const flat = text.replace(/[\s\u200e\u200f\u202a-\u202e]/g, '');
	for (const s of ['إيصال الموعد', 'رمز الموعد', 'حتى يوم موعدك', b.code]) {
		assert.ok(flat.includes(s.replace(/\s/g, '')), `the receipt says ${s}:\n${text.slice(0, 800)}`);
	}
	assert.match(fonts, /DejaVuSans/);
});

test('booked in Chinese: dates the Chinese way, the receipt in a CJK font', async () => {
	const b = await bookIn('zh', 1);
	assert.match(b.start_local.long, /^\d{4}年\d{1,2}月\d{1,2}日 星期[一二三四五六日]$/);
	const subject = L.sql(srv.db, `SELECT subject FROM outbox WHERE dedupe_key LIKE 'confirmed:${b.code}%'`);
	assert.match(subject, /^预约已确认：.+，\d{4}年\d{1,2}月\d{1,2}日 星期[一二三四五六日] \d\d:\d\d$/);
	const pdf = await srv.get(`/cita/${b.code}/receipt.pdf?token=${b.token}&lang=zh`);
	const { text, fonts } = pdfText(pdf.body);
	for (const s of ['预约回执', '预约编号', '请保留此回执直到预约当天', '星期']) {
		assert.ok(text.includes(s), `the receipt says ${s}:\n${text.slice(0, 800)}`);
	}
	// The glyphs come from a font that has them: fontconfig's CJK fallback, not DejaVu.
	const cjk = fonts.split('\n').filter((l) => /WenQuanYi|Noto.*CJK|Droid.*Fallback|UMing|UKai/i.test(l));
	assert.ok(cjk.length > 0, `a CJK font is embedded:\n${fonts}`);
	// The confirmation page writes the date the same way.
	const page = await srv.get(`/cita/${b.code}?token=${b.token}&lang=zh`);
	assert.deepEqual(htmlTag(page.text), { lang: 'zh-Hans', dir: 'ltr' });
	assert.ok(page.text.includes(b.start_local.long), 'the long date on the page');
});

test("counts take each language's plural forms: Arabic's six, Chinese's one", async () => {
	const { procCodes } = require('./lib/booking.js')(srv);
	// The Arabic rule (locale/core/ar.po): 0, 1, 2, 3–10, 11–99, the rest.
	const arForm = (n) => (n === 0 ? 0 : n === 1 ? 1 : n === 2 ? 2 : n % 100 >= 3 && n % 100 <= 10 ? 3 : n % 100 >= 11 ? 4 : 5);
	const ar = ['{n} إجراء', 'إجراء واحد', 'إجراءان', '{n} إجراءات', '{n} إجراءً', '{n} إجراء'];
	const count = (html) => (/<p class="bk-count"[^>]*>([^<]*?) · /.exec(html) || [])[1];
	const seen = new Set();
	for (const q of ['zzqqxx', 'escombraries', 'certificat', 'padro']) {
		const page = await srv.get(`/cita?q=${encodeURIComponent(q)}&lang=ar`);
		assert.equal(page.status, 200);
		const n = new Set(procCodes(page.text)).size;
		seen.add(arForm(n));
		const want = ar[arForm(n)].replace('{n}', String(n));
		assert.equal(count(page.text), want, `${q}: ${n}`);
		const zh = await srv.get(`/cita?q=${encodeURIComponent(q)}&lang=zh`);
		const nz = new Set(procCodes(zh.text)).size;
		assert.equal(count(zh.text), `${nz} 项手续`, `${q} in Chinese`);
	}
	assert.ok([0, 1, 3].every((f) => seen.has(f)), `forms seen: ${[...seen]}`);
});

test("the legal pages in a further language: the city's own text in the fallback language, else the shipped one", async () => {
	const shipped = L.textOf((await srv.get('/privacitat?lang=ar')).text, 'main');
	assert.match(shipped, /مندوب حماية البيانات/, 'the shipped text, in Arabic');
	assert.doesNotMatch(shipped, /Data[- ]protection officer/i, 'not the English one');
	const { jar } = await srv.loginOk(L.DEMO_USERS.admin);
	const res = await srv.postForm('/admin/legal', { doc: 'privacy', ca: '', es: '', en: '## Controller\nVilamar City Hall, 1 Town Square.' }, { jar });
	assert.equal(res.status, 303);
	const own = (await srv.get('/privacitat?lang=ar')).text;
	assert.match(own, /Vilamar City Hall, 1 Town Square\./);
	assert.deepEqual(htmlTag(own), { lang: 'ar', dir: 'rtl' });
});

test('SIGTERM: the server exits 0', () => srv.stop());
