'use strict';
// The demo's generated history (demo.history_days, core/demo.h): `finestreta demo` with
// FINESTRETA_DEMO_HISTORY_DAYS=60 fills the past 60 days of every channel, and the statistics
// API shows it: every channel's key stat non-zero in every past month, every figure the history
// feeds non-zero, an open day never empty, no attendance on a Sunday or a public holiday, nothing
// attended in the future, and the people in it fictitious or blank past their retention.
const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const L = require('./lib/server.js');

const DAYS = 60;
const srv = L.useServer({
	env: {
		TZDIR: path.join(L.ROOT, 'tests/data/zoneinfo'),
		FINESTRETA_DEMO_HISTORY_DAYS: String(DAYS),
		FINESTRETA_BOOKING_RETENTION_DAYS: '30',
		FINESTRETA_CHAT_KEEP_DAYS: '20',
		FINESTRETA_JOBS_INTERVAL: '3600',
	},
});
const { madridDate, addDays, weekday } = L;
const sql = (q) => L.sql(srv.db, q);
let staff;
const TODAY = madridDate();
const FROM = addDays(TODAY, -DAYS);
const YESTERDAY = addDays(TODAY, -1);

// Easter Sunday (anonymous Gregorian computus), as YYYY-MM-DD.
function easter(y) {
	const a = y % 19, b = Math.floor(y / 100), c = y % 100, d = Math.floor(b / 4), e = b % 4;
	const f = Math.floor((b + 8) / 25), g = Math.floor((b - f + 1) / 3), h = (19 * a + b - d - g + 15) % 30;
	const i = Math.floor(c / 4), k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7, m = Math.floor((a + 11 * h + 22 * l) / 451);
	const month = Math.floor((h + l - 7 * m + 114) / 31), day = ((h + l - 7 * m + 114) % 31) + 1;
	return `${y}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
// The offices' closed days in the demo's history: weekends and Catalonia's public holidays.
const FIXED = ['01-01', '01-06', '05-01', '06-24', '08-15', '09-11', '10-12', '11-01', '12-06', '12-08', '12-25', '12-26'];
function closed(date) {
	if (weekday(date) >= 6 || FIXED.includes(date.slice(5))) return true;
	const e = easter(+date.slice(0, 4));
	return date === addDays(e, -2) || date === addDays(e, 1);
}

async function get(url) {
	const r = await srv.get(url, { headers: staff });
	assert.equal(r.status, 200, `${url}: ${r.text.slice(0, 300)}`);
	return r.json();
}
const figure = (j, name) => {
	const f = j.figures.find((x) => x.name === name);
	assert.ok(f, `figure ${name} in ${j.figures.map((x) => x.name)}`);
	assert.equal(f.skipped, false, name);
	return f;
};
const STATS = ['appointments', 'tickets', 'remote', 'chats', 'requests', 'ict'];

describe('demo history', () => {
	before(async () => {
		staff = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.coordinator)}` };
	});

	it('every past month has every channel, and nothing is attended after today', async () => {
		const j = await get(`/api/v1/stats/attendance?from=${FROM}&to=${YESTERDAY}&group=month`);
		const months = new Set();
		for (let d = FROM; d <= YESTERDAY; d = addDays(d, 1)) months.add(d.slice(0, 7));
		assert.deepEqual(j.series.map((s) => s.period), [...months]);
		// Remote attention forgets the calls of appointments past booking.retention_days (30 here).
		const kept = new Set();
		for (let d = addDays(TODAY, -29); d <= YESTERDAY; d = addDays(d, 1)) kept.add(d.slice(0, 7));
		for (const s of j.series)
			for (const k of STATS) {
				if (k === 'remote' && !kept.has(s.period)) assert.equal(s[k], 0, `${k} in ${s.period}, forgotten`);
				else assert.ok(s[k] > 0, `${k} in ${s.period}: ${JSON.stringify(s)}`);
			}
		// Today is the other demo steps' (a morning on the floor, a chat…); the history ends yesterday.
		const future = await get(`/api/v1/stats/attendance?from=${addDays(TODAY, 1)}&to=${addDays(TODAY, 40)}&group=month`);
		for (const k of STATS) assert.equal(future.totals[k], 0, `${k} after today: ${JSON.stringify(future.totals)}`);
		const last = sql(
			"SELECT MAX(day) FROM floor_tickets WHERE token_hash LIKE 'history:%'",
		);
		let lastOpen = YESTERDAY;
		while (closed(lastOpen)) lastOpen = addDays(lastOpen, -1);
		assert.equal(last, lastOpen);
	});

	it('in-person attendance on every open day, none at weekends and on public holidays', async () => {
		const j = await get(`/api/v1/stats/attendance?from=${FROM}&to=${YESTERDAY}&group=day`);
		assert.equal(j.series.length, DAYS);
		const inPerson = figure(
			await get(`/api/v1/figures/attendance?from=${FROM}&to=${YESTERDAY}&group=day&channel=in_person`),
			'booking.appointments',
		).series;
		assert.equal(inPerson.length, DAYS);
		let open = 0;
		for (const [i, s] of j.series.entries()) {
			assert.equal(inPerson[i].period, s.period);
			if (closed(s.period)) {
				assert.equal(s.tickets, 0, `tickets on ${s.period}, a closed day`);
				assert.equal(inPerson[i].booked, 0, `appointments on ${s.period}, a closed day`);
			} else {
				open++;
				assert.ok(s.tickets > 0, `tickets on ${s.period}`);
				assert.ok(inPerson[i].attended > 0, `appointments on ${s.period}`);
			}
		}
		assert.ok(open >= 38, `${open} open days`);
		// The week's shape: Mondays busier than Fridays.
		const mean = (wd) => {
			const v = j.series.filter((s) => weekday(s.period) === wd && !closed(s.period)).map((s) => s.tickets);
			return v.reduce((a, b) => a + b, 0) / v.length;
		};
		assert.ok(mean(1) > 1.15 * mean(5), `Mondays ${mean(1)}, Fridays ${mean(5)}`);
	});

	it('every figure the history feeds has counts', async () => {
		const q = `from=${FROM}&to=${YESTERDAY}&group=month`;
		const att = await get(`/api/v1/figures/attendance?${q}`);
		const nonzero = (f, cols) => {
			for (const c of cols) assert.ok(f.totals[c] > 0, `${f.name}.${c}: ${JSON.stringify(f.totals)}`);
		};
		nonzero(figure(att, 'booking.appointments'), ['booked', 'attended', 'no_show', 'cancelled']);
		nonzero(figure(att, 'floor.tickets'), ['issued', 'served', 'abandoned']);
		nonzero(figure(att, 'remote.calls'), ['attended', 'no_answer', 'wrong_number', 'rescheduled']);
		nonzero(figure(att, 'requests.requests'), ['received', 'answered', 'within_sla', 'late']);
		nonzero(figure(att, 'chat.chats'), ['received', 'answered', 'abandoned']);
		const lead = figure(att, 'booking.lead_time');
		assert.equal(lead.rows.length, 5);
		for (const r of lead.rows) assert.ok(r.appointments > 0, `lead time ${r.label}`);
		const times = figure(att, 'floor.times');
		assert.ok(times.rows.length >= 10, `zones with times: ${times.rows.length}`);
		for (const r of times.rows) {
			assert.ok(r.wait_p50_s > 0 && r.wait_p90_s >= r.wait_p50_s, `${r.label}: ${JSON.stringify(r)}`);
			assert.ok(r.service_p50_s > 0 && r.service_p90_s >= r.service_p50_s, `${r.label}: ${JSON.stringify(r)}`);
		}
		for (const ch of ['phone', 'video']) {
			const j = await get(`/api/v1/figures/attendance?${q}&channel=${ch}`);
			assert.ok(figure(j, 'remote.calls').totals.attended > 0, `${ch} calls held`);
		}

		const seats = figure(await get(`/api/v1/figures/capacity?${q}`), 'booking.seats');
		for (const s of seats.series) assert.ok(s.used > 0 && s.offered > s.used, `seats in ${s.period}: ${JSON.stringify(s)}`);

		const people = await get(`/api/v1/figures/people?${q}`);
		const profile = figure(people, 'floor.profile');
		for (const band of ['under_30', '30_50', 'over_50']) {
			const r = profile.rows.find((x) => x.label.endsWith(`_age_${band}`));
			assert.ok(r && r.woman > 0 && r.man > 0, `${band}: ${JSON.stringify(r)}`);
		}
		const routing = figure(people, 'floor.routing');
		assert.ok(routing.rows.length === 3 && routing.rows.every((r) => r.tickets > 0), JSON.stringify(routing.rows));
		const returning = figure(people, 'booking.returning');
		assert.ok(returning.rows.every((r) => r.appointments > 0), JSON.stringify(returning.rows));
		// An appointment whose ID number was erased names nobody: a first visit.
		const blank = Number(sql("SELECT COUNT(*) FROM appointments WHERE token_hash LIKE 'history:%' AND id_number = ''"));
		assert.ok(blank > 100, `${blank} blank`);
		assert.ok(returning.rows.find((r) => r.label === 'cita_fig_first').appointments >= blank, JSON.stringify(returning.rows));
		assert.ok(figure(people, 'booking.languages').rows.length === 3);
		const evaluation = figure(people, 'ict.evaluation').rows;
		assert.ok(evaluation.filter((r) => r.people > 0).length >= 6, JSON.stringify(evaluation));

		const sat = await get(`/api/v1/figures/satisfaction?${q}`);
		const scores = figure(sat, 'survey.scores').totals;
		assert.ok(scores.answers > 100, JSON.stringify(scores));
		const mean = scores.score_sum / scores.answers;
		assert.ok(mean > 8.5 && mean < 9.5, `mean score ${mean}`);
		assert.ok(scores.nine_or_more > scores.answers / 2 && scores.with_comment > 0, JSON.stringify(scores));

		const procs = await get(`/api/v1/figures/procedures?${q}`);
		assert.ok(figure(procs, 'booking.procedures').rows.length >= 10);
		nonzero(figure(procs, 'padro.volants'), ['issued', 'individual', 'collective']);
		const stats = await get(`/api/v1/stats/profile?from=${FROM}&to=${YESTERDAY}`);
		assert.ok(JSON.stringify(stats).includes('woman'), JSON.stringify(stats).slice(0, 300));
	});

	it('the people in it are fictitious, and blank past their retention', () => {
		const cut = Math.floor(Date.now() / 1000) - 30 * 86400;
		const names = sql(
			"SELECT CASE WHEN end_at < " + cut + " THEN 'old' ELSE 'new' END, name, id_number, email, phone, status " +
				"FROM appointments WHERE token_hash LIKE 'history:%'",
		).split('\n');
		assert.ok(names.length > 1000, `${names.length} past appointments`);
		let old = 0;
		for (const line of names) {
			const [age, name, id, email, phone, status] = line.split('|');
			assert.equal(email + phone, '', line);
			if (age === 'old' || status === 'cancelled') {
				if (age === 'old') old++;
				assert.equal(name + id, '', `blank past booking.retention_days or cancelled: ${line}`);
			} else {
				assert.match(name, /^Persona de prova \d{5}$/, line);
				assert.match(id, /^DEMO\d{5}$/, line);
			}
		}
		assert.ok(old > 100, `${old} appointments past their retention`);
		const chats = sql(
			"SELECT SUM(CASE WHEN closed_at < " + (Math.floor(Date.now() / 1000) - 20 * 86400) + " AND name <> '' THEN 1 ELSE 0 END), " +
				"SUM(CASE WHEN name <> '' AND name NOT LIKE 'Persona de prova %' THEN 1 ELSE 0 END), COUNT(*) " +
				"FROM chats WHERE token_hash LIKE 'history:%'",
		);
		const [oldNamed, otherNames, total] = chats.split('|').map(Number);
		assert.ok(total > 100, chats);
		assert.equal(oldNamed, 0, 'chats past chat.keep_days are blank');
		assert.equal(otherNames, 0, 'no other names');
		assert.equal(sql("SELECT COUNT(*) FROM padro_volants WHERE holder <> '' AND sha256 = " +
			"'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'"), '0');
	});
});
