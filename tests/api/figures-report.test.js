'use strict';
// The monthly figures report end to end (docs/figures.md "The monthly report"): appointments
// made by hand in the previous month, then the server started with figures.report_to and a REAL
// SMTP server (aiosmtpd, tests/api/lib/smtp_sink.py): the job's mail reaches each address with
// the PDF attached, read back with Python's email package and pdftotext, and the PDF's headline
// figures are GET /api/v1/stats/attendance's totals for that month and the month before. Once
// per month and address: later runs and a restart send nothing more. Staff download the same
// report for any month from the statistics pages (audited); others may not.
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const L = require('./lib/server.js');

const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const SINK_PY = path.join(L.ROOT, 'tests/api/lib/smtp_sink.py');
const TO = ['direccio@vilamar.example', 'estadistica@vilamar.example'];
const OFFICE = 'mar-blava';
const SERVICE = 'volant-individual';
// The headline rows' names in Catalan (locale/figures/ca.po, fg_stat_*), and the months.
const STAT_CA = { appointments: 'Cites', tickets: 'Torns', remote: 'Atenció a distància', chats: 'Xats', requests: 'Sol·licituds', ict: 'Sessions TIC' };
const MONTH_CA = ['gener', 'febrer', 'març', 'abril', 'maig', 'juny', 'juliol', 'agost', 'setembre', 'octubre', 'novembre', 'desembre'];
const ofMonthCa = (m) => (/^[aeiou]/.test(MONTH_CA[m - 1]) ? `d'${MONTH_CA[m - 1]}` : `de ${MONTH_CA[m - 1]}`);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'finestreta-report-'));
const DB = L.IS_PG ? L.TEST_DB : `sqlite:${path.join(tmp, 'report.db')}`;
const sql = (q) => L.sql(DB, q);
let sink;
let smtpPort;
let srv;

// The month before the current one (Europe/Madrid), and the one before that.
const today = L.madridDate(0);
const monthBefore = (ym) => {
	const [y, m] = ym.split('-').map(Number);
	return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
};
const monthAfter = (ym) => {
	const [y, m] = ym.split('-').map(Number);
	return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
};
const lastDay = (ym) => L.addDays(`${monthAfter(ym)}-01`, -1);
const MONTH = monthBefore(today.slice(0, 7));
const PREV = monthBefore(MONTH);
const FIRST = `${MONTH}-01`;
const LAST = lastDay(MONTH);

const canConnect = (port) =>
	new Promise((resolve) => {
		const s = net.connect(port, '127.0.0.1');
		s.on('connect', () => (s.destroy(), resolve(true)));
		s.on('error', () => resolve(false));
	});

// aiosmtpd writing every message to a folder; messages() parses them (smtp_sink.py parse).
async function startSink(dir) {
	smtpPort = await L.freePort();
	let log = '';
	const proc = spawn(PYTHON, ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${smtpPort}`, '-c', 'smtp_sink.Sink', dir], {
		env: { ...process.env, PYTHONPATH: path.dirname(SINK_PY) },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	proc.stdout.on('data', (b) => (log += b));
	proc.stderr.on('data', (b) => (log += b));
	const exited = new Promise((r) => proc.on('exit', r));
	await L.waitFor(() => canConnect(smtpPort), 10000, `aiosmtpd on ${smtpPort}: ${log}`, 50);
	return {
		dir,
		async stop() {
			proc.kill('SIGTERM');
			await L.withTimeout(exited, 5000).catch(() => proc.kill('SIGKILL'));
		},
		messages() {
			return fs
				.readdirSync(dir)
				.filter((f) => f.endsWith('.eml') && !f.startsWith('.'))
				.sort()
				.map((f) => {
					const m = JSON.parse(execFileSync(PYTHON, [SINK_PY, 'parse', path.join(dir, f)], { encoding: 'utf8' }));
					m.envelope = JSON.parse(fs.readFileSync(path.join(dir, f.replace(/\.eml$/, '.json')), 'utf8'));
					return m;
				});
		},
	};
}

// The text of a PDF as pdftotext lays it out, every run of spaces one space.
function pdfText(bytes) {
	const file = path.join(tmp, `r-${process.hrtime.bigint()}.pdf`);
	fs.writeFileSync(file, bytes);
	const t = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
	return t.replace(/[ \t]+/g, ' ');
}

function env(extra = {}) {
	return {
		TZDIR: path.join(L.ROOT, 'tests/data/zoneinfo'),
		FINESTRETA_MAIL_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
		FINESTRETA_MAIL_FROM: 'Estadística de Vilamar <estadistica@vilamar.example>',
		FINESTRETA_MAIL_OUTBOX_DIR: path.join(tmp, 'outbox-unused'),
		FINESTRETA_MAIL_RETRY_BASE: '1',
		// The fixture writes last month's appointments with SQL, behind the server's back, after
		// the demo server's summary counted those days: counted live, as the report is compared
		// with the API's numbers, not with the summary's re-check (tests/api/figures-summary.test.js).
		FINESTRETA_FIGURES_SUMMARY: 'false',
		...extra,
	};
}

async function totals(ym, headers) {
	const r = await srv.get(`/api/v1/stats/attendance?from=${ym}-01&to=${lastDay(ym)}&group=month`, { headers });
	assert.equal(r.status, 200, r.text);
	return r.json().totals;
}

before(async () => {
	sink = await startSink(path.join(tmp, 'sink'));
	// The demo's data, with no report list: its first job run mails nothing.
	const demo = new L.Server({ env: env({ FINESTRETA_JOBS_INTERVAL: '3600' }), command: 'demo', db: DB, name: 'demo' });
	await demo.ready();
	// Appointments attended in the month: 4 on its 3rd, 3 on its 10th.
	let n = 0;
	for (const [day, k] of [[`${MONTH}-03`, 4], [`${MONTH}-10`, 3]]) {
		const t = Math.floor(Date.parse(`${day}T09:00:00Z`) / 1000);
		for (let i = 0; i < k; i++, n++)
			sql(`INSERT INTO appointments (code, token_hash, office_id, procedure_id, channel, start_at, end_at, status, name, id_type, id_number, created_at, updated_at)
			     SELECT 'FR${String(n).padStart(6, '0')}', 'fr-${n}', o.id, p.id, 'in_person', ${t}, ${t + 900}, 'done', 'Persona', 'dni', 'R${n}', ${t - 86400}, ${t - 86400}
			     FROM offices o, procedures p WHERE o.code = '${OFFICE}' AND p.code = '${SERVICE}'`);
	}
	await demo.stop();
	assert.equal(sql(`SELECT COUNT(*) FROM outbox WHERE kind = 'figures_monthly'`), '0');
	await serveReports('report');
}, { timeout: 120000 });

// srv: the server on DB with the hourly job every second and the report's list set, once ready.
async function serveReports(name) {
	srv = new L.Server({
		env: env({ FINESTRETA_JOBS_INTERVAL: '1', FINESTRETA_FIGURES_REPORT_TO: TO.join(', ') }),
		command: 'serve',
		db: DB,
		name,
	});
	await srv.ready();
}

after(async () => {
	if (srv) await srv.kill();
	if (sink) await sink.stop();
	fs.rmSync(tmp, { recursive: true, force: true });
});

describe('the monthly report by mail, the PDF attached', () => {
	let mails;
	let staff;

	before(async () => {
		staff = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.coordinator)}` };
		await L.waitFor(() => sink.messages().length >= 2, 20000, 'two report mails');
		mails = sink.messages();
	});

	it('one mail to each address, with its PDF named after the month', () => {
		assert.deepEqual(mails.map((m) => m.envelope.rcpt_tos[0]).sort(), TO);
		for (const m of mails) {
			assert.equal(m.type, 'multipart/mixed');
			assert.equal(m.content_language, 'ca');
			const pdf = m.parts.filter((p) => p.type === 'application/pdf');
			assert.equal(pdf.length, 1);
			assert.equal(pdf[0].filename, `figures-${MONTH}.pdf`);
			assert.equal(pdf[0].disposition, 'attachment');
			assert.equal(Buffer.from(pdf[0].base64, 'base64').subarray(0, 5).toString(), '%PDF-');
			// The mail says so, naming the file it carries.
			const text = m.parts.find((p) => p.type === 'text/plain').text;
			assert.match(text, new RegExp(`La memòria del mes en PDF, amb els gràfics, va adjunta: figures-${MONTH}\\.pdf`));
		}
	});

	it('the PDF: the month, and every headline figure as the API counts it, against the month before', async () => {
		const cur = await totals(MONTH, staff);
		const prev = await totals(PREV, staff);
		assert.ok(cur.appointments >= 7, `the 7 appointments made by hand are counted: ${JSON.stringify(cur)}`);
		const keys = Object.keys(cur);
		assert.ok(keys.length >= 4, keys.join());
		const [y, m] = MONTH.split('-').map(Number);
		for (const mail of mails) {
			const t = pdfText(Buffer.from(mail.parts.find((p) => p.type === 'application/pdf').base64, 'base64'));
			assert.ok(t.includes(`Les xifres ${ofMonthCa(m)} de ${y}`), t.slice(0, 400));
			assert.ok(t.includes(`Del ${FIRST} al ${LAST}`), t.slice(0, 400));
			for (const k of keys) {
				assert.ok(STAT_CA[k], `a name for ${k}`);
				assert.match(t, new RegExp(`\\n ?${STAT_CA[k]} ${cur[k]} ${prev[k] ?? 0} `), `${k}: ${cur[k]} (before ${prev[k]})`);
			}
		}
	});

	it('the chart\'s table: each day of the month with the API\'s daily numbers', async () => {
		const r = await srv.get(`/api/v1/stats/attendance?from=${FIRST}&to=${LAST}&group=day`, { headers: staff });
		const series = r.json().series;
		const t = pdfText(Buffer.from(mails[0].parts.find((p) => p.type === 'application/pdf').base64, 'base64'));
		for (const d of [3, 10]) {
			const p = series.find((s) => s.period === `${MONTH}-${String(d).padStart(2, '0')}`);
			assert.ok(p.appointments >= 4 - (d === 10 ? 1 : 0), JSON.stringify(p));
			const row = `\n${d} ${Object.keys(p).filter((k) => k !== 'period').map((k) => p[k]).join(' ')}\n`;
			assert.ok(t.includes(row), `${JSON.stringify(row)} in the days' table`);
		}
	});

	it('the outbox pages name the attachment; the .eml download carries it', async () => {
		const admin = await srv.loginOk(L.DEMO_USERS.admin);
		const list = await srv.get('/admin/outbox', { jar: admin.jar });
		L.assertHtml(list, 200, 'GET /admin/outbox');
		assert.match(list.text, new RegExp(`Fitxer adjunt: figures-${MONTH}\\.pdf`));
		const id = sql(`SELECT id FROM outbox WHERE kind = 'figures_monthly' ORDER BY id LIMIT 1`);
		const size = Number(sql(`SELECT LENGTH(attachment) FROM outbox WHERE id = ${id}`));
		assert.ok(size > 1000, `${size} bytes`);
		const one = await srv.get(`/admin/outbox/${id}`, { jar: admin.jar });
		L.assertHtml(one, 200, 'GET /admin/outbox/ID');
		assert.match(one.text, new RegExp(`figures-${MONTH}\\.pdf \\(application/pdf, ${size} B\\)`));
		const eml = await srv.get(`/admin/outbox/${id}/message.eml`, { jar: admin.jar });
		assert.equal(eml.status, 200);
		assert.match(eml.text, new RegExp(`Content-Type: application/pdf;\\r\\n name="figures-${MONTH}\\.pdf"\\r\\nContent-Disposition: attachment`));
	});

	it('once per month and address: later runs and a restart send nothing more', async () => {
		await L.sleep(3000); // three more runs of the hourly job at jobs.interval = 1 s
		assert.equal(sink.messages().length, 2);
		assert.equal(sql(`SELECT COUNT(*) FROM outbox WHERE kind = 'figures_monthly'`), '2');
		assert.equal(sql(`SELECT COUNT(*) FROM outbox WHERE kind = 'figures_monthly' AND attachment_name = 'figures-${MONTH}.pdf' AND status = 'sent'`), '2');
		await srv.stop();
		await serveReports('report-again');
		await L.sleep(3000);
		assert.equal(sink.messages().length, 2);
		assert.equal(sql(`SELECT COUNT(*) FROM outbox WHERE kind = 'figures_monthly'`), '2');
	});
});

describe('the report downloaded from the statistics pages', () => {
	it('any month as a PDF for coordinators, in their language, audited; a link on the pages', async () => {
		const coord = await srv.loginOk(L.DEMO_USERS.coordinator);
		const staff = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.coordinator)}` };
		const audits = Number(sql(`SELECT COUNT(*) FROM audit_log WHERE action = 'figures.report_pdf' AND target = 'month:${PREV}'`));
		const r = await srv.get(`/figures/report.pdf?month=${PREV}`, { jar: coord.jar });
		assert.equal(r.status, 200, r.text.slice(0, 300));
		assert.equal(r.headers['content-type'], 'application/pdf');
		assert.equal(r.headers['content-disposition'], `attachment; filename="figures-${PREV}.pdf"`);
		const [y, m] = PREV.split('-').map(Number);
		const t = pdfText(r.body);
		assert.ok(t.includes(`Les xifres ${ofMonthCa(m)} de ${y}`), t.slice(0, 300));
		const cur = await totals(PREV, staff);
		assert.match(t, new RegExp(`\\n ?Cites ${cur.appointments} `));
		assert.equal(Number(sql(`SELECT COUNT(*) FROM audit_log WHERE action = 'figures.report_pdf' AND target = 'month:${PREV}'`)), audits + 1);
		// English when asked.
		const en = await srv.get(`/figures/report.pdf?month=${PREV}&lang=en`, { jar: coord.jar, headers: { 'Accept-Language': 'en' } });
		assert.equal(en.status, 200);
		const te = pdfText(en.body);
		assert.ok(/The figures of \w+ \d{4}/.test(te), te.slice(0, 300));
		assert.match(te, new RegExp(`\\n ?Appointments ${cur.appointments} `));
		// The theme page links to the report of its month; the index offers any month.
		const page = await srv.get(`/figures/attendance?from=${FIRST}&to=${LAST}`, { jar: coord.jar });
		L.assertHtml(page, 200, 'GET /figures/attendance');
		assert.match(page.text, new RegExp(`href="/figures/report\\.pdf\\?month=${MONTH}"`));
		const idx = await srv.get('/figures', { jar: coord.jar });
		L.assertHtml(idx, 200, 'GET /figures');
		assert.match(idx.text, new RegExp(`<form method="get" action="/figures/report\\.pdf"[^>]*>[\\s\\S]*name="month" value="${MONTH}"`));
	});

	it('a bad month is a 422 that says how to write one; informers and visitors may not', async () => {
		const coord = await srv.loginOk(L.DEMO_USERS.coordinator);
		for (const bad of ['2026-13', '2026-1', 'nope', '1999-12', '']) {
			const r = await srv.get(`/figures/report.pdf?month=${encodeURIComponent(bad)}`, { jar: coord.jar });
			assert.equal(r.status, 422, bad);
			assert.match(r.text, /Indiqueu el mes com AAAA-MM/, bad);
		}
		const informer = await srv.loginOk(L.DEMO_USERS.informer);
		assert.equal((await srv.get(`/figures/report.pdf?month=${PREV}`, { jar: informer.jar })).status, 403);
		assert.equal((await srv.get(`/figures/report.pdf?month=${PREV}`)).status, 303, 'anonymous visitors go to sign in');
	});
});
