'use strict';
// The evaluators' workbook (GET /api/v1/ict/evaluation.xlsx): read back with openpyxl, every row
// equal to the CSV's (dates as dates, minutes and levels as numbers, the pseudonyms a one-to-one
// renaming), every headline figure equal to the evaluation's JSON; roles, bad filters, the link on
// the evaluation page.
const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const L = require('./lib/server.js');

const srv = L.useServer();
const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3'; // python3-openpyxl
const ID = (n) => L.dni(72000000 + n);
const XLSX = /^application\/vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet/;

function readBook(body) {
	const file = path.join(os.tmpdir(), `ict-xlsx-${process.pid}.xlsx`);
	fs.writeFileSync(file, body);
	const py = [
		'import json, sys, openpyxl',
		'wb = openpyxl.load_workbook(sys.argv[1])',
		'cell = lambda c: c.value.isoformat() if hasattr(c.value, "isoformat") else c.value',
		'rows = lambda ws: [[cell(c) for c in r] for r in ws.iter_rows()]',
		'types = [[type(c.value).__name__ for c in r] for r in wb["sessions"].iter_rows(min_row=2)]',
		'print(json.dumps({"sheets": wb.sheetnames, "sessions": rows(wb["sessions"]), "types": types,',
		'                  "evaluation": rows(wb["evaluation"])}))',
	].join('\n');
	try {
		return JSON.parse(execFileSync(PYTHON, ['-c', py, file], { encoding: 'utf8' }));
	} finally {
		fs.unlinkSync(file);
	}
}

// The evaluation's JSON as the workbook names its numbers: objects by key, array items by their
// string fields (an empty one as "none").
function flatten(v, name = '', out = {}) {
	if (typeof v === 'number') out[name] = v;
	else if (Array.isArray(v)) {
		for (const item of v) {
			const sub = Object.values(item).filter((x) => typeof x === 'string').map((x) => x || 'none');
			for (const [k, x] of Object.entries(item)) if (typeof x === 'number') flatten(x, [name, ...sub, k].join('.'), out);
		}
	} else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) flatten(x, name ? `${name}.${k}` : k, out);
	return out;
}

describe('ict: the evaluators\' workbook', () => {
	let coord, agent, informer;
	const q = () => `office=biblioteca-josep-pla&agent=${encodeURIComponent(L.DEMO_USERS.coordinator)}`;

	before(async () => {
		await srv.ready();
		coord = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.coordinator)}` };
		agent = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.ict_agent)}` };
		informer = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.informer)}` };
		const mk = (n, office, minutes, assessment) => srv.request('POST', '/api/v1/ict/sessions', { headers: coord, body: {
			office, person: { name: `Avaluació ${n}`, id_number: ID(n), age_band: n % 2 ? '65_74' : '', gender: 'female', consent: true },
			procedures: [{ service: 'volant-individual', mode: 'with' }], tools: ['email'], minutes, next: 'autonomous', assessment } });
		for (const [n, office, min, a] of [
			[1, 'biblioteca-josep-pla', 30, { moment: 'before', eprocedures: 0, email: 1 }],
			[1, 'biblioteca-josep-pla', 45, { moment: 'after', eprocedures: 2, email: 3, video_call: 2 }],
			[2, 'biblioteca-josep-pla', 20, { moment: 'before', eprocedures: 1, email: 0, digital_id: 0 }],
			[2, 'biblioteca-josep-pla', 25, { moment: 'after', eprocedures: 1, email: 2, digital_id: 1 }],
			[3, 'biblioteca-josep-pla', 60, { moment: 'before', eprocedures: 3, email: 3 }],
			[4, 'casal-sant-pere', 35, { moment: 'before', eprocedures: 0, email: 0 }],
		]) {
			const r = await mk(n, office, min, a);
			assert.equal(r.status, 201, r.text);
		}
	});

	it('every row as in the CSV, with real dates and numbers; the headline figures as in the JSON', async () => {
		const r = await srv.get(`/api/v1/ict/evaluation.xlsx?${q()}`, { headers: coord });
		assert.equal(r.status, 200, r.text.slice(0, 300));
		assert.match(String(r.headers['content-type']), XLSX);
		assert.match(String(r.headers['content-disposition']), /attachment; filename="ict-evaluation\.xlsx"/);
		assert.equal(r.headers['cache-control'], 'no-store');
		const x = readBook(r.body);
		assert.deepEqual(x.sheets, ['sessions', 'evaluation']);
		const csv = (await srv.get(`/api/v1/ict/evaluation.csv?${q()}`, { headers: coord })).text.trim().split('\r\n').map((l) => l.split(','));
		assert.deepEqual(x.sessions[0], csv[0], 'the same columns');
		assert.equal(x.sessions.length, 6, 'the five sessions at the library, not the one elsewhere');
		assert.equal(x.sessions.length, csv.length);
		const rename = new Map();
		for (let i = 1; i < csv.length; i++) {
			const [who, ...rest] = x.sessions[i];
			assert.match(who, /^[0-9a-f]{12}$/);
			if (!rename.has(csv[i][0])) rename.set(csv[i][0], who);
			assert.equal(rename.get(csv[i][0]), who, `row ${i}: one person, one pseudonym`);
			assert.equal(rest[0], `${csv[i][1]}T00:00:00`, `row ${i}: the date`);
			const asText = rest.slice(1).map((v) => (v === null ? '' : String(v)));
			assert.deepEqual(asText, csv[i].slice(2), `row ${i}`);
			const t = x.types[i - 1];
			assert.equal(t[1], 'datetime');
			assert.equal(t[5], 'int', 'minutes');
			assert.equal(t[10], 'int', 'e-procedures');
		}
		assert.equal(new Set(rename.values()).size, 3, 'three people, three pseudonyms');
		assert.deepEqual(x.sessions.slice(1).map((l) => [l[5], l[14]]), [[30, null], [45, 2], [20, null], [25, null], [60, null]]);
		const json = (await srv.get(`/api/v1/ict/evaluation?${q()}`, { headers: coord })).json();
		assert.equal(json.with_both, 2);
		assert.equal(json.low_before_pct, 100);
		assert.equal(json.low_after_pct, 50);
		const head = x.evaluation.shift();
		assert.deepEqual(head, ['measure', 'value']);
		assert.deepEqual(Object.fromEntries(x.evaluation), flatten(json));
		assert.equal(x.evaluation.length, Object.keys(flatten(json)).length, 'each figure once');
		assert.ok(x.evaluation.some(([k, v]) => k === 'low_change_pct' && v === -50));
		assert.ok(x.evaluation.some(([k, v]) => k === 'skills.email.after' && v === 2.5));
		assert.ok(x.evaluation.some(([k, v]) => k === 'profile.65_74.female.people' && v === 2));
		assert.ok(x.evaluation.some(([k, v]) => k === 'profile.none.female.people' && v === 1));
	});

	it('roles and bad filters as for the CSV; HEAD answers too', async () => {
		assert.equal((await srv.get('/api/v1/ict/evaluation.xlsx', { headers: informer })).status, 403);
		assert.equal((await srv.get('/api/v1/ict/evaluation.xlsx', { headers: agent })).status, 403);
		assert.equal((await srv.get('/api/v1/ict/evaluation.xlsx')).status, 401);
		const bad = await srv.get('/api/v1/ict/evaluation.xlsx?from=2026-13-01&office=nowhere', { headers: coord });
		assert.equal(bad.status, 422);
		assert.deepEqual(Object.keys(bad.json().fields).sort(), ['from', 'office']);
		const h = await srv.request('HEAD', `/api/v1/ict/evaluation.xlsx?${q()}`, { headers: coord });
		assert.equal(h.status, 200);
		assert.match(String(h.headers['content-type']), XLSX);
	});

	it('the evaluation page links the workbook with the page\'s filters, next to the CSV', async () => {
		const { jar } = await srv.loginOk(L.DEMO_USERS.coordinator);
		const page = await srv.get(`/staff/ict/evaluation?${q()}`, { jar });
		L.assertHtml(page, 200, 'GET /staff/ict/evaluation');
		const m = page.text.match(/href="(\/api\/v1\/ict\/evaluation\.xlsx\?[^"]*)" download>Descarregar el full de càlcul \(XLSX\)</);
		assert.ok(m, 'the link');
		assert.match(page.text, /href="\/api\/v1\/ict\/evaluation\.csv\?[^"]*" download>[^<]*<\/a> <a class="button" href="\/api\/v1\/ict\/evaluation\.xlsx/);
		const got = await srv.get(m[1].replace(/&amp;/g, '&'), { jar });
		assert.equal(got.status, 200);
		assert.equal(readBook(got.body).sessions.length, 6, 'the page\'s filters carried over');
	});
});
