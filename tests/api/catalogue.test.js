'use strict';
// The catalogue (docs/api.md "Catalogue", docs/catalogue-format.md): the public JSON API with
// its cache (ETag, 304, invalidation after an edit), the admin/coordinator pages (offices,
// zones, desks, procedures, organisations; 422 with field errors; 403 for other roles), and
// the CLI import/export round trip.
const { test, describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const L = require('./lib/server.js');

const srv = L.useServer();
const DEMO = JSON.parse(fs.readFileSync(path.join(L.ROOT, 'deploy/demo/catalogue.json'), 'utf8'));

let admin; // { jar, csrf }
let coord;

before(async () => {
	await srv.ready();
	admin = await srv.loginOk(L.DEMO_USERS.admin);
	coord = await srv.loginOk(L.DEMO_USERS.coordinator);
});

// The CLI, resolving { code, stdout, stderr } whatever the exit status.
function cli(args) {
	const env = { ...process.env };
	for (const k of ['FINESTRETA_BIN', 'FINESTRETA_TEST_DB', 'FINESTRETA_CHROMIUM']) delete env[k];
	return new Promise((resolve) => {
		execFile(L.BIN, args, { cwd: L.ROOT, env, timeout: 60000, maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
			resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr })
		);
	});
}

async function json(urlPath, opts) {
	const r = await srv.get(urlPath, opts);
	assert.equal(r.status, 200, `GET ${urlPath}: ${r.status} ${r.text.slice(0, 300)}`);
	assert.match(String(r.headers['content-type']), /^application\/json\b/);
	return { r, body: r.json() };
}

// Field error of a 422 page: the input carries aria-invalid and the message is next to it.
function invalidFields(html) {
	return L.tags(html, 'input')
		.concat(L.tags(html, 'select'), L.tags(html, 'textarea'))
		.filter((a) => a['aria-invalid'] === 'true')
		.map((a) => a.name);
}

function inputValue(html, id) {
	const i = L.tags(html, 'input').find((a) => a.id === id);
	return i ? i.value : undefined;
}

const NEW_OFFICE = {
	code: 'oac-port',
	organisation: 'vilamar',
	kind: 'citizen_office',
	name_ca: 'OAC del Port',
	name_es: 'OAC del Puerto',
	name_en: 'Harbour Citizen Office',
	address: 'Moll de Ponent, 2',
	postcode: '08994',
	city: 'Vilamar',
	lat: '41,2701',
	lon: '1.9954',
	phone: '938 000 300',
	accessibility_ca: 'Entrada sense graons.',
	accessibility_es: 'Entrada sin escalones.',
	accessibility_en: 'Step-free entrance.',
	tz: 'Europe/Madrid',
	active: '1',
};

// ---------------------------------------------------------------- public API

describe('GET /api/v1/offices', () => {
	it('lists the active demo offices by code, with names in the request language and all three', async () => {
		const { r, body } = await json('/api/v1/offices');
		L.assertSecurityHeaders(r, '/api/v1/offices');
		assert.equal(body.lang, 'ca');
		const codes = body.offices.map((o) => o.code);
		assert.deepEqual(codes, [...codes].sort(), 'ordered by code');
		for (const c of ['centre', 'la-riera', 'mar-blava', 'biblioteca-josep-pla', 'casal-sant-pere', 'remot'])
			assert.ok(codes.includes(c), `office ${c}`);
		const centre = body.offices.find((o) => o.code === 'centre');
		assert.equal(centre.name, 'OAC Centre');
		assert.deepEqual(centre.names, { ca: 'OAC Centre', es: 'OAC Centro', en: 'Centre Citizen Office' });
		assert.equal(centre.kind, 'citizen_office');
		assert.equal(centre.organisation.code, 'vilamar');
		assert.equal(centre.organisation.name, 'Ajuntament de Vilamar');
		assert.equal(typeof centre.coordinates.lat, 'number');
		assert.equal(centre.tz, 'Europe/Madrid');
		const kinds = centre.zones.map((z) => z.kind).sort();
		assert.deepEqual(kinds, ['appointment', 'assisted', 'self_service', 'welcome']);
		for (const z of centre.zones) {
			assert.match(z.colour, /^#[0-9a-f]{6}$/i);
			assert.match(z.letter, /^[A-Z]{1,2}$/);
			assert.equal(typeof z.desks, 'number');
			assert.ok(z.desks > 0, `zone ${z.code} has desks`);
		}
		const remot = body.offices.find((o) => o.code === 'remot');
		assert.equal(remot.kind, 'virtual_office');
		assert.equal(remot.coordinates, null);
		const hisenda = body.offices.find((o) => o.code === 'hisenda');
		assert.equal(hisenda.organisation.code, 'imh', 'the tax institute is a second organisation');
	});

	it('speaks Spanish and English (?lang=, Accept-Language)', async () => {
		const es = (await json('/api/v1/offices?lang=es')).body;
		assert.equal(es.lang, 'es');
		assert.equal(es.offices.find((o) => o.code === 'centre').name, 'OAC Centro');
		const en = (await json('/api/v1/offices', { headers: { 'Accept-Language': 'en-GB,en;q=0.9' } })).body;
		assert.equal(en.lang, 'en');
		const centre = en.offices.find((o) => o.code === 'centre');
		assert.equal(centre.name, 'Centre Citizen Office');
		assert.equal(centre.organisation.name, 'Vilamar City Council');
		assert.equal(centre.zones.find((z) => z.kind === 'welcome').name, 'Welcome');
	});

	it('is cacheable: ETag, Cache-Control public max-age=60, Vary; If-None-Match gives 304', async () => {
		const a = await srv.get('/api/v1/offices');
		const etag = a.headers.etag;
		assert.match(etag, /^"[0-9a-f]{32}"$/);
		assert.equal(a.headers['cache-control'], 'public, max-age=60');
		const varies = a.rawHeaders.filter((_, i) => i % 2 === 0 && a.rawHeaders[i].toLowerCase() === 'vary');
		assert.equal(varies.length, 1, `one Vary header, not ${varies.length}`);
		assert.equal(a.headers.vary, 'Accept-Language, Cookie, Accept-Encoding');
		const b = await srv.get('/api/v1/offices');
		assert.equal(b.headers.etag, etag, 'the same body has the same ETag');
		assert.equal(b.text, a.text);
		for (const inm of [etag, `W/${etag}`, `"nope", ${etag}`, '*']) {
			const c = await srv.get('/api/v1/offices', { headers: { 'If-None-Match': inm } });
			assert.equal(c.status, 304, `If-None-Match: ${inm}`);
			assert.equal(c.body.length, 0);
			assert.equal(c.headers.etag, etag);
		}
		const d = await srv.get('/api/v1/offices', { headers: { 'If-None-Match': '"0123"' } });
		assert.equal(d.status, 200, 'another ETag gets the body');
		const en = await srv.get('/api/v1/offices?lang=en', { headers: { 'If-None-Match': etag } });
		assert.equal(en.status, 200, 'another language is another body');
		assert.notEqual(en.headers.etag, etag);
	});
});

describe('GET /api/v1/offices/{code}', () => {
	it('gives an office with its zones, desks and services', async () => {
		const { r, body } = await json('/api/v1/offices/centre?lang=en');
		assert.equal(r.headers['cache-control'], 'public, max-age=60');
		const o = body.office;
		assert.equal(o.code, 'centre');
		assert.equal(o.name, 'Centre Citizen Office');
		assert.ok(o.accessibility.length > 0);
		const welcome = o.zones.find((z) => z.kind === 'welcome');
		assert.deepEqual(welcome.names, { ca: 'Acollida', es: 'Acogida', en: 'Welcome' });
		assert.ok(Array.isArray(welcome.desks) && welcome.desks.length > 0);
		const assisted = o.zones.find((z) => z.kind === 'assisted');
		assert.ok(assisted.desks.some((d) => d.display_name === 'Taula 1'), 'desks have the call-display name');
		const codes = o.services.map((s) => s.code);
		assert.ok(codes.includes('padro-alta'));
		assert.ok(!codes.includes('acompanyament-digital'), 'only services offered here');
	});

	it('404 JSON for unknown and malformed codes', async () => {
		for (const p of ['/api/v1/offices/nowhere', '/api/v1/offices/CENTRE', '/api/v1/offices/a%20b', '/api/v1/offices/' + 'x'.repeat(300)])
			L.assertJsonError(await srv.get(p), 404, 'not_found', p);
		const es = L.assertJsonError(await srv.get('/api/v1/offices/nowhere?lang=es'), 404, 'not_found');
		assert.match(es.message, /oficina/);
	});
});

describe('GET /api/v1/services', () => {
	it('lists active procedures with documents, identification, channels and offices', async () => {
		const { body } = await json('/api/v1/services');
		const codes = body.services.map((s) => s.code);
		assert.ok(codes.length >= 20, `a realistic catalogue (${codes.length})`);
		assert.deepEqual(codes, [...codes].sort());
		const alta = body.services.find((s) => s.code === 'padro-alta');
		assert.equal(alta.name, 'Alta al padró municipal');
		assert.equal(alta.category, 'padro');
		assert.ok(alta.documents.length >= 2);
		assert.ok(alta.id_methods.includes('idcat_mobil'));
		assert.ok(alta.channels.includes('in_person'));
		assert.equal(typeof alta.duration_min, 'number');
		assert.match(alta.online_url, /^https:\/\//);
		assert.ok(alta.offices.includes('centre'));
		assert.deepEqual(body.filters, { channel: null, office: null });
	});

	it('filters by channel and office', async () => {
		const kiosk = (await json('/api/v1/services?channel=kiosk')).body.services;
		assert.ok(kiosk.length > 0);
		for (const s of kiosk) assert.ok(s.channels.includes('kiosk'), `${s.code} has kiosk`);
		const hisenda = (await json('/api/v1/services?office=hisenda')).body.services;
		assert.ok(hisenda.some((s) => s.code === 'fraccionament'));
		for (const s of hisenda) assert.ok(s.offices.includes('hisenda'));
		const both = (await json('/api/v1/services?channel=phone&office=hisenda&lang=es')).body;
		assert.deepEqual(both.filters, { channel: 'phone', office: 'hisenda' });
		for (const s of both.services) assert.ok(s.channels.includes('phone') && s.offices.includes('hisenda'));
		assert.ok(both.services.some((s) => s.name === 'Impuesto de vehículos (IVTM): altas, bajas y duplicados'));
		const empty = (await json('/api/v1/services?channel=&office=')).body;
		assert.deepEqual(empty.filters, { channel: null, office: null }, 'empty filters are no filters');
	});

	it('400 bad_channel, 404 for an unknown office', async () => {
		for (const c of ['fax', 'IN_PERSON', 'in_person,phone', '%00'])
			L.assertJsonError(await srv.get(`/api/v1/services?channel=${c}`), 400, 'bad_channel', c);
		for (const o of ['nowhere', 'Centre', '..%2F'])
			L.assertJsonError(await srv.get(`/api/v1/services?office=${o}`), 404, 'not_found', o);
	});
});

// ---------------------------------------------------------------- pages and roles

describe('roles', () => {
	it('anonymous visitors are sent to sign in; informers, welcome staff, displays and kiosks get 403', async () => {
		const r = await srv.get('/admin/offices');
		assert.equal(r.status, 303);
		assert.match(r.headers.location, /^\/login\?next=/);
		for (const role of ['informer', 'welcome', 'ict_agent', 'display', 'kiosk']) {
			const { jar } = await srv.loginOk(L.DEMO_USERS[role]);
			for (const p of ['/admin/offices', '/admin/offices/centre', '/admin/procedures', '/admin/organisations'])
				L.assertHtml(await srv.get(p, { jar }), 403, `${role} GET ${p}`);
			const staff = await srv.get('/staff', { jar });
			const csrf = L.csrfFrom(staff.text);
			const post = await srv.request('POST', '/admin/offices', {
				jar,
				headers: L.FORM,
				body: L.formBody({ ...NEW_OFFICE, code: `forbidden-${role.replace('_', '-')}`, _csrf: csrf }),
			});
			L.assertHtml(post, 403, `${role} POST /admin/offices`);
		}
		L.assertJsonError(await srv.get('/api/v1/offices/forbidden-informer'), 404, 'not_found', 'nothing was created');
	});

	it('admins and coordinators reach the catalogue; the staff home links it', async () => {
		for (const who of [admin, coord]) {
			for (const p of ['/admin/offices', '/admin/offices/centre', '/admin/offices/new', '/admin/procedures', '/admin/procedures/padro-alta', '/admin/procedures/new', '/admin/organisations'])
				L.assertHtml(await srv.get(p, { jar: who.jar }), 200, p);
		}
		for (const who of [admin, coord]) {
			const home = await srv.get('/staff', { jar: who.jar });
			const links = L.tags(home.text, 'a').map((a) => a.href);
			for (const p of ['/admin/offices', '/admin/procedures', '/admin/organisations']) assert.ok(links.includes(p), `staff home links ${p}`);
		}
		const { jar } = await srv.loginOk(L.DEMO_USERS.informer);
		const informerHome = await srv.get('/staff', { jar });
		assert.ok(!L.tags(informerHome.text, 'a').some((a) => a.href === '/admin/offices'), 'not for other roles');
		L.assertHtml(await srv.get('/admin/offices/nowhere', { jar: admin.jar }), 404, 'unknown office page');
		L.assertHtml(await srv.get('/admin/procedures/nowhere', { jar: admin.jar }), 404, 'unknown procedure page');
	});

	it('forms without _csrf are refused (403), nothing changes', async () => {
		const r = await srv.request('POST', '/admin/offices', {
			jar: admin.jar,
			headers: L.FORM,
			body: L.formBody({ ...NEW_OFFICE, code: 'sense-csrf' }),
		});
		L.assertHtml(r, 403, 'no _csrf');
		L.assertHtml(await srv.get('/admin/offices/sense-csrf', { jar: admin.jar }), 404);
	});
});

describe('offices, zones and desks through the forms', () => {
	it('the office list shows every demo office', async () => {
		const r = await srv.get('/admin/offices', { jar: admin.jar });
		for (const o of DEMO.offices) assert.ok(r.text.includes(`/admin/offices/${o.code}`), `links ${o.code}`);
	});

	it('creating an office: 303 to its page, then it is in the public API', async () => {
		const r = await srv.postForm('/admin/offices', NEW_OFFICE, { jar: coord.jar, formPage: '/admin/offices/new' });
		assert.equal(r.status, 303, r.text.slice(0, 500));
		assert.equal(r.headers.location, '/admin/offices/oac-port?saved=office_created');
		const page = await srv.get(r.headers.location, { jar: coord.jar });
		L.assertHtml(page, 200);
		assert.ok(page.text.includes('OAC del Port'));
		assert.match(page.text, /role="status"/, 'a notice says it was created');
		const api = (await json('/api/v1/offices/oac-port?lang=en')).body.office;
		assert.equal(api.name, 'Harbour Citizen Office');
		assert.deepEqual(api.coordinates, { lat: 41.2701, lon: 1.9954 }, 'a decimal comma is read');
		assert.deepEqual(api.zones, []);
	});

	it('422 with every bad field named, in the visitor language, values kept', async () => {
		const bad = { ...NEW_OFFICE, code: 'Mal Codi', name_es: '', tz: 'Europe/Vilamar', lat: '123', phone: 'call me', postcode: '08-994-XYZ-1234' };
		const r = await srv.postForm('/admin/offices', bad, { jar: admin.jar, formPage: '/admin/offices/new' });
		L.assertHtml(r, 422, 'bad office');
		assert.deepEqual(invalidFields(r.text).sort(), ['code', 'lat', 'name_es', 'phone', 'postcode', 'tz'].sort());
		assert.match(r.text, /role="alert"/);
		assert.equal(inputValue(r.text, 'o-code'), 'Mal Codi', 'what was typed is kept');
		assert.equal(inputValue(r.text, 'o-name_ca'), NEW_OFFICE.name_ca);
		assert.equal(inputValue(r.text, 'o-lat'), '123');
		assert.ok(r.text.includes('No és una zona horària coneguda'), 'Catalan message for tz');
		assert.ok(r.text.includes('href="#o-tz"'), 'the summary links to the field');
		// Spanish for a visitor whose language is Spanish.
		const jar = admin.jar.clone();
		jar.set('lang', 'es');
		const es = await srv.postForm('/admin/offices', bad, { jar, formPage: '/admin/offices/new' });
		L.assertHtml(es, 422);
		assert.ok(es.text.includes('No es una zona horaria conocida'), 'Spanish message');
		assert.ok(es.text.includes('Nombre en castellano'), 'Spanish field label');
		// A code already taken.
		const dup = await srv.postForm('/admin/offices', { ...NEW_OFFICE, code: 'centre' }, { jar: admin.jar, formPage: '/admin/offices/new' });
		L.assertHtml(dup, 422, 'duplicate code');
		assert.deepEqual(invalidFields(dup.text), ['code']);
		L.assertJsonError(await srv.get('/api/v1/offices/mal-codi'), 404, 'not_found');
	});

	it('an edit through the form shows at once in the public API (cache dropped)', async () => {
		const before = await srv.get('/api/v1/offices/la-riera?lang=en');
		const etag = before.headers.etag;
		assert.equal((await srv.get('/api/v1/offices/la-riera?lang=en', { headers: { 'If-None-Match': etag } })).status, 304);
		const list = await srv.get('/api/v1/offices?lang=en');
		const edit = await srv.get('/admin/offices/la-riera/edit', { jar: admin.jar });
		L.assertHtml(edit, 200);
		const fields = {};
		for (const i of L.tags(edit.text, 'input')) if (i.name && i.name !== '_csrf' && i.type !== 'checkbox') fields[i.name] = i.value;
		for (const m of edit.text.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)<\/textarea>/g)) fields[m[1]] = m[2];
		fields.organisation = 'vilamar';
		fields.kind = 'citizen_office';
		fields.active = '1';
		fields.name_en = 'La Riera Citizen Office (renovated)';
		const r = await srv.postForm('/admin/offices/la-riera', fields, { jar: admin.jar, formPage: '/admin/offices/la-riera/edit' });
		assert.equal(r.status, 303, r.text.slice(0, 500));
		const after = await srv.get('/api/v1/offices/la-riera?lang=en', { headers: { 'If-None-Match': etag } });
		assert.equal(after.status, 200, 'the old ETag no longer matches');
		assert.equal(after.json().office.name, 'La Riera Citizen Office (renovated)');
		const list2 = await srv.get('/api/v1/offices?lang=en');
		assert.notEqual(list2.headers.etag, list.headers.etag);
		assert.ok(list2.text.includes('(renovated)'));
		assert.equal(after.json().office.names.ca, 'OAC La Riera', 'the other fields are as they were');
	});

	it('adds zones and desks, refuses a taken letter, a light colour and a bad code (422)', async () => {
		const page = '/admin/offices/oac-port';
		const zone = { code: 'acollida', kind: 'welcome', name_ca: 'Acollida', name_es: 'Acogida', name_en: 'Welcome', colour: '#a4135c', letter: 'a' };
		let r = await srv.postForm(`${page}/zones`, zone, { jar: admin.jar, formPage: page });
		assert.equal(r.status, 303, r.text.slice(0, 500));
		assert.match(r.headers.location, /saved=zone_created#zone-acollida$/);
		r = await srv.postForm(`${page}/zones`, { ...zone, code: 'tramits', kind: 'assisted', colour: '#ffff00', letter: 'A' }, { jar: admin.jar, formPage: page });
		L.assertHtml(r, 422, 'light colour and taken letter');
		assert.deepEqual(invalidFields(r.text).sort(), ['colour', 'letter']);
		assert.equal(inputValue(r.text, 'nz-colour'), '#ffff00', 'the new-zone form keeps its values');
		r = await srv.postForm(`${page}/zones`, { ...zone, code: 'Zona 2', colour: 'blue', letter: 'ABC' }, { jar: admin.jar, formPage: page });
		L.assertHtml(r, 422);
		assert.deepEqual(invalidFields(r.text).sort(), ['code', 'colour', 'letter']);
		r = await srv.postForm(`${page}/zones`, { ...zone, code: 'tramits', kind: 'assisted', name_ca: 'Tràmits', colour: '#1d4f91', letter: 'B' }, { jar: admin.jar, formPage: page });
		assert.equal(r.status, 303);
		// Desks: the code is made from the name when left empty.
		r = await srv.postForm(`${page}/zones/tramits/desks`, { display_name: 'Taula 1' }, { jar: admin.jar, formPage: page });
		assert.equal(r.status, 303, r.text.slice(0, 500));
		r = await srv.postForm(`${page}/zones/tramits/desks`, { display_name: 'Taula 2', code: 't2' }, { jar: admin.jar, formPage: page });
		assert.equal(r.status, 303);
		r = await srv.postForm(`${page}/zones/tramits/desks`, { display_name: 'Una altra taula 1', code: 'taula-1' }, { jar: admin.jar, formPage: page });
		L.assertHtml(r, 422, 'desk code taken');
		r = await srv.postForm(`${page}/zones/tramits/desks`, { display_name: '' }, { jar: admin.jar, formPage: page });
		L.assertHtml(r, 422, 'desk without a name');
		L.assertHtml(await srv.postForm(`${page}/zones/nowhere/desks`, { display_name: 'X' }, { jar: admin.jar, formPage: page }), 404);
		r = await srv.postForm(`${page}/zones/acollida/desks`, { display_name: 'Finestreta Ràpida · 1' }, { jar: admin.jar, formPage: page });
		assert.equal(r.status, 303);
		const acollida = (await json('/api/v1/offices/oac-port')).body.office.zones.find((x) => x.code === 'acollida');
		assert.deepEqual(acollida.desks.map((d) => d.code), ['finestreta-rapida-1'], 'accents folded in the made code');
		const api = (await json('/api/v1/offices/oac-port')).body.office;
		const tramits = api.zones.find((z) => z.code === 'tramits');
		assert.deepEqual(tramits.desks.map((d) => [d.code, d.display_name]), [['taula-1', 'Taula 1'], ['t2', 'Taula 2']]);
		assert.equal(api.zones.find((z) => z.code === 'acollida').letter, 'A', 'letters are upper-cased');
	});

	it('edits and removes desks and zones', async () => {
		const page = '/admin/offices/oac-port';
		let r = await srv.postForm(`${page}/zones/tramits/desks/t2`, { display_name: 'Taula 2 bis' }, { jar: admin.jar, formPage: page });
		assert.equal(r.status, 303);
		let z = (await json('/api/v1/offices/oac-port')).body.office.zones.find((x) => x.code === 'tramits');
		assert.deepEqual(z.desks.map((d) => d.code), ['taula-1'], 'a desk without active=1 is inactive and not public');
		r = await srv.postForm(`${page}/zones/tramits/desks/t2`, { display_name: 'Taula 2', active: '1' }, { jar: admin.jar, formPage: page });
		assert.equal(r.status, 303);
		r = await srv.postForm(`${page}/zones/tramits/desks/taula-1/delete`, {}, { jar: admin.jar, formPage: page });
		assert.equal(r.status, 303);
		z = (await json('/api/v1/offices/oac-port')).body.office.zones.find((x) => x.code === 'tramits');
		assert.deepEqual(z.desks.map((d) => d.display_name), ['Taula 2']);
		// The zone: edit, then removal needs the confirmation box.
		r = await srv.postForm(`${page}/zones/tramits`, { code: 'tramits', kind: 'assisted', name_ca: 'Tràmits', name_es: 'Trámites', name_en: 'Procedures', colour: '#0b6e6e', letter: 'T' }, { jar: admin.jar, formPage: page });
		assert.equal(r.status, 303);
		r = await srv.postForm(`${page}/zones/tramits`, { code: 'tramits', kind: 'garden', name_ca: 'Tràmits', name_es: 'Trámites', name_en: '', colour: '#0b6e6e', letter: 'A' }, { jar: admin.jar, formPage: page });
		L.assertHtml(r, 422, 'bad zone edit');
		assert.deepEqual(invalidFields(r.text).sort(), ['kind', 'letter', 'name_en']);
		assert.match(r.text, /<details class="edit" open>/, 'the failing edit form is open');
		r = await srv.postForm(`${page}/zones/tramits/delete`, {}, { jar: admin.jar, formPage: page });
		L.assertHtml(r, 422, 'no confirmation');
		assert.ok((await json('/api/v1/offices/oac-port')).body.office.zones.some((x) => x.code === 'tramits' && x.letter === 'T'));
		r = await srv.postForm(`${page}/zones/tramits/delete`, { confirm: '1' }, { jar: admin.jar, formPage: page });
		assert.equal(r.status, 303);
		assert.deepEqual((await json('/api/v1/offices/oac-port')).body.office.zones.map((x) => x.code), ['acollida']);
	});

	it('an inactive office leaves the public API', async () => {
		const fields = { ...NEW_OFFICE };
		delete fields.active;
		const r = await srv.postForm('/admin/offices/oac-port', fields, { jar: admin.jar, formPage: '/admin/offices/oac-port/edit' });
		assert.equal(r.status, 303);
		L.assertJsonError(await srv.get('/api/v1/offices/oac-port'), 404, 'not_found');
		assert.ok(!(await json('/api/v1/offices')).body.offices.some((o) => o.code === 'oac-port'));
		L.assertJsonError(await srv.get('/api/v1/services?office=oac-port'), 404, 'not_found');
		L.assertHtml(await srv.get('/admin/offices/oac-port', { jar: admin.jar }), 200, 'staff still see it');
	});

	it('the audit log records the changes', async () => {
		const r = await srv.get('/admin/audit', { jar: admin.jar });
		for (const a of ['office.create', 'office.update', 'zone.create', 'zone.delete', 'desk.create', 'desk.delete'])
			assert.ok(r.text.includes(a), `audit ${a}`);
		assert.ok(r.text.includes('office:oac-port'));
	});
});

describe('procedures and organisations through the forms', () => {
	const PROC = {
		code: 'llicencia-gossos',
		category: 'animals',
		name_ca: 'Llicència per a gossos potencialment perillosos',
		name_es: 'Licencia para perros potencialmente peligrosos',
		name_en: 'Licence for potentially dangerous dogs',
		description_ca: 'Cal per tenir-ne un.\r\nDura cinc anys.',
		description_es: 'Hace falta para tener uno.',
		description_en: 'You need it to keep one.',
		documents_ca: 'DNI\r\nCertificat de capacitat física\r\n\r\nAssegurança',
		documents_es: 'DNI\nCertificado de capacidad física\nSeguro',
		documents_en: 'ID card\nFitness certificate\nInsurance',
		duration_min: '20',
		online_url: 'https://seu.vilamar.example/tramits/llicencia-gossos',
		active: '1',
	};
	const post = (p, fields, formPage) => {
		const body = new URLSearchParams();
		for (const [k, v] of Object.entries(fields)) for (const x of [].concat(v)) body.append(k, x);
		return srv.request('GET', formPage, { jar: admin.jar }).then((page) => {
			body.append('_csrf', L.csrfFrom(page.text));
			return srv.request('POST', p, { jar: admin.jar, headers: L.FORM, body: body.toString() });
		});
	};

	it('creates a procedure with its channels and offices; it appears in /api/v1/services', async () => {
		const r = await post('/admin/procedures', { ...PROC, channels: ['in_person', 'deferred'], id_methods: ['certificate', 'idcat_mobil'], offices: ['centre', 'mar-blava'] }, '/admin/procedures/new');
		assert.equal(r.status, 303, r.text.slice(0, 800));
		const s = (await json('/api/v1/services?channel=deferred&office=mar-blava')).body.services.find((x) => x.code === PROC.code);
		assert.ok(s, 'listed for its channel and office');
		assert.deepEqual(s.channels, ['in_person', 'deferred']);
		assert.deepEqual(s.id_methods, ['idcat_mobil', 'certificate'], 'in the canonical order');
		assert.deepEqual(s.documents, ['DNI', 'Certificat de capacitat física', 'Assegurança'], 'one per line, blank lines dropped');
		assert.deepEqual(s.offices, ['centre', 'mar-blava']);
		assert.equal(s.description, 'Cal per tenir-ne un.\nDura cinc anys.');
		const list = await srv.get('/admin/procedures?q=GOSSOS', { jar: admin.jar });
		assert.ok(list.text.includes('/admin/procedures/llicencia-gossos'), 'search ignores case');
	});

	it('422 names the bad fields and keeps the values', async () => {
		const r = await post('/admin/procedures', { ...PROC, code: 'un-altre', channels: [], id_methods: ['none', 'dnie'], duration_min: '0', online_url: 'http://insegur.example', offices: ['centre'] }, '/admin/procedures/new');
		L.assertHtml(r, 422);
		assert.ok(r.text.includes('href="#p-channels"'), 'channels named in the summary');
		assert.ok(r.text.includes('href="#p-id_methods"'));
		assert.deepEqual(invalidFields(r.text).sort(), ['duration_min', 'online_url']);
		assert.equal(inputValue(r.text, 'p-duration_min'), '0');
		assert.equal(inputValue(r.text, 'p-online_url'), 'http://insegur.example');
		assert.ok(L.tags(r.text, 'input').some((i) => i.id === 'p-offices-centre' && 'checked' in i), 'ticked offices stay ticked');
		const dup = await post('/admin/procedures', { ...PROC, channels: ['phone'], id_methods: ['none'] }, '/admin/procedures/new');
		L.assertHtml(dup, 422, 'code taken');
		assert.deepEqual(invalidFields(dup.text), ['code']);
		const ghost = await post('/admin/procedures', { ...PROC, code: 'fantasma', channels: ['phone'], id_methods: ['none'], offices: ['nowhere'] }, '/admin/procedures/new');
		L.assertHtml(ghost, 422, 'unknown office');
		const codes = (await json('/api/v1/services')).body.services.map((x) => x.code);
		assert.ok(!codes.includes('un-altre') && !codes.includes('fantasma'), 'nothing half-written');
	});

	it('edits a procedure; the list searches by text and filters by category', async () => {
		const r = await post(`/admin/procedures/${PROC.code}`, { ...PROC, name_en: 'Dangerous dog licence', channels: ['phone'], id_methods: ['none'], offices: [] }, `/admin/procedures/${PROC.code}`);
		assert.equal(r.status, 303, r.text.slice(0, 800));
		const s = (await json('/api/v1/services?lang=en')).body.services.find((x) => x.code === PROC.code);
		assert.equal(s.name, 'Dangerous dog licence');
		assert.deepEqual(s.offices, []);
		let list = await srv.get('/admin/procedures?q=empadronament', { jar: coord.jar });
		assert.ok(list.text.includes('/admin/procedures/volant-individual'));
		assert.ok(!list.text.includes('/admin/procedures/ivtm'));
		list = await srv.get('/admin/procedures?q=cami%C3%B3', { jar: coord.jar }); // "camió": nothing, but no error
		L.assertHtml(list, 200);
		list = await srv.get('/admin/procedures?category=tributs', { jar: coord.jar });
		assert.ok(list.text.includes('/admin/procedures/ivtm'));
		assert.ok(!list.text.includes('/admin/procedures/padro-alta'));
		list = await srv.get('/admin/procedures?q=padro&category=padro', { jar: coord.jar });
		assert.ok(list.text.includes('/admin/procedures/padro-alta'));
	});

	it('organisations: create, refuse a bad one, rename', async () => {
		let r = await srv.postForm('/admin/organisations', { code: 'imd', name_ca: "Institut Municipal d'Esports", name_es: 'Instituto Municipal de Deportes', name_en: 'Municipal Sports Institute' }, { jar: admin.jar });
		assert.equal(r.status, 303);
		r = await srv.postForm('/admin/organisations', { code: 'IMD!', name_ca: '', name_es: 'x', name_en: 'y' }, { jar: admin.jar });
		L.assertHtml(r, 422);
		assert.deepEqual(invalidFields(r.text).sort(), ['code', 'name_ca']);
		r = await srv.postForm('/admin/organisations/imd', { name_ca: "Institut Municipal d'Esports de Vilamar", name_es: 'IMD', name_en: 'IMD' }, { jar: admin.jar, formPage: '/admin/organisations' });
		assert.equal(r.status, 303);
		const page = await srv.get('/admin/organisations', { jar: admin.jar });
		// Pages escape the apostrophe as &#39; (view/mustache: & < > " ').
		assert.ok(page.text.includes('Institut Municipal d&#39;Esports de Vilamar'), 'the new name, escaped');
	});
});

// ---------------------------------------------------------------- CLI

describe('CLI import and export', () => {
	let tmp;
	before(() => {
		tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'finestreta-cat-'));
	});

	it('JSON: export → import into a fresh database → export gives the same document; a second import changes nothing', async () => {
		const a = await cli(['export', 'catalogue', '--db', srv.db]);
		assert.equal(a.code, 0, a.stderr);
		const doc = JSON.parse(a.stdout);
		assert.equal(doc.format, 'finestreta-catalogue');
		assert.ok(doc.offices.some((o) => o.code === 'oac-port'), 'the export has the offices made through the forms');
		const file = path.join(tmp, 'catalogue.json');
		fs.writeFileSync(file, a.stdout);
		const fresh = 'sqlite:' + path.join(tmp, 'fresh.db');
		const imp = await cli(['import', 'catalogue', file, '--db', fresh]);
		assert.equal(imp.code, 0, imp.stderr);
		assert.match(imp.stdout, /offices +\d+ created/);
		const b = await cli(['export', 'catalogue', '--db', fresh]);
		assert.equal(b.code, 0, b.stderr);
		assert.equal(b.stdout, a.stdout, 'the same document');
		const again = await cli(['import', 'catalogue', file, '--db', fresh]);
		assert.equal(again.code, 0, again.stderr);
		assert.doesNotMatch(again.stdout, /[1-9]\d* (created|updated)/, `nothing changes:\n${again.stdout}`);
		// Into the server's own database (either backend): also nothing to change.
		const same = await cli(['import', 'catalogue', file, '--db', srv.db]);
		assert.equal(same.code, 0, same.stderr);
		assert.doesNotMatch(same.stdout, /[1-9]\d* (created|updated)/, same.stdout);
	});

	it('CSV: the five tables export and import back to the same catalogue', async () => {
		const files = [];
		for (const t of ['procedures', 'desks', 'zones', 'offices', 'organisations']) {
			const r = await cli(['export', 'catalogue', '--format', 'csv', '--table', t, '--db', srv.db]);
			assert.equal(r.code, 0, r.stderr);
			const key = t.replace(/s$/, '');
			assert.ok(r.stdout.split('\r\n')[0].split(',').includes(key), `${t}: the header has the key column ${key}`);
			const f = path.join(tmp, `${t}.csv`);
			fs.writeFileSync(f, r.stdout);
			files.push(f);
		}
		const fresh = 'sqlite:' + path.join(tmp, 'fresh-csv.db');
		const imp = await cli(['import', 'catalogue', ...files, '--db', fresh]);
		assert.equal(imp.code, 0, imp.stderr);
		const a = await cli(['export', 'catalogue', '--db', srv.db]);
		const b = await cli(['export', 'catalogue', '--db', fresh]);
		assert.equal(b.stdout, a.stdout, 'the same catalogue as JSON');
	});

	it('a bad CSV names the row and the field, and writes nothing', async () => {
		const beforeExport = (await cli(['export', 'catalogue', '--db', srv.db])).stdout;
		const f = path.join(tmp, 'zones-bad.csv');
		fs.writeFileSync(
			f,
			'office,zone,kind,name_ca,name_es,name_en,colour,letter\r\n' +
				'centre,nova,welcome,Nova,Nueva,New,#1d4f91,N\r\n' +
				'centre,groga,welcome,Groga,Amarilla,Yellow,#ffff00,Y\r\n' +
				'"centre","cometes ""bones""",assisted,A,B,C,#1d4f91,Q\r\n'
		);
		const r = await cli(['import', 'catalogue', f, '--db', srv.db]);
		assert.equal(r.code, 1);
		assert.match(r.stderr, /zones-bad\.csv line 3: field 'colour'/);
		assert.match(r.stderr, /zones-bad\.csv line 4: field 'zone'/);
		assert.doesNotMatch(r.stderr, /line 2/, 'the good row is not blamed');
		const g = path.join(tmp, 'procs-bad.csv');
		fs.writeFileSync(g, 'procedure,category,name_ca,name_es,name_en,id_methods,channels,duration_min,offices\n' + 'nou-tramit,padro,Nou,Nuevo,New,none,in_person,10,centre|nowhere\n');
		const r2 = await cli(['import', 'catalogue', g, '--db', srv.db]);
		assert.equal(r2.code, 1);
		assert.match(r2.stderr, /procs-bad\.csv line 2: field 'offices' names an office that does not exist: nowhere/);
		const afterExport = (await cli(['export', 'catalogue', '--db', srv.db])).stdout;
		assert.equal(afterExport, beforeExport, 'nothing was written');
		L.assertJsonError(await srv.get('/api/v1/services?office=nowhere'), 404, 'not_found');
	});

	it('JSON errors name the path and the field; usage errors exit 2', async () => {
		const f = path.join(tmp, 'bad.json');
		fs.writeFileSync(f, JSON.stringify({ offices: [{ ...DEMO.offices[0], code: 'nova', zones: [{ ...DEMO.offices[0].zones[0], letter: 'a1' }] }], procedures: [{ ...DEMO.procedures[0], channels: ['fax'] }] }));
		const r = await cli(['import', 'catalogue', f, '--db', srv.db]);
		assert.equal(r.code, 1);
		assert.match(r.stderr, /offices\[0\]\.zones\[0\]: field 'letter'/);
		assert.match(r.stderr, /procedures\[0\]: field 'channels'/);
		assert.equal((await cli(['import', 'catalogue', '--db', srv.db])).code, 2, 'no file');
		assert.equal((await cli(['export', 'catalogue', '--format', 'xml', '--db', srv.db])).code, 1, 'bad format');
		assert.equal((await cli(['export', 'nothing'])).code, 2);
		const help = await cli(['help', 'import']);
		assert.match(help.stdout, /import catalogue FILE/);
		assert.match((await cli(['help', 'export'])).stdout, /export catalogue/);
		assert.match((await cli(['--help'])).stdout, /import/);
	});
});

// ---------------------------------------------------------------- two nodes

describe('two nodes on one PostgreSQL', { skip: L.IS_PG ? false : 'needs FINESTRETA_TEST_DB=postgresql://… (SQLite is one node)' }, () => {
	const b = new L.Server({ name: 'node B', command: 'serve' }); // must not reset the database
	before(() => b.start());

	it('an edit on node A drops node B\'s cache at once (bus topic catalog.changed)', async () => {
		const url = '/api/v1/offices/mar-blava?lang=en';
		const first = await b.get(url);
		assert.equal(first.status, 200);
		const etag = first.headers.etag;
		assert.equal((await b.get(url, { headers: { 'If-None-Match': etag } })).status, 304, 'node B serves it from its cache');
		const sse = await b.openSSE('/events?topic=catalog.changed');
		await sse.waitForComment('connected', 5000);
		const edit = await srv.get('/admin/offices/mar-blava/edit', { jar: admin.jar });
		const fields = {};
		for (const i of L.tags(edit.text, 'input')) if (i.name && i.name !== '_csrf' && i.type !== 'checkbox') fields[i.name] = i.value;
		for (const m of edit.text.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)<\/textarea>/g)) fields[m[1]] = m[2];
		Object.assign(fields, { organisation: 'vilamar', kind: 'citizen_office', active: '1', name_en: 'Mar Blava Citizen Office (node A)' });
		const t0 = Date.now();
		const r = await srv.postForm('/admin/offices/mar-blava', fields, { jar: admin.jar, formPage: '/admin/offices/mar-blava/edit' });
		assert.equal(r.status, 303, r.text.slice(0, 300));
		const ev = await sse.waitForEvent((e) => e.event === 'changed', 5000);
		assert.deepEqual(JSON.parse(ev.data), { what: 'office', code: 'mar-blava' });
		sse.close();
		let seen;
		while (Date.now() - t0 < 5000) {
			const x = await b.get(url, { headers: { 'If-None-Match': etag } });
			if (x.status === 200) {
				seen = x.json().office.name;
				break;
			}
			await L.sleep(50);
		}
		assert.equal(seen, 'Mar Blava Citizen Office (node A)', 'node B shows the change well before its 60 s expiry');
	});

	it('node B stops', () => b.stop());
});

test('SIGTERM: the server exits 0 within 10 s', async () => {
	await srv.stop();
});
