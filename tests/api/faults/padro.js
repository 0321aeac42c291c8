'use strict';
// Fault cases for the padró certificates (src/padro/). Every attempt uses an ID of its own, so that
// the limit per ID never answers first; staff (a token, or a session) are not held to the limit
// per address. A citizen's certificate needs the SMS code, which a test cannot read from storage
// (it is kept as a hash): the citizen's page is exercised with a wrong code, whose spent try is
// the change that must commit whole.
const L = require('../lib/server.js');

let seq = 41000000;
const fresh = () => L.dni(++seq);

module.exports = {
	capability: 'padro',
	exempt: {
		'POST /demo/sms': 'the demo SMS gateway writes to the log only (and answers 404 outside the demo)',
	},
	cases: [
		{
			route: 'POST /api/v1/padro/codes',
			status: 202,
			request: async (ctx) => ({ path: '/api/v1/padro/codes', headers: await ctx.bearer('welcome'), json: { id_type: 'dni', id_number: fresh() } }),
		},
		{
			route: 'POST /api/v1/padro/volants',
			status: 201,
			request: async (ctx) => ({
				path: '/api/v1/padro/volants',
				headers: await ctx.bearer('informer'),
				json: { id_type: 'dni', id_number: '12345678Z', kind: 'collective', lang: 'ca' },
			}),
		},
		{
			route: 'POST /padro/codi',
			status: 200,
			request: () => ({ path: '/padro/codi', as: 'welcome', form: { id_type: 'dni', id_number: fresh() } }),
		},
		{
			route: 'POST /padro/volant',
			status: 422,
			request: async (ctx) => {
				const id = fresh();
				const r = await ctx.srv.request('POST', '/api/v1/padro/codes', { headers: await ctx.bearer('welcome'), body: { id_type: 'dni', id_number: id } });
				if (r.status !== 202) throw new Error(`code: ${r.status} ${r.text}`);
				return { path: '/padro/volant', as: 'welcome', form: { id_type: 'dni', id_number: id, code: '000000', kind: 'individual', lang: 'ca' } };
			},
		},
		{
			route: 'POST /staff/padro',
			status: 303,
			request: () => ({ path: '/staff/padro', as: 'welcome', form: { id_type: 'dni', id_number: '12345678Z', kind: 'individual', lang: 'ca', seen: '1' } }),
		},
	],
};
