// live.js — the live page of a ticket: its place pushed by Server-Sent Events. On every
// (re)connection it reads the ticket again (the page may have missed events while the phone
// slept); each "queue" event of its zone gives the new order and waits, each event about the
// ticket itself its new status. Alerts (banner, vibration, a beep) when two people are ahead and
// when it is called. Without JavaScript the page refreshes itself every 30 seconds.
'use strict';
(function () {
	var root = document.getElementById('fl-live');
	if (!root || !window.EventSource) return;
	var id = Number(root.dataset.id);
	var zone = root.dataset.zone;
	var status = root.dataset.status;
	var alerted = { two: Number(root.dataset.ahead) <= 2, called: status === 'called' };
	var banner = document.getElementById('fl-banner');

	function text(sel, v) {
		root.querySelectorAll(sel).forEach(function (el) {
			el.textContent = String(v);
		});
	}
	function beep() {
		try {
			var Ctx = window.AudioContext || window.webkitAudioContext;
			var ctx = new Ctx();
			var o = ctx.createOscillator();
			var g = ctx.createGain();
			o.frequency.value = 880;
			g.gain.setValueAtTime(0.25, ctx.currentTime);
			g.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + 0.8);
			o.connect(g).connect(ctx.destination);
			o.start();
			o.stop(ctx.currentTime + 0.8);
		} catch (e) {
			/* no sound on this device */
		}
	}
	function alert(msg) {
		banner.textContent = msg;
		banner.hidden = false;
		root.dataset.alert = msg;
		if (navigator.vibrate) navigator.vibrate([300, 150, 300]);
		beep();
	}
	// "taula-5" → "Taula 5": the desk's code, readable.
	function pretty(code) {
		var s = String(code || '').replace(/-/g, ' ');
		return s.charAt(0).toUpperCase() + s.slice(1);
	}
	function setStatus(s, desk) {
		status = s;
		root.dataset.status = s;
		text('#fl-status', root.getAttribute('data-label-' + s) || s);
		if (s === 'called' && !alerted.called) {
			alerted.called = true;
			alert(root.dataset.msgCalled.replace('{desk}', pretty(desk)));
		}
		if (s !== 'waiting' && s !== 'transferred') root.querySelectorAll('.fl-ahead, .fl-wait').forEach(function (el) {
			el.textContent = '0';
		});
	}
	function setAhead(ahead, wait) {
		text('.fl-ahead', ahead);
		text('.fl-wait', wait);
		root.dataset.ahead = String(ahead);
		if (ahead <= 2 && !alerted.two && (status === 'waiting' || status === 'transferred')) {
			alerted.two = true;
			alert(root.dataset.msgTwo);
		}
	}
	function resync() {
		fetch(root.dataset.ticket, { credentials: 'same-origin' })
			.then(function (r) {
				return r.ok ? r.json() : null;
			})
			.then(function (t) {
				if (!t) return;
				zone = t.zone;
				if (t.status === 'done' && t.survey_url && !document.querySelector('.fl-survey')) location.reload();
				setStatus(t.status, t.desk);
				if (t.status === 'waiting' || t.status === 'transferred') setAhead(t.ahead, t.estimated_wait_min);
			});
	}
	var es = new EventSource(root.dataset.events);
	es.addEventListener('open', resync);
	es.addEventListener('queue', function (e) {
		var d = JSON.parse(e.data);
		if (d.ticket && d.ticket.id === id) {
			resync();
			return;
		}
		(d.zones || []).forEach(function (z) {
			if (z.zone !== zone) return;
			var i = z.order.indexOf(id);
			if (i >= 0) setAhead(i, z.wait[i]);
			else if (z.more) resync();
		});
	});
})();
