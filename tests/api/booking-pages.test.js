'use strict';
// The booking pages over HTTP, without a browser (docs/api.md, "Booking pages"): every step of
// the citizen's flow with its status and content, bad input at each step, the 422 field errors of
// the details form, the confirmation with its .ics and PDF downloads, the manage link (reschedule,
// cancel, CSRF), the code + ID number look-up, the staff flow, the proof-of-work message without
// JavaScript and the 429 page. Runs on SQLite and PostgreSQL (FINESTRETA_TEST_DB).
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const H = require('./lib/server.js');

const srv = H.useServer({
	name: 'booking pages server',
	env: {
		FINESTRETA_BOOKING_PROOF_OF_WORK: 'off',
		FINESTRETA_BOOKING_RATE_AVAILABILITY: '0',
		FINESTRETA_BOOKING_RATE_BOOKING: '0',
	},
});

const { FORM } = H;

// A valid DNI for each booking (the limit of active appointments per ID number is 2).
let dniSeq = 30000000 + Math.floor(Math.random() * 1000000);
function nextDni() {
	return H.dni(dniSeq++);
}

function html(res, status, what) {
	H.assertHtml(res, status, what);
	return res.text;
}

const { hrefs, formIn } = H;

// The day links of a month calendar.
function calendarDays(text) {
	return hrefs(text).filter((h) => /\/hora\?.*\bday=\d{4}-\d{2}-\d{2}$/.test(h));
}

// The time buttons of a time step: their ISO values.
function times(text) {
	return H.tags(text, 'button')
		.filter((b) => b.name === 'start')
		.map((b) => b.value);
}

function post(urlPath, fields, jar) {
	return srv.request('POST', urlPath, { jar, headers: FORM, body: H.formBody(fields) });
}

// Walks procedure → channel → [office] → day → time and returns the details page.
async function toDetails({ service, channel, office, base = '/cita', jar = new H.CookieJar(), pick = (ts) => ts[0], dayIndex = 0 }) {
	let res = await srv.get(`${base}/canal?service=${service}&channel=${channel}&next=1`, { jar });
	assert.equal(res.status, 303, `channel step: ${res.status} ${res.text.slice(0, 300)}`);
	let loc = res.headers.location;
	if (channel === 'in_person') {
		assert.match(loc, new RegExp(`^${base}/oficina\\?`));
		res = await srv.get(`${loc}&office=${office}&next=1`, { jar });
		assert.equal(res.status, 303, `office step: ${res.status}`);
		loc = res.headers.location;
	}
	assert.match(loc, new RegExp(`^${base}/dia\\?`));
	const dayPage = html(await srv.get(loc, { jar }), 200, 'day step');
	const days = calendarDays(dayPage);
	assert.ok(days.length > dayIndex, `free days for ${service}/${channel}: ${days.length}`);
	const dayUrl = days[dayIndex];
	const timePage = html(await srv.get(dayUrl, { jar }), 200, 'time step');
	const ts = times(timePage);
	assert.ok(ts.length > 0, 'free times');
	const start = pick(ts);
	const fields = formIn(timePage, `${base}/hora`);
	assert.ok(fields && fields._csrf, 'the time form carries the CSRF token');
	res = await post(`${base}/hora`, { ...fields, start }, jar);
	assert.equal(res.status, 303, `hold: ${res.status} ${res.text.slice(0, 500)}`);
	const detailsUrl = res.headers.location;
	assert.match(detailsUrl, new RegExp(`^${base}/dades\\?.*hold=[0-9a-f]{64}`));
	const details = html(await srv.get(detailsUrl, { jar }), 200, 'details step');
	return { jar, dayUrl, timePage, start, detailsUrl, details, day: dayUrl.slice(-10) };
}

// Books through the pages; returns { code, token, jar, start, idNumber, location }.
async function book(opts, person = {}) {
	const base = opts.base || '/cita';
	const t = await toDetails(opts);
	const f = formIn(t.details, `${base}/dades`);
	const idNumber = person.id_number || nextDni();
	const fields = { ...f, name: 'Núria Ferrer i Soler', id_type: 'dni', id_number: idNumber, email: 'nuria@example.com', lang: 'ca', ...person };
	const res = await post(`${base}/dades`, fields, t.jar);
	assert.equal(res.status, 303, `book: ${res.status} ${res.text.slice(0, 800)}`);
	const m = new RegExp(`^(?:/cita/([A-Z0-9]{8})/confirmacio|/staff/cita/([A-Z0-9]{8}))\\?token=([0-9a-f]{64})$`).exec(res.headers.location);
	assert.ok(m, `confirmation URL: ${res.headers.location}`);
	return { code: m[1] || m[2], token: m[3], jar: t.jar, start: t.start, day: t.day, idNumber, location: res.headers.location };
}

test('step 1 lists bookable procedures, searched without accents in the visitor\'s language, and by category', async () => {
	const all = html(await srv.get('/cita'), 200, '/cita');
	assert.match(all, /Pas 1 de 6/);
	assert.ok(hrefs(all).includes('/cita/canal?service=cita-serveis'));
	assert.ok(hrefs(all).includes('/cita/gestiona'), 'a link to manage an existing appointment');
	// Accents and case do not matter; the search reads the visitor's language.
	const q = html(await srv.get('/cita?q=PADRO'), 200, 'search');
	assert.ok(hrefs(q).includes('/cita/canal?service=padro-alta'));
	assert.ok(!hrefs(q).includes('/cita/canal?service=ibi'));
	const ca = html(await srv.get('/cita?q=escombraries'), 200, 'search ca');
	assert.ok(hrefs(ca).includes('/cita/canal?service=bonificacions'));
	const es = html(await srv.get('/cita?q=escombraries&lang=es'), 200, 'search es');
	assert.ok(!hrefs(es).includes('/cita/canal?service=bonificacions'), 'a Catalan word does not match the Spanish texts');
	const es2 = html(await srv.get('/cita?q=basuras&lang=es'), 200, 'search es');
	assert.ok(hrefs(es2).includes('/cita/canal?service=bonificacions'));
	assert.equal(H.htmlLang(es2), 'es');
	// A category shows only its procedures; an unknown one is ignored.
	const cat = html(await srv.get('/cita?category=tributs'), 200, 'category');
	const procs = hrefs(cat).filter((h) => h.startsWith('/cita/canal?'));
	assert.ok(procs.includes('/cita/canal?service=ibi'));
	assert.ok(!procs.includes('/cita/canal?service=padro-alta'));
	const unknown = html(await srv.get('/cita?category=nope'), 200, 'unknown category');
	assert.ok(hrefs(unknown).includes('/cita/canal?service=padro-alta'));
	// The language links keep the search.
	const langs = H.tags(q, 'a').filter((a) => a.hreflang).map((a) => a.href);
	assert.ok(langs.includes('/cita?q=PADRO&category=&lang=es'), langs.join(' '));
});

test('step 2 offers only the channels the procedure allows; a wrong one is a 422 on the same page', async () => {
	const p = html(await srv.get('/cita/canal?service=padro-alta'), 200, 'channel step');
	const radios = H.tags(p, 'input').filter((i) => i.name === 'channel').map((i) => i.value);
	assert.deepEqual(radios.sort(), ['in_person', 'video'], 'padro-alta: in person and video, no phone');
	assert.match(p, /Pas 2 de 6/);
	let res = await srv.get('/cita/canal?service=padro-alta&channel=phone&next=1');
	const bad = html(res, 422, 'channel not allowed');
	assert.match(bad, /role="alert"/);
	assert.match(bad, /href="#channel-group"/);
	res = await srv.get('/cita/canal?service=padro-alta&next=1');
	html(res, 422, 'no channel chosen');
	res = await srv.get('/cita/canal?service=padro-alta&channel=video&next=1');
	assert.equal(res.status, 303);
	assert.equal(res.headers.location, '/cita/dia?service=padro-alta&channel=video');
	res = await srv.get('/cita/canal?service=padro-alta&channel=in_person');
	assert.equal(res.headers.location, '/cita/oficina?service=padro-alta&channel=in_person');
	// Unknown procedure, at any step.
	for (const u of ['/cita/canal?service=nope', '/cita/oficina?service=nope&channel=in_person', '/cita/dia?service=nope&channel=phone',
		'/cita/hora?service=nope&channel=phone&day=2030-01-01']) {
		html(await srv.get(u), 404, u);
	}
	// No procedure at all: back to the start.
	res = await srv.get('/cita/canal');
	assert.equal(res.status, 303);
	assert.equal(res.headers.location, '/cita');
});

test('step 3 lists the offices offering the procedure with address and accessibility; others are refused', async () => {
	const p = html(await srv.get('/cita/oficina?service=padro-alta&channel=in_person'), 200, 'office step');
	const offices = H.tags(p, 'input').filter((i) => i.name === 'office').map((i) => i.value);
	assert.deepEqual(offices.sort(), ['centre', 'la-riera', 'mar-blava']);
	assert.match(p, /Plaça de la Vila, 1/);
	assert.match(p, /Accessibilitat/);
	assert.match(p, /Pas 3 de 6/);
	html(await srv.get('/cita/oficina?service=padro-alta&channel=in_person&office=hisenda&next=1'), 422, 'office not offering it');
	html(await srv.get('/cita/oficina?service=padro-alta&channel=in_person&office=nowhere&next=1'), 422, 'unknown office');
	// The same office further on, and a channel the procedure does not allow.
	html(await srv.get('/cita/dia?service=padro-alta&channel=in_person&office=hisenda'), 400, 'day step, wrong office');
	html(await srv.get('/cita/dia?service=padro-alta&channel=phone'), 400, 'day step, channel not allowed');
	html(await srv.get('/cita/hora?service=padro-alta&channel=in_person&office=hisenda&day=2030-01-01'), 400, 'time step, wrong office');
	// Phone and video skip the office.
	const res = await srv.get('/cita/oficina?service=cita-serveis&channel=phone');
	assert.equal(res.status, 303);
	assert.match(res.headers.location, /^\/cita\/dia\?/);
	const missing = await srv.get('/cita/dia?service=padro-alta&channel=in_person');
	assert.equal(missing.status, 303);
	assert.match(missing.headers.location, /^\/cita\/oficina\?/);
});

test('step 4 is a month calendar with links on free days; bad months and days are refused', async () => {
	const p = html(await srv.get('/cita/dia?service=cita-serveis&channel=in_person&office=centre'), 200, 'day step');
	assert.match(p, /<table class="bk-cal">/);
	assert.match(p, /<caption>/);
	assert.equal((p.match(/<th scope="col">/g) || []).length, 7, 'seven weekday headers');
	const days = calendarDays(p);
	assert.ok(days.length > 0, 'some free days');
	assert.match(p, /Pas 4 de 6/);
	const phone = html(await srv.get('/cita/dia?service=cita-serveis&channel=phone'), 200, 'day step (phone)');
	assert.match(phone, /Pas 3 de 5/, 'phone has no office step');
	for (const m of ['2026-13', '1999-01', 'abc', '2026-1', '9999-12']) {
		html(await srv.get(`/cita/dia?service=cita-serveis&channel=phone&month=${m}`), 400, `month ${m}`);
	}
	for (const d of ['2026-02-30', '2026-2-1', 'tomorrow', '2000-01-01']) {
		html(await srv.get(`/cita/hora?service=cita-serveis&channel=phone&day=${d}`), 400, `day ${d}`);
	}
});

test('step 5 lists times as buttons; a time that is not a slot is a 422, a full one a 409, and CSRF is checked', async () => {
	const t = await toDetails({ service: 'cita-serveis', channel: 'video', pick: (ts) => ts[ts.length - 1] });
	assert.match(t.timePage, /Pas 4 de 5/);
	assert.match(t.timePage, /5 minuts/, 'how long the seat is held');
	assert.match(t.details, /Et guardem l(&#39;|')hora fins a les \d\d:\d\d/);
	const fields = formIn(t.timePage, '/cita/hora');
	// Not a slot: a minute nobody offers, the right day.
	let res = await post('/cita/hora', { ...fields, start: `${t.day}T03:07:00+01:00` }, t.jar);
	html(res, 422, 'time with no slot');
	res = await post('/cita/hora', { ...fields, start: 'soon' }, t.jar);
	html(res, 422, 'not a time');
	res = await post('/cita/hora', { ...fields }, t.jar);
	html(res, 422, 'no time');
	// The video slot has one public seat, and the hold took it.
	res = await post('/cita/hora', { ...fields, start: t.start }, t.jar);
	const full = html(res, 409, 'the held slot is full');
	assert.match(full, /role="alert"/);
	assert.ok(!times(full).includes(t.start), 'the full time is not offered again');
	// Without the CSRF token.
	const { _csrf, ...noCsrf } = fields;
	res = await post('/cita/hora', { ...noCsrf, start: t.start }, t.jar);
	assert.equal(res.status, 403);
	// Going back releases the hold: the time is offered again.
	const backUrl = hrefs(t.details).find((h) => h.includes('/cita/hora?') && h.includes('release='));
	assert.ok(backUrl, 'the back link of the details page releases the hold');
	const again = html(await srv.get(backUrl, { jar: t.jar }), 200, 'back to the time step');
	assert.ok(times(again).includes(t.start), 'the released time is free again');
});

test('step 6: a bad DNI letter and missing contact are 422 with a summary, field messages and the values kept', async () => {
	const t = await toDetails({ service: 'cita-serveis', channel: 'in_person', office: 'la-riera' });
	assert.match(t.details, /Pas 6 de 6/);
	assert.doesNotMatch(t.details, /data-pow|\/static\/pow\./, 'no proof-of-work check when it is off');
	const f = formIn(t.details, '/cita/dades');
	const good = nextDni();
	const badLetter = good.slice(0, 8) + H.DNI_LETTERS[(H.DNI_LETTERS.indexOf(good[8]) + 1) % 23];
	let res = await post('/cita/dades', { ...f, name: 'Joan Pérez', id_type: 'dni', id_number: badLetter, email: '', phone: '' }, t.jar);
	const p = html(res, 422, 'bad DNI');
	assert.match(p, /<div class="alert alert-error" role="alert" id="form-errors">/);
	assert.match(p, /href="#d-id_number"/);
	assert.match(p, /href="#d-email"/);
	const idInput = H.tags(p, 'input').find((i) => i.name === 'id_number');
	assert.equal(idInput.value, badLetter, 'the value is kept');
	assert.equal(idInput['aria-invalid'], 'true');
	assert.match(idInput['aria-describedby'], /d-id_number-err/);
	assert.match(p, /id="d-id_number-err"/);
	assert.equal(H.tags(p, 'input').find((i) => i.name === 'name').value, 'Joan Pérez');
	// A NIE with a bad letter, an unknown document type, a bad e-mail.
	res = await post('/cita/dades', { ...f, name: 'Joan', id_type: 'nie', id_number: 'X1234567A', email: 'nope' }, t.jar);
	const p2 = html(res, 422, 'bad NIE and e-mail');
	assert.match(p2, /href="#d-id_number"/);
	assert.match(p2, /href="#d-email"/);
	res = await post('/cita/dades', { ...f, name: 'Joan', id_type: 'licence', id_number: good, email: 'joan@example.com' }, t.jar);
	html(res, 422, 'unknown document type');
	res = await post('/cita/dades', { ...f, name: 'Joan', id_type: 'dni', id_number: good, email: 'joan@example.com', digital_confidence: '9' }, t.jar);
	html(res, 422, 'confidence out of range');
	// Fixed: booked with the hold.
	res = await post('/cita/dades', { ...f, name: 'Joan Pérez', id_type: 'dni', id_number: good.toLowerCase(), phone: '612 345 678', digital_confidence: '2' }, t.jar);
	assert.equal(res.status, 303, res.text.slice(0, 500));
	assert.match(res.headers.location, /^\/cita\/[A-Z0-9]{8}\/confirmacio\?token=[0-9a-f]{64}$/);
	// The state is checked again: a start on another day than the one chosen.
	res = await srv.get(t.detailsUrl.replace(/day=\d{4}-\d{2}-\d{2}/, 'day=2030-01-02'), { jar: t.jar });
	html(res, 400, 'start and day disagree');
});

test('the confirmation shows the code and links to the .ics, the PDF receipt and the manage page', async () => {
	const b = await book({ service: 'cita-serveis', channel: 'in_person', office: 'centre' });
	const p = html(await srv.get(b.location, { jar: b.jar }), 200, 'confirmation');
	assert.match(p, new RegExp(`<p class="bk-code">${b.code}</p>`));
	assert.match(p, /OAC Centre/);
	assert.match(p, /Plaça de la Vila, 1/);
	const links = hrefs(p);
	const ics = `/cita/${b.code}/calendar.ics?token=${b.token}`;
	const pdf = `/cita/${b.code}/receipt.pdf?token=${b.token}`;
	assert.ok(links.includes(ics), links.join(' '));
	assert.ok(links.includes(pdf));
	assert.ok(links.includes(`/cita/${b.code}?token=${b.token}`));
	let res = await srv.get(ics);
	assert.equal(res.status, 200);
	assert.match(res.headers['content-type'], /^text\/calendar/);
	assert.match(res.headers['content-disposition'], /attachment/);
	assert.match(res.text, /BEGIN:VCALENDAR/);
	assert.ok(res.text.includes(b.code));
	res = await srv.get(pdf);
	assert.equal(res.status, 200);
	assert.equal(res.headers['content-type'], 'application/pdf');
	assert.equal(res.body.subarray(0, 5).toString(), '%PDF-');
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bk-pdf-'));
	try {
		const file = path.join(dir, 'r.pdf');
		fs.writeFileSync(file, res.body);
		const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
		assert.ok(text.includes(b.code), `pdftotext output has the code:\n${text.slice(0, 500)}`);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
	// A wrong token or an unknown code: 404, for pages and downloads alike.
	const wrong = 'f'.repeat(64);
	for (const u of [`/cita/${b.code}/confirmacio?token=${wrong}`, `/cita/${b.code}?token=${wrong}`, `/cita/${b.code}/calendar.ics?token=${wrong}`,
		`/cita/${b.code}/receipt.pdf?token=${wrong}`, `/cita/ZZZZZZZZ?token=${b.token}`, `/cita/${b.code}/calendar.ics`]) {
		html(await srv.get(u), 404, u);
	}
	// Without a token the manage page asks for the code and ID number.
	res = await srv.get(`/cita/${b.code}`);
	assert.equal(res.status, 303);
	assert.equal(res.headers.location, `/cita/gestiona?code=${b.code}`);
});

test('manage link: reschedule through the calendar, then cancel with a confirmation; CSRF is required', async () => {
	const b = await book({ service: 'cita-serveis', channel: 'phone' });
	const manageUrl = `/cita/${b.code}?token=${b.token}`;
	const jar = new H.CookieJar();
	const m = html(await srv.get(manageUrl, { jar }), 200, 'manage page');
	assert.match(m, /Confirmada/);
	assert.ok(hrefs(m).includes(`/cita/${b.code}/canvia?token=${b.token}`));
	const cancelForm = formIn(m, `/cita/${b.code}/anulla`);
	assert.ok(cancelForm._csrf && cancelForm.token === b.token);
	// CSRF on the manage forms: none, or a wrong one, is refused.
	let res = await post(`/cita/${b.code}/anulla`, { token: b.token, confirm: '1' }, jar);
	assert.equal(res.status, 403);
	res = await post(`/cita/${b.code}/anulla`, { token: b.token, confirm: '1', _csrf: 'a'.repeat(64) }, jar);
	assert.equal(res.status, 403);
	res = await post(`/cita/${b.code}/canvia`, { token: b.token, start: b.start }, jar);
	assert.equal(res.status, 403);

	// Reschedule: calendar → day → a different time.
	const cal = html(await srv.get(`/cita/${b.code}/canvia?token=${b.token}`, { jar }), 200, 'reschedule calendar');
	const dayLinks = hrefs(cal).filter((h) => h.startsWith(`/cita/${b.code}/canvia?token=${b.token}&day=`));
	assert.ok(dayLinks.length > 0);
	const tp = html(await srv.get(dayLinks[dayLinks.length - 1], { jar }), 200, 'reschedule times');
	const newStart = times(tp).find((s) => s !== b.start);
	assert.ok(newStart, 'another time to move to');
	const rf = formIn(tp, `/cita/${b.code}/canvia`);
	res = await post(`/cita/${b.code}/canvia`, { ...rf, start: 'not-a-time' }, jar);
	html(res, 422, 'reschedule to a bad time');
	res = await post(`/cita/${b.code}/canvia`, { ...rf, start: newStart }, jar);
	assert.equal(res.status, 303, res.text.slice(0, 300));
	assert.equal(res.headers.location, `/cita/${b.code}?token=${b.token}&done=rescheduled`);
	const moved = html(await srv.get(res.headers.location, { jar }), 200, 'after reschedule');
	assert.match(moved, /role="status"/);
	assert.ok(moved.includes(newStart.slice(11, 16)), `the new time ${newStart} is shown`);

	// Cancel: the first POST asks, the second (confirm=1) cancels.
	res = await post(`/cita/${b.code}/anulla`, cancelForm, jar);
	const ask = html(res, 200, 'cancel confirmation');
	assert.match(ask, /Sí, anul·la-la/);
	const yes = formIn(ask, `/cita/${b.code}/anulla`);
	assert.equal(yes.confirm, '1');
	res = await post(`/cita/${b.code}/anulla`, yes, jar);
	assert.equal(res.status, 303);
	assert.equal(res.headers.location, `/cita/${b.code}?token=${b.token}&done=cancelled`);
	const gone = html(await srv.get(res.headers.location, { jar }), 200, 'after cancel');
	assert.match(gone, /Anul·lada/);
	assert.ok(!formIn(gone, `/cita/${b.code}/anulla`), 'no cancel form any more');
	res = await post(`/cita/${b.code}/canvia`, { ...rf, start: newStart }, jar);
	html(res, 409, 'a cancelled appointment cannot move');
});

test('look-up by code and ID number: the number never goes into a URL, and it manages the appointment', async () => {
	const b = await book({ service: 'cita-serveis', channel: 'in_person', office: 'mar-blava' });
	const jar = new H.CookieJar();
	const form = html(await srv.get(`/cita/gestiona?code=${b.code}`, { jar }), 200, 'look-up form');
	assert.equal(H.tags(form, 'input').find((i) => i.name === 'code').value, b.code);
	const f = formIn(form, '/cita/gestiona');
	let res = await post('/cita/gestiona', { ...f, code: b.code, id_number: nextDni() }, jar);
	html(res, 404, 'wrong ID number');
	res = await post('/cita/gestiona', { ...f, code: '', id_number: b.idNumber }, jar);
	html(res, 422, 'no code');
	res = await post('/cita/gestiona', { ...f, code: b.code.toLowerCase(), id_number: b.idNumber }, jar);
	const m = html(res, 200, 'manage page by ID');
	assert.ok(m.includes(b.code));
	for (const h of hrefs(m)) assert.ok(!h.includes(b.idNumber), `no ID number in ${h}`);
	// Downloads by POST with the ID number.
	const icsForm = formIn(m, `/cita/${b.code}/calendar.ics`);
	assert.equal(icsForm.id_number, b.idNumber);
	res = await post(`/cita/${b.code}/calendar.ics`, icsForm, jar);
	assert.equal(res.status, 200);
	assert.match(res.headers['content-type'], /^text\/calendar/);
	// The ID number never works in a query string.
	html(await srv.get(`/cita/${b.code}/calendar.ics?id_number=${b.idNumber}`), 404, 'ID number in a URL');
	// Reschedule by ID: the calendar is a form of buttons.
	const cf = formIn(m, `/cita/${b.code}/canvia`);
	res = await post(`/cita/${b.code}/canvia`, cf, jar);
	const cal = html(res, 200, 'reschedule by ID');
	const dayButtons = H.tags(cal, 'button').filter((x) => x.name === 'day');
	assert.ok(dayButtons.length > 0, 'day buttons');
	res = await post(`/cita/${b.code}/canvia`, { ...formIn(cal, `/cita/${b.code}/canvia`), day: dayButtons[0].value }, jar);
	const tp = html(res, 200, 'times by ID');
	const newStart = times(tp).find((s) => s !== b.start);
	res = await post(`/cita/${b.code}/canvia`, { ...formIn(tp, `/cita/${b.code}/canvia`), start: newStart }, jar);
	const done = html(res, 200, 'rescheduled by ID');
	assert.match(done, /role="status"/);
	// Cancel by ID.
	res = await post(`/cita/${b.code}/anulla`, { ...formIn(done, `/cita/${b.code}/anulla`), confirm: '1' }, jar);
	const cancelled = html(res, 200, 'cancelled by ID');
	assert.match(cancelled, /Anul·lada/);
});

test('staff book on the staff share for a citizen, with a printable summary; citizens cannot use those pages', async () => {
	let res = await srv.get('/staff/cita');
	assert.equal(res.status, 303);
	assert.match(res.headers.location, /^\/login\?next=/);
	const { jar, staff } = await srv.loginOk(H.DEMO_USERS.informer);
	assert.ok(hrefs(staff.text).includes('/staff/cita'), 'the staff home links the staff flow');
	const home = html(await srv.get('/staff/cita', { jar }), 200, 'staff flow');
	assert.ok(hrefs(home).includes('/staff/cita/canal?service=cita-serveis'));
	assert.doesNotMatch(home, /\/cita\/gestiona/);
	const b = await book({ service: 'cita-serveis', channel: 'phone', base: '/staff/cita', jar }, { email: '', phone: '+34 600 111 222' });
	assert.match(b.location, /^\/staff\/cita\/[A-Z0-9]{8}\?token=/);
	const sum = html(await srv.get(b.location, { jar }), 200, 'staff summary');
	assert.ok(sum.includes(b.code));
	assert.ok(sum.includes(H.DEMO_USERS.informer), 'who booked it');
	assert.match(sum, /\/cita\/[A-Z0-9]{8}\?token=[0-9a-f]{64}/, 'the manage link to hand over');
	// Without the token (or with a made-up one) no manage link is printed.
	const again = html(await srv.get(`/staff/cita/${b.code}?token=${'0'.repeat(64)}`, { jar }), 200, 'staff summary, bad token');
	assert.doesNotMatch(again, /token=[0-9a-f]{64}/);
	// The citizen's manage link works for the appointment staff made.
	const m = html(await srv.get(`/cita/${b.code}?token=${b.token}`), 200, 'citizen manage page');
	assert.match(m, /600111222|600 111 222/);
	// The audit log has both.
	const admin = await srv.loginOk(H.DEMO_USERS.admin);
	const audit = html(await srv.get('/admin/audit', { jar: admin.jar }), 200, 'audit');
	assert.ok(audit.includes(`appointment:${b.code}`));
});

test('language: every step in es and en, and the links keep the language choice and the state', async () => {
	const es = html(await srv.get('/cita/dia?service=cita-serveis&channel=phone&lang=es'), 200, 'day es');
	assert.equal(H.htmlLang(es), 'es');
	assert.match(es, /¿Qué día te va bien\?/);
	assert.match(es, /Paso 3 de 5/);
	const en = html(await srv.get('/cita/canal?service=cita-serveis&lang=en'), 200, 'channel en');
	assert.match(en, /How do you want to be seen\?/);
	const langs = H.tags(en, 'a').filter((a) => a.hreflang).map((a) => a.href);
	assert.ok(langs.includes('/cita/canal?service=cita-serveis&lang=ca'), langs.join(' '));
});

// A second node (PostgreSQL) or a second demo (SQLite) with proof of work on and tight limits.
test('with proof of work on, a booking without the payload gets the JavaScript-or-010 message; over the limits, 429', async () => {
	const other = new H.Server({
		name: 'booking pages, pow and limits',
		command: H.IS_PG ? 'serve' : 'demo',
		db: H.IS_PG ? srv.db : undefined,
		env: { FINESTRETA_BOOKING_PROOF_OF_WORK: 'on', FINESTRETA_BOOKING_RATE_BOOKING: '4', FINESTRETA_BOOKING_RATE_AVAILABILITY: '1000' },
	});
	await other.start();
	try {
		const jar = new H.CookieJar();
		const dayPage = (await other.get('/cita/dia?service=cita-serveis&channel=in_person&office=la-riera', { jar })).text;
		const day = calendarDays(dayPage)[0];
		const tp = (await other.get(day, { jar })).text;
		const ts = times(tp);
		let res = await other.request('POST', '/cita/hora', { jar, headers: FORM, body: H.formBody({ ...formIn(tp, '/cita/hora'), start: ts[ts.length - 1] }) });
		assert.equal(res.status, 303);
		const details = (await other.get(res.headers.location, { jar })).text;
		assert.match(details, /<div class="bk-pow-box" data-pow data-challenge="\/api\/v1\/pow\/challenge"/);
		assert.match(details, /<input type="hidden" name="altcha" value="">/);
		assert.match(details, /<noscript>/);
		assert.match(details, /<script src="\/static\/pow\.[0-9a-f]+\.js" defer><\/script>/);
		const f = formIn(details, '/cita/dades');
		res = await other.request('POST', '/cita/dades', {
			jar,
			headers: FORM,
			body: H.formBody({ ...f, name: 'Pere Roig', id_type: 'dni', id_number: nextDni(), email: 'pere@example.com' }),
		});
		const p = html(res, 422, 'no proof of work');
		assert.match(p, /href="#d-altcha"/);
		assert.match(p, /JavaScript/);
		assert.match(p, /010/);
		// Booking-class requests: the hold and the attempt above, then look-ups until refused.
		let last;
		for (let i = 0; i < 4; i++) {
			last = await other.request('POST', '/cita/gestiona', { jar, headers: FORM, body: H.formBody({ _csrf: f._csrf, code: 'ABCDEFGH', id_number: '12345678Z' }) });
			if (last.status === 429) break;
		}
		const limited = html(last, 429, 'rate limited');
		assert.ok(Number(last.headers['retry-after']) >= 1, 'Retry-After');
		assert.match(limited, /Espera \d+ minut/);
	} finally {
		await other.stop();
	}
});

test('graceful shutdown', () => srv.stop());
