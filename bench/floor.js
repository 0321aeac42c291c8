'use strict';
// floor.js — the office floor under load, against a running demo server (scripts/run-bench.sh).
//
//   node bench/floor.js PORT TOKEN [STREAMS] [CALLS] [ISSUES] [WAITING]
//
// 1. Ticket issue throughput: WAITING (0) tickets issued first, not timed, so the queue starts
//    that long; then ISSUES (2000) POST /api/v1/offices/mar-blava/tickets over 16 keep-alive
//    connections; requests/s and latency p50/p99.
// 2. Call-next throughput: every desk of the office calls next and marks a no-show in a loop
//    until the issued tickets run out (one connection per desk); call-next requests/s and their
//    latency p50/p99.
// 3. Call-to-display latency: STREAMS (1000) Server-Sent Event streams open at once, half call
//    displays (/api/v1/offices/mar-blava/calls), half live pages of waiting tickets
//    (/api/v1/tickets/ID/events); then CALLS (100) calls one after the other, each timed from the
//    moment its request is sent to the moment each stream has the event (the display its "call",
//    the live page the "queue" event of that ticket): p50, p99 and max over every delivery.
// Output: one "key=value" line per measurement on stdout; progress on stderr. Exit 0 only when
// every stream connected and every event reached every stream. Loopback only; bounded waits.
const http = require('node:http');

const [PORT, TOKEN, STREAMS = '1000', CALLS = '100', ISSUES = '2000', WAITING = '0'] = process.argv.slice(2);
const OFFICE = 'mar-blava';
const DESKS = ['taula-1', 'taula-2', 'taula-3', 'autoservei-1', 'autoservei-2'];
const ZONES = ['assistida', 'autoservei'];
const AUTH = { Authorization: `Bearer ${TOKEN}` };
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

const say = (m) => process.stderr.write(`floor-bench: ${m}\n`);
const out = (k, v) => process.stdout.write(`${k}=${v}\n`);

function request(method, path, body, ag = agent) {
	return new Promise((resolve, reject) => {
		const data = body === undefined ? null : Buffer.from(JSON.stringify(body));
		const headers = { ...AUTH };
		if (data) Object.assign(headers, { 'Content-Type': 'application/json', 'Content-Length': data.length });
		const req = http.request({ host: '127.0.0.1', port: PORT, method, path, headers, agent: ag }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString() }));
		});
		req.setTimeout(30000, () => req.destroy(new Error(`${method} ${path}: timeout`)));
		req.on('error', reject);
		req.end(data);
	});
}

function pct(sorted, p) {
	if (!sorted.length) return 0;
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const ms = (x) => x.toFixed(2);
const now = () => Number(process.hrtime.bigint()) / 1e6;

async function issueAll(n, timed = true) {
	const lat = [];
	const ids = [];
	let next = 0;
	const t0 = now();
	async function worker() {
		while (next < n) {
			const i = next++;
			const t = now();
			const r = await request('POST', `/api/v1/offices/${OFFICE}/tickets`, { zone: ZONES[i % ZONES.length] });
			lat.push(now() - t);
			if (r.status !== 201) throw new Error(`issue: ${r.status} ${r.text.slice(0, 200)}`);
			ids.push(JSON.parse(r.text));
		}
	}
	await Promise.all(Array.from({ length: 16 }, worker));
	const secs = (now() - t0) / 1000;
	if (!timed) return ids;
	lat.sort((a, b) => a - b);
	out('issue_n', n);
	out('issue_per_s', (n / secs).toFixed(0));
	out('issue_p50_ms', ms(pct(lat, 50)));
	out('issue_p99_ms', ms(pct(lat, 99)));
	return ids;
}

async function callAll() {
	const lat = [];
	let calls = 0;
	const t0 = now();
	async function desk(code) {
		const ag = new http.Agent({ keepAlive: true, maxSockets: 1 });
		for (;;) {
			const t = now();
			const r = await request('POST', `/api/v1/offices/${OFFICE}/desks/${code}/call-next`, undefined, ag);
			if (r.status === 204) return;
			lat.push(now() - t);
			if (r.status !== 200) throw new Error(`call-next ${code}: ${r.status} ${r.text.slice(0, 200)}`);
			calls++;
			const id = JSON.parse(r.text).id;
			const s = await request('POST', `/api/v1/tickets/${id}/no-show`, undefined, ag);
			if (s.status !== 200) throw new Error(`no-show: ${s.status} ${s.text.slice(0, 200)}`);
		}
	}
	await Promise.all(DESKS.map(desk));
	const secs = (now() - t0) / 1000;
	lat.sort((a, b) => a - b);
	out('call_n', calls);
	out('call_desks', DESKS.length);
	out('call_per_s', (calls / secs).toFixed(0));
	out('call_p50_ms', ms(pct(lat, 50)));
	out('call_p99_ms', ms(pct(lat, 99)));
}

// An SSE stream calling onEvent(type, data) per event; resolves once the response head arrived.
function stream(path, onEvent) {
	return new Promise((resolve, reject) => {
		const req = http.get({ host: '127.0.0.1', port: PORT, path, agent: false, headers: { Accept: 'text/event-stream' } }, (res) => {
			if (res.statusCode !== 200) return reject(new Error(`${path}: ${res.statusCode}`));
			let buf = '';
			let type = 'message';
			let data = '';
			res.setEncoding('utf8');
			res.on('data', (c) => {
				buf += c;
				let i;
				while ((i = buf.indexOf('\n')) >= 0) {
					const line = buf.slice(0, i);
					buf = buf.slice(i + 1);
					if (line === '') {
						if (data) onEvent(type, data);
						type = 'message';
						data = '';
					} else if (line.startsWith('event: ')) type = line.slice(7);
					else if (line.startsWith('data: ')) data = line.slice(6);
				}
			});
			resolve(req);
		});
		req.on('error', reject);
		req.setTimeout(0);
	});
}

async function latency(nStreams, nCalls) {
	// The tickets the live pages follow stay waiting: a zone of their own (cita-previa), never
	// called; the calls are made at taula-1 from the assisted zone.
	const live = Math.floor(nStreams / 2);
	const followed = [];
	for (let i = 0; i < live; i++) {
		const r = await request('POST', `/api/v1/offices/${OFFICE}/tickets`, { zone: 'cita-previa' });
		if (r.status !== 201) throw new Error(`issue: ${r.status}`);
		followed.push(JSON.parse(r.text));
	}
	const pending = new Map(); // number → { t0, got: Set }
	const samples = [];
	let missed = 0;
	const onDisplay = (k) => (type, data) => {
		if (type !== 'call') return;
		const p = pending.get(JSON.parse(data).number);
		if (p && !p.got.has(k)) {
			p.got.add(k);
			samples.push(now() - p.t0);
		}
	};
	const onLive = (k) => (type, data) => {
		if (type !== 'queue') return;
		const d = JSON.parse(data);
		const p = d.ticket && pending.get(d.ticket.number);
		if (p && d.ticket.status === 'called' && !p.got.has(k)) {
			p.got.add(k);
			samples.push(now() - p.t0);
		}
	};
	const reqs = [];
	const t0 = now();
	for (let k = 0; k < nStreams; k++) {
		const path = k < nStreams - live ? `/api/v1/offices/${OFFICE}/calls` : `/api/v1/tickets/${followed[k - (nStreams - live)].id}/events?token=${followed[k - (nStreams - live)].token}`;
		reqs.push(await stream(path, k < nStreams - live ? onDisplay(k) : onLive(k)));
	}
	out('streams', nStreams);
	out('streams_open_s', ((now() - t0) / 1000).toFixed(1));
	await new Promise((r) => setTimeout(r, 1000));
	for (let c = 0; c < nCalls; c++) {
		const r = await request('POST', `/api/v1/offices/${OFFICE}/tickets`, { zone: 'assistida' });
		const t = JSON.parse(r.text);
		const p = { t0: 0, got: new Set() };
		pending.set(t.number, p);
		p.t0 = now();
		const called = await request('POST', `/api/v1/offices/${OFFICE}/desks/taula-1/call`, { ticket: t.id });
		if (called.status !== 200) throw new Error(`call: ${called.status} ${called.text.slice(0, 200)}`);
		const deadline = now() + 10000;
		while (p.got.size < nStreams && now() < deadline) await new Promise((res) => setTimeout(res, 2));
		missed += nStreams - p.got.size;
		pending.delete(t.number);
		await request('POST', `/api/v1/tickets/${t.id}/no-show`);
	}
	for (const q of reqs) q.destroy();
	samples.sort((a, b) => a - b);
	out('latency_calls', nCalls);
	out('latency_deliveries', samples.length);
	out('latency_missed', missed);
	out('latency_p50_ms', ms(pct(samples, 50)));
	out('latency_p99_ms', ms(pct(samples, 99)));
	out('latency_max_ms', ms(samples[samples.length - 1] || 0));
	return missed;
}

(async () => {
	say(`issuing ${WAITING} tickets, not timed`);
	await issueAll(Number(WAITING), false);
	out('issue_waiting_before', WAITING);
	say(`issuing ${ISSUES} tickets`);
	await issueAll(Number(ISSUES));
	say('calling them all at every desk');
	await callAll();
	say(`${STREAMS} streams, ${CALLS} calls`);
	const missed = await latency(Number(STREAMS), Number(CALLS));
	agent.destroy();
	process.exit(missed ? 1 : 0);
})().catch((e) => {
	say(String(e.stack || e));
	process.exit(1);
});
