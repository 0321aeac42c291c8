// room.js — the built-in 1:1 video call of a remote appointment (templates/remote/room.html).
//
// The waiting room checks the camera and the microphone; "enter" opens the room's event stream
// and says hello. Signalling goes through the server: this page POSTs each message
// (…/video/signal) and the event stream only says that one is waiting, which the page then reads
// (…/video/signals?after=ID), in order; a slow poll covers a dropped stream. The informer's page
// makes the offer whenever a citizen's page says hello, so a reload on either side reconnects.
// Mute and camera off disable the tracks; sharing the screen replaces the camera's track; when
// video fails the call goes on with voice only, and the citizen may ask to be called instead.
// window.finestretaCall exposes the peer connection (tests read its getStats()).
'use strict';
(function () {
	const root = document.getElementById('rm-room');
	if (!root) return;
	const d = root.dataset;
	const staff = d.side === 'staff';
	const q = d.token ? '?token=' + encodeURIComponent(d.token) : '';
	const amp = q ? '&' : '?';
	const $ = (id) => document.getElementById(id);
	const status = $('rm-status');
	const say = (key) => {
		status.textContent = d[key] || key;
	};
	const hex = (n) => Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => b.toString(16).padStart(2, '0')).join('');
	const me = hex(8);
	const call = (window.finestretaCall = { pc: null, state: 'waiting-room', joined: false, remotePeer: null, verified: false, phoneAsked: false });

	let local = null; // MediaStream
	let ice = { iceServers: [] };
	let events = null;
	let after = 0;
	let ready = false;
	let pulling = false;
	let again = false;
	let gen = 0;
	let pending = []; // candidates that came before the description
	let watchdog = null;
	let ended = false;

	const headers = () => {
		const h = { 'Content-Type': 'application/json' };
		if (staff) h['X-CSRF-Token'] = d.csrf;
		return h;
	};

	// Messages leave one at a time, in order.
	let chain = Promise.resolve();
	function send(kind, body = {}, keepalive = false) {
		const p = chain.then(() =>
			fetch(d.api + '/signal' + q, { method: 'POST', headers: headers(), body: JSON.stringify({ kind, body }), keepalive }).then((r) => {
				if (!r.ok) throw new Error('signal ' + kind + ': ' + r.status);
				return r.json();
			})
		);
		chain = p.catch(() => {});
		return p;
	}

	// ------------------------------------------------------------ the waiting room

	async function getMedia() {
		const tries = [{ audio: true, video: { width: 640, height: 480 } }, { audio: true }, { video: true }];
		for (const c of tries) {
			try {
				return await navigator.mediaDevices.getUserMedia(c);
			} catch (e) {
				/* next */
			}
		}
		return null;
	}

	function meter(stream) {
		const track = stream.getAudioTracks()[0];
		if (!track || !window.AudioContext) return;
		const ctx = new AudioContext();
		const src = ctx.createMediaStreamSource(new MediaStream([track]));
		const an = ctx.createAnalyser();
		an.fftSize = 512;
		src.connect(an);
		const data = new Uint8Array(an.fftSize);
		const m = $('rm-level');
		const tick = () => {
			an.getByteTimeDomainData(data);
			let peak = 0;
			for (const v of data) peak = Math.max(peak, Math.abs(v - 128));
			m.value = Math.min(100, Math.round((peak / 128) * 200));
			m.textContent = String(m.value);
			if (!ended) requestAnimationFrame(tick);
		};
		tick();
	}

	async function prepare() {
		if (!navigator.mediaDevices || !window.RTCPeerConnection) {
			say('msgNodevice');
			showFallback();
			return;
		}
		local = await getMedia();
		const cam = $('rm-camera-state');
		if (!local) {
			say('msgNodevice');
			cam.textContent = d.msgNodevice;
			showFallback();
		} else {
			$('rm-local-video').srcObject = local;
			meter(local);
			if (local.getVideoTracks().length) {
				cam.textContent = d.msgReady;
				say('msgReady');
			} else {
				// No camera: the call goes on with voice, and the phone is offered as well.
				cam.textContent = d.msgAudioonly;
				say('msgAudioonly');
				$('rm-audio').hidden = true;
				$('rm-camera').hidden = true;
				showFallback();
			}
		}
		$('rm-join').disabled = false;
	}

	// ------------------------------------------------------------ the call

	function showFallback() {
		$('rm-fallback').hidden = false;
	}

	function closePeer() {
		if (call.pc) {
			call.pc.onicecandidate = call.pc.ontrack = call.pc.onconnectionstatechange = null;
			call.pc.close();
		}
		call.pc = null;
		pending = [];
		clearTimeout(watchdog);
	}

	function newPeer() {
		closePeer();
		const pc = new RTCPeerConnection({ iceServers: ice.iceServers || [], iceTransportPolicy: ice.iceTransportPolicy || 'all' });
		const tracks = local ? local.getTracks() : [];
		for (const t of tracks) pc.addTrack(t, local);
		if (!tracks.some((t) => t.kind === 'audio')) pc.addTransceiver('audio', { direction: 'recvonly' });
		if (!tracks.some((t) => t.kind === 'video')) pc.addTransceiver('video', { direction: 'recvonly' });
		const g = gen;
		pc.onicecandidate = (e) => {
			if (e.candidate) send('candidate', { candidate: e.candidate.toJSON(), gen: g, peer: me }).catch(() => {});
		};
		pc.ontrack = (e) => {
			const v = $('rm-remote-video');
			if (v.srcObject !== e.streams[0]) v.srcObject = e.streams[0] || new MediaStream([e.track]);
		};
		pc.onconnectionstatechange = () => {
			call.state = pc.connectionState;
			if (pc.connectionState === 'connected') {
				clearTimeout(watchdog);
				say('msgConnected');
				$('rm-fallback').hidden = true;
				if (staff) send('media', { state: 'connected' }).catch(() => {});
			} else if (pc.connectionState === 'failed') {
				say('msgFailed');
				showFallback();
				if (staff) offer(true);
			}
		};
		watchdog = setTimeout(() => {
			if (pc.connectionState !== 'connected') showFallback();
		}, 20000);
		call.pc = pc;
		return pc;
	}

	async function offer(restart = false) {
		gen++;
		const pc = restart && call.pc ? call.pc : newPeer();
		say('msgConnecting');
		const o = await pc.createOffer(restart ? { iceRestart: true } : undefined);
		await pc.setLocalDescription(o);
		await send('offer', { type: o.type, sdp: o.sdp, gen, peer: me });
	}

	async function flush(pc) {
		const list = pending;
		pending = [];
		for (const c of list) await pc.addIceCandidate(c).catch(() => {});
	}

	async function handle(m) {
		const b = m.body || {};
		switch (m.kind) {
			case 'hello':
				if (b.peer !== call.remotePeer) {
					call.remotePeer = b.peer;
					if (!staff) closePeer();
				}
				if (!b.reply) await send('hello', { peer: me, reply: true });
				if (staff) await offer();
				else say('msgConnecting');
				break;
			case 'offer':
				if (staff) break;
				call.remotePeer = b.peer;
				gen = b.gen;
				{
					const pc = newPeer();
					await pc.setRemoteDescription({ type: 'offer', sdp: b.sdp });
					const a = await pc.createAnswer();
					await pc.setLocalDescription(a);
					await send('answer', { type: a.type, sdp: a.sdp, gen: b.gen, peer: me });
					await flush(pc);
				}
				break;
			case 'answer':
				if (!staff || !call.pc || b.gen !== gen) break;
				await call.pc.setRemoteDescription({ type: 'answer', sdp: b.sdp });
				await flush(call.pc);
				break;
			case 'candidate':
				if (b.gen !== gen || !b.candidate) break;
				if (call.pc && call.pc.remoteDescription) await call.pc.addIceCandidate(b.candidate).catch(() => {});
				else pending.push(b.candidate);
				break;
			case 'bye':
				if (b.peer && b.peer !== call.remotePeer) break;
				closePeer();
				call.state = 'left';
				$('rm-remote-video').srcObject = null;
				say('msgLeft');
				break;
			case 'verified':
				call.verified = true;
				say('msgVerified');
				break;
			case 'phone_request':
				call.phoneAsked = true;
				if ($('rm-phone-request')) $('rm-phone-request').hidden = false;
				break;
			default:
				break;
		}
	}

	async function pull() {
		if (!ready) return;
		if (pulling) {
			again = true;
			return;
		}
		pulling = true;
		try {
			do {
				again = false;
				const r = await fetch(d.api + '/signals' + q + amp + 'after=' + after, { headers: { Accept: 'application/json' } });
				if (!r.ok) throw new Error('signals: ' + r.status);
				const j = await r.json();
				for (const m of j.messages) {
					after = Math.max(after, m.id);
					await handle(m);
				}
				if (j.messages.length === 200) again = true;
			} while (again);
		} catch (e) {
			console.warn(String(e));
		} finally {
			pulling = false;
		}
	}

	async function join() {
		$('rm-join').disabled = true;
		try {
			const r = await fetch(d.api + '/ice' + q, { headers: { Accept: 'application/json' } });
			if (!r.ok) throw new Error('ice: ' + r.status);
			ice = await r.json();
		} catch (e) {
			say('msgError');
			$('rm-join').disabled = false;
			return;
		}
		$('rm-check').hidden = true;
		$('rm-controls').hidden = false;
		call.joined = true;
		say(staff ? 'msgWaitingCitizen' : 'msgWaitingStaff');
		events = new EventSource(d.api + '/events' + q);
		events.addEventListener('signal', () => pull());
		let first = true;
		events.onopen = async () => {
			if (!first) return pull();
			first = false;
			const h = await send('hello', { peer: me, reply: false });
			after = Math.max(after, h.last || 0);
			ready = true;
			pull();
		};
		setInterval(pull, 5000);
	}

	// ------------------------------------------------------------ controls

	function toggle(btn, kind, onKey, offKey) {
		const t = local && (kind === 'audio' ? local.getAudioTracks()[0] : local.getVideoTracks()[0]);
		if (!t) return;
		t.enabled = !t.enabled;
		btn.setAttribute('aria-pressed', String(!t.enabled));
		btn.textContent = d[t.enabled ? onKey : offKey];
	}

	async function share(btn) {
		const sender = call.pc && call.pc.getSenders().find((s) => s.track && s.track.kind === 'video');
		if (!sender) return;
		if (call.screen) {
			call.screen.getTracks().forEach((t) => t.stop());
			call.screen = null;
			await sender.replaceTrack(local.getVideoTracks()[0] || null);
			btn.setAttribute('aria-pressed', 'false');
			btn.textContent = d.msgShare;
			return;
		}
		try {
			call.screen = await navigator.mediaDevices.getDisplayMedia({ video: true });
		} catch (e) {
			return;
		}
		const t = call.screen.getVideoTracks()[0];
		t.onended = () => call.screen && share(btn);
		await sender.replaceTrack(t);
		btn.setAttribute('aria-pressed', 'true');
		btn.textContent = d.msgUnshare;
	}

	function audioOnly() {
		if (local) {
			for (const t of local.getVideoTracks()) {
				t.stop();
				local.removeTrack(t);
			}
		}
		const sender = call.pc && call.pc.getSenders().find((s) => s.track && s.track.kind === 'video');
		if (sender) sender.replaceTrack(null);
		$('rm-local-video').hidden = true;
		say('msgAudioonly');
	}

	function end() {
		if (ended) return;
		ended = true;
		send('bye', { peer: me }, true).catch(() => {});
		closePeer();
		if (events) events.close();
		if (local) local.getTracks().forEach((t) => t.stop());
		call.state = 'ended';
		$('rm-controls').hidden = true;
		say('msgEnded');
	}

	$('rm-join').addEventListener('click', join);
	$('rm-mute').addEventListener('click', (e) => toggle(e.currentTarget, 'audio', 'msgMute', 'msgUnmute'));
	$('rm-camera').addEventListener('click', (e) => toggle(e.currentTarget, 'video', 'msgCameraOff', 'msgCameraOn'));
	$('rm-end').addEventListener('click', end);
	$('rm-audio').addEventListener('click', audioOnly);
	if ($('rm-share')) $('rm-share').addEventListener('click', (e) => share(e.currentTarget));
	if ($('rm-verify'))
		$('rm-verify').addEventListener('click', async () => {
			const r = await fetch(d.api + '/verified', { method: 'POST', headers: headers(), body: '{}' });
			if (r.ok) {
				call.verified = true;
				say('msgVerified');
			}
		});
	if ($('rm-phone'))
		$('rm-phone').addEventListener('click', () =>
			send('phone_request', {}).then(() => {
				call.phoneAsked = true;
				say('msgPhoneSent');
			})
		);
	window.addEventListener('pagehide', () => {
		if (call.joined && !ended) send('bye', { peer: me }, true).catch(() => {});
	});
	prepare();
})();
