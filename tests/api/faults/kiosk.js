'use strict';
// The kiosk (src/kiosk/) writes nothing to storage: its POSTs publish on the bus or read a frame.
module.exports = {
	capability: 'kiosk',
	exempt: {
		'POST /kiosk/help': 'publishes a call for help on the bus; no database call',
		'POST /kiosk/scan': 'reads the QR code in a camera frame (libzbar); no database call',
	},
};
