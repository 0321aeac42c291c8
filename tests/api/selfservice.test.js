'use strict';
// The self-service zone's HTTP interface: the facility finder (src/facilities/: API, page, map
// settings, coordinators' pages, CSV imports with bad rows) and the kiosk (src/kiosk/: its
// screens and who may see them, the call for help on the bus, the wipe, idCAT Mòbil help in three
// languages, the ticket and check-in screens exactly when the office floor is served, and with the
// floor, the two calls of kiosk-floor.js's floorSeam as a kiosk account makes them).
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const L = require('./lib/server.js');

const TILES = 'https://{s}.tiles.vilamar.example/{z}/{x}/{y}.png';
// The office floor (src/floor) serves the kiosk's ticket and check-in screens.
const FLOOR = L.hasCapability('floor');
const srv = L.useServer({ env: { FINESTRETA_MAP_TILE_URL: TILES, FINESTRETA_MAP_ATTRIBUTION: 'Vilamar tiles', FINESTRETA_KIOSK_HELP_EVERY: '2' } });

describe('facilities', () => {
	it('the API lists the demo facilities; q, category and district filter; near sorts by distance', async () => {
		const all = await srv.get('/api/v1/facilities');
		assert.equal(all.status, 200);
		const list = all.json().facilities;
		assert.equal(list.length, 12);
		const f = list.find((x) => x.code === 'biblioteca-josep-pla');
		assert.equal(f.category, 'library');
		assert.equal(f.district, 'La Riera');
		assert.deepEqual(f.services, ['Préstec', 'Wifi', 'Ordinadors', 'Punt TIC', 'Agents TIC']);
		assert.equal(f.lat, 41.2838);
		assert.ok(!('distance_m' in f));
		const q = (await srv.get('/api/v1/facilities?q=BIBLIOTECA')).json().facilities.map((x) => x.code);
		assert.deepEqual(q.sort(), ['biblioteca-del-mar', 'biblioteca-josep-pla']);
		const accents = (await srv.get(`/api/v1/facilities?q=${encodeURIComponent('atencio ciutadana')}`)).json().facilities;
		assert.equal(accents.length, 3, 'accents folded');
		const cat = (await srv.get('/api/v1/facilities?category=civic_centre')).json().facilities.map((x) => x.code);
		assert.deepEqual(cat.sort(), ['centre-civic-el-far', 'centre-civic-la-riera']);
		const svc = (await srv.get(`/api/v1/facilities?service=${encodeURIComponent('punt tic')}&district=La%20Riera`)).json().facilities.map((x) => x.code);
		assert.deepEqual(svc.sort(), ['biblioteca-josep-pla', 'centre-civic-la-riera']);
		const near = (await srv.get('/api/v1/facilities?near=41.2904,1.9851')).json().facilities;
		assert.equal(near[0].code, 'casal-sant-pere');
		assert.ok(near[0].distance_m < 5);
		for (let i = 1; i < near.length; i++) assert.ok(near[i].distance_m >= near[i - 1].distance_m, 'nearest first');
		// The great-circle distance, worked out here on its own.
		const rad = Math.PI / 180;
		const hav = (a, b, c, d) => {
			const h = Math.sin(((c - a) * rad) / 2) ** 2 + Math.cos(a * rad) * Math.cos(c * rad) * Math.sin(((d - b) * rad) / 2) ** 2;
			return 2 * 6371008.8 * Math.asin(Math.sqrt(h));
		};
		const mb = near.find((x) => x.code === 'oac-mar-blava');
		assert.ok(Math.abs(mb.distance_m - hav(41.2904, 1.9851, 41.2731, 1.9905)) <= 1, `${mb.distance_m} m`);
	});

	it('near a postcode starts from its centre; a bad place is a 422 naming the field', async () => {
		const pc = (await srv.get('/api/v1/facilities?postcode=08992')).json().facilities;
		assert.equal(pc[0].code, 'biblioteca-del-mar');
		assert.ok('distance_m' in pc[0]);
		L.assertJsonError(await srv.get('/api/v1/facilities?near=91,2'), 422, 'invalid');
		L.assertJsonError(await srv.get('/api/v1/facilities?near=abc'), 422, 'invalid');
		const j = L.assertJsonError(await srv.get('/api/v1/facilities?postcode=99999'), 422, 'invalid');
		assert.ok(j.fields.postcode);
	});

	it('the page: list and map when map.tile_url is set, its origin in img-src, geolocation allowed; ca, es, en', async () => {
		const r = await srv.get('/equipaments?postcode=08993');
		L.assertHtml(r, 200, 'finder');
		assert.match(r.headers['content-security-policy'], /img-src 'self' data: https:\/\/\*\.tiles\.vilamar\.example;/);
		assert.match(r.headers['permissions-policy'], /geolocation=\(self\)/);
		const map = L.tags(r.text, 'div').find((d) => d.id === 'fc-map');
		assert.equal(map['data-tiles'], TILES);
		assert.equal(JSON.parse(map['data-points']).length, 12);
		assert.match(r.text, /<h3>Casal de Barri Sant Pere <span class="fc-distance">· 70 m<\/span><\/h3>/);
		assert.ok(r.text.indexOf('Casal de Barri Sant Pere') < r.text.indexOf('Biblioteca del Mar'), 'nearest first');
		for (const [lang, h1] of [['es', 'Equipamientos municipales'], ['en', 'Municipal facilities']]) {
			const p = await srv.get(`/equipaments?lang=${lang}`);
			assert.equal(L.textOf(p.text, 'h1'), h1);
		}
		const other = await srv.get('/padro');
		assert.match(other.headers['permissions-policy'], /geolocation=\(\)/, 'other pages keep the strict policy');
		assert.doesNotMatch(other.headers['content-security-policy'], /tiles/);
		const bad = await srv.get('/equipaments?postcode=00000');
		L.assertHtml(bad, 422, 'unknown postcode');
	});

	it('coordinators add and edit facilities (audited); bad fields are shown again; others may not', async () => {
		const c = await srv.loginOk(L.DEMO_USERS.coordinator);
		const list = await srv.get('/admin/facilities', { jar: c.jar });
		L.assertHtml(list, 200, 'list');
		const form = {
			code: 'punt-tic-platja',
			name: 'Punt TIC de la Platja',
			category: 'neighbourhood_facility',
			district: 'Mar Blava',
			address: 'Passeig Marítim, 3',
			postcode: '08992',
			lat: '41.2720',
			lon: '1.9920',
			phone: '',
			hours: 'Dissabtes 10–13',
			services: 'Punt TIC; Agents TIC',
			accessibility: '',
			active: '1',
		};
		const bad = await srv.postForm('/admin/facilities', { ...form, code: 'Bad Code', category: 'zoo', lat: 'north' }, { jar: c.jar, csrf: c.csrf });
		L.assertHtml(bad, 422, 'bad');
		for (const id of ['fc-code-err', 'fc-category-err', 'fc-lat-err']) assert.match(bad.text, new RegExp(`id="${id}"`));
		const ok = await srv.postForm('/admin/facilities', form, { jar: c.jar, csrf: c.csrf });
		assert.equal(ok.status, 303, ok.text.slice(0, 300));
		const again = await srv.postForm('/admin/facilities', form, { jar: c.jar, csrf: c.csrf });
		L.assertHtml(again, 422, 'taken');
		assert.match(again.text, /id="fc-code-err"/);
		const found = (await srv.get('/api/v1/facilities?q=platja')).json().facilities;
		assert.deepEqual(found.map((x) => x.code), ['punt-tic-platja']);
		const edit = await srv.postForm('/admin/facilities/punt-tic-platja', { ...form, code: undefined, name: 'Punt TIC Platja', active: undefined }, { jar: c.jar, csrf: c.csrf });
		assert.equal(edit.status, 303);
		assert.equal((await srv.get('/api/v1/facilities?q=platja')).json().facilities.length, 0, 'hidden from the finder');
		assert.equal(L.sql(srv.db, "SELECT action FROM audit_log WHERE target = 'facility:punt-tic-platja' ORDER BY id"), 'facility.create\nfacility.update');
		assert.equal((await srv.get('/admin/facilities/nope', { jar: c.jar })).status, 404);
		const informer = await srv.loginOk(L.DEMO_USERS.informer);
		assert.equal((await srv.get('/admin/facilities', { jar: informer.jar })).status, 403);
	});

	it('import facilities: bad rows named by file, line and field, nothing written; import postcodes', async () => {
		const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fac-'));
		const header = 'code,name,category,district,address,postcode,lat,lon,phone,hours,services,accessibility';
		const bad = path.join(tmp, 'bad.csv');
		fs.writeFileSync(bad, [header, 'nou-1,Nou,library,,"C/ A, 1",08990,41.1,1.9,,,,', 'Nou 2,,zoo,,,,41.1,,,,,', ''].join('\n'));
		const before = L.sql(srv.db, 'SELECT COUNT(*) FROM facilities');
		const e = await L.runCli(['import', 'facilities', bad, '--db', srv.db]).catch((x) => x);
		assert.equal(e.code, 2);
		for (const s of [`${bad}:3: code:`, `${bad}:3: name:`, `${bad}:3: category:`, `${bad}:3: lat:`]) assert.ok(e.message.includes(s), `${s} in ${e.message}`);
		assert.equal(L.sql(srv.db, 'SELECT COUNT(*) FROM facilities'), before, 'nothing written');
		const good = path.join(tmp, 'good.csv');
		fs.writeFileSync(good, [header, 'nou-1,Nou Casal,civic_centre,Centre,"C/ A, 1",08990,41.1,1.9,,,Wifi,'].join('\n'));
		const { stdout } = await L.runCli(['import', 'facilities', good, '--db', srv.db]);
		assert.match(stdout, /imported 1 facilities/);
		const pcs = path.join(tmp, 'pc.csv');
		fs.writeFileSync(pcs, 'postcode,lat,lon\n08990,41.28,1.978\n08999,41.3,1.99\n');
		await L.runCli(['import', 'postcodes', pcs, '--db', srv.db]);
		assert.equal(L.sql(srv.db, 'SELECT COUNT(*) FROM facility_postcodes'), '2');
		assert.equal((await srv.get('/api/v1/facilities?postcode=08999')).status, 200);
		fs.rmSync(tmp, { recursive: true, force: true });
	});
});

describe('kiosk', () => {
	it('its screens are for kiosk accounts (and coordinators to try them); the language comes first', async () => {
		assert.equal((await srv.get('/kiosk')).status, 303, 'anonymous: to the sign-in page');
		const informer = await srv.loginOk(L.DEMO_USERS.informer);
		assert.equal((await srv.get('/kiosk', { jar: informer.jar })).status, 403);
		const k = await srv.loginOk(L.DEMO_USERS.kiosk);
		const page = await srv.get('/kiosk', { jar: k.jar });
		L.assertHtml(page, 200, 'language');
		assert.match(page.text, /<body class="kiosk">/);
		assert.deepEqual(L.hrefs(page.text).filter((h) => h.startsWith('/kiosk/inici?')), ['/kiosk/inici?lang=ca', '/kiosk/inici?lang=es', '/kiosk/inici?lang=en']);
		const menu = await srv.get('/kiosk/inici?lang=en', { jar: k.jar });
		assert.equal(L.textOf(menu.text, 'h1'), 'What would you like to do?');
		const offered = ['/kiosk/tiquet', '/kiosk/arribada'].filter((p) => L.hrefs(menu.text).includes(p));
		assert.deepEqual(offered, FLOOR ? ['/kiosk/tiquet', '/kiosk/arribada'] : [], 'ticket and check-in exactly with the office floor');
		for (const p of ['/kiosk/tiquet', '/kiosk/arribada']) assert.equal((await srv.get(p, { jar: k.jar })).status, FLOOR ? 200 : 404, p);
		// A citizen page shown on a kiosk wears its frame; the same page for anyone else does not.
		assert.match((await srv.get('/padro', { jar: k.jar })).text, /action="\/kiosk\/help"/);
		assert.doesNotMatch((await srv.get('/padro')).text, /kiosk/);
		const s = await srv.get('/kiosk/settings', { jar: k.jar });
		assert.deepEqual(s.json(), { idle_seconds: 90, warn_seconds: 20 });
	});

	it('the wipe forgets the language and clears the browser\'s cache and storage', async () => {
		const k = await srv.loginOk(L.DEMO_USERS.kiosk);
		await srv.get('/kiosk/inici?lang=es', { jar: k.jar });
		assert.equal(k.jar.get('lang'), 'es');
		const w = await srv.get('/kiosk/wipe', { jar: k.jar });
		assert.equal(w.status, 303);
		assert.equal(w.headers.location, '/kiosk');
		assert.equal(w.headers['clear-site-data'], '"cache", "storage"');
		assert.equal(k.jar.get('lang'), undefined);
		assert.ok(k.jar.get('fin_session'), 'the kiosk stays signed in');
	});

	it('a call for help reaches the welcome desk of the kiosk\'s office on the bus, once per kiosk.help_every', async () => {
		const desk = await srv.loginOk(L.DEMO_USERS.welcome);
		const stream = await srv.openSSE('/events?topic=kiosk.help.centre', { jar: desk.jar });
		assert.equal(stream.status, 200);
		const anon = await srv.openSSE('/events?topic=kiosk.help.centre');
		assert.notEqual(anon.status, 200, 'not for anonymous listeners');
		anon.close();
		const k = await srv.loginOk(L.DEMO_USERS.kiosk);
		const r = await srv.request('POST', '/kiosk/help', { jar: k.jar, headers: { ...L.FORM, Accept: 'application/json' }, body: L.formBody({ _csrf: k.csrf, page: '/padro' }) });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json().sent, true);
		const ev = await stream.waitForEvent((e) => e.event === 'help');
		const d = JSON.parse(ev.data);
		assert.equal(d.kiosk, 'Quiosc OAC Centre');
		assert.equal(d.office, 'centre');
		assert.equal(d.page, '/padro');
		const again = await srv.request('POST', '/kiosk/help', { jar: k.jar, headers: { ...L.FORM, Accept: 'application/json' }, body: L.formBody({ _csrf: k.csrf, page: '/padro' }) });
		assert.equal(again.json().sent, false, 'a second press within kiosk.help_every is not sent again');
		// Without JavaScript: a page that says so, with the way back.
		await L.sleep(2100);
		const page = await srv.request('POST', '/kiosk/help', { jar: k.jar, headers: L.FORM, body: L.formBody({ _csrf: k.csrf, page: 'https://elsewhere.example/' }) });
		L.assertHtml(page, 200, 'help page');
		assert.ok(L.hrefs(page.text).includes('/kiosk'), 'a page elsewhere is not a way back');
		await stream.waitForEvent((e) => e.event === 'help' && JSON.parse(e.data).page === '/kiosk');
		stream.close();
		// The riera kiosk calls its own office.
		const riera = await srv.loginOk('quiosc.riera@vilamar.example');
		const s2 = await srv.openSSE('/events?topic=kiosk.help.la-riera', { jar: desk.jar });
		await srv.request('POST', '/kiosk/help', { jar: riera.jar, headers: L.FORM, body: L.formBody({ _csrf: riera.csrf, page: '/kiosk/inici' }) });
		assert.equal(JSON.parse((await s2.waitForEvent((e) => e.event === 'help')).data).kiosk, 'Quiosc OAC La Riera');
		s2.close();
		const noCsrf = await srv.request('POST', '/kiosk/help', { jar: k.jar, headers: L.FORM, body: L.formBody({ page: '/x' }) });
		assert.equal(noCsrf.status, 403);
	});

	it('idCAT Mòbil help in ca, es and en, with the documents, the steps and a printable sheet', async () => {
		for (const [lang, h1, doc] of [
			['ca', 'idCAT Mòbil: la vostra identitat digital', "El document d'identitat vigent"],
			['es', 'idCAT Mòbil: su identidad digital', 'El documento de identidad vigente'],
			['en', 'idCAT Mòbil: your digital identity', 'A valid identity document'],
		]) {
			const r = await srv.get(`/idcat?lang=${lang}`);
			L.assertHtml(r, 200, `idcat ${lang}`);
			assert.equal(L.textOf(r.text, 'h1'), h1.replace(/'/g, "'"));
			assert.ok(r.text.includes(doc.replace(/'/g, '&#39;')), doc);
			assert.equal((r.text.match(/<li><strong>/g) || []).length, 5, 'five steps');
			assert.match(r.text, /data-print/);
		}
		assert.ok(L.hrefs((await srv.get('/idcat')).text).includes('/cita'), 'at home: book an appointment to do it with staff');
		const home = L.hrefs((await srv.get('/idcat')).text).filter((h) => h.startsWith('/kiosk/tiquet'));
		assert.deepEqual(home, [], 'at home: no kiosk ticket');
		const k = await srv.loginOk(L.DEMO_USERS.kiosk);
		const onKiosk = L.hrefs((await srv.get('/idcat?lang=en', { jar: k.jar })).text).filter((h) => h.startsWith('/kiosk/tiquet'));
		assert.deepEqual(onKiosk, FLOOR ? ['/kiosk/tiquet?zone=assisted'] : [], 'on a kiosk: a ticket for the assisted zone exactly with the floor');
	});

	it('the QR code of a ticket\'s page is drawn for the service\'s own links only', async () => {
		const k = await srv.loginOk(L.DEMO_USERS.kiosk);
		const ok = await srv.get(`/kiosk/qr.svg?u=${encodeURIComponent(`${srv.base}/cua/ABC`)}`, { jar: k.jar });
		assert.equal(ok.status, 200);
		assert.equal(ok.headers['content-type'], 'image/svg+xml');
		assert.match(ok.text, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 (\d+) \1"/);
		assert.equal((await srv.get(`/kiosk/qr.svg?u=${encodeURIComponent('https://evil.example/')}`, { jar: k.jar })).status, 404);
	});

	it('SIGTERM: the server exits 0', () => srv.stop());
});

// The floorSeam of static/kiosk-floor.js: the two calls it makes, with the bodies the screens build.
describe('kiosk with the office floor', { skip: !FLOOR && 'the office floor (src/floor) is not in this build' }, () => {
	const fsrv = L.useServer({ env: { FINESTRETA_KIOSK_IDCAT_PROCEDURE: 'no-such-procedure' } });

	it('the ticket screen: the office\'s zones but the welcome desk; a need only when it is an active procedure', async () => {
		const k = await fsrv.loginOk(L.DEMO_USERS.kiosk);
		const page = await fsrv.get('/kiosk/tiquet?zone=assisted&need=no-such-procedure', { jar: k.jar });
		L.assertHtml(page, 200, 'ticket');
		assert.match(page.text, /data-need=""/, 'an unknown need is not sent');
		const kinds = [...page.text.matchAll(/name="zone" value="[^"]+" required data-kind="([a-z_]+)"/g)].map((m) => m[1]);
		assert.ok(kinds.length > 0, 'zones offered');
		assert.ok(!kinds.includes('welcome'), 'not the welcome desk');
		const idcat = L.hrefs((await fsrv.get('/idcat', { jar: k.jar })).text).filter((h) => h.startsWith('/kiosk/tiquet'));
		assert.deepEqual(idcat, ['/kiosk/tiquet?zone=assisted&need=no-such-procedure']);
	});

	it('takeTicket and checkIn: a kiosk account may issue a ticket and try a check-in at its office', async () => {
		const k = await fsrv.loginOk(L.DEMO_USERS.kiosk);
		const page = await fsrv.get('/kiosk/tiquet?lang=en', { jar: k.jar });
		const office = /data-office="([^"]+)"/.exec(page.text)[1];
		const zone = /name="zone" value="([^"]+)"/.exec(page.text)[1];
		const headers = { 'X-CSRF-Token': L.csrfFrom(page.text), Accept: 'application/json' };
		const body = { zone, age_band: '30_50', gender: 'woman', lang: 'en', autonomous: true, priority: false };
		const t = await fsrv.request('POST', `/api/v1/offices/${office}/tickets`, { jar: k.jar, headers, body });
		assert.equal(t.status, 201, t.text);
		const ticket = t.json();
		assert.ok(ticket.number, 'a number to show');
		assert.equal(typeof ticket.ahead, 'number');
		assert.equal(typeof ticket.estimated_wait_min, 'number');
		assert.ok(ticket.live_url.startsWith(fsrv.base), ticket.live_url);
		const qr = await fsrv.get(`/kiosk/qr.svg?u=${encodeURIComponent(ticket.live_url)}`, { jar: k.jar });
		assert.equal(qr.status, 200, 'the live page\'s QR code is drawn');
		assert.equal((await fsrv.get(new URL(ticket.live_url).pathname + new URL(ticket.live_url).search)).status, 200, 'the live page exists');
		const c = await fsrv.request('POST', `/api/v1/offices/${office}/check-in`, { jar: k.jar, headers, body: { appointment: 'ZZZZZZZZ' } });
		L.assertJsonError(c, 422, 'invalid');
		assert.ok(c.json().fields.appointment, 'the appointment named as the field');
	});

	it('checkIn with the ID number: today\'s appointment at the kiosk\'s office becomes its ticket, once', async () => {
		const admin = { Authorization: `Bearer ${await fsrv.token(L.DEMO_USERS.admin)}` };
		const from = L.madridDate(2);
		const q = `service=cita-serveis&channel=in_person&office=centre&from=${from}&to=${L.addDays(from, 20)}`;
		const av = await fsrv.get(`/api/v1/availability?${q}`, { headers: admin });
		assert.equal(av.status, 200, av.text);
		const start = av.json().days[0].slots[0].start;
		const who = L.people({ from: 83000, random: 10000 })();
		const booked = await fsrv.request('POST', '/api/v1/appointments', { headers: admin, body: { service: 'cita-serveis', channel: 'in_person', office: 'centre', start, ...who } });
		assert.equal(booked.status, 201, booked.text);
		const code = booked.json().code;
		// Moved to in three minutes from now (a fixture: today is not bookable at every hour).
		const now = Math.floor(Date.now() / 1000);
		L.sql(fsrv.db, `UPDATE appointments SET start_at = ${now + 180}, end_at = ${now + 780} WHERE code = '${code}'`);
		const k = await fsrv.loginOk(L.DEMO_USERS.kiosk);
		const page = await fsrv.get('/kiosk/arribada?lang=en', { jar: k.jar });
		L.assertHtml(page, 200, 'check-in');
		assert.match(page.text, /action="\/api\/v1\/offices\/centre\/check-in"/);
		const headers = { 'X-CSRF-Token': L.csrfFrom(page.text), Accept: 'application/json' };
		const r = await fsrv.request('POST', '/api/v1/offices/centre/check-in', { jar: k.jar, headers, body: { appointment: who.id_number } });
		assert.equal(r.status, 201, r.text);
		assert.ok(r.json().appointment_at, 'bound to the appointment\'s time');
		assert.ok(r.json().live_url.startsWith(fsrv.base));
		assert.equal(L.sql(fsrv.db, `SELECT status FROM appointments WHERE code = '${code}'`), 'checked_in');
		const again = await fsrv.request('POST', '/api/v1/offices/centre/check-in', { jar: k.jar, headers, body: { appointment: code } });
		L.assertJsonError(again, 409, 'bad_state');
	});

	it('SIGTERM: the server exits 0', () => fsrv.stop());
});
