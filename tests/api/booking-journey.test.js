'use strict';
// The booking journey as people met it, over HTTP: promises kept (a call-back needs a phone, the
// page says what was really sent, every procedure of the demo can be booked, offices without free
// days come last, a cancelled appointment looks cancelled everywhere, the PDF is tagged), nobody
// loses what they typed (a time taken while typing, validation failures and limits, Back after
// booking), one voice (plurals, no raw keys), clearer pages (search, the online link, one channel,
// the help line, error titles, the 403 heading) and the counter (the day's list, check-in by code,
// QR or ID number, no-show, cancel, reschedule on the person's behalf, audited). Runs on SQLite and
// PostgreSQL (FINESTRETA_TEST_DB).
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const H = require('./lib/server.js');

const srv = H.useServer({
	name: 'booking journey server',
	env: {
		FINESTRETA_BOOKING_PROOF_OF_WORK: 'off', FINESTRETA_BOOKING_MAX_HOLDS_PER_ADDRESS: '0',
		FINESTRETA_BOOKING_RATE_AVAILABILITY: '0',
		FINESTRETA_BOOKING_RATE_BOOKING: '0',
		// Seats let go come back at once here (what the delay guards against is tested apart).
		FINESTRETA_BOOKING_CANCEL_RETURN_DELAY: '0',
		FINESTRETA_BOOKING_MAX_HOLDS_PER_ADDRESS: '0',
	},
});

const { hrefs, formIn } = H;
const K = require('./lib/booking.js')(srv, { seed: 50000000 });
const { html, post, toDetails, book, nextDni, nextPhone, times, procCodes } = K;

function text(h) {
	return H.decodeEntities(h.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');
}

function pdfText(buf) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journey-pdf-'));
	try {
		const file = path.join(dir, 'r.pdf');
		fs.writeFileSync(file, buf);
		return execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

// ---------------------------------------------------------------- promises

test('a phone call-back needs a phone number: a field error on the page and in the API', async () => {
	const t = await toDetails({ service: 'cita-serveis', channel: 'phone' });
	assert.match(t.details, /<label for="d-phone">[^<]*<span class="hint">\(obligatori\)<\/span>/, 'the phone is marked required');
	const f = formIn(t.details, '/cita/dades');
	let res = await post('/cita/dades', { ...f, name: 'Pau Riera', id_type: 'dni', id_number: nextDni(), email: 'pau@example.com' }, t.jar);
	const p = html(res, 422, 'phone channel without a phone');
	assert.match(p, /href="#d-phone"/);
	assert.match(text(p), /Per trucar-vos necessitem un número de telèfon/);
	assert.equal(H.tags(p, 'input').find((i) => i.name === 'phone')['aria-invalid'], 'true');
	res = await post('/cita/dades', { ...f, name: 'Pau Riera', id_type: 'dni', id_number: nextDni(), email: 'pau@example.com', phone: nextPhone() }, t.jar);
	assert.equal(res.status, 303, res.text.slice(0, 300));

	const day = (await srv.get('/api/v1/availability?service=cita-serveis&channel=phone')).json().days[0];
	const api = await srv.request('POST', '/api/v1/appointments', {
		body: { service: 'cita-serveis', channel: 'phone', start: day.slots[0].start, name: 'Pau', id_type: 'dni', id_number: nextDni(), email: 'p@example.com' },
	});
	H.assertJsonError(api, 422, 'invalid');
	assert.ok(api.json().fields.phone, 'the phone field has its message');
});

test('the confirmation says what was sent: an e-mail, or nothing when there is only a mobile and no SMS gateway', async () => {
	const withMail = await book({ service: 'cita-serveis', channel: 'in_person', office: 'centre' });
	const p1 = text(html(await srv.get(withMail.location, { jar: withMail.jar }), 200, 'confirmation'));
	assert.match(p1, /Us enviem la confirmació per correu electrònic a nuria\.[0-9a-z]+@example\.com/);
	assert.doesNotMatch(p1, /No us hem enviat cap missatge/);
	const phone = nextPhone();
	const mobileOnly = await book({ service: 'cita-serveis', channel: 'phone' }, { email: '', phone });
	const p2 = text(html(await srv.get(mobileOnly.location, { jar: mobileOnly.jar }), 200, 'confirmation, mobile only'));
	assert.match(p2, /No us hem enviat cap missatge/);
	assert.doesNotMatch(p2, /Us enviem/, 'no promise of a message that was not sent');
	assert.equal(Number(H.sql(srv.db, `SELECT count(*) FROM outbox WHERE ref = '${mobileOnly.code}'`)), 0, 'and indeed nothing is queued');
	// The form said so beforehand: without an SMS gateway the confirmation goes by e-mail only.
	const form = text((await toDetails({ service: 'cita-serveis', channel: 'in_person', office: 'centre' })).details);
	assert.match(form, /La confirmació us arriba per correu electrònic: ara no enviem SMS/);
	assert.doesNotMatch(form, /Escriviu el correu, el mòbil o tots dos/, 'no promise of an SMS');
	const sms = new H.Server({ name: 'journey, SMS gateway', command: H.IS_PG ? 'serve' : 'demo', db: H.IS_PG ? srv.db : undefined,
		env: { FINESTRETA_BOOKING_PROOF_OF_WORK: 'off', FINESTRETA_BOOKING_MAX_HOLDS_PER_ADDRESS: '0', FINESTRETA_SMS_GATEWAY_URL: 'http://127.0.0.1:9/sms' } });
	await sms.start();
	try {
		const S = require('./lib/booking.js')(sms, { seed: 56000000 });
		const withSms = text((await S.toDetails({ service: 'cita-serveis', channel: 'in_person', office: 'centre' })).details);
		assert.match(withSms, /Escriviu el correu, el mòbil o tots dos/, 'with a gateway a mobile is enough');
	} finally {
		await sms.stop();
	}
	// The staff summary says the same, in the staff's words, and can be printed or read out.
	const { jar } = await srv.loginOk(H.DEMO_USERS.informer);
	const staffForm = text((await toDetails({ service: 'cita-serveis', channel: 'in_person', office: 'centre', base: '/staff/cita', jar })).details);
	assert.match(staffForm, /doneu-li el resum imprès/);
	const s = await book({ service: 'cita-serveis', channel: 'phone', base: '/staff/cita', jar }, { email: '', phone: nextPhone() });
	const sum = html(await srv.get(s.location, { jar }), 200, 'staff summary');
	assert.match(text(sum), /No s'ha enviat cap missatge a la persona/);
	assert.doesNotMatch(text(sum), /La persona rep la confirmació/);
	assert.match(sum, /<button type="button" class="button" data-print hidden>Imprimir el resum<\/button>/);
	const readOut = /<p class="bk-readout-text">([^<]*)<\/p>/.exec(sum);
	assert.ok(readOut, 'a paragraph to read out');
	assert.ok(H.decodeEntities(readOut[1]).includes(s.code.split('').join(' ')), 'the code spelled out');
	// Cancelling it for the person: the staff are told that nobody will let the person know.
	assert.match(text(sum), /L'hora quedarà lliure\. No podem avisar la persona/);
	const mailed = await book({ service: 'cita-serveis', channel: 'phone', base: '/staff/cita', jar }, { phone: nextPhone() });
	const sum2 = text(html(await srv.get(mailed.location, { jar }), 200, 'staff summary, with an e-mail'));
	assert.match(sum2, /L'hora quedarà lliure i la persona en rebrà l'avís/);
	assert.doesNotMatch(sum2, /No podem avisar la persona/);
});

test('every procedure of the catalogue can be booked in the demo, on every channel it offers', async () => {
	const services = (await srv.get('/api/v1/services')).json();
	const list = Array.isArray(services) ? services : services.services;
	const missing = [];
	let checked = 0;
	for (const p of list) {
		for (const ch of p.channels.filter((c) => ['in_person', 'phone', 'video'].includes(c))) {
			const offices = ch === 'in_person' ? p.offices : [null];
			let days = 0;
			for (const o of offices) {
				const r = await srv.get(`/api/v1/availability?service=${p.code}&channel=${ch}&from=${H.madridDate(0)}&to=${H.madridDate(60)}${o ? `&office=${o}` : ''}`);
				assert.equal(r.status, 200, `${p.code}/${ch}/${o}: ${r.text}`);
				days += r.json().days.length;
			}
			checked++;
			if (!days) missing.push(`${p.code} (${ch})`);
		}
	}
	assert.ok(checked > 30, `${checked} procedure channels`);
	assert.deepEqual(missing, [], 'procedures nobody can book');
	// The ICT agents' digital accompaniment, in person at the library, end to end.
	const b = await book({ service: 'acompanyament-digital', channel: 'in_person', office: 'biblioteca-josep-pla' });
	assert.match(b.code, /^[A-Z0-9]{8}$/);
	// And by the staff for someone, at the other neighbourhood facility.
	const { jar } = await srv.loginOk(H.DEMO_USERS.informer);
	const s = await book({ service: 'acompanyament-digital', channel: 'in_person', office: 'casal-sant-pere', base: '/staff/cita', jar });
	assert.match(s.code, /^[A-Z0-9]{8}$/);
	assert.equal(H.sql(srv.db, `SELECT o.code FROM appointments a JOIN offices o ON o.id = a.office_id WHERE a.code = '${s.code}'`).trim(), 'casal-sant-pere');
});

test('offices without free days for the procedure come last, marked', async () => {
	const p = html(await srv.get('/cita/oficina?service=volant-individual&channel=in_person'), 200, 'office step');
	const order = H.tags(p, 'input').filter((i) => i.name === 'office').map((i) => i.value);
	assert.deepEqual(order.slice(-2).sort(), ['biblioteca-josep-pla', 'casal-sant-pere'], `order: ${order.join(' ')}`);
	const marked = [...p.matchAll(/<div class="bk-choice bk-choice-nodays">\s*<input type="radio" name="office" id="of-([a-z-]+)"/g)].map((m) => m[1]);
	assert.deepEqual(marked.sort(), ['biblioteca-josep-pla', 'casal-sant-pere']);
	assert.match(text(p), /Ara no hi ha hores lliures en aquesta oficina per a aquest tràmit/);
});

test('a cancelled appointment looks cancelled everywhere: no documents or calendar link, the PDF says so', async () => {
	const b = await book({ service: 'cita-serveis', channel: 'in_person', office: 'la-riera' });
	const manage = `/cita/${b.code}?token=${b.token}`;
	const before = html(await srv.get(manage, { jar: b.jar }), 200, 'manage page');
	assert.match(before, /Què heu de portar/);
	assert.ok(hrefs(before).some((h) => h.includes('/calendar.ics')));
	const cf = formIn(before, `/cita/${b.code}/anulla`);
	const ask = html(await post(`/cita/${b.code}/anulla`, cf, b.jar), 200, 'cancel question');
	assert.equal((await post(`/cita/${b.code}/anulla`, formIn(ask, `/cita/${b.code}/anulla`), b.jar)).status, 303);
	for (const u of [manage, b.location]) {
		const after = html(await srv.get(u), 200, u);
		assert.doesNotMatch(after, /Què heu de portar/, `${u}: what to bring`);
		assert.ok(!hrefs(after).some((h) => h.includes('/calendar.ics')), `${u}: add to calendar`);
		assert.match(text(after), /Aquesta cita està anul·lada/);
	}
	assert.match(text(html(await srv.get(b.location), 200, 'confirmation')), /Cita anul·lada/);
	const pdf = await srv.get(`/cita/${b.code}/receipt.pdf?token=${b.token}`);
	assert.equal(pdf.status, 200);
	const t = pdfText(pdf.body);
	assert.match(t, /CITA ANUL·LADA/);
	assert.doesNotMatch(t, /Què cal portar/);
	assert.doesNotMatch(t, /Escanegeu el codi/, 'no QR code to manage a cancelled appointment');
});

test('the PDF receipt is tagged: a structure tree with a heading and paragraphs', async () => {
	const b = await book({ service: 'cita-serveis', channel: 'in_person', office: 'mar-blava' });
	const pdf = (await srv.get(`/cita/${b.code}/receipt.pdf?token=${b.token}`)).body.toString('latin1');
	assert.match(pdf, /\/MarkInfo\s*<<\s*\/Marked true\s*>>/);
	assert.match(pdf, /\/StructTreeRoot/);
	for (const tag of ['Document', 'H1', 'H2', 'P', 'Figure']) assert.match(pdf, new RegExp(`/S /${tag}\\b`), `a ${tag} element`);
});

// ---------------------------------------------------------------- nobody loses what they typed

test('a time taken while the person types: the time list comes back with the details kept, and a new time keeps them', async () => {
	const t = await toDetails({ service: 'cita-serveis', channel: 'video', pick: (ts) => ts[0] });
	const f = formIn(t.details, '/cita/dades');
	const person = { name: 'Marta Soler Vila', id_type: 'dni', id_number: nextDni(), email: 'marta.soler@example.com', phone: nextPhone(), lang: 'es' };
	// Somebody else takes the seat (the video slot has one public seat) once our hold is gone.
	assert.equal((await srv.request('DELETE', `/api/v1/holds/${f.hold}`)).status, 204);
	const other = await srv.request('POST', '/api/v1/appointments', {
		body: { service: 'cita-serveis', channel: 'video', start: t.start, name: 'Altra Persona', id_type: 'dni', id_number: nextDni(), email: 'altra@example.com' },
	});
	assert.equal(other.status, 201, other.text);
	let res = await post('/cita/dades', { ...f, ...person }, t.jar);
	const tp = html(res, 409, 'the time was taken');
	assert.match(text(tp), /Hem guardat les dades que havíeu escrit/);
	const tf = formIn(tp, '/cita/hora');
	for (const [k, v] of Object.entries(person)) assert.equal(tf[k], v, `${k} travels with the time form`);
	const again = times(tp).find((s) => s !== t.start);
	assert.ok(again, 'another time to pick');
	res = await post('/cita/hora', { ...tf, start: again }, t.jar);
	const d = html(res, 200, 'details again');
	assert.match(text(d), /Hem guardat les dades que havíeu escrit i us hem reservat la nova hora/);
	const df = formIn(d, '/cita/dades');
	for (const k of ['name', 'id_number', 'email', 'phone']) assert.equal(H.tags(d, 'input').find((i) => i.name === k).value, person[k], `${k} is filled in`);
	assert.equal(H.tags(d, 'input').find((i) => i.name === 'lang' && i.value === 'es').checked, '', 'the language chosen is kept');
	assert.match(df.hold, /^[0-9a-f]{64}$/, 'a new hold');
	res = await post('/cita/dades', { ...df, ...person }, t.jar);
	assert.equal(res.status, 303, res.text.slice(0, 300));
});

test('correcting a form does not count as booking; over the limit the form comes back as it was', async () => {
	const other = new H.Server({
		name: 'journey, tight booking limit',
		command: H.IS_PG ? 'serve' : 'demo',
		db: H.IS_PG ? srv.db : undefined,
		env: { FINESTRETA_BOOKING_PROOF_OF_WORK: 'off', FINESTRETA_BOOKING_MAX_HOLDS_PER_ADDRESS: '0', FINESTRETA_BOOKING_RATE_BOOKING: '2', FINESTRETA_BOOKING_RATE_AVAILABILITY: '1000' },
	});
	await other.start();
	try {
		const O = require('./lib/booking.js')(other, { seed: 52000000 });
		const t = await O.toDetails({ service: 'cita-serveis', channel: 'in_person', office: 'mar-blava' }); // the hold: 1 of 2
		const f = formIn(t.details, '/cita/dades');
		// Five attempts with a mistake: each a 422 with the field marked, none a 429.
		for (let i = 0; i < 5; i++) {
			const r = await O.post('/cita/dades', { ...f, name: 'Rosa Puig', id_type: 'dni', id_number: '12345678A', email: 'rosa@example.com' }, t.jar);
			O.html(r, 422, `attempt ${i} with a bad DNI`);
		}
		const good = { ...f, name: 'Rosa Puig', id_type: 'dni', id_number: O.nextDni(), email: 'rosa@example.com' };
		let r = await O.post('/cita/dades', good, t.jar); // 2 of 2
		assert.equal(r.status, 303, r.text.slice(0, 300));
		// Now over the limit: a second booking from the same address gets its form back, kept.
		const t2 = await O.toDetails({ service: 'cita-serveis', channel: 'in_person', office: 'la-riera' }).catch((e) => e);
		assert.ok(t2 instanceof Error && /hold: 429/.test(t2.message), 'the hold is refused over the limit');
		// (without the first hold, which became Rosa's booking)
		const form = { ...f, hold: '', until: '', name: 'Jordi Mas', id_type: 'dni', id_number: O.nextDni(), email: 'jordi@example.com' };
		r = await O.post('/cita/dades', form, t.jar);
		const limited = O.html(r, 429, 'over the limit');
		assert.ok(Number(r.headers['retry-after']) >= 1);
		assert.match(text(limited), /Espereu \d+ minuts? i torneu-ho a provar/);
		assert.equal(H.tags(limited, 'input').find((i) => i.name === 'name').value, 'Jordi Mas', 'the typed name is kept');
		assert.equal(H.tags(limited, 'input').find((i) => i.name === 'email').value, 'jordi@example.com');
		assert.ok(formIn(limited, '/cita/dades'), 'the form to send again');
	} finally {
		await other.stop();
	}
});

test('Back after booking: the details page of a finished booking shows its own confirmation', async () => {
	const b = await book({ service: 'cita-serveis', channel: 'in_person', office: 'centre' });
	let res = await srv.get(b.detailsUrl, { jar: b.jar });
	assert.equal(res.status, 303);
	assert.equal(res.headers.location, b.location, 'the confirmation with its manage token');
	// Sending the form again (a second click, Back then Confirm) books nothing new.
	const count = () => Number(H.sql(srv.db, `SELECT count(*) FROM appointments WHERE id_number = '${b.idNumber}'`));
	const n = count();
	res = await post('/cita/dades', b.fields, b.jar);
	assert.equal(res.status, 303);
	assert.equal(res.headers.location, b.location);
	assert.equal(count(), n);
	// Another hold token is nobody's booking.
	res = await srv.get(b.detailsUrl.replace(/hold=[0-9a-f]{64}/, `hold=${'a'.repeat(64)}`), { jar: b.jar });
	assert.equal(res.status, 200);
});

// ---------------------------------------------------------------- one voice

test('counts use plural forms: one minute, five minutes', async () => {
	const t = await toDetails({ service: 'cita-serveis', channel: 'in_person', office: 'mar-blava' });
	assert.match(text(t.timePage), /us la guardem 5 minuts mentre/);
	const one = new H.Server({ name: 'journey, one-minute hold', command: H.IS_PG ? 'serve' : 'demo', db: H.IS_PG ? srv.db : undefined,
		env: { FINESTRETA_BOOKING_HOLD_SECONDS: '60', FINESTRETA_BOOKING_PROOF_OF_WORK: 'off', FINESTRETA_BOOKING_MAX_HOLDS_PER_ADDRESS: '0' } });
	await one.start();
	try {
		const O = require('./lib/booking.js')(one, { seed: 54000000 });
		const t1 = await O.toDetails({ service: 'cita-serveis', channel: 'in_person', office: 'mar-blava' });
		assert.match(text(t1.timePage), /us la guardem 1 minut mentre/);
		const es = text(O.html(await one.get(t1.dayUrl + '&lang=es'), 200, 'time es'));
		assert.match(es, /se la guardamos 1 minuto mientras/);
	} finally {
		await one.stop();
	}
	const list = text(html(await srv.get('/cita?q=escombraries'), 200, 'search'));
	assert.match(list, /\b1 tràmit\b/);
});

test('the opening-hours form shows its labels, not translation keys', async () => {
	const { jar } = await srv.loginOk(H.DEMO_USERS.coordinator);
	const p = html(await srv.get('/schedule/offices/centre/hours', { jar }), 200, 'hours form');
	assert.doesNotMatch(p, /\bsch_[a-z0-9_]+\b/, 'no raw key on the page');
	assert.match(text(p), /Torna a obrir/);
});

// ---------------------------------------------------------------- clearer pages

test('the home page: its cards are links, one of them to manage an appointment; the help line is a tel: link', async () => {
	const home = html(await srv.get('/'), 200, 'home');
	const links = hrefs(home);
	assert.ok(links.includes('/cita') && links.includes('/cita/gestiona'));
	assert.match(home, /truqueu al <a href="tel:010">010<\/a>/);
	const step1 = html(await srv.get('/cita'), 200, '/cita');
	assert.ok(hrefs(step1).includes('/cita/gestiona'), 'the manage link before the list');
	assert.ok(step1.indexOf('href="/cita/gestiona"') < step1.indexOf('bk-search'), 'above the search');
	assert.match(step1, /<a href="tel:010">010<\/a>/);
	assert.match(html(await srv.get('/cita/gestiona'), 200, 'look-up'), /<a href="tel:010">010<\/a>/);
});

test('the procedure list: the most booked first, topics closed, a search that knows verbs and the other language', async () => {
	const p = html(await srv.get('/cita'), 200, '/cita');
	assert.match(p, /<h2 id="bk-pop-h">Els més demanats<\/h2>/);
	assert.match(p, /<details class="bk-group" id="cat-0">/, 'topics closed');
	assert.doesNotMatch(p, /<details class="bk-group"[^>]* open>/);
	const q = async (w, lang = 'ca') => procCodes(html(await srv.get(`/cita?q=${encodeURIComponent(w)}&lang=${lang}`), 200, w));
	const padro = await q('empadronar');
	assert.ok(padro.includes('padro-alta') && padro.includes('certificat-empadronament'), padro.join(' '));
	const cert = await q('certificado');
	assert.ok(cert.includes('certificat-digital') && cert.includes('certificat-empadronament'), cert.join(' '));
	assert.ok(!cert.includes('ibi'));
	assert.ok((await q('basuras')).includes('bonificacions'), 'a Spanish word in the Catalan pages');
	const found = html(await srv.get('/cita?q=empadronar'), 200, 'search');
	assert.match(found, /<details class="bk-group"[^>]* open>/, 'results open');
});

test('a procedure done online says so, with its link, before offering an appointment', async () => {
	const p = html(await srv.get('/cita/canal?service=padro-alta'), 200, 'channel step');
	const online = p.indexOf('https://seu.vilamar.example/tramits/padro-alta'), form = p.indexOf('name="channel"');
	assert.ok(online > 0 && online < form, 'the online link comes before the choice');
	assert.match(text(p), /Aquest tràmit el podeu fer ara mateix per internet, sense cita/);
	assert.ok(hrefs(html(await srv.get('/cita?q=padro'), 200, 'list')).includes('https://seu.vilamar.example/tramits/padro-alta'));
});

test('a procedure with one channel skips the "how" step', async () => {
	const list = html(await srv.get('/cita?q=certificat%20digital'), 200, 'list');
	assert.ok(hrefs(list).includes('/cita/oficina?service=certificat-digital&channel=in_person'));
	const res = await srv.get('/cita/canal?service=certificat-digital');
	assert.equal(res.status, 303);
	assert.equal(res.headers.location, '/cita/oficina?service=certificat-digital&channel=in_person');
	const office = html(await srv.get(res.headers.location), 200, 'office step');
	assert.match(office, /Pas 2 de 5/);
	assert.ok(hrefs(office).includes('/cita'), 'back goes to the list, not to a step that was skipped');
});

test('a form sent back with errors says so in the title; a page refused to a role has a real heading', async () => {
	const t = await toDetails({ service: 'cita-serveis', channel: 'in_person', office: 'centre' });
	const p = html(await post('/cita/dades', { ...formIn(t.details, '/cita/dades'), name: '' }, t.jar), 422, 'errors');
	assert.match(p, /<title>Error: /);
	assert.match(p, /<script src="\/static\/forms\.[0-9a-f]+\.js"><\/script>/, 'the script that moves the focus to the summary');
	assert.doesNotMatch(t.details, /<title>Error/);
	const { jar } = await srv.loginOk(H.DEMO_USERS.informer);
	const denied = html(await srv.get('/admin/users', { jar }), 403, 'forbidden');
	assert.match(denied, /<h1>No teniu permís per veure aquesta pàgina<\/h1>/);
});

test('the footer links the legal notice, the privacy policy and the accessibility statement, which the admin can rewrite', async () => {
	const home = html(await srv.get('/'), 200, 'home');
	for (const u of ['/avis-legal', '/privacitat', '/accessibilitat']) assert.ok(hrefs(home).includes(u), u);
	const privacy = text(html(await srv.get('/privacitat'), 200, 'privacy'));
	for (const part of ['responsable', 'Delegat de protecció de dades', 'Per a què', 'base legal', 'Quant de temps', 'Quins drets', 'Autoritat Catalana de Protecció de Dades'])
		assert.ok(privacy.includes(part), `privacy policy: ${part}`);
	assert.match(privacy, /Ajuntament de Vilamar/);
	const access = text(html(await srv.get('/accessibilitat?lang=es'), 200, 'accessibility es'));
	assert.match(access, /Real Decreto 1112\/2018/);
	assert.match(text(html(await srv.get('/avis-legal?lang=en'), 200, 'notice en')), /Law 34\/2002/);
	// The admin writes the city's own text; an empty one brings back the shipped text.
	const { jar } = await srv.loginOk(H.DEMO_USERS.admin);
	const form = html(await srv.get('/admin/legal', { jar }), 200, 'admin page');
	const f = formIn(form, '/admin/legal');
	let res = await post('/admin/legal', { ...f, doc: 'privacy', ca: '## Responsable\nAjuntament de Vilamar, plaça de la Vila 1.\n\n- dpd@vilamar.example', es: '', en: '' }, jar);
	assert.equal(res.status, 303);
	const mine = html(await srv.get('/privacitat'), 200, 'privacy, city text');
	assert.match(mine, /<h2>Responsable<\/h2>/);
	assert.match(mine, /<li>dpd@vilamar\.example<\/li>/);
	assert.match(text(html(await srv.get('/privacitat?lang=es'), 200, 'privacy es')), /Delegado de protección de datos/, 'the other languages keep the shipped text');
	assert.match(H.sql(srv.db, "SELECT action || ' ' || target FROM audit_log WHERE action = 'legal.save'"), /legal\.save legal:privacy/);
	res = await post('/admin/legal', { ...f, doc: 'nope', ca: 'x' }, jar);
	assert.equal(res.status, 422);
	const informer = await srv.loginOk(H.DEMO_USERS.informer);
	assert.equal((await srv.get('/admin/legal', { jar: informer.jar })).status, 403);
});

// ---------------------------------------------------------------- the counter

test('the counter: the day\'s list in the office\'s time and names, check-in by code, QR link or ID number', async () => {
	const a = await book({ service: 'volant-individual', channel: 'in_person', office: 'centre' });
	const b = await book({ service: 'volant-individual', channel: 'in_person', office: 'centre' });
	const c = await book({ service: 'volant-individual', channel: 'in_person', office: 'centre' });
	const { jar } = await srv.loginOk(H.DEMO_USERS.welcome);
	const date = a.start.slice(0, 10);
	const page = html(await srv.get(`/staff/cites/centre?date=${date}`, { jar }), 200, 'counter');
	assert.match(page, /<strong>OAC Centre<\/strong>/, 'the office by name');
	assert.ok(page.includes(`<strong>${a.start.slice(11, 16)}–`), 'the time in the office\'s zone');
	assert.match(text(page), /Volant d'empadronament individual/, 'the procedure by name');
	const f = formIn(page, '/staff/cites/centre/arribada');
	// By code: the ID number shown is asked, and must match.
	let res = await post('/staff/cites/centre/arribada', { ...f, find: a.code.toLowerCase() }, jar);
	const ask = html(res, 200, 'ID number asked');
	assert.match(ask, /id="k-id_number"/);
	const af = formIn(ask, '/staff/cites/centre/arribada');
	res = await post('/staff/cites/centre/arribada', { ...af, id_number: nextDni() }, jar);
	html(res, 422, 'a number that does not match');
	res = await post('/staff/cites/centre/arribada', { ...af, id_number: a.idNumber }, jar);
	assert.equal(res.status, 303);
	const done = html(await srv.get(res.headers.location, { jar }), 200, 'after check-in');
	assert.match(text(done), /Núria Ferrer i Soler ha arribat/);
	// The counter looks in the day it shows: the three may not share a day (the first free times
	// run into the next day late in the afternoon), so each is found from its own day's page.
	const formOf = async (appt) =>
		formIn(html(await srv.get(`/staff/cites/centre?date=${appt.start.slice(0, 10)}`, { jar }), 200, 'counter'), '/staff/cites/centre/arribada');
	// By the QR code's link (a scanner types it), then the ID number.
	res = await post('/staff/cites/centre/arribada', { ...(await formOf(b)), find: `http://127.0.0.1/cita/${b.code}?token=${b.token}` }, jar);
	const askB = html(res, 200, 'QR');
	assert.ok(askB.includes(b.code));
	res = await post('/staff/cites/centre/arribada', { ...formIn(askB, '/staff/cites/centre/arribada'), id_number: b.idNumber }, jar);
	assert.equal(res.status, 303);
	// By the ID number alone.
	res = await post('/staff/cites/centre/arribada', { ...(await formOf(c)), find: c.idNumber.toLowerCase() }, jar);
	assert.equal(res.status, 303);
	const status = (code) => H.sql(srv.db, `SELECT status FROM appointments WHERE code = '${code}'`).trim();
	assert.deepEqual([status(a.code), status(b.code), status(c.code)], ['checked_in', 'checked_in', 'checked_in']);
	// Nobody with that code or number today: a clear error, not a crash.
	html(await post('/staff/cites/centre/arribada', { ...f, find: 'ZZZZZZZZ' }, jar), 404, 'unknown');
	html(await post('/staff/cites/centre/arribada', { ...f, find: '' }, jar), 422, 'empty');
	const audit = H.sql(srv.db, "SELECT action || ' ' || target FROM audit_log WHERE action IN ('booking.check_in', 'booking.list')");
	assert.ok(audit.includes(`booking.check_in appointment:${a.code}`));
	assert.ok(audit.includes('booking.list office:centre'));
	// The audit page names the office (its code kept), with a machine-readable time.
	const admin = await srv.loginOk(H.DEMO_USERS.admin);
	const log = html(await srv.get('/admin/audit', { jar: admin.jar }), 200, 'audit log');
	assert.match(text(log), /OAC Centre \(office:centre\)/);
	assert.match(log, /<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00">[^<]*\d\d\/\d\d\/\d{4}, \d\d:\d\d<\/time>/);
	// Informers see the list but check in nobody.
	const informer = await srv.loginOk(H.DEMO_USERS.informer);
	const ip = html(await srv.get(`/staff/cites/centre?date=${date}`, { jar: informer.jar }), 200, 'informer');
	assert.ok(!formIn(ip, '/staff/cites/centre/arribada'));
	assert.equal((await post('/staff/cites/centre/arribada', { ...f, find: a.code }, informer.jar)).status, 403);
});

test('the counter: no-show, cancel and reschedule on the person\'s behalf, each audited', async () => {
	const a = await book({ service: 'volant-individual', channel: 'in_person', office: 'la-riera' });
	const b = await book({ service: 'volant-individual', channel: 'in_person', office: 'la-riera' });
	const { jar, csrf } = await srv.loginOk(H.DEMO_USERS.informer);
	// Cancel.
	let res = await post(`/staff/cita/${a.code}/estat`, { _csrf: csrf, status: 'cancelled' }, jar);
	assert.equal(res.status, 303);
	assert.match(res.headers.location, new RegExp(`^/staff/cites/la-riera\\?date=${a.start.slice(0, 10)}&done=cancelled&who=${a.code}$`));
	assert.match(text(html(await srv.get(res.headers.location, { jar }), 200, 'after cancel')), /S'ha anul·lat la cita de Núria Ferrer i Soler/);
	res = await post(`/staff/cita/${a.code}/estat`, { _csrf: csrf, status: 'cancelled' }, jar);
	html(res, 409, 'cancelled twice');
	html(await post(`/staff/cita/${a.code}/estat`, { _csrf: csrf, status: 'done' }, jar), 422, 'not a move the counter offers');
	// A no-show is only for a time that has come: before it, the page and the API refuse it, saying why.
	res = await post(`/staff/cita/${b.code}/estat`, { _csrf: csrf, status: 'no_show' }, jar);
	assert.match(text(html(res, 409, 'a no-show before the time')), /Encara no és l'hora de la cita/);
	const api = await srv.request('POST', `/api/v1/appointments/${b.code}/status`, { body: { status: 'no_show' }, jar, headers: { 'X-CSRF-Token': csrf } });
	H.assertJsonError(api, 409, 'bad_state');
	assert.match(api.json().message, /Encara no és l'hora de la cita/);
	assert.equal(H.sql(srv.db, `SELECT status FROM appointments WHERE code = '${b.code}'`).trim(), 'booked', 'still booked');
	// Once its time has come (moved into the past here), the no-show is taken.
	H.sql(srv.db, `UPDATE appointments SET start_at = start_at - 30 * 86400 WHERE code = '${b.code}'`);
	res = await post(`/staff/cita/${b.code}/estat`, { _csrf: csrf, status: 'no_show' }, jar);
	assert.equal(res.status, 303, res.text.slice(0, 300));
	assert.equal(H.sql(srv.db, `SELECT status FROM appointments WHERE code = '${b.code}'`).trim(), 'no_show');
	// Reschedule another one on the staff's pages.
	const c = await book({ service: 'volant-individual', channel: 'in_person', office: 'la-riera' });
	const cal = html(await srv.get(`/staff/cita/${c.code}/canvia`, { jar }), 200, 'staff reschedule');
	const day = hrefs(cal).find((h) => h.startsWith(`/staff/cita/${c.code}/canvia?day=`));
	const tp = html(await srv.get(day, { jar }), 200, 'staff times');
	const start = times(tp).find((s) => s !== c.start);
	res = await post(`/staff/cita/${c.code}/canvia`, { ...formIn(tp, `/staff/cita/${c.code}/canvia`), start }, jar);
	assert.equal(res.status, 303, res.text.slice(0, 300));
	assert.match(res.headers.location, /done=rescheduled/);
	assert.equal(H.sql(srv.db, `SELECT count(*) FROM appointment_events WHERE appointment_id = (SELECT id FROM appointments WHERE code = '${c.code}')`).trim(), '2');
	const audit = H.sql(srv.db, "SELECT action || ' ' || target FROM audit_log WHERE target LIKE 'appointment:%'");
	for (const line of [`booking.status appointment:${a.code}`, `booking.status appointment:${b.code}`, `booking.reschedule appointment:${c.code}`])
		assert.ok(audit.includes(line), line);
	// The citizen's manage page shows it cancelled.
	assert.match(text(html(await srv.get(`/cita/${a.code}?token=${a.token}`), 200, 'citizen view')), /Anul·lada/);
});

test('back-office dates in the staff member\'s words: the weekday and the day as people write them, never ISO', async () => {
	const { jar } = await srv.loginOk(H.DEMO_USERS.admin);
	// (A date field's hint shows how to type one, "2026-03-31": that is not a date the page reports.)
	const main = (h) => text(h.slice(h.indexOf('<main'), h.indexOf('</main>')).replace(/<p class="hint"[^>]*>[^<]*<\/p>/g, ''));
	const wd = '(dilluns|dimarts|dimecres|dijous|divendres|dissabte|diumenge)';
	for (const u of ['/schedule/offices/centre/slots', '/schedule/holidays', '/schedule/shifts', '/schedule/offices/centre']) {
		const m = main(html(await srv.get(`${u}${u.includes('?') ? '&' : '?'}lang=ca`, { jar }), 200, u));
		assert.doesNotMatch(m, /\b\d{4}-\d\d-\d\d\b/, `${u}: no ISO date on the page`);
	}
	const slots = main(html(await srv.get('/schedule/offices/centre/slots?lang=ca', { jar }), 200, 'slots'));
	assert.match(slots, new RegExp(`Setmana del ${wd} \\d\\d/\\d\\d/\\d{4}`, 'i'));
	assert.match(slots, new RegExp(`${wd} \\d\\d/\\d\\d/\\d{4}, \\d\\d:\\d\\d`, 'i'), 'bookable online from: day and time');
	const en = main(html(await srv.get('/schedule/offices/centre/slots?lang=en', { jar }), 200, 'slots en'));
	assert.match(en, /(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) \d\d\/\d\d\/\d{4}, \d\d:\d\d/);
});

test('the staff booking pages speak to the staff member about the person', async () => {
	const { jar } = await srv.loginOk(H.DEMO_USERS.informer);
	const ch = text(html(await srv.get('/staff/cita/canal?service=cita-serveis', { jar }), 200, 'staff channel'));
	assert.match(ch, /Com vol ser atesa la persona\?/);
	assert.match(ch, /Li truquem per telèfon/);
	assert.doesNotMatch(ch, /Com voleu que us atenguem/);
	const t = await toDetails({ service: 'cita-serveis', channel: 'phone', base: '/staff/cita', jar });
	assert.match(text(t.details), /Dades de la persona/);
	assert.doesNotMatch(text(t.details), /Les vostres dades/);
});

test('graceful shutdown', () => srv.stop());
