'use strict';
// Fault cases for the facility finder's coordinator pages (src/facilities/): a new facility per
// attempt, and an edit of a demo facility.
let seq = 0;
const form = (code) => ({
	code,
	name: `Equipament ${code}`,
	category: 'civic_centre',
	district: 'Centre',
	address: 'Carrer Major, 1',
	postcode: '08990',
	lat: '41.28',
	lon: '1.97',
	phone: '',
	hours: '',
	services: 'Wifi',
	accessibility: '',
	active: '1',
});

module.exports = {
	capability: 'facilities',
	cases: [
		{
			route: 'POST /admin/facilities',
			status: 303,
			request: () => ({ path: '/admin/facilities', as: 'coordinator', form: form(`avaria-${++seq}`) }),
		},
		{
			route: 'POST /admin/facilities/{code}',
			status: 303,
			request: () => ({ path: '/admin/facilities/casal-gent-gran', as: 'coordinator', form: { ...form(undefined), name: `Casal ${++seq}` } }),
		},
	],
};
