'use strict';
// The kiosk (src/kiosk/) writes nothing to storage: its one POST publishes on the bus.
module.exports = {
	capability: 'kiosk',
	exempt: {
		'POST /kiosk/help': 'publishes a call for help on the bus; no database call',
	},
};
