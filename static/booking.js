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

// The details form with the anti-robot check: sent before the check has finished, it waits,
// says so, and goes as soon as the check is done (instead of coming back with an error).
document.querySelectorAll('form[data-pow-wait]').forEach(function (form) {
	var widget = form.querySelector('altcha-widget');
	var status = form.querySelector('#d-pow-wait');
	var waiting = false;
	function solved() {
		var i = form.querySelector('input[name="altcha"]');
		return !!(i && i.value);
	}
	function go() {
		if (!waiting || !solved()) return;
		waiting = false;
		if (status) status.textContent = '';
		if (form.requestSubmit) form.requestSubmit();
		else form.submit();
	}
	if (widget) {
		widget.addEventListener('statechange', function (e) {
			if (e.detail && e.detail.state === 'verified') setTimeout(go, 0);
		});
	}
	form.addEventListener('submit', function (e) {
		if (!widget || solved()) return;
		e.preventDefault();
		waiting = true;
		if (status) status.textContent = form.getAttribute('data-pow-wait');
	});
});
