// pow.js — the booking form's anti-robot check: solves the server's proof of work
// (src/booking/pow.c) and puts the answer in the form's "altcha" field.
//
// The server hands out {algorithm: "SHA-256", challenge, maxnumber, salt, signature}; the answer
// is the number n ≤ maxnumber with hex(SHA-256(salt + n)) = challenge, sent back as base64 of
// the JSON {algorithm, challenge, number, salt, signature}. Finding it takes maxnumber / 2
// hashes on average: a moment for a person, a cost for a program that books by the thousand.
//
// This one file is both the page's script and its Web Worker (the page starts a worker on its
// own URL), so the check costs one small download; without workers the page itself searches, in
// slices that leave it responsive. The search hashes with the plain SHA-256 below: for inputs
// this short, WebCrypto's one promise per digest makes it about three times slower (measured:
// 78,000 digests in 1.3 s against 0.4 s), and it is missing altogether outside a secure context
// (a city's intranet over plain HTTP). Where WebCrypto is there, it checks the answer found, and
// searches again itself should the two ever disagree. No inline script or eval: it runs under
// the site's CSP (script-src 'self').
'use strict';

// ---------------------------------------------------------------- SHA-256 in plain JavaScript

const K = new Uint32Array([
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
	0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
	0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
	0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2,
]);

// SHA-256 of bytes (a Uint8Array) as 8 big-endian words.
function sha256Words(bytes) {
	const n = bytes.length;
	const blocks = ((n + 9 + 63) >> 6) << 4; // words, padding and length included
	const w = new Uint32Array(blocks);
	for (let i = 0; i < n; i++) w[i >> 2] |= bytes[i] << (24 - (i & 3) * 8);
	w[n >> 2] |= 0x80 << (24 - (n & 3) * 8);
	w[blocks - 1] = n * 8;
	const h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
	const m = new Uint32Array(64);
	for (let b = 0; b < blocks; b += 16) {
		for (let t = 0; t < 16; t++) m[t] = w[b + t];
		for (let t = 16; t < 64; t++) {
			const x = m[t - 15], y = m[t - 2];
			const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
			const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
			m[t] = (m[t - 16] + s0 + m[t - 7] + s1) | 0;
		}
		let [a, bb, c, d, e, f, g, hh] = h;
		for (let t = 0; t < 64; t++) {
			const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
			const t1 = (hh + S1 + ((e & f) ^ (~e & g)) + K[t] + m[t]) | 0;
			const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
			const t2 = (S0 + ((a & bb) ^ (a & c) ^ (bb & c))) | 0;
			hh = g;
			g = f;
			f = e;
			e = (d + t1) | 0;
			d = c;
			c = bb;
			bb = a;
			a = (t1 + t2) | 0;
		}
		h[0] += a; h[1] += bb; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
	}
	return h;
}

function hexWords(hex) {
	const out = new Uint32Array(8);
	for (let i = 0; i < 8; i++) out[i] = parseInt(hex.slice(i * 8, i * 8 + 8), 16) >>> 0;
	return out;
}

function sameWords(a, b) {
	for (let i = 0; i < 8; i++) if (a[i] !== b[i]) return false;
	return true;
}

// ---------------------------------------------------------------- the search

const SLICE = 2000; // numbers tried between two looks at the clock (or at a new message)

// Tries from..to (inclusive) with WebCrypto, a batch of digests at a time; the number or -1.
async function searchSubtle(salt, want, from, to) {
	const enc = new TextEncoder();
	for (let n = from; n <= to; n += SLICE) {
		const last = Math.min(to, n + SLICE - 1);
		const jobs = [];
		for (let i = n; i <= last; i++) jobs.push(crypto.subtle.digest('SHA-256', enc.encode(salt + i)));
		const got = await Promise.all(jobs);
		for (let i = 0; i < got.length; i++) {
			const v = new DataView(got[i]);
			let ok = true;
			for (let k = 0; k < 8 && ok; k++) ok = v.getUint32(k * 4) === want[k];
			if (ok) return n + i;
		}
	}
	return -1;
}

// The same with the plain SHA-256, in slices that give the event loop a turn.
async function searchPlain(salt, want, from, to) {
	const enc = new TextEncoder();
	for (let n = from; n <= to; n += SLICE) {
		const last = Math.min(to, n + SLICE - 1);
		for (let i = n; i <= last; i++) if (sameWords(sha256Words(enc.encode(salt + i)), want)) return i;
		await new Promise((r) => setTimeout(r, 0));
	}
	return -1;
}

function hasSubtle() {
	return typeof crypto !== 'undefined' && crypto.subtle && typeof crypto.subtle.digest === 'function';
}

// The number that solves challenge c, or -1 when there is none up to c.maxnumber.
async function solve(c) {
	const want = hexWords(c.challenge);
	const n = await searchPlain(c.salt, want, 0, c.maxnumber);
	if (!hasSubtle()) return n;
	try {
		if (n >= 0 && (await searchSubtle(c.salt, want, n, n)) === n) return n;
		return await searchSubtle(c.salt, want, 0, c.maxnumber);
	} catch (e) {
		return n; // WebCrypto refused (some browsers, in a worker or a frame): keep ours
	}
}

const inWorker = typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope;

if (inWorker) {
	self.onmessage = (ev) => {
		solve(ev.data).then(
			(number) => self.postMessage({ number }),
			() => self.postMessage({ number: -1 })
		);
	};
} else {
	// ------------------------------------------------------------ the page
	const script = document.currentScript;

	// Solves in a worker started on this very file, else here.
	function solveSomewhere(c) {
		if (typeof Worker === 'function' && script && script.src) {
			try {
				const w = new Worker(script.src);
				return new Promise((resolve) => {
					w.onmessage = (ev) => {
						w.terminate();
						resolve(ev.data.number);
					};
					w.onerror = (ev) => {
						ev.preventDefault();
						w.terminate();
						resolve(solve(c));
					};
					w.postMessage(c);
				});
			} catch (e) {
				// a worker cannot start (a sandbox, an old browser): search here
			}
		}
		return solve(c);
	}

	// The expiry a challenge's salt carries ("…?expires=UNIX&"), in ms; 0 when it has none.
	function expiry(salt) {
		const m = /[?&]expires=(\d+)/.exec(salt);
		return m ? Number(m[1]) * 1000 : 0;
	}

	function setUp(box) {
		const form = box.closest('form');
		const field = box.querySelector('input[type="hidden"]');
		const status = box.querySelector('[role="status"]');
		const retry = box.querySelector('button');
		const say = (key) => {
			status.textContent = box.dataset[key] || '';
			box.dataset.state = key;
		};
		let running = null; // the promise of the search under way
		let expires = 0;
		let submitWhenDone = false;

		function run() {
			field.value = '';
			retry.hidden = true;
			say('verifying');
			running = fetch(box.dataset.challenge, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
				.then((r) => {
					if (!r.ok) throw new Error(`challenge: ${r.status}`);
					return r.json();
				})
				.then((c) =>
					solveSomewhere(c).then((number) => {
						if (number < 0) throw new Error('no solution');
						const payload = {
							algorithm: c.algorithm,
							challenge: c.challenge,
							number,
							salt: c.salt,
							signature: c.signature,
						};
						field.value = btoa(JSON.stringify(payload));
						expires = expiry(c.salt);
						say('verified');
						if (submitWhenDone) {
							submitWhenDone = false;
							if (form.requestSubmit) form.requestSubmit();
							else form.submit();
						}
					})
				)
				.catch(() => {
					submitWhenDone = false;
					say('error');
					retry.hidden = false;
				})
				.finally(() => {
					running = null;
				});
		}

		retry.addEventListener('click', run);
		// Sending before the check is done: say so, and send once it is.
		form.addEventListener('submit', (ev) => {
			const stale = expires && Date.now() > expires - 5000;
			if (field.value && !stale) return;
			ev.preventDefault();
			submitWhenDone = true;
			if (!running) run();
			say('wait');
		});
		run();
	}

	document.querySelectorAll('[data-pow]').forEach(setUp);
}
