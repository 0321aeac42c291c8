// staff.js — the desk and the board follow the floor live: on every change of the office's
// queues (the bus topic in data-topic, over /events; data-more-topics for the board's cards) the page is read again and its live part
// (#fl-refresh) replaced, so forms being filled in elsewhere on the page are left alone.
'use strict';
(function () {
	var region = document.getElementById('fl-refresh');
	if (!region || !window.EventSource || !region.dataset.topic) return;
	var pending = false;
	function refresh() {
		if (pending) return;
		pending = true;
		setTimeout(function () {
			fetch(location.href, { credentials: 'same-origin' })
				.then(function (r) {
					return r.ok ? r.text() : null;
				})
				.then(function (html) {
					pending = false;
					if (!html) return;
					var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById('fl-refresh');
					if (fresh && !region.contains(document.activeElement)) {
						region.innerHTML = fresh.innerHTML;
						region.dataset.refreshed = String(Number(region.dataset.refreshed || 0) + 1);
					}
				})
				.catch(function () {
					pending = false;
				});
		}, 300);
	}
	var es = new EventSource('/events?topic=' + encodeURIComponent(region.dataset.topic));
	es.addEventListener('queue', refresh);
	es.addEventListener('open', refresh);
	// Counts other capabilities put on the board follow their own topics ("topic:event" pairs).
	(region.dataset.moreTopics || '').split(' ').forEach(function (pair) {
		var i = pair.lastIndexOf(':');
		if (i <= 0) return;
		var more = new EventSource('/events?topic=' + encodeURIComponent(pair.slice(0, i)));
		more.addEventListener(pair.slice(i + 1), refresh);
	});
})();
