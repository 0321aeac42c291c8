// kiosk-alerts.js — the calls for help of an office's kiosks, live (templates/kiosk/alerts.html):
// an event stream on the office's topic (kiosk.help.OFFICE), newest call first.
'use strict';
(function () {
	var list = document.querySelector('[data-kiosk-alerts]');
	var state = document.querySelector('[data-kiosk-alerts-state]');
	if (!list || !window.EventSource) return;
	var es = new EventSource('/events?topic=' + encodeURIComponent(list.dataset.topic));
	es.addEventListener('open', function () {
		state.textContent = list.dataset.labelLive;
	});
	es.addEventListener('help', function (ev) {
		var d = JSON.parse(ev.data);
		var li = document.createElement('li');
		var when = new Date(d.at);
		var strong = document.createElement('strong');
		strong.textContent = d.kiosk;
		li.appendChild(strong);
		li.appendChild(
			document.createTextNode(
				' · ' + list.dataset.labelAt + ' ' + when.toLocaleTimeString() + ' · ' + list.dataset.labelPage + ' ' + d.page
			)
		);
		li.className = 'kiosk-alert';
		list.insertBefore(li, list.firstChild);
	});
})();
