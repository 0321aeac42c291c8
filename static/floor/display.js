// display.js — the call display: every call of the office pushed by Server-Sent Events. On each
// (re)connection it reads the latest calls again, so a screen that lost its network catches
// up; a new call is shown large, blinks, and is announced (the chime and the spoken call, made
// on the server) once sound is on. Browsers play sound only after a first touch: the button
// says so until then (a kiosk browser started with autoplay allowed never shows it).
'use strict';
(function () {
	var root = document.getElementById('fl-display');
	if (!root) return;
	var latest = document.getElementById('fl-latest');
	var history = document.getElementById('fl-history');
	var audio = document.getElementById('fl-audio');
	var soundBtn = document.getElementById('fl-sound');
	var offline = document.getElementById('fl-offline');
	var zones = {};
	var desks = {};
	var seen = {};
	var queue = [];
	var playing = false;
	var soundOn = false;

	function clock() {
		var opts = { hour: '2-digit', minute: '2-digit', hour12: false };
		if (root.dataset.tz) opts.timeZone = root.dataset.tz;
		document.getElementById('fl-clock').textContent = new Date().toLocaleTimeString(root.dataset.lang || 'ca', opts);
	}
	clock();
	setInterval(clock, 10000);

	function entry(c, big) {
		var p = document.createElement(big ? 'p' : 'li');
		p.className = 'fl-call' + (big ? ' fl-call-big' : '');
		var n = document.createElement('span');
		n.className = 'fl-call-number';
		n.textContent = c.number;
		var z = zones[c.zone];
		if (z) n.style.backgroundColor = z.colour;
		var arrow = document.createElement('span');
		arrow.className = 'fl-arrow';
		arrow.setAttribute('aria-hidden', 'true');
		arrow.textContent = ' → ';
		var d = document.createElement('span');
		d.className = 'fl-call-desk';
		d.textContent = desks[c.desk] || c.desk;
		p.append(n, arrow, d);
		return p;
	}
	function render(calls) {
		latest.replaceChildren();
		history.replaceChildren();
		if (calls.length) latest.append(entry(calls[0], true));
		calls.slice(1, 9).forEach(function (c) {
			history.append(entry(c, false));
		});
	}
	var calls = [];
	function play() {
		if (playing || !soundOn || !queue.length) return;
		var c = queue.shift();
		playing = true;
		audio.src = root.dataset.audio + '?number=' + encodeURIComponent(c.number) + '&desk=' + encodeURIComponent(c.desk);
		audio.play().catch(function () {
			playing = false;
			soundBtn.hidden = false;
		});
	}
	audio.addEventListener('ended', function () {
		playing = false;
		root.dataset.played = String(Number(root.dataset.played || 0) + 1);
		play();
	});
	audio.addEventListener('error', function () {
		playing = false;
		play();
	});
	soundBtn.addEventListener('click', function () {
		soundOn = true;
		soundBtn.hidden = true;
		root.dataset.sound = 'on';
		play();
	});
	soundBtn.hidden = false;

	function onCall(c) {
		var key = c.number + '|' + c.desk + '|' + c.at;
		if (seen[key]) return;
		seen[key] = true;
		calls.unshift(c);
		render(calls);
		var big = latest.firstChild;
		if (big) {
			big.classList.add('fl-blink');
			setTimeout(function () {
				big.classList.remove('fl-blink');
			}, 6000);
		}
		queue.push(c);
		play();
	}
	function resync() {
		return fetch(root.dataset.recent)
			.then(function (r) {
				return r.ok ? r.json() : null;
			})
			.then(function (o) {
				if (!o) return;
				o.zones.forEach(function (z) {
					zones[z.code] = z;
				});
				o.desks.forEach(function (d) {
					desks[d.code] = d.name;
				});
				calls = o.calls;
				calls.forEach(function (c) {
					seen[c.number + '|' + c.desk + '|' + c.at] = true;
				});
				render(calls);
				root.dataset.synced = String(Number(root.dataset.synced || 0) + 1);
			});
	}
	var es = new EventSource(root.dataset.stream);
	es.addEventListener('open', function () {
		offline.hidden = true;
		resync();
	});
	es.addEventListener('error', function () {
		offline.hidden = false;
	});
	es.addEventListener('call', function (e) {
		onCall(JSON.parse(e.data));
	});
})();
