'use strict';
// The daily summary of the figures (docs/figures.md, "Daily summary"): the statistics API answers
// the same with the days counted live and with the days read from the summary the job
// figures.summary keeps, for every theme, with and without an office filter; a late change to an
// old day is seen only once the job has counted that day again, and then the answer is right.
// The job runs every second here; the test pauses it by holding its lease, as a second node
// running it would (fg_summary), and lets it run by giving the lease back.
// Last, the open data's cell threshold under its name stats.min_cell (tests/unit/test_config.c
// checks that figures.min_cell, its old name, still wins when set).
const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const L = require('./lib/server.js');

const srv = L.useServer({
	env: {
		TZDIR: path.join(L.ROOT, 'tests/data/zoneinfo'),
		FINESTRETA_JOBS_INTERVAL: '1',
		FINESTRETA_FIGURES_SUMMARY_EVERY: '1',
		FINESTRETA_FIGURES_SUMMARY_RECENT_DAYS: '3',
		FINESTRETA_FIGURES_SUMMARY_VERIFY_DAYS: '40',
		FINESTRETA_FIGURES_SUMMARY_HISTORY_DAYS: '120',
		FINESTRETA_STATS_MIN_CELL: '7',
	},
});
const OFFICE = 'mar-blava';
const SERVICE = 'volant-individual';
const { madridDate } = L;
const sql = (q) => L.sql(srv.db, q);
// The instant of a local time in Europe/Madrid (UTC+1 in winter, UTC+2 in summer: the offset is
// the one Intl gives for that day at noon, which is right for every time but the hour that moves).
function madridTime(day, hh, mm) {
	const noon = Date.parse(`${day}T12:00:00Z`);
	const local = new Date(noon).toLocaleString('sv-SE', { timeZone: 'Europe/Madrid' }); // "YYYY-MM-DD HH:MM:SS"
	const offset = Date.parse(`${local.replace(' ', 'T')}Z`) - noon;
	return Math.floor((Date.parse(`${day}T${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:00Z`) - offset) / 1000);
}
const FAR = 4102444800; // 2100-01-01: a lease the job cannot take
let staff;

const runs = () => Number(sql("SELECT runs FROM fg_summary WHERE name = 'daily'"));
// Holds the job's lease as another node would, once no run holds it: the job does nothing until
// it is given back.
async function pause() {
	await L.waitFor(() => {
		const now = Math.floor(Date.now() / 1000);
		sql(`UPDATE fg_summary SET holder = 'api-test', until_at = ${FAR} WHERE name = 'daily' AND (until_at <= ${now} OR holder = 'api-test')`);
		return sql("SELECT holder FROM fg_summary WHERE name = 'daily'") === 'api-test';
	}, 20000, 'the summary job between two runs');
}
// Gives it back, waits for a whole run that began after that, and holds it again.
async function runJob() {
	const n = runs();
	sql("UPDATE fg_summary SET holder = '', until_at = 0 WHERE name = 'daily'");
	await L.waitFor(() => runs() > n, 20000, 'a run of the summary job');
	await pause();
}

async function get(url) {
	const r = await srv.get(url, { headers: staff });
	assert.equal(r.status, 200, r.text.slice(0, 400));
	return r.json();
}

const from = madridDate(-100);
const to = madridDate(0); // today: counted live whatever the summary holds
const QUERIES = [
	`/api/v1/stats/attendance?from=${from}&to=${to}&group=week`,
	`/api/v1/stats/attendance?from=${from}&to=${to}&office=${OFFICE}&group=day`,
	...['attendance', 'capacity', 'people', 'procedures', 'satisfaction'].map((t) => `/api/v1/figures/${t}?from=${from}&to=${to}&group=month`),
	`/api/v1/figures/attendance?from=${from}&to=${to}&office=${OFFICE}&channel=in_person`,
];
const answers = async () => Promise.all(QUERIES.map(get));

before(async () => {
	await srv.ready();
	staff = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.coordinator)}` };
	await L.waitFor(() => runs() > 0, 60000, 'the first run of the summary job');
});

describe('figures: the daily summary', () => {
	let live, old;

	it('the answers are the same counted live and read from the summary', async () => {
		// past appointments of every state on every fourth day, at 00:30 and 23:30 local time too
		// (the DST day of late October falls in the period when the test runs in autumn or winter)
		// (none left 'booked': the no-show job would change them while the test compares)
		const states = ['done', 'no_show', 'cancelled', 'checked_in', 'done'];
		let k = 0;
		for (let d = -96; d < 0; d += 4)
			for (const [hh, mm] of [[0, 30], [9, 0], [13, 45], [23, 30]]) {
				const day = madridDate(d);
				const t = madridTime(day, hh, mm);
				// three procedures (the first booked more at first, the third later: the top order
				// changes over the days), three languages, an ID number seen again (returning visits)
				const proc = d < -48 ? (k % 4 ? 0 : 2) : k % 4 ? 2 : 1;
				sql(`INSERT INTO appointments (code, token_hash, office_id, procedure_id, channel, start_at, end_at, status, name, id_type, id_number, lang, created_at, updated_at)
				     SELECT 'FGS${k}', 'fg-s-${k}', o.id, (SELECT id FROM procedures ORDER BY code LIMIT 1 OFFSET ${proc}), '${k % 3 ? 'in_person' : 'phone'}', ${t}, ${t + 900}, '${states[k % states.length]}', 'Persona', 'dni', 'XS${k % 7}', '${['ca', 'es', 'en'][k % 3]}', ${t - 86400 * (k % 40)}, ${t - 86400}
				     FROM offices o WHERE o.code = '${OFFICE}'`);
				k++;
			}
		await pause();
		sql('DELETE FROM fg_days');
		sql('DELETE FROM fg_daily');
		sql('DELETE FROM fg_daily_label');
		live = await answers();
		await runJob();
		const yesterday = madridDate(-1);
		assert.equal(sql(`SELECT COUNT(*) FROM fg_days WHERE figure = 'booking.appointments' AND day >= '${madridDate(-120)}' AND day <= '${yesterday}'`), '120');
		assert.equal(sql(`SELECT COUNT(*) FROM fg_days WHERE day = '${to}'`), '0', 'today is never summarised');
		// the additive tables too (docs/figures.md): their days held, their rows by day and key
		for (const f of ['booking.lead_time', 'booking.procedures', 'booking.returning', 'booking.languages', 'floor.routing', 'floor.profile'])
			assert.equal(sql(`SELECT COUNT(*) FROM fg_days WHERE figure = '${f}' AND day >= '${madridDate(-120)}' AND day <= '${yesterday}'`), '120', f);
		assert.notEqual(sql("SELECT COUNT(*) FROM fg_daily_label WHERE figure = 'booking.returning' AND label = 'returning'"), '0');
		const read = await answers();
		for (let i = 0; i < QUERIES.length; i++) assert.deepEqual(read[i], live[i], QUERIES[i]);
		assert.ok(live[1].totals.appointments >= 24, 'the attended appointments made above are counted');
		// the tables compared above were read from the summary: a count changed there shows
		const people = QUERIES.findIndex((q) => q.startsWith('/api/v1/figures/people'));
		const langs = (j) => JSON.stringify(j.figures.find((f) => f.name === 'booking.languages'));
		sql("UPDATE fg_daily_label SET v0 = v0 + 1000 WHERE figure = 'booking.languages'");
		assert.notEqual(langs(await get(QUERIES[people])), langs(live[people]));
		sql("UPDATE fg_daily_label SET v0 = v0 - 1000 WHERE figure = 'booking.languages'");
		assert.deepEqual(await get(QUERIES[people]), live[people]);
	});

	it('a late change to an old day: the old count until the job counts that day again, then the new one', async () => {
		// an appointment 50 days back (older than the 3 recounted on every run), a no-show, summarised
		const day = madridDate(-50);
		const t = Math.floor(Date.parse(`${day}T09:00:00Z`) / 1000);
		sql(`INSERT INTO appointments (code, token_hash, office_id, procedure_id, channel, start_at, end_at, status, name, id_type, id_number, created_at, updated_at)
		     SELECT 'FGSUM1', 'fg-sum-1', o.id, p.id, 'in_person', ${t}, ${t + 900}, 'no_show', 'Persona', 'dni', 'X99001', ${t - 86400}, ${t - 86400}
		     FROM offices o, procedures p WHERE o.code = '${OFFICE}' AND p.code = '${SERVICE}'`);
		const q = `/api/v1/stats/attendance?from=${day}&to=${day}&office=${OFFICE}`;
		const base = (await get(q)).totals.appointments;
		sql(`DELETE FROM fg_days WHERE day = '${day}'`); // counted again at the next run
		await runJob();
		assert.equal((await get(q)).totals.appointments, base);
		old = sql(`SELECT built_at FROM fg_days WHERE figure = 'booking.appointments' AND day = '${day}'`);
		// corrected weeks later: the person did come
		sql("UPDATE appointments SET status = 'done' WHERE code = 'FGSUM1'");
		assert.equal((await get(q)).totals.appointments, base, 'the summary is read: the old count until the job runs');
		// the job recounts the day within one rolling re-check: (120 - 3) / 40 → at most 4 runs
		let runs = 0;
		while ((await get(q)).totals.appointments !== base + 1) {
			assert.ok(runs < 4, `the day recounted within 4 runs (${runs})`);
			await runJob();
			runs++;
		}
		assert.ok(runs >= 1);
		assert.notEqual(sql(`SELECT built_at FROM fg_days WHERE figure = 'booking.appointments' AND day = '${day}'`), old);
		// and what the summary now holds is what a live count says
		const read = await get(q);
		sql(`DELETE FROM fg_days WHERE day = '${day}'`);
		assert.deepEqual(await get(q), read);
		sql("UPDATE fg_summary SET holder = '', until_at = 0 WHERE name = 'daily'");
	});
});

describe('stats.min_cell', () => {
	// appointments written with SQL two years back: older than the summary's history here (120
	// days), so counted live whenever they are written
	const day = madridDate(-730);
	const t = Math.floor(Date.parse(`${day}T10:00:00Z`) / 1000);
	const write = (channel, k) => {
		for (let i = 0; i < k; i++)
			sql(`INSERT INTO appointments (code, token_hash, office_id, procedure_id, channel, start_at, end_at, status, name, id_type, id_number, created_at, updated_at)
			     SELECT 'FGM${channel}${i}', 'fg-m-${channel}-${i}', o.id, p.id, '${channel}', ${t}, ${t + 900}, 'done', 'Persona', 'dni', 'XM${channel}${i}', ${t - 86400}, ${t - 86400}
			     FROM offices o, procedures p WHERE o.code = '${OFFICE}' AND p.code = '${SERVICE}'`);
	};
	const cell = (j, channel, measure) => {
		const c = j.rows.find((r) => r.figure === 'booking.appointments' && r.office === OFFICE && r.channel === channel && r.measure === measure);
		assert.ok(c, `${channel} ${measure} in ${JSON.stringify(j.rows)}`);
		return c.count;
	};

	it('the open data suppresses the counts below stats.min_cell (7 here)', async () => {
		write('video', 3);
		write('phone', 8);
		const a = await srv.get(`/api/v1/open-data/daily.json?from=${day}&to=${day}&office=${OFFICE}`);
		assert.equal(a.status, 200, a.text);
		assert.equal(a.json().min_cell, 7);
		assert.equal(cell(a.json(), 'video', 'booked'), null);
		assert.equal(cell(a.json(), 'video', 'attended'), null);
		assert.equal(cell(a.json(), 'phone', 'booked'), 8);
		assert.equal(cell(a.json(), 'phone', 'attended'), 8);
	});
});
