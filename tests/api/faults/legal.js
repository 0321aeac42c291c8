'use strict';
// Fault cases for the legal texts (src/legal/): an administrator saves one document in every
// language (a new text each attempt, so every run changes the table).
module.exports = {
	cases: [
		{
			route: 'POST /admin/legal',
			status: 303,
			request: (ctx, i) => ({
				path: '/admin/legal',
				as: 'admin',
				form: { doc: 'privacy', ca: `## Responsable\nText ${i}`, es: `## Responsable\nTexto ${i}`, en: `## Controller\nText ${i}` },
			}),
		},
	],
};
