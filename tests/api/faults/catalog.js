'use strict';
// Fault cases for the catalogue's forms: organisations, offices, zones, desks, procedures. They
// work on an office of their own, made in setup.
const OFFICE = 'oac-avaria';
const BASE = `/admin/offices/${OFFICE}`;

const office = (code, i) => ({
	code,
	organisation: 'vilamar',
	kind: 'citizen_office',
	name_ca: `OAC Avaria ${i}`,
	name_es: `OAC Avería ${i}`,
	name_en: `Fault Office ${i}`,
	address: 'Carrer de Prova, 1',
	postcode: '08990',
	city: 'Vilamar',
	phone: '938 000 000',
	tz: 'Europe/Madrid',
	active: '1',
});

// Two capital letters no other zone of the office has: AA, AB, …
const letter = (i) => String.fromCharCode(65 + Math.floor(i / 26) % 26) + String.fromCharCode(65 + (i % 26));
const zone = (code, i) => ({ code, kind: 'assisted', name_ca: `Zona ${i}`, name_es: `Zona ${i}`, name_en: `Zone ${i}`, colour: '#1d4f91', letter: letter(i) });

const proc = (code, i) => ({
	code,
	category: 'padro',
	name_ca: `Tràmit d'avaria ${i}`,
	name_es: `Trámite de avería ${i}`,
	name_en: `Fault procedure ${i}`,
	description_ca: 'Prova.',
	description_es: 'Prueba.',
	description_en: 'Test.',
	duration_min: '15',
	channels: ['in_person', 'phone'],
	id_methods: ['none'],
	offices: ['centre', OFFICE],
	active: '1',
});

// A form post as the admin, answered 303 (for setup and the "before" of a delete).
async function post(ctx, path, form) {
	const s = await ctx.session('admin');
	const r = await ctx.srv.request('POST', path, { jar: s.jar, headers: ctx.L.FORM, body: ctx.L.formBody({ ...form, _csrf: s.csrf }) });
	if (r.status !== 303) throw new Error(`setup POST ${path}: ${r.status} ${r.text.slice(0, 300)}`);
	return r;
}

let serial = 0; // codes stay unique across attempts and cases
const unique = (prefix) => `${prefix}-${++serial}`;

module.exports = {
	async setup(ctx) {
		await post(ctx, '/admin/offices', office(OFFICE, 0));
		await post(ctx, `${BASE}/zones`, zone('base', 700));
		await post(ctx, `${BASE}/zones/base/desks`, { display_name: 'Taula base', code: 'd-base' });
		await post(ctx, '/admin/procedures', proc('tramit-avaria', 0));
		await post(ctx, '/admin/organisations', { code: 'org-avaria', name_ca: 'Org', name_es: 'Org', name_en: 'Org' });
	},
	cases: [
		{
			route: 'POST /admin/organisations',
			status: 303,
			request: (ctx, i) => ({ path: '/admin/organisations', as: 'admin', form: { code: unique('org'), name_ca: `Org ${i}`, name_es: `Org ${i}`, name_en: `Org ${i}` } }),
		},
		{
			route: 'POST /admin/organisations/{code}',
			status: 303,
			request: (ctx, i) => ({ path: '/admin/organisations/org-avaria', as: 'admin', form: { name_ca: `Org ${i}`, name_es: `Org ${i}`, name_en: `Org ${i}` } }),
		},
		{
			route: 'POST /admin/offices',
			status: 303,
			request: (ctx, i) => ({ path: '/admin/offices', as: 'admin', form: office(unique('oac'), i) }),
		},
		{
			route: 'POST /admin/offices/{code}',
			status: 303,
			request: (ctx, i) => ({ path: BASE, as: 'admin', form: office(OFFICE, i) }),
		},
		{
			route: 'POST /admin/offices/{code}/zones',
			status: 303,
			request: (ctx, i) => ({ path: `${BASE}/zones`, as: 'admin', form: zone(unique('z'), serial) }),
		},
		{
			route: 'POST /admin/offices/{code}/zones/{zone}',
			status: 303,
			request: (ctx, i) => ({ path: `${BASE}/zones/base`, as: 'admin', form: { ...zone('base', 700), name_en: `Base zone ${i}` } }),
		},
		{
			route: 'POST /admin/offices/{code}/zones/{zone}/delete',
			status: 303,
			async request(ctx) {
				const code = unique('zdel');
				await post(ctx, `${BASE}/zones`, zone(code, serial + 300));
				return { path: `${BASE}/zones/${code}/delete`, as: 'admin', form: { confirm: '1' } };
			},
		},
		{
			route: 'POST /admin/offices/{code}/zones/{zone}/desks',
			status: 303,
			request: (ctx, i) => ({ path: `${BASE}/zones/base/desks`, as: 'admin', form: { display_name: `Taula ${i}`, code: unique('t') } }),
		},
		{
			route: 'POST /admin/offices/{code}/zones/{zone}/desks/{desk}',
			status: 303,
			request: (ctx, i) => ({ path: `${BASE}/zones/base/desks/d-base`, as: 'admin', form: { display_name: `Taula base ${i}`, active: '1' } }),
		},
		{
			route: 'POST /admin/offices/{code}/zones/{zone}/desks/{desk}/delete',
			status: 303,
			async request(ctx, i) {
				const code = unique('tdel');
				await post(ctx, `${BASE}/zones/base/desks`, { display_name: `Taula ${i}`, code });
				return { path: `${BASE}/zones/base/desks/${code}/delete`, as: 'admin', form: {} };
			},
		},
		{
			route: 'POST /admin/procedures',
			status: 303,
			request: (ctx, i) => ({ path: '/admin/procedures', as: 'admin', form: proc(unique('proc'), i) }),
		},
		{
			route: 'POST /admin/procedures/{code}',
			status: 303,
			request: (ctx, i) => ({ path: '/admin/procedures/tramit-avaria', as: 'admin', form: proc('tramit-avaria', i) }),
		},
	],
};
