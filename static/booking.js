// booking.js — small progressive enhancements for the booking pages (no inline scripts: the CSP
// allows only files from /static). The pages work without it.
'use strict';
// The staff summary's print button: shown only when JavaScript can print.
document.querySelectorAll('[data-print]').forEach(function (b) {
	b.hidden = false;
	b.addEventListener('click', function () {
		window.print();
	});
});
