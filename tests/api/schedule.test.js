'use strict';
// Schedule (docs/api.md "Schedule"): the public opening-hours API (languages, DST days,
// holidays, closures, bad and inverted dates, unknown offices, ETag/304), the coordinator
// pages (a rule made through the form and its slots; a change that strands a booked slot is
// reported and applied only after confirmation; per-field 422 errors), holiday import from the
// CLI and as an upload, and 403 for other roles. Both backends: the strand test books a slot
// with the sqlite3 or psql command-line client, since the server has no test-only paths.
const { test, describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const L = require('./lib/server.js');

// Zones from the repository, so results do not depend on the machine's tzdata.
const srv = L.useServer({ env: { TZDIR: path.join(L.ROOT, 'tests/data/zoneinfo') } });
const { FORM } = L;
let coord; // { jar, csrf }

before(async () => {
	await srv.ready();
	coord = await srv.loginOk(L.DEMO_USERS.coordinator);
});

// ---------------------------------------------------------------- helpers

const { madridDate, addDays, weekday, nextWeekday } = L;
const sql = (q) => L.sql(srv.db, q);

// The first date from `from` on with ISO weekday `wd` when the office is open (not a holiday).
async function openDay(code, from, wd) {
	const j = (await hours(code, `?from=${from}&to=${addDays(from, 40)}`)).json();
	const d = j.days.find((x) => x.weekday === wd && x.open);
	assert.ok(d, `an open weekday ${wd} at ${code} after ${from}`);
	return d.date;
}

function mainOf(html) {
	const m = /<main\b[^>]*>([\s\S]*?)<\/main>/i.exec(html);
	return m ? m[1] : html;
}

async function post(url, fields, jar = coord.jar) {
	return srv.postForm(url, fields, { jar, csrf: coord.csrf });
}

function hours(code, query = '', headers = {}) {
	return srv.get(`/api/v1/offices/${code}/hours${query}`, { headers });
}

// ---------------------------------------------------------------- the public API

describe('GET /api/v1/offices/{code}/hours', () => {
	it('defaults to the next 7 days from today in the office time zone', async () => {
		const r = await hours('centre');
		assert.equal(r.status, 200, r.text);
		assert.match(r.headers['content-type'], /^application\/json/);
		L.assertSecurityHeaders(r, 'hours');
		const j = r.json();
		assert.equal(j.office, 'centre');
		assert.equal(j.tz, 'Europe/Madrid');
		assert.equal(j.days.length, 7);
		assert.equal(j.days[0].date, madridDate());
		for (let i = 0; i < 7; i++) {
			const d = j.days[i];
			assert.equal(d.date, addDays(madridDate(), i));
			assert.equal(d.weekday, weekday(d.date));
			assert.equal(typeof d.open, 'boolean');
			assert.ok(Array.isArray(d.intervals));
		}
		// The demo's citizen offices open Monday to Friday 08:30-14:30 (summer hours in July and
		// August): seven days hold the weekend, closed, and open days that open at 08:30.
		const weekend = j.days.slice(0, 7).filter((d) => d.weekday >= 6);
		assert.equal(weekend.length, 2, 'a week holds a weekend');
		for (const d of weekend) assert.equal(d.open, false, d.date);
		const open = j.days.slice(0, 7).filter((d) => d.open);
		assert.ok(open.length >= 1, 'some day of the week is open');
		for (const d of open) assert.equal(d.intervals[0].opens, '08:30', d.date);
	});

	it('holidays are named in the request language (?lang=, Accept-Language)', async () => {
		const q = '?from=2026-12-07&to=2026-12-09';
		const want = { ca: 'La Immaculada', es: 'Inmaculada Concepción', en: 'Immaculate Conception' };
		for (const [lang, name] of Object.entries(want)) {
			const j = (await hours('centre', `${q}&lang=${lang}`)).json();
			assert.deepEqual(
				j.days.map((d) => d.date),
				['2026-12-07', '2026-12-08', '2026-12-09']
			);
			const hol = j.days[1];
			assert.equal(hol.open, false);
			assert.deepEqual(hol.intervals, []);
			assert.deepEqual(hol.holiday, { name, scope: 'national' });
			assert.equal(j.days[0].open, true);
			assert.deepEqual(j.days[0].intervals, [{ opens: '08:30', closes: '14:30' }]);
			assert.equal(j.days[0].holiday, undefined);
		}
		const es = (await hours('centre', q, { 'Accept-Language': 'es-ES,es;q=0.9' })).json();
		assert.equal(es.days[1].holiday.name, 'Inmaculada Concepción');
		// Good Friday and Easter Monday 2027, and a Vilamar holiday (scope city).
		const easter = (await hours('centre', '?from=2027-03-26&to=2027-03-29&lang=en')).json();
		assert.equal(easter.days[0].holiday.name, 'Good Friday');
		assert.equal(easter.days[3].holiday.name, 'Easter Monday');
		assert.equal(easter.days[3].holiday.scope, 'catalonia');
		const city = (await hours('la-riera', '?from=2026-09-14&to=2026-09-14&lang=ca')).json();
		assert.deepEqual(city.days[0].holiday, { name: 'Festa Major de Vilamar', scope: 'city' });
	});

	it('Thursday afternoons are a second interval; summer hours apply in July', async () => {
		const j = (await hours('centre', '?from=2026-06-25&to=2026-07-02')).json();
		const thu = j.days.find((d) => d.date === '2026-06-25');
		assert.deepEqual(thu.intervals, [
			{ opens: '08:30', closes: '14:30' },
			{ opens: '16:00', closes: '19:00' },
		]);
		const julyThu = j.days.find((d) => d.date === '2026-07-02');
		assert.deepEqual(julyThu.intervals, [{ opens: '08:30', closes: '14:00' }]);
	});

	it('DST days are whole days with their local hours (a Sunday period added through the page)', async () => {
		const r = await post('/schedule/offices/mar-blava/hours', {
			valid_from: '2026-03-01',
			valid_to: '2026-10-31',
			open1_7: '09:00',
			close1_7: '13:00',
		});
		assert.equal(r.status, 303, r.text.slice(0, 500));
		for (const [from, to, sunday] of [
			['2026-03-28', '2026-03-30', '2026-03-29'],
			['2026-10-24', '2026-10-26', '2026-10-25'],
		]) {
			const j = (await hours('mar-blava', `?from=${from}&to=${to}`)).json();
			assert.deepEqual(
				j.days.map((d) => [d.date, d.weekday]),
				[
					[from, 6],
					[sunday, 7],
					[to, 1],
				]
			);
			const sun = j.days[1];
			assert.equal(sun.open, true);
			assert.deepEqual(sun.intervals, [{ opens: '09:00', closes: '13:00' }]);
			// The more specific period replaces the general one for its dates: no weekday hours.
			assert.equal(j.days[2].open, false);
		}
		// Saving a period with the same dates replaces it; editing one can move its dates.
		const again = await post('/schedule/offices/mar-blava/hours', { valid_from: '2026-03-01', valid_to: '2026-10-31', open1_7: '10:00', close1_7: '12:00' });
		assert.equal(again.status, 303);
		let sun = (await hours('mar-blava', '?from=2026-03-29&to=2026-03-29')).json().days[0];
		assert.deepEqual(sun.intervals, [{ opens: '10:00', closes: '12:00' }]);
		const form = await srv.get('/schedule/offices/mar-blava/hours?from=2026-03-01&to=2026-10-31', { jar: coord.jar });
		L.assertHtml(form, 200);
		assert.match(form.text, /name="orig_from" value="2026-03-01"/);
		assert.match(form.text, /id="h-open1_7" name="open1_7" type="time" value="10:00"/);
		const moved = await post('/schedule/offices/mar-blava/hours', {
			orig_from: '2026-03-01', orig_to: '2026-10-31', valid_from: '2026-03-15', valid_to: '2026-10-31', open1_7: '09:00', close1_7: '13:00',
		});
		assert.equal(moved.status, 303);
		sun = (await hours('mar-blava', '?from=2026-03-08&to=2026-03-08')).json().days[0];
		assert.equal(sun.open, false); // 8 March is no longer in the period
		const bad = await post('/schedule/offices/mar-blava/hours', { valid_from: '2026-03-15', valid_to: '2026-03-01', open1_1: '09:00', close1_1: '', open1_2: '14:00', close1_2: '13:00' });
		L.assertHtml(bad, 422);
		for (const f of ['valid_to', 'close1_1', 'close1_2']) assert.match(bad.text, new RegExp(`id="h-${f}-err"`), f);
		// Outside the period the general hours hold again.
		const nov = (await hours('mar-blava', '?from=2026-11-01&to=2026-11-02')).json();
		assert.equal(nov.days[0].open, false);
		assert.equal(nov.days[1].open, true);
	});

	it('a closure added on the page shows with its reason', async () => {
		const day = nextWeekday(madridDate(40), 3);
		const r = await post('/schedule/offices/hisenda/closures', { day, reason: 'Inventari anual' });
		assert.equal(r.status, 303, r.text.slice(0, 500));
		assert.match(r.headers.location, /^\/schedule\/offices\/hisenda\?saved=closure/);
		const j = (await hours('hisenda', `?from=${day}&to=${day}`)).json();
		assert.equal(j.days[0].open, false);
		assert.equal(j.days[0].closed_reason, 'Inventari anual');
		assert.deepEqual(j.days[0].intervals, []);
		const page = await srv.get('/schedule/offices/hisenda', { jar: coord.jar });
		assert.ok(page.text.includes('Inventari anual'));
		// The same day twice: 409 with the message on the field.
		const again = await post('/schedule/offices/hisenda/closures', { day, reason: 'x' });
		assert.equal(again.status, 409);
		assert.match(again.text, /id="cl-day-err"/);
	});

	it('bad dates are 400 bad_date, inverted or too long ranges 400 bad_range', async () => {
		for (const q of ['?from=2026-02-30', '?from=2026-2-01', '?from=today', '?to=2026-13-01', '?from=2026-01-01&to=']) {
			L.assertJsonError(await hours('centre', q), 400, 'bad_date', q);
		}
		L.assertJsonError(await hours('centre', '?from=2026-03-10&to=2026-03-09'), 400, 'bad_range');
		L.assertJsonError(await hours('centre', '?from=2026-01-01&to=2026-04-03'), 400, 'bad_range'); // 93 days
		const max = await hours('centre', '?from=2026-01-01&to=2026-04-02'); // 92 days
		assert.equal(max.status, 200);
		assert.equal(max.json().days.length, 92);
		const en = L.assertJsonError(await hours('centre', '?from=x&lang=en'), 400, 'bad_date');
		assert.match(en.message, /YYYY-MM-DD/);
	});

	it('unknown offices are 404 not_found', async () => {
		L.assertJsonError(await hours('no-such-office'), 404, 'not_found');
		L.assertJsonError(await hours('NOPE'), 404, 'not_found');
	});

	it('ETag and Cache-Control; If-None-Match gives 304; the language changes the tag', async () => {
		const q = '?from=2026-12-01&to=2026-12-31&lang=ca';
		const r = await hours('centre', q);
		assert.equal(r.status, 200);
		assert.equal(r.headers['cache-control'], 'public, max-age=60');
		assert.equal(r.headers.vary, 'Accept-Language, Cookie, Accept-Encoding', 'Vary sent once');
		const etag = r.headers.etag;
		assert.match(etag, /^"[0-9a-f]{32}"$/);
		const again = await hours('centre', q, { 'If-None-Match': etag });
		assert.equal(again.status, 304);
		assert.equal(again.body.length, 0);
		assert.equal(again.headers.etag, etag);
		const weak = await hours('centre', q, { 'If-None-Match': `"nope", W/${etag}` });
		assert.equal(weak.status, 304);
		const other = await hours('centre', q.replace('lang=ca', 'lang=en'));
		assert.notEqual(other.headers.etag, etag);
		const stale = await hours('centre', q, { 'If-None-Match': '"0000"' });
		assert.equal(stale.status, 200);
	});
});

// ---------------------------------------------------------------- pages and roles

describe('roles', () => {
	it('anonymous visitors are sent to the login page', async () => {
		const r = await srv.get('/schedule/offices/centre');
		assert.equal(r.status, 303);
		assert.match(r.headers.location, /^\/login\?next=/);
	});

	for (const role of ['informer', 'ict_agent', 'welcome', 'display', 'kiosk']) {
		it(`${role}: 403 on the pages and the changes`, async () => {
			const s = await srv.loginOk(L.DEMO_USERS[role]);
			for (const url of ['/schedule', '/schedule/offices/centre', '/schedule/holidays', '/schedule/shifts', '/schedule/skills']) {
				const r = await srv.get(url, { jar: s.jar });
				assert.equal(r.status, 403, `${role} GET ${url}`);
			}
			const r = await srv.request('POST', '/schedule/offices/centre/closures', {
				jar: s.jar,
				headers: FORM,
				body: L.formBody({ day: '2030-01-02', reason: 'x', _csrf: s.csrf }),
			});
			assert.equal(r.status, 403);
			assert.equal(sql("SELECT COUNT(*) FROM closures WHERE day = '2030-01-02'"), '0');
		});
	}

	it('admins and coordinators see every page', async () => {
		const admin = await srv.loginOk(L.DEMO_USERS.admin);
		for (const s of [admin, coord]) {
			for (const url of [
				'/schedule',
				'/schedule/offices/centre',
				'/schedule/offices/centre/hours',
				'/schedule/offices/centre/rules/new',
				'/schedule/offices/remot/slots',
				'/schedule/holidays',
				'/schedule/shifts?office=remot',
				'/schedule/skills',
			]) {
				L.assertHtml(await srv.get(url, { jar: s.jar }), 200, url);
			}
		}
		L.assertHtml(await srv.get('/schedule/offices/nowhere', { jar: coord.jar }), 404);
		L.assertHtml(await srv.get('/schedule/offices/centre/rules/999999', { jar: coord.jar }), 404);
	});
});

describe('availability rules', () => {
	let ruleUrl;
	let tue;
	before(async () => {
		await srv.ready();
		tue = await openDay('mar-blava', madridDate(8), 2);
	});

	it('a rule made through the form yields its slots, clipped to the opening hours', async () => {
		const page = await srv.get('/schedule/offices/mar-blava/rules/new', { jar: coord.jar });
		L.assertHtml(page, 200);
		for (const f of ['channel', 'weekdays', 'every_weeks', 'valid_from', 'start', 'end', 'slot_min', 'capacity', 'staff_share', 'horizon_days', 'release_days', 'release_time', 'procedures']) {
			assert.ok(page.text.includes(`name="${f}"`), `field ${f}`);
		}
		const r = await srv.request('POST', '/schedule/offices/mar-blava/rules', {
			jar: coord.jar,
			headers: FORM,
			body:
				L.formBody({
					_csrf: coord.csrf,
					channel: 'video',
					every_weeks: '1',
					valid_from: tue,
					valid_to: '',
					start: '13:00',
					end: '15:30',
					slot_min: '30',
					capacity: '5',
					staff_share: '20',
					horizon_days: '30',
					min_notice_min: '60',
					release_days: '',
					release_time: '',
				}) + '&weekdays=2&procedures=padro-alta&procedures=padro-canvi-domicili',
		});
		assert.equal(r.status, 303, r.text.slice(0, 800));
		assert.match(r.headers.location, /^\/schedule\/offices\/mar-blava\/slots\?channel=video&week=\d{4}-\d{2}-\d{2}&saved=rule/);
		const slots = await srv.get(r.headers.location, { jar: coord.jar });
		L.assertHtml(slots, 200);
		const main = mainOf(slots.text);
		// 13:00-14:30 fits the 08:30-14:30 hours; 14:30-15:30 does not (the office is closed).
		assert.match(main, /13:00–13:30/);
		assert.match(main, /14:00–14:30/);
		assert.doesNotMatch(main, /14:30–15:00/);
		// 5 seats at 20 %: 4 public, 1 for staff.
		assert.match(main, /<td>Videotrucada<\/td><td>4<\/td><td>1<\/td>/);
		const id = sql("SELECT id FROM availability_rules WHERE channel = 'video' AND office_id = (SELECT id FROM offices WHERE code = 'mar-blava')");
		assert.match(id, /^\d+$/);
		ruleUrl = `/schedule/offices/mar-blava/rules/${id}`;
		assert.equal(sql(`SELECT COUNT(*) FROM rule_procedures WHERE rule_id = ${id}`), '2');
		const n = Number(sql(`SELECT COUNT(*) FROM slots WHERE rule_id = ${id} AND day = '${tue}'`));
		assert.equal(n, 3);
		assert.equal(sql(`SELECT capacity || '+' || staff_capacity FROM slots WHERE rule_id = ${id} AND day = '${tue}' LIMIT 1`), '4+1');
		// Audited.
		const admin = await srv.loginOk(L.DEMO_USERS.admin);
		const audit = await srv.get('/admin/audit', { jar: admin.jar });
		assert.match(audit.text, /schedule\.rule\.create/);
	});

	it('invalid fields give 422 with the message next to each field', async () => {
		const r = await srv.request('POST', '/schedule/offices/mar-blava/rules', {
			jar: coord.jar,
			headers: FORM,
			body: L.formBody({
				_csrf: coord.csrf,
				channel: 'fax',
				every_weeks: '0',
				valid_from: '2026-02-30',
				start: '25:00',
				end: '09:00',
				slot_min: '2',
				capacity: 'many',
				staff_share: '120',
				horizon_days: '30',
				min_notice_min: '60',
				release_days: '3',
				release_time: '',
			}),
		});
		L.assertHtml(r, 422);
		for (const f of ['channel', 'weekdays', 'every_weeks', 'valid_from', 'start', 'slot_min', 'capacity', 'staff_share', 'release_time']) {
			assert.match(r.text, new RegExp(`id="r-${f}-err"`), `error next to ${f}`);
			assert.match(r.text, new RegExp(`href="#r-${f}"`), `summary link to ${f}`);
		}
		assert.match(r.text, /aria-invalid="true"/);
		assert.match(r.text, /role="alert"/);
		// The values typed come back.
		assert.match(r.text, /value="25:00"/);
		// English messages too.
		const en = await srv.request('POST', '/schedule/offices/mar-blava/rules?lang=en', {
			jar: coord.jar,
			headers: FORM,
			body: L.formBody({ _csrf: coord.csrf, channel: 'phone', every_weeks: '1', valid_from: '2026-05-01', start: '10:00', end: '09:00', slot_min: '30', staff_share: '0', horizon_days: '30', min_notice_min: '0' }),
		});
		L.assertHtml(en, 422);
		assert.match(en.text, /Tick at least one day\./);
		assert.match(en.text, /The end time must be after the start time\./);
		assert.equal(sql("SELECT COUNT(*) FROM availability_rules WHERE channel = 'phone' AND office_id = (SELECT id FROM offices WHERE code = 'mar-blava')"), '0');
	});

	it('a change that strands a booked slot is reported, and applied only after confirmation', async () => {
		assert.ok(ruleUrl, 'the rule of the first test');
		const id = ruleUrl.split('/').pop();
		const slot = sql(`SELECT id FROM slots WHERE rule_id = ${id} AND day = '${tue}' ORDER BY start_at LIMIT 1`);
		sql(`UPDATE slots SET booked = 2, staff_booked = 1 WHERE id = ${slot}`);
		const before = sql(`SELECT COUNT(*) FROM slots WHERE rule_id = ${id}`);
		assert.ok(Number(before) > 3);
		// Switching the rule off would remove the booked slot.
		const r = await post(`${ruleUrl}/active`, { active: '0' });
		L.assertHtml(r, 409, 'strand report');
		const main = mainOf(r.text);
		assert.match(main, /id="strands"/);
		assert.ok(main.includes(tue), 'the report gives the date');
		assert.match(main, /13:00/);
		assert.match(main, /<td>2 \+ 1<\/td>/);
		assert.match(main, /name="confirm" value="1"/);
		assert.match(main, /name="active" value="0"/);
		// Nothing changed yet.
		assert.equal(sql(`SELECT active FROM availability_rules WHERE id = ${id}`), '1');
		assert.equal(sql(`SELECT COUNT(*) FROM slots WHERE rule_id = ${id}`), before);
		assert.equal(sql(`SELECT active FROM slots WHERE id = ${slot}`), '1');
		// Confirmed: the rule is off, the booked slot stays (inactive, bookings intact), the rest go.
		const ok = await post(`${ruleUrl}/active`, { active: '0', confirm: '1' });
		assert.equal(ok.status, 303, ok.text.slice(0, 500));
		assert.match(ok.headers.location, /saved=rule_off&kept=1/);
		assert.equal(sql(`SELECT active FROM availability_rules WHERE id = ${id}`), '0');
		assert.equal(sql(`SELECT COUNT(*) FROM slots WHERE rule_id = ${id}`), '1');
		assert.equal(sql(`SELECT active || ':' || booked || ':' || staff_booked FROM slots WHERE id = ${slot}`), '0:2:1');
		// Back on: the kept slot is live again with its bookings; the others return.
		const on = await post(`${ruleUrl}/active`, { active: '1' });
		assert.equal(on.status, 303);
		assert.equal(sql(`SELECT active || ':' || booked || ':' || staff_booked FROM slots WHERE id = ${slot}`), '1:2:1');
		assert.equal(sql(`SELECT COUNT(*) FROM slots WHERE rule_id = ${id}`), before);
		// Fewer seats than bookings is a strand too: 2 seats at 20 % leave 1 public seat < 2 booked.
		const edit = await srv.get(ruleUrl, { jar: coord.jar });
		L.assertHtml(edit, 200);
		const shrink = await srv.request('POST', ruleUrl, {
			jar: coord.jar,
			headers: FORM,
			body:
				L.formBody({ _csrf: coord.csrf, channel: 'video', every_weeks: '1', valid_from: tue, start: '13:00', end: '15:30', slot_min: '30', capacity: '2', staff_share: '20', horizon_days: '30', min_notice_min: '60' }) +
				'&weekdays=2',
		});
		L.assertHtml(shrink, 409);
		assert.match(mainOf(shrink.text), /\(1 \+ 1\)/);
		assert.equal(sql(`SELECT capacity FROM slots WHERE id = ${slot}`), '4');
	});
});

describe('shifts and skills', () => {
	it('a shift added on the page gives seats to a rule counted from shifts', async () => {
		const wed = await openDay('remot', madridDate(9), 3);
		const uid = sql("SELECT id FROM users WHERE email = 'acollida@vilamar.example'");
		// The remote office's video rule counts people on Tuesdays and Thursdays; add one on a
		// Wednesday phone shift and see the phone slots gain a seat.
		const beforeSeats = sql(`SELECT COALESCE(MAX(capacity + staff_capacity), 0) FROM slots WHERE channel = 'phone' AND day = '${wed}' AND start_at = (SELECT MIN(start_at) FROM slots WHERE channel = 'phone' AND day = '${wed}')`);
		const r = await post('/schedule/shifts', { user: uid, office: 'remot', channel: 'phone', day: wed, start: '09:00', end: '11:00', until: '' });
		assert.equal(r.status, 303, r.text.slice(0, 500));
		const list = await srv.get(r.headers.location, { jar: coord.jar });
		assert.ok(list.text.includes('Laia Serra'));
		const after = sql(`SELECT capacity + staff_capacity FROM slots WHERE channel = 'phone' AND day = '${wed}' ORDER BY start_at LIMIT 1`);
		assert.equal(Number(after), Number(beforeSeats) + 1);
		const bad = await post('/schedule/shifts', { user: '999999', office: 'nowhere', channel: 'fax', day: 'x', start: '10:00', end: '09:00' });
		L.assertHtml(bad, 422);
		for (const f of ['user', 'office', 'channel', 'day', 'end']) assert.match(bad.text, new RegExp(`id="s-${f}-err"`), f);
	});

	it('skills are saved per person', async () => {
		const uid = sql("SELECT id FROM users WHERE email = 'acollida@vilamar.example'");
		const r = await srv.request('POST', '/schedule/skills', {
			jar: coord.jar,
			headers: FORM,
			body: L.formBody({ _csrf: coord.csrf, user: uid }) + '&procedures=enotum&procedures=idcat-mobil',
		});
		assert.equal(r.status, 303, r.text.slice(0, 500));
		assert.equal(sql(`SELECT COUNT(*) FROM staff_skills WHERE user_id = ${uid}`), '2');
		const page = await srv.get(r.headers.location, { jar: coord.jar });
		assert.match(page.text, /value="enotum" checked/);
	});
});

// ---------------------------------------------------------------- holidays

describe('holidays', () => {
	const CSV = 'date,scope,name_ca,name_es,name_en\n2031-01-01,national,Cap d\'Any,Año Nuevo,New Year\'s Day\n2031-06-24,catalonia,Sant Joan,San Juan,Saint John\'s Day\n';

	it('finestreta import holidays FILE loads a CSV', async () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fin-hol-'));
		const file = path.join(dir, 'h.csv');
		fs.writeFileSync(file, CSV);
		const { stdout } = await L.runCli(['import', 'holidays', file, '--db', srv.db]);
		assert.match(stdout, /imported 2 holiday/);
		const j = (await hours('centre', '?from=2031-06-24&to=2031-06-24&lang=es')).json();
		assert.deepEqual(j.days[0].holiday, { name: 'San Juan', scope: 'catalonia' });
		// The shipped calendar imports too, and a second import changes nothing.
		const again = await L.runCli(['import', 'holidays', 'deploy/holidays/catalonia-2027.csv', '--db', srv.db]);
		assert.match(again.stdout, /imported 12 holiday/);
		// A bad file: exit 2, a message with the line and field, nothing written.
		fs.writeFileSync(file, 'date,scope,name_ca,name_es,name_en\n2032-01-01,national,A,B,C\n2032-02-30,national,A,B,C\n');
		await assert.rejects(L.runCli(['import', 'holidays', file, '--db', srv.db]), (e) => {
			assert.equal(e.code, 2);
			assert.match(e.message, /line 3, date: not a date/);
			return true;
		});
		assert.equal(sql("SELECT COUNT(*) FROM holidays WHERE day LIKE '2032-%'"), '0');
		await assert.rejects(L.runCli(['import', 'holidays', path.join(dir, 'missing.csv'), '--db', srv.db]), /cannot read/);
		fs.rmSync(dir, { recursive: true, force: true });
	});

	it('the holidays page lists a year and imports an uploaded CSV', async () => {
		const list = await srv.get('/schedule/holidays?year=2026&lang=ca', { jar: coord.jar });
		L.assertHtml(list, 200);
		assert.match(list.text, /Sant Esteve/);
		assert.match(list.text, /Festa Major de Vilamar/);
		const page = await srv.get('/schedule/holidays', { jar: coord.jar });
		const token = L.csrfFrom(page.text);
		const csv = 'date,scope,name_ca,name_es,name_en\n2033-09-11,catalonia,Diada,Diada,National Day of Catalonia\n';
		const mp = L.multipartBody({ _csrf: token }, [{ name: 'file', filename: 'h.csv', type: 'text/csv', data: csv }]);
		const r = await srv.request('POST', '/schedule/holidays/import', { jar: coord.jar, headers: { 'Content-Type': mp.contentType }, body: mp.body });
		assert.equal(r.status, 303, r.text.slice(0, 500));
		assert.match(r.headers.location, /year=2033&imported=1/);
		const shown = await srv.get(r.headers.location + '&lang=ca', { jar: coord.jar });
		assert.match(shown.text, /Diada/);
		assert.match(shown.text, /role="status"/);
		// A bad upload: 422 with the line in the message, next to the file field.
		const bad = L.multipartBody({ _csrf: token }, [{ name: 'file', filename: 'h.csv', type: 'text/csv', data: '2033-01-01,regional,A,B,C\n' }]);
		const r2 = await srv.request('POST', '/schedule/holidays/import?lang=en', { jar: coord.jar, headers: { 'Content-Type': bad.contentType }, body: bad.body });
		L.assertHtml(r2, 422);
		assert.match(r2.text, /id="hol-file-err"[^>]*>Line 1 · scope: the scope must be national, catalonia or city/);
		const none = L.multipartBody({ _csrf: token }, []);
		const r3 = await srv.request('POST', '/schedule/holidays/import', { jar: coord.jar, headers: { 'Content-Type': none.contentType }, body: none.body });
		L.assertHtml(r3, 422);
		// Other roles cannot import.
		const informer = await srv.loginOk(L.DEMO_USERS.informer);
		const r4 = await srv.request('POST', '/schedule/holidays/import', {
			jar: informer.jar,
			headers: FORM,
			body: L.formBody({ _csrf: informer.csrf, csv }),
		});
		assert.equal(r4.status, 403);
	});

	it('a holiday on a booked day is reported before it is imported', async () => {
		const id = sql("SELECT id FROM availability_rules WHERE office_id = (SELECT id FROM offices WHERE code = 'centre') AND channel = 'in_person'");
		const day = sql(`SELECT day FROM slots WHERE rule_id = ${id} AND active = 1 ORDER BY start_at DESC LIMIT 1`);
		assert.match(day, /^\d{4}-\d{2}-\d{2}$/);
		const slot = sql(`SELECT id FROM slots WHERE rule_id = ${id} AND day = '${day}' ORDER BY start_at LIMIT 1`);
		sql(`UPDATE slots SET booked = 1 WHERE id = ${slot}`);
		const page = await srv.get('/schedule/holidays', { jar: coord.jar });
		const token = L.csrfFrom(page.text);
		const csv = `date,scope,name_ca,name_es,name_en\n${day},city,Festa nova,Fiesta nueva,New holiday\n`;
		const mp = L.multipartBody({ _csrf: token }, [{ name: 'file', filename: 'h.csv', type: 'text/csv', data: csv }]);
		const r = await srv.request('POST', '/schedule/holidays/import', { jar: coord.jar, headers: { 'Content-Type': mp.contentType }, body: mp.body });
		L.assertHtml(r, 409);
		assert.equal(sql(`SELECT COUNT(*) FROM holidays WHERE day = '${day}' AND scope = 'city'`), '0');
		// The report carries the file's text, so confirming posts it again.
		const fields = Object.fromEntries(L.tags(mainOf(r.text), 'input').filter((i) => i.type === 'hidden').map((i) => [i.name, i.value]));
		assert.equal(fields.csv, csv);
		assert.equal(fields.confirm, '1');
		const ok = await srv.request('POST', '/schedule/holidays/import', { jar: coord.jar, headers: FORM, body: L.formBody(fields) });
		assert.equal(ok.status, 303, ok.text.slice(0, 300));
		assert.equal(sql(`SELECT COUNT(*) FROM holidays WHERE day = '${day}' AND scope = 'city'`), '1');
		assert.equal(sql(`SELECT active || ':' || booked FROM slots WHERE id = ${slot}`), '0:1');
		assert.equal(sql(`SELECT COUNT(*) FROM slots WHERE rule_id = ${id} AND day = '${day}' AND active = 1`), '0');
	});
});

test('SIGTERM: the server exits 0', () => srv.stop());
