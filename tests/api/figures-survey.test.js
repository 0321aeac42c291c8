'use strict';
// The surveys' figures (docs/figures.md, "The surveys' figures"): tickets served at mar-blava
// (which the demo leaves empty), each ticket's survey answered on its page as a person would,
// then the satisfaction theme read back: answers, the sum of the scores, the share of 9 or more,
// the distribution 0–10 and the comments to read (coordinators and admins only, never in the
// open data). Counts are differences between before and after.
const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib/server.js');

// The summary off: the fixture moves an answer to yesterday with SQL, which the daily summary
// would see only at the job's next run (jobs are hourly here; tests/api/figures-summary.test.js
// tests the summary).
const srv = L.useServer({ env: { FINESTRETA_FLOOR_RATE_PUBLIC: '0', FINESTRETA_JOBS_INTERVAL: '3600', FINESTRETA_FIGURES_SUMMARY: 'false' } });
const OFFICE = 'mar-blava';
const sql = (q) => L.sql(srv.db, q);
let admin, staff, informer;

async function figures(qs, headers = staff) {
	const r = await srv.get(`/api/v1/figures/satisfaction?${qs}`, { headers });
	assert.equal(r.status, 200, r.text.slice(0, 400));
	return r.json();
}
const fig = (j, name) => {
	const f = j.figures.find((x) => x.name === name);
	assert.ok(f, `figure ${name} in ${j.figures.map((x) => x.name)}`);
	return f;
};
const row = (f, label) => f.rows.find((x) => x.label === label) || {};
const post = (p, body) => srv.request('POST', p, { headers: admin, body });

// A ticket served at mar-blava and its survey answered on the survey's page; the ticket's id.
async function servedAndAnswered(score, comment) {
	const t = await post(`/api/v1/offices/${OFFICE}/tickets`, { zone: 'assistida' });
	assert.equal(t.status, 201, t.text);
	const { id, token } = t.json();
	const called = await post(`/api/v1/offices/${OFFICE}/desks/taula-1/call-next`);
	assert.equal(called.status, 200, called.text);
	assert.equal(called.json().id, id);
	for (const action of ['start', 'finish']) {
		const r = await post(`/api/v1/tickets/${id}/${action}`, action === 'finish' ? {} : undefined);
		assert.equal(r.status, 200, r.text);
	}
	const url = (await srv.get(`/api/v1/tickets/${id}?token=${token}`)).json().survey_url;
	const path = new URL(url).pathname;
	const jar = new L.CookieJar();
	const page = await srv.get(path, { jar });
	L.assertHtml(page, 200);
	const form = L.formIn(page.text, path);
	const r = await srv.request('POST', path, { jar, headers: L.FORM, body: L.formBody({ ...form, score: String(score), comment }) });
	L.assertHtml(r, 200);
	return id;
}

before(async () => {
	await srv.ready();
	admin = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.admin)}` };
	staff = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.coordinator)}` };
	informer = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.informer)}` };
});

describe('figures: satisfaction surveys', () => {
	const today = L.madridDate(0);
	const yesterday = L.addDays(today, -1);
	const q = `from=${today}&to=${today}&office=${OFFICE}`;
	let base, baseDist, baseAll, baseYesterday;

	before(async () => {
		const j = await figures(q);
		base = fig(j, 'survey.scores');
		baseDist = fig(j, 'survey.distribution');
		baseAll = fig(await figures(`from=${today}&to=${today}`), 'survey.scores');
		baseYesterday = fig(await figures(`from=${yesterday}&to=${yesterday}&office=${OFFICE}`), 'survey.scores');
		await servedAndAnswered(10, 'Molt amables');
		await servedAndAnswered(9, '');
		await servedAndAnswered(4, 'Massa espera');
		// one answered yesterday, for the open data of a finished day (the instant moved back a day)
		const id = await servedAndAnswered(2, 'Comentari privat');
		sql(`UPDATE surveys SET answered_at = answered_at - 86400 WHERE kind = 'ticket' AND ref = '${id}'`);
	});

	it('scores: answers, the sum of the scores, 9 or more and with a comment, by office', async () => {
		const f = fig(await figures(q), 'survey.scores');
		assert.equal(f.capability, 'survey');
		assert.equal(f.kind, 'series');
		assert.deepEqual(f.columns, ['answers', 'score_sum', 'nine_or_more', 'with_comment']);
		assert.equal(f.totals.answers, base.totals.answers + 3);
		assert.equal(f.totals.score_sum, base.totals.score_sum + 23);
		assert.equal(f.totals.nine_or_more, base.totals.nine_or_more + 2);
		assert.equal(f.totals.with_comment, base.totals.with_comment + 2);
		const split = f.by_office_channel.find((s) => s.office === OFFICE && s.channel === 'ticket');
		assert.equal(split.answers, f.totals.answers);
		// without the office filter the same three are counted too
		assert.equal(fig(await figures(`from=${today}&to=${today}`), 'survey.scores').totals.answers, baseAll.totals.answers + 3);
		// yesterday's is counted on its own day
		const y = fig(await figures(`from=${yesterday}&to=${yesterday}&office=${OFFICE}`), 'survey.scores');
		assert.equal(y.totals.answers, baseYesterday.totals.answers + 1);
		assert.equal(y.totals.score_sum, baseYesterday.totals.score_sum + 2);
	});

	it('distribution: a row per score 0–10', async () => {
		const f = fig(await figures(q), 'survey.distribution');
		assert.deepEqual(f.rows.map((x) => x.label), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
		for (const s of ['4', '9', '10']) assert.equal(row(f, s).answers, row(baseDist, s).answers + 1, s);
		for (const s of ['0', '2', '8']) assert.equal(row(f, s).answers, row(baseDist, s).answers, s);
	});

	it('comments: the latest of the period, newest first, with their score; for coordinators only', async () => {
		const f = fig(await figures(q), 'survey.comments');
		assert.deepEqual(f.columns, ['score']);
		assert.match(f.rows[0].label, new RegExp(`^${today} \\d{2}:\\d{2} ${OFFICE}: Massa espera$`));
		assert.equal(f.rows[0].score, 4);
		assert.match(f.rows[1].label, / mar-blava: Molt amables$/);
		assert.equal(f.rows[1].score, 10);
		assert.ok(!f.rows.some((x) => x.label.endsWith('Comentari privat')), 'yesterday\'s is not of this period');
		L.assertJsonError(await srv.get(`/api/v1/figures/satisfaction?${q}`, { headers: informer }), 403, 'forbidden');
		const page = await srv.get(`/figures/satisfaction?${q}`, { jar: (await srv.loginOk(L.DEMO_USERS.coordinator)).jar });
		L.assertHtml(page, 200);
		assert.ok(page.text.includes('Massa espera'), 'the comment on the page');
	});

	it('open data: no survey figure and no comment', async () => {
		const r = await srv.get(`/api/v1/open-data/daily.json?from=${yesterday}&to=${yesterday}`);
		assert.equal(r.status, 200, r.text);
		assert.ok(!r.json().rows.some((x) => x.figure.startsWith('survey.')));
		assert.ok(!r.text.includes('Comentari privat'));
		// the same day's figures for a coordinator do have yesterday's answer and its comment
		const f = fig(await figures(`from=${yesterday}&to=${yesterday}&office=${OFFICE}`), 'survey.comments');
		assert.ok(f.rows.some((x) => x.label.endsWith(`${OFFICE}: Comentari privat`)));
	});
});
