'use strict';
// A local SMS gateway for tests: an HTTP server on loopback that takes what notify POSTs
// ({"to","text"} with a bearer token, docs/configuration.md [sms]) and keeps it.
//   const gw = await smsGateway('token');  env FINESTRETA_SMS_GATEWAY_URL = gw.url
//   const m = await gw.next((m) => m.to === '+34600000001');  gw.close();
const http = require('node:http');

async function smsGateway(token) {
	const gw = { messages: [], waiters: [], bad: [] };
	gw.server = http.createServer((req, res) => {
		let body = '';
		req.on('data', (c) => (body += c));
		req.on('end', () => {
			if (req.headers.authorization !== `Bearer ${token}` || req.method !== 'POST') {
				gw.bad.push({ method: req.method, auth: req.headers.authorization });
				res.writeHead(401).end();
				return;
			}
			let m;
			try {
				m = JSON.parse(body);
			} catch {
				res.writeHead(400).end();
				return;
			}
			gw.messages.push(m);
			gw.waiters = gw.waiters.filter((w) => (w.pred(m) ? (clearTimeout(w.timer), w.resolve(m), false) : true));
			res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
		});
	});
	await new Promise((r) => gw.server.listen(0, '127.0.0.1', r));
	gw.url = `http://127.0.0.1:${gw.server.address().port}/send`;
	// The first message (already received or still to come) that pred accepts.
	gw.next = (pred, ms = 15000) => {
		const seen = gw.messages.find(pred);
		if (seen) return Promise.resolve(seen);
		return new Promise((resolve, reject) => {
			const w = { pred, resolve };
			w.timer = setTimeout(() => {
				gw.waiters = gw.waiters.filter((x) => x !== w);
				reject(new Error(`no SMS matching within ${ms} ms; received ${JSON.stringify(gw.messages)}`));
			}, ms);
			gw.waiters.push(w);
		});
	};
	gw.close = () => new Promise((r) => gw.server.close(r));
	return gw;
}

module.exports = { smsGateway };
