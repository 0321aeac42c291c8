'use strict';
// Fault cases for digital accompaniment (src/ict/): a session is the person (found or created,
// with the consent), the session, its procedures, tools and assessment, and its audit record, all
// or nothing. Each attempt is a new person, so that the person's rows change too.
const ID = (i) => `${String(72000000 + i).padStart(8, '0')}${'TRWAGMYFPDXBNJZSQVHLCKE'[(72000000 + i) % 23]}`;

module.exports = {
	capability: 'ict',
	cases: [
		{
			route: 'POST /api/v1/ict/sessions',
			status: 201,
			request: async (ctx, i) => ({
				path: '/api/v1/ict/sessions',
				headers: await ctx.bearer('ict_agent'),
				json: {
					office: 'la-riera',
					person: { name: `Persona ${i}`, id_number: ID(i), consent: true },
					procedures: [{ service: 'idcat-mobil', mode: 'taught' }],
					tools: ['digital_id'],
					minutes: 30,
					assessment: { moment: 'before', eprocedures: 1 },
				},
			}),
		},
		{
			route: 'POST /staff/ict',
			status: 303,
			request: (ctx, i) => ({
				path: '/staff/ict',
				as: 'ict_agent',
				form: { office: 'la-riera', id_number: ID(500 + i), minutes: '20', tools: ['email', 'pdf'], consent: '1',
					service_1: 'volant-individual', mode_1: 'for', moment: 'before', level_eprocedures: '0' },
			}),
		},
		{
			route: 'POST /staff/ict/sheets/{tool}',
			status: 303,
			request: (ctx, i) => ({
				path: '/staff/ict/sheets/video_call',
				as: 'coordinator',
				form: { lang: 'ca', body: `# Videotrucades\n- Obriu l'aplicació (${i}).` },
			}),
		},
	],
};
