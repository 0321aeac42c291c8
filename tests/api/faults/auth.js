'use strict';
// Fault cases for auth: sign-in and out, accounts, settings.
module.exports = {
	cases: [
		{
			route: 'POST /login',
			status: 303,
			separate: {
				tables: ['login_attempts', 'login_guard'],
				why: 'the attempt is checked and counted in a transaction of its own, before the password',
			},
			async request(ctx) {
				const jar = new ctx.L.CookieJar();
				const page = await ctx.srv.get('/login', { jar });
				const csrf = ctx.L.csrfFrom(page.text);
				return { path: '/login', jar, csrf, form: { email: ctx.L.DEMO_USERS.coordinator, password: ctx.L.DEMO_PASSWORD } };
			},
		},
		{
			route: 'POST /logout',
			status: 303,
			async request(ctx) {
				const s = await ctx.srv.loginOk(ctx.L.DEMO_USERS.informer);
				return { path: '/logout', jar: s.jar, csrf: s.csrf, form: {} };
			},
		},
		{
			route: 'POST /admin/users',
			status: 201,
			async request(ctx, i) {
				const email = `avaria${i}.${Date.now()}@vilamar.example`;
				return {
					path: '/admin/users',
					as: 'admin',
					form: { name: `Persona Avaria ${i}`, email, role: 'informer', office: 'centre', password: 'una-contrasenya-prou-llarga' },
				};
			},
		},
		{
			route: 'POST /admin/settings',
			status: 200,
			async request(ctx, i) {
				return { path: '/admin/settings', as: 'admin', form: { city_name: `Ajuntament de Vilamar ${i}` } };
			},
		},
	],
};
