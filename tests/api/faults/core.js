'use strict';
// Fault cases for the core's routes (src/http/core.c).
module.exports = {
	cases: [
		{
			route: 'POST /api/v1/events',
			status: 202,
			async request(ctx, i) {
				return { path: '/api/v1/events', headers: await ctx.bearer('admin'), json: { topic: 'faults.test', type: 'tick', data: { i } } };
			},
		},
	],
};
