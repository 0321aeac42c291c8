'use strict';
// Fault cases for the skeleton capability (src/example/). `capability` makes the runner skip this
// file while the binary does not serve the capability; a copy keeps it (renamed), so that its
// cases run once the capability is in the table.
module.exports = {
	capability: 'example',
	cases: [
		{
			route: 'POST /example',
			status: 303,
			request: (ctx, i) => ({ path: '/example', as: 'coordinator', form: { office: 'centre', body: `Nota ${i}` } }),
		},
	],
};
