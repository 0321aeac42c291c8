// kiosk.js — the kiosk's frame (templates/kiosk/bar.html): the idle warning and wipe, "start again",
// "call for help" without leaving the task, and printing a certificate. Loaded on every page a kiosk
// account shows (templates/layout/base.html). No inline scripts: the CSP allows only /static.
'use strict';
(function () {
	var dialog = document.querySelector('[data-kiosk-idle]');
	var count = document.querySelector('[data-kiosk-idle-count]');
	var stay = document.querySelector('[data-kiosk-idle-stay]');
	var home = document.querySelector('[data-kiosk-home]');
	var idle = 90;
	var warn = 20;
	var timer = null;
	var tick = null;

	// Leaves without a trace in the history: the page is replaced, not added to.
	function go(url) {
		window.location.replace(url);
	}
	function wipe() {
		go('/kiosk/wipe');
	}

	function arm() {
		clearTimeout(timer);
		clearInterval(tick);
		if (dialog) dialog.hidden = true;
		// The language screen holds nothing personal: it never needs wiping.
		if (!home) timer = setTimeout(warnNow, idle * 1000);
	}

	function warnNow() {
		var left = warn;
		if (!dialog) return wipe();
		dialog.hidden = false;
		count.textContent = String(left);
		stay.focus();
		tick = setInterval(function () {
			left -= 1;
			count.textContent = String(left);
			if (left <= 0) {
				clearInterval(tick);
				wipe();
			}
		}, 1000);
	}

	['pointerdown', 'touchstart', 'keydown', 'input', 'wheel'].forEach(function (e) {
		document.addEventListener(e, arm, { capture: true, passive: true });
	});
	if (stay) stay.addEventListener('click', arm);

	fetch('/kiosk/settings', { credentials: 'same-origin', headers: { Accept: 'application/json' } })
		.then(function (r) {
			return r.ok ? r.json() : null;
		})
		.then(function (s) {
			if (s) {
				idle = s.idle_seconds;
				warn = s.warn_seconds;
			}
			arm();
		})
		.catch(arm);

	// Links within the kiosk replace the page too, so "back" leads nowhere personal.
	document.addEventListener('click', function (ev) {
		var a = ev.target.closest ? ev.target.closest('a[href]') : null;
		if (!a || a.target || a.hasAttribute('download') || ev.defaultPrevented) return;
		var url = new URL(a.href, window.location.href);
		if (url.origin !== window.location.origin || /\.(pdf|ics)$/.test(url.pathname)) return;
		ev.preventDefault();
		go(url.pathname + url.search + url.hash);
	});

	// Call for help: sent in the background; the person stays where they were.
	var help = document.querySelector('[data-kiosk-help]');
	var status = document.querySelector('[data-kiosk-help-status]');
	if (help && status) {
		help.addEventListener('submit', function (ev) {
			ev.preventDefault();
			fetch(help.action, {
				method: 'POST',
				credentials: 'same-origin',
				headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams(new FormData(help)).toString(),
			})
				.then(function (r) {
					return r.json();
				})
				.then(function (j) {
					status.textContent = j.message;
				})
				.catch(function () {
					help.submit();
				});
		});
	}

	// A certificate to print: sent to the printer once its picture is there (Chromium's
	// --kiosk-printing prints without asking; docs/kiosk.md).
	var page = document.querySelector('[data-kiosk-print]');
	if (page) {
		var print = function () {
			window.print();
		};
		if (page.complete) print();
		else page.addEventListener('load', print);
	}
	document.querySelectorAll('[data-print]').forEach(function (b) {
		b.hidden = false;
		b.addEventListener('click', function () {
			window.print();
		});
	});
})();
