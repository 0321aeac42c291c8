'use strict';
// Digital accompaniment (src/ict/): sessions recorded by ICT agents through the API and the staff
// page (walk-in and from a booked appointment), the person found or created in the citizen record
// with the consent's wording, the self-assessments before and after, the evaluation's figures on
// hand-made data, the anonymised CSV, the citizen timeline entry, roles and bad input.
const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib/server.js');

const srv = L.useServer();

// Numbers far from other suites' DNIs.
const ID = (n) => L.dni(71000000 + n);

function session(over = {}) {
	return {
		office: 'casal-sant-pere',
		person: { name: 'Rosa Puig Vila', id_number: ID(1), age_band: '75_plus', gender: 'female', consent: true },
		needs: 'Vol demanar el volant i no té certificat digital.',
		procedures: [
			{ service: 'volant-individual', mode: 'with' },
			{ other: 'SEPE: renovació de la demanda', mode: 'for' },
		],
		tools: ['email', 'digital_id'],
		minutes: 45,
		next: 'booked',
		assessment: { moment: 'before', eprocedures: 0, email: 1, digital_id: 0 },
		...over,
	};
}

describe('ict: digital accompaniment', () => {
	let agent, coord, informer;

	before(async () => {
		await srv.ready();
		agent = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.ict_agent)}` };
		coord = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.coordinator)}` };
		informer = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.informer)}` };
	});

	const post = (body, headers) => srv.request('POST', '/api/v1/ict/sessions', { headers, body });

	it('a walk-in: 201, the person created with the consent and its wording, what was done stored', async () => {
		const r = await post(session(), agent);
		assert.equal(r.status, 201, r.text);
		const { id, person } = r.json();
		assert.ok(id > 0 && person > 0);
		assert.equal(L.sql(srv.db, `SELECT id_number, name FROM people WHERE id = ${person}`), `${ID(1)}|Rosa Puig Vila`);
		assert.match(L.sql(srv.db, `SELECT what, source, wording FROM person_consents WHERE person_id = ${person}`),
			/^ict_followup\|ict\|La persona accepta que l'Ajuntament la torni a contactar/);
		assert.equal(L.sql(srv.db, `SELECT agent, minutes, next_step, age_band, gender FROM ict_sessions WHERE id = ${id}`),
			`${L.DEMO_USERS.ict_agent}|45|booked|75_plus|female`);
		assert.equal(L.sql(srv.db, `SELECT service, other, mode FROM ict_procedures WHERE session_id = ${id} ORDER BY pos`),
			'volant-individual||with\n|SEPE: renovació de la demanda|for');
		assert.equal(L.sql(srv.db, `SELECT tool FROM ict_tools WHERE session_id = ${id} ORDER BY tool`), 'digital_id\nemail');
		assert.equal(L.sql(srv.db, `SELECT moment, eprocedures, email, digital_id, esignature FROM ict_assessments WHERE session_id = ${id}`),
			'before|0|1|0|-1');
		assert.equal(L.sql(srv.db, `SELECT count(*) FROM audit_log WHERE action = 'ict.session.add' AND target = 'ict_session:${id}'`), '1');
		// The second session finds the same person by the ID number, written otherwise.
		const again = await post(session({ person: { id_number: ID(1).toLowerCase().replace(/(\d{4})/, '$1-') }, next: 'autonomous',
			assessment: { moment: 'after', eprocedures: 2, email: 3 } }), agent);
		assert.equal(again.status, 201, again.text);
		assert.equal(again.json().person, person);
	});

	it('the session appears in the person\'s timeline', async () => {
		const r = await srv.get(`/api/v1/people?id_number=${ID(1)}&reason=attending`, { headers: coord });
		assert.equal(r.status, 200, r.text);
		const mine = r.json().timeline.filter((e) => e.kind === 'ict_session');
		assert.equal(mine.length, 2);
		assert.match(mine[0].summary, /^Sessió d'acompanyament digital · casal-sant-pere · 45 min · Vol demanar/);
	});

	it('a session from a booked appointment takes the person and the office from it', async () => {
		const [code, idn] = L.sql(srv.db, `SELECT a.code, a.id_number FROM appointments a JOIN offices o ON o.id = a.office_id
			WHERE a.status = 'booked' AND o.kind <> 'virtual_office' AND a.id_number <> '' ORDER BY a.id LIMIT 1`).split('|');
		const r = await post({ appointment: code, minutes: 30, tools: ['pdf'] }, agent);
		assert.equal(r.status, 201, r.text);
		assert.equal(L.sql(srv.db, `SELECT s.appointment, p.id_number, o.id = a.office_id FROM ict_sessions s
			JOIN people p ON p.id = s.person_id JOIN offices o ON o.id = s.office_id JOIN appointments a ON a.code = s.appointment
			WHERE s.id = ${r.json().id}`), `${code}|${idn}|${srv.db.startsWith('sqlite') ? '1' : 't'}`);
		// The appointment is served by the session: done, with its history, in the same commit.
		assert.equal(L.sql(srv.db, `SELECT status FROM appointments WHERE code = '${code}'`), 'done');
		const bad = await post({ appointment: 'ZZZZZZZZ', minutes: 30 }, agent);
		assert.equal(bad.status, 422);
		assert.equal(bad.json().fields.appointment, 'No hi ha cap cita amb aquest codi.');
	});

	it('bad input: 422 naming each field, nothing written', async () => {
		const before = L.sql(srv.db, 'SELECT count(*) FROM ict_sessions');
		const r = await post(session({
			office: 'remot', minutes: 0, tools: ['email', 'fax'], next: 'later',
			procedures: [{ service: 'no-such', mode: 'with' }, { other: 'x', mode: 'sometimes' }],
			person: { id_number: '12345678A', email: 'not-an-address', age_band: 'old' },
			assessment: { moment: 'before', eprocedures: 4, email: 'high' },
		}), agent);
		assert.equal(r.status, 422, r.text);
		const f = r.json().fields;
		assert.deepEqual(Object.keys(f).sort(),
			['age_band', 'email', 'id_number', 'level_email', 'level_eprocedures', 'minutes', 'next', 'office', 'procedures', 'tools']);
		const nobody = await post(session({ person: { name: 'Sense dades' } }), agent);
		assert.equal(nobody.status, 422);
		assert.equal(nobody.json().fields.id_number, 'Amb aquestes dades no es pot saber qui és: escriviu el DNI o NIE.');
		assert.equal((await post([1, 2], agent)).status, 400);
		assert.equal((await post(session({ person: 'Rosa' }), agent)).status, 400);
		assert.equal(L.sql(srv.db, 'SELECT count(*) FROM ict_sessions'), before);
	});

	it('a session recorded later keeps its date; a date ahead or over a year old is refused', async () => {
		const day = L.madridDate(-10);
		const r = await post(session({ person: { id_number: ID(40) }, date: day }), agent);
		assert.equal(r.status, 201, r.text);
		const at = Number(L.sql(srv.db, `SELECT at FROM ict_sessions WHERE id = ${r.json().id}`));
		const local = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Madrid', dateStyle: 'short', timeStyle: 'short' }).format(new Date(at * 1000));
		assert.equal(local, `${day} 10:00`);
		for (const bad of [L.madridDate(1), L.madridDate(-400), '2026-02-30', 'ahir']) {
			const x = await post(session({ person: { id_number: ID(41) }, date: bad }), agent);
			assert.equal(x.status, 422, bad);
			assert.equal(x.json().fields.date, 'La data ha de ser d\'avui o de l\'últim any.', bad);
		}
	});

	it('roles: informers may not record; agents may not read the evaluation; anonymous is 401', async () => {
		assert.equal((await post(session(), informer)).status, 403);
		assert.equal((await srv.get('/api/v1/ict/evaluation', { headers: agent })).status, 403);
		assert.equal((await srv.get('/api/v1/ict/evaluation')).status, 401);
		assert.equal((await post(session())).status, 401);
	});

	it('the evaluation on hand-made data: only people with both assessments count', async () => {
		// Recorded by the coordinator, so that ?agent= isolates them from the demo and other tests.
		const mk = (n, moment, eprocedures, email) => post(session({ person: { id_number: ID(n), name: `P${n}` },
			assessment: { moment, eprocedures, email }, office: 'biblioteca-josep-pla' }), coord);
		for (const [n, m, e, em] of [[10, 'before', 0, 0], [10, 'after', 2, 2], [11, 'before', 1, 2], [11, 'after', 1, 2],
			[12, 'before', 0, 0], [13, 'before', 2, 1], [13, 'after', 3, 3]]) {
			assert.equal((await mk(n, m, e, em)).status, 201);
		}
		const r = await srv.get(`/api/v1/ict/evaluation?agent=${encodeURIComponent(L.DEMO_USERS.coordinator)}`, { headers: coord });
		assert.equal(r.status, 200, r.text);
		const v = r.json();
		assert.equal(v.people, 4);
		assert.equal(v.sessions, 7);
		assert.equal(v.with_both, 3);
		assert.equal(v.low_before, 2);
		assert.equal(v.low_after, 1);
		assert.equal(v.low_before_pct, 66.7);
		assert.equal(v.low_after_pct, 33.3);
		assert.equal(v.low_change_pct, -50);
		assert.equal(v.email_before_pct, 33.3);
		assert.equal(v.email_after_pct, 100);
		assert.equal(v.procedures.with, 7);
		assert.equal(v.procedures.for, 7);
		assert.equal(v.tools.email, 7);
		const ep = v.skills.find((s) => s.skill === 'eprocedures');
		assert.deepEqual(ep, { skill: 'eprocedures', people: 3, before: 1, after: 2, change: 1 });
		const bad = await srv.get('/api/v1/ict/evaluation?from=2026-13-01&office=nowhere', { headers: coord });
		assert.equal(bad.status, 422);
		assert.deepEqual(Object.keys(bad.json().fields).sort(), ['from', 'office']);
	});

	it('the anonymised CSV: no names, IDs or contacts; a pseudonym stable within one export only', async () => {
		const q = `agent=${encodeURIComponent(L.DEMO_USERS.coordinator)}`;
		const r = await srv.get(`/api/v1/ict/evaluation.csv?${q}`, { headers: coord });
		assert.equal(r.status, 200);
		assert.match(r.headers['content-type'], /^text\/csv/);
		const rows = r.text.trim().split('\r\n');
		assert.equal(rows[0], 'person,date,office,age_band,gender,minutes,procedures,tools,next,moment,eprocedures,email,digital_id,esignature,video_call');
		assert.equal(rows.length, 8);
		assert.doesNotMatch(r.text, new RegExp(`${ID(10)}|P10|Rosa|@`));
		const people = rows.slice(1).map((l) => l.split(',')[0]);
		assert.equal(new Set(people).size, 4);
		assert.equal(people[0], people[1], 'the same person, the same pseudonym');
		assert.match(rows[1], /^[0-9a-f]{12},\d{4}-\d\d-\d\d,biblioteca-josep-pla,,,45,with;for,digital_id;email,booked,before,0,0,,,$/);
		const again = await srv.get(`/api/v1/ict/evaluation.csv?${q}`, { headers: coord });
		assert.notEqual(again.text.split('\r\n')[1].split(',')[0], people[0], 'another export, another pseudonym');
	});

	it('the demo shows the programme\'s picture: fewer people at a low level after', async () => {
		const v = (await srv.get('/api/v1/ict/evaluation?office=casal-sant-pere', { headers: coord })).json();
		assert.ok(v.people >= 30, `people ${v.people}`);
		assert.ok(v.with_both >= 20, `with both ${v.with_both}`);
		assert.ok(v.low_after_pct < v.low_before_pct - 20, `${v.low_before_pct} → ${v.low_after_pct}`);
		assert.ok(v.email_after_pct > v.email_before_pct, `${v.email_before_pct} → ${v.email_after_pct}`);
	});

	it('the follow-up list: consenting people past ict.followup_days without an "after", with their contacts', async () => {
		const mk = (n, over) => post(session({ person: { id_number: ID(n), name: `Seguiment ${n}`, phone: `6${String(n).padStart(8, '0')}`,
			consent: true }, ...over }), agent);
		const due = (await mk(30, {})).json();
		const quiet = (await mk(31, { person: { id_number: ID(31), name: 'Sense consentiment', consent: false } })).json();
		const recent = (await mk(32, {})).json();
		L.sql(srv.db, `UPDATE ict_sessions SET at = at - 61 * 86400 WHERE id IN (${due.id}, ${quiet.id})`);
		const list = async () => (await srv.get('/api/v1/ict/followup', { headers: agent })).json();
		let v = await list();
		assert.equal(v.days, 60);
		const mine = v.due.filter((d) => [due.person, quiet.person, recent.person].includes(d.person));
		assert.deepEqual(mine.map((d) => [d.person, d.name, d.phones]), [[due.person, 'Seguiment 30', ['+34600000030']]]);
		assert.match(mine[0].id_masked, /^\*+/);
		assert.equal(L.sql(srv.db, `SELECT count(*) > 0 FROM audit_log WHERE action = 'ict.followup.view'`), srv.db.startsWith('sqlite') ? '1' : 't');
		// The follow-up call's "after" takes them off the list.
		assert.equal((await mk(30, { minutes: 10, procedures: [], tools: [], assessment: { moment: 'after', eprocedures: 2 } })).status, 201);
		v = await list();
		assert.equal(v.due.filter((d) => d.person === due.person).length, 0);
		const page = await srv.get('/staff/ict/followup', { jar: (await srv.loginOk(L.DEMO_USERS.ict_agent)).jar });
		L.assertHtml(page, 200, 'GET /staff/ict/followup');
		assert.match(page.text, /<a href="tel:\+34\d{9}">/, 'the demo has people due, with a phone');
		assert.equal((await srv.get('/api/v1/ict/followup', { headers: informer })).status, 403);
	});

	it('learning sheets: the demo\'s print as PDF; coordinators edit them; bad text is a 422', async () => {
		const a = await srv.loginOk(L.DEMO_USERS.ict_agent);
		const list = await srv.get('/staff/ict/sheets', { jar: a.jar });
		L.assertHtml(list, 200, 'GET /staff/ict/sheets');
		assert.match(list.text, /<a href="\/staff\/ict\/sheets\/email\/pdf\?lang=es" hreflang="es">PDF es<\/a>/);
		assert.doesNotMatch(list.text, /\/staff\/ict\/sheets\/email"/, 'agents do not edit');
		const pdf = await srv.get('/staff/ict/sheets/email/pdf?lang=es', { jar: a.jar });
		assert.equal(pdf.status, 200);
		assert.equal(pdf.headers['content-type'], 'application/pdf');
		assert.equal(pdf.body.subarray(0, 5).toString(), '%PDF-');
		assert.equal((await srv.get('/staff/ict/sheets/pdf/pdf?lang=ca', { jar: a.jar })).status, 404, 'no PDF sheet yet');
		assert.equal((await srv.get('/staff/ict/sheets/fax/pdf', { jar: a.jar })).status, 404);
		assert.equal((await srv.get('/staff/ict/sheets/email', { jar: a.jar })).status, 403);
		const c = await srv.loginOk(L.DEMO_USERS.coordinator);
		const form = await srv.get('/staff/ict/sheets/pdf?lang=en', { jar: c.jar });
		L.assertHtml(form, 200, 'GET /staff/ict/sheets/pdf');
		const ok = await srv.postForm('/staff/ict/sheets/pdf', { lang: 'en', body: '# Opening a PDF\n- Tap the file.\n\nIt opens in the viewer.' },
			{ jar: c.jar, formPage: '/staff/ict/sheets/pdf?lang=en' });
		assert.equal(ok.status, 303, ok.text.slice(0, 300));
		assert.equal(ok.headers.location, '/staff/ict/sheets?saved=pdf');
		assert.equal(L.sql(srv.db, `SELECT updated_by FROM ict_sheets WHERE tool = 'pdf' AND lang = 'en'`), L.DEMO_USERS.coordinator);
		assert.equal(L.sql(srv.db, `SELECT count(*) FROM audit_log WHERE action = 'ict.sheet.save' AND target = 'ict_sheet:pdf/en'`), '1');
		const got = await srv.get('/staff/ict/sheets/pdf/pdf?lang=en', { jar: a.jar });
		assert.equal(got.status, 200);
		assert.equal(got.body.subarray(0, 5).toString(), '%PDF-');
		assert.equal((await srv.get('/staff/ict/sheets/pdf/pdf?lang=ca', { jar: a.jar })).status, 404, 'only the language saved');
		for (const body of ['   ', 'x'.repeat(6001)]) {
			const bad = await srv.postForm('/staff/ict/sheets/pdf', { lang: 'en', body }, { jar: c.jar, formPage: '/staff/ict/sheets/pdf' });
			L.assertHtml(bad, 422, 'bad sheet');
			assert.match(bad.text, /id="ict-body-err"/);
		}
		assert.match(L.sql(srv.db, `SELECT body FROM ict_sheets WHERE tool = 'pdf' AND lang = 'en'`), /^# Opening a PDF/);
	});

	it('the staff page: the form, a session saved (303), a bad one shown again (422)', async () => {
		const a = await srv.loginOk(L.DEMO_USERS.ict_agent);
		const page = await srv.get('/staff/ict', { jar: a.jar });
		L.assertHtml(page, 200, 'GET /staff/ict');
		assert.match(page.text, /<option value="la-riera" selected>/);
		const ok = await srv.postForm('/staff/ict', { office: 'la-riera', id_number: ID(20), name: 'Josep Martí', minutes: '25',
			service_1: 'idcat-mobil', mode_1: 'taught', tools: 'digital_id', moment: 'before', level_eprocedures: '1', consent: '1' },
		{ jar: a.jar });
		assert.equal(ok.status, 303, ok.text.slice(0, 300));
		assert.match(ok.headers.location, /^\/staff\/ict\?saved=\d+$/);
		const saved = await srv.get(ok.headers.location, { jar: a.jar });
		assert.match(saved.text, /role="status">S&#39;ha desat la sessió \d+\./);
		assert.match(saved.text, /<table class="table" id="ict-recent">[\s\S]*<td>Josep Martí<\/td><td>la-riera<\/td><td>25<\/td><td>Abans \(primera sessió\)<\/td>/);
		// The agenda: today's appointments at the agent's office still to be served, each starting a session.
		const moved = L.sql(srv.db, `SELECT a.code FROM appointments a JOIN offices o ON o.id = a.office_id
			WHERE o.code = 'la-riera' AND a.status = 'booked' ORDER BY a.id LIMIT 1`);
		L.sql(srv.db, `UPDATE appointments SET start_at = ${Math.floor(Date.now() / 1000)} WHERE code = '${moved}'`);
		const today = L.madridDate(0);
		const rows = L.sql(srv.db, `SELECT a.code, a.start_at FROM appointments a JOIN offices o ON o.id = a.office_id
			WHERE o.code = 'la-riera' AND a.status IN ('booked', 'checked_in')`);
		const fmt = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Madrid' });
		const want = rows ? rows.split('\n').map((l) => l.split('|')).filter(([, t]) => fmt.format(new Date(t * 1000)) === today).map(([c]) => c) : [];
		assert.ok(want.includes(moved));
		const agenda = await srv.get('/staff/ict', { jar: a.jar });
		const shown = [...agenda.text.matchAll(/<a href="\/staff\/ict\?appointment=([A-Z0-9]+)">/g)].map((m) => m[1]);
		assert.deepEqual(shown.sort(), want.sort());
		const pre = await srv.get('/staff/ict?appointment=ABCD2345', { jar: a.jar });
		assert.match(pre.text, /<input id="ict-appointment" name="appointment" maxlength="20" value="ABCD2345">/);
		const en = await srv.get('/staff/ict?lang=en', { jar: a.jar });
		assert.match(en.text, /<h1>Digital accompaniment<\/h1>/);
		assert.match(en.text, /<option value="taught">Taught<\/option>/);
		const es = await srv.get('/staff/ict?lang=es', { jar: a.jar });
		assert.match(es.text, /<h1>Acompañamiento digital<\/h1>/);
		const bad = await srv.postForm('/staff/ict', { office: 'la-riera', id_number: ID(21), minutes: '0', moment: 'after' }, { jar: a.jar });
		L.assertHtml(bad, 422, 'bad session');
		assert.match(bad.text, /id="ict-minutes-err"/);
		assert.match(bad.text, /id="ict-level_eprocedures-err"/);
		const ev = await srv.get('/staff/ict/evaluation', { jar: a.jar });
		assert.equal(ev.status, 403);
	});

	it('SIGTERM: the server exits 0', () => srv.stop());
});
