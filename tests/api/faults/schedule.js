'use strict';
// Fault cases for the schedule's forms: opening hours, closures, availability rules, holidays,
// shifts and skills. They work on the office the catalogue's cases made (tests/api/faults/
// catalog.js runs first: the files run in name order) and on dates far ahead, one per attempt.
const { madridDate } = require('../lib/data.js');

const OFFICE = 'oac-avaria';
const BASE = `/schedule/offices/${OFFICE}`;

let serial = 0;
const next = () => ++serial;
// A Monday, n weeks after 2041-01-07 (a Monday).
const monday = (n) => new Date(Date.UTC(2041, 0, 7) + n * 7 * 86400000).toISOString().slice(0, 10);

async function post(ctx, path, form) {
	const s = await ctx.session('coordinator');
	const r = await ctx.srv.request('POST', path, { jar: s.jar, headers: ctx.L.FORM, body: ctx.L.formBody({ ...form, _csrf: s.csrf }) });
	if (r.status !== 303) throw new Error(`setup POST ${path}: ${r.status} ${r.text.slice(0, 300)}`);
	return r;
}

async function importHolidays(ctx, csv) {
	const s = await ctx.session('coordinator');
	const mp = ctx.L.multipartBody({ _csrf: s.csrf }, [{ name: 'file', filename: 'h.csv', type: 'text/csv', data: csv }]);
	const r = await ctx.srv.request('POST', '/schedule/holidays/import', { jar: s.jar, headers: { 'Content-Type': mp.contentType }, body: mp.body });
	if (r.status !== 303) throw new Error(`setup holidays import: ${r.status} ${r.text.slice(0, 300)}`);
}

const holidayCsv = (day, i) => `date,scope,name_ca,name_es,name_en\n${day},city,Festa ${i},Fiesta ${i},Holiday ${i}\n`;

const rule = (i) => ({
	channel: 'in_person',
	weekdays: ['1', '2', '3', '4', '5'],
	every_weeks: '1',
	valid_from: madridDate(),
	valid_to: '',
	start: '09:00',
	end: '10:00',
	slot_min: '30',
	capacity: String(1 + (i % 3)),
	staff_share: '0',
	horizon_days: '14',
	min_notice_min: '0',
	release_days: '',
	release_time: '',
	procedures: ['tramit-avaria'],
});


module.exports = {
	async setup(ctx) {
		// Opening hours now, so that rules yield slots; one rule to edit and switch.
		await post(ctx, `${BASE}/hours`, { valid_from: '2020-01-01', valid_to: '', open1_1: '08:00', close1_1: '15:00', open1_2: '08:00', close1_2: '15:00', open1_3: '08:00', close1_3: '15:00', open1_4: '08:00', close1_4: '15:00', open1_5: '08:00', close1_5: '15:00' });
		await post(ctx, `${BASE}/rules`, rule(0));
		ctx.state.rule = ctx.sql(`SELECT max(id) FROM availability_rules WHERE office_id = (SELECT id FROM offices WHERE code = '${OFFICE}')`);
		ctx.state.person = ctx.sql("SELECT id FROM users WHERE email = 'acollida@vilamar.example'");
	},
	cases: [
		{
			route: 'POST /schedule/offices/{code}/hours',
			status: 303,
			request: () => {
				const from = monday(next() * 2);
				return { path: `${BASE}/hours`, as: 'coordinator', form: { valid_from: from, valid_to: monday(serial * 2 + 1), open1_1: '09:00', close1_1: '13:00' } };
			},
		},
		{
			route: 'POST /schedule/offices/{code}/hours/delete',
			status: 303,
			async request(ctx) {
				const from = monday(200 + next() * 2), to = monday(200 + serial * 2 + 1);
				await post(ctx, `${BASE}/hours`, { valid_from: from, valid_to: to, open1_2: '09:00', close1_2: '13:00' });
				return { path: `${BASE}/hours/delete`, as: 'coordinator', form: { from, to } };
			},
		},
		{
			route: 'POST /schedule/offices/{code}/closures',
			status: 303,
			request: (ctx, i) => ({ path: `${BASE}/closures`, as: 'coordinator', form: { day: monday(400 + next()), reason: `Tancat ${i}` } }),
		},
		{
			route: 'POST /schedule/offices/{code}/closures/delete',
			status: 303,
			async request(ctx, i) {
				const day = monday(600 + next());
				await post(ctx, `${BASE}/closures`, { day, reason: `Tancat ${i}` });
				const id = ctx.sql(`SELECT id FROM closures WHERE day = '${day}'`);
				return { path: `${BASE}/closures/delete`, as: 'coordinator', form: { id } };
			},
		},
		{
			route: 'POST /schedule/offices/{code}/rules',
			status: 303,
			request: (ctx, i) => ({ path: `${BASE}/rules`, as: 'coordinator', form: { ...rule(i), start: '11:00', end: '11:30', weekdays: [String(1 + (i % 5))] } }),
		},
		{
			route: 'POST /schedule/offices/{code}/rules/{id}',
			status: 303,
			request: (ctx, i) => ({ path: `${BASE}/rules/${ctx.state.rule}`, as: 'coordinator', form: rule(i) }),
		},
		{
			route: 'POST /schedule/offices/{code}/rules/{id}/active',
			status: 303,
			request: (ctx, i) => ({ path: `${BASE}/rules/${ctx.state.rule}/active`, as: 'coordinator', form: { active: i % 2 ? '1' : '0', confirm: '1' } }),
		},
		{
			route: 'POST /schedule/holidays/import',
			status: 303,
			async request(ctx, i) {
				const s = await ctx.session('coordinator');
				const data = holidayCsv(monday(800 + next()), i);
				return { path: '/schedule/holidays/import', as: 'coordinator', csrf: s.csrf, multipart: { fields: {}, files: [{ name: 'file', filename: 'h.csv', type: 'text/csv', data }] } };
			},
		},
		{
			route: 'POST /schedule/holidays/delete',
			status: 303,
			async request(ctx, i) {
				const day = monday(1000 + next());
				await importHolidays(ctx, holidayCsv(day, i));
				const id = ctx.sql(`SELECT id FROM holidays WHERE day = '${day}'`);
				return { path: '/schedule/holidays/delete', as: 'coordinator', form: { id, year: day.slice(0, 4) } };
			},
		},
		{
			route: 'POST /schedule/shifts',
			status: 303,
			request: (ctx) => ({
				path: '/schedule/shifts',
				as: 'coordinator',
				form: { user: ctx.state.person, office: OFFICE, channel: 'in_person', day: monday(1200 + next()), start: '09:00', end: '11:00', until: '' },
			}),
		},
		{
			route: 'POST /schedule/shifts/delete',
			status: 303,
			async request(ctx) {
				const day = monday(1400 + next());
				await post(ctx, '/schedule/shifts', { user: ctx.state.person, office: OFFICE, channel: 'in_person', day, start: '09:00', end: '11:00', until: '' });
				const id = ctx.sql(`SELECT id FROM staff_shifts WHERE day = '${day}'`);
				return { path: '/schedule/shifts/delete', as: 'coordinator', form: { id } };
			},
		},
		{
			route: 'POST /schedule/skills',
			status: 303,
			request: (ctx, i) => ({ path: '/schedule/skills', as: 'coordinator', form: { user: ctx.state.person, procedures: i % 2 ? ['tramit-avaria'] : ['tramit-avaria', 'enotum'] } }),
		},
	],
};
