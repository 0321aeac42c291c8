// kiosk-floor.js — the kiosk's ticket and check-in screens (templates/kiosk/ticket.html,
// checkin.html). Both act only through floorSeam below: the two calls of the office floor's
// documented API (docs/api.md, "Office floor": issuing is open to kiosk accounts). A ticket comes
// back as 201 {id, number, zone, status, ahead, estimated_wait_min, live_url, token}; it is shown
// big, with the QR code of its live page, and printed.
'use strict';
(function () {
	var csrf = document.querySelector('meta[name="csrf-token"]');
	var lang = document.documentElement.lang;

	function post(path, body) {
		return fetch(path, {
			method: 'POST',
			credentials: 'same-origin',
			headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrf ? csrf.content : '' },
			body: JSON.stringify(body),
		}).then(function (r) {
			return r.json().then(function (j) {
				if (r.status !== 201) throw new Error(j.message || String(r.status));
				return j;
			});
		});
	}

	// The office-floor seam: everything the kiosk asks of src/floor, and nothing else does.
	var floorSeam = {
		// A walk-in ticket: body {zone, service?, age_band?, gender?, autonomous?, priority?, lang?}.
		takeTicket: function (office, body) {
			return post('/api/v1/offices/' + encodeURIComponent(office) + '/tickets', body);
		},
		// An appointment checked in: its code, the link its QR code holds, or the ID number.
		checkIn: function (office, appointment) {
			return post('/api/v1/offices/' + encodeURIComponent(office) + '/check-in', { appointment: appointment });
		},
	};

	function show(form, t) {
		var out = document.querySelector('[data-kiosk-ticket-out]');
		out.querySelector('[data-number]').textContent = t.number;
		// The API names the zone by its code: the screen shows the name the person chose.
		var chosen = form.querySelector('input[name="zone"]:checked + label');
		out.querySelector('[data-zone]').textContent = chosen ? chosen.textContent : t.zone;
		out.querySelector('[data-ahead]').textContent = String(t.ahead);
		out.querySelector('[data-wait]').textContent = t.estimated_wait_min + ' min';
		var qr = out.querySelector('[data-qr]');
		qr.addEventListener('load', function () {
			window.print();
		});
		qr.src = '/kiosk/qr.svg?u=' + encodeURIComponent(t.live_url);
		out.hidden = false;
		out.scrollIntoView();
	}

	function wire(form, act) {
		var err = document.querySelector('[data-kiosk-error]');
		form.addEventListener('submit', function (ev) {
			ev.preventDefault();
			err.hidden = true;
			act(form)
				.then(function (t) {
					form.hidden = true;
					show(form, t);
				})
				.catch(function () {
					err.textContent = form.dataset.error;
					err.hidden = false;
				});
		});
	}

	var ticket = document.querySelector('[data-kiosk-ticket]');
	if (ticket) {
		var wanted = new URLSearchParams(window.location.search).get('zone');
		if (wanted) {
			var z = ticket.querySelector('input[name="zone"][data-kind="' + wanted + '"]');
			if (z) z.checked = true;
		}
		wire(ticket, function (f) {
			var v = function (n) {
				var el = f.querySelector('input[name="' + n + '"]:checked');
				return el ? el.value : undefined;
			};
			var body = { zone: v('zone'), age_band: v('age_band'), gender: v('gender'), lang: lang };
			body.autonomous = !!v('autonomous');
			body.priority = !!v('priority');
			if (f.dataset.need) body.service = f.dataset.need;
			return floorSeam.takeTicket(f.dataset.office, body);
		});
	}

	// Reading the QR code with the browser's own detector.
	function byBrowser(video, found) {
		var detector = new window.BarcodeDetector({ formats: ['qr_code'] });
		var look = function () {
			detector.detect(video).then(function (codes) {
				if (!(codes.length && found(codes[0].rawValue))) requestAnimationFrame(look);
			});
		};
		return look;
	}

	// Reading it on the server: the frame downscaled to at most 640 pixels each way, in 8-bit grey
	// (Y800), as base64; one frame at a time, at most about three a second.
	var SCAN_SIDE = 640;
	var SCAN_EVERY_MS = 350;
	function byServer(video, found, say) {
		var canvas = document.createElement('canvas');
		var ctx = canvas.getContext('2d', { willReadFrequently: true });
		var frame = function () {
			var vw = video.videoWidth;
			var vh = video.videoHeight;
			if (!vw || !vh) return null;
			var k = Math.min(1, SCAN_SIDE / vw, SCAN_SIDE / vh);
			var w = Math.max(1, Math.floor(vw * k));
			var h = Math.max(1, Math.floor(vh * k));
			canvas.width = w;
			canvas.height = h;
			ctx.drawImage(video, 0, 0, w, h);
			var rgba = ctx.getImageData(0, 0, w, h).data;
			var grey = '';
			var chunk = [];
			for (var i = 0, j = 0; i < rgba.length; i += 4, j++) {
				chunk.push((rgba[i] * 77 + rgba[i + 1] * 150 + rgba[i + 2] * 29) >> 8);
				if (chunk.length === 8192) {
					grey += String.fromCharCode.apply(null, chunk);
					chunk = [];
				}
			}
			grey += String.fromCharCode.apply(null, chunk);
			return { width: w, height: h, y800: window.btoa(grey) };
		};
		var look = function () {
			var f = frame();
			if (!f) return setTimeout(look, SCAN_EVERY_MS);
			fetch('/kiosk/scan', {
				method: 'POST',
				credentials: 'same-origin',
				headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrf ? csrf.content : '' },
				body: JSON.stringify(f),
			})
				.then(function (r) {
					return r.json().then(function (j) {
						if (r.status === 200 && found(j.link)) return;
						if (r.status !== 200 && j.message) say.textContent = j.message;
						// Signed out or not a kiosk: stop; anything else: the next frame.
						if (r.status !== 401 && r.status !== 403 && r.status !== 404) setTimeout(look, SCAN_EVERY_MS);
					});
				})
				.catch(function () {
					setTimeout(look, SCAN_EVERY_MS);
				});
		};
		return look;
	}

	var checkin = document.querySelector('[data-kiosk-checkin]');
	if (checkin) {
		wire(checkin, function (f) {
			var code = f.elements.code.value.trim().toUpperCase();
			var scanned = f.elements.link.value;
			var link = scanned && code && scanned.indexOf('/cita/' + code) >= 0 ? scanned : '';
			return floorSeam.checkIn(f.dataset.office, link || code || f.elements.id_number.value.trim().toUpperCase());
		});
		// The confirmation's QR code is the appointment's link (…/cita/CODE?token=…): read with the
		// camera, by the browser where it can (BarcodeDetector), else by the server: a few grey
		// frames a second go to POST /kiosk/scan (Chromium on Linux has no BarcodeDetector).
		// Typing the code always works.
		var scan = checkin.querySelector('[data-kiosk-scan]');
		var video = checkin.querySelector('[data-kiosk-video]');
		var say = checkin.querySelector('[data-kiosk-scan-msg]');
		if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
			scan.hidden = false;
			scan.addEventListener('click', function () {
				navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } }).then(function (stream) {
					video.srcObject = stream;
					video.hidden = false;
					video.play();
					say.textContent = checkin.dataset.scanHint;
					say.hidden = false;
					var done = false;
					// The link the code holds, when it is an appointment's: the form is filled.
					var found = function (raw) {
						var m = raw && /\/cita\/([A-Z0-9]{8})\?token=/.exec(raw);
						if (!m || done) return false;
						done = true;
						checkin.elements.code.value = m[1];
						checkin.elements.link.value = raw; // the link proves itself
						stream.getTracks().forEach(function (t) {
							t.stop();
						});
						video.hidden = true;
						say.hidden = true;
						checkin.querySelector('button[type="submit"]').focus();
						return true;
					};
					var look = 'BarcodeDetector' in window ? byBrowser(video, found) : byServer(video, found, say);
					look();
				});
			});
		}
	}
})();
