'use strict';
// Deferred requests answered by SMS (docs/api.md "Requests"): with an SMS gateway set, the citizen
// who gave only a phone gets the code and a status link by SMS — a link without the token that
// leads to a page asking for the phone, which then shows the request — and an informer's answer
// by SMS reaches the same phone through the outbox. The gateway is a real HTTP server on loopback.
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const L = require('./lib/server.js');

const PUBLIC = 'http://vilamar.test';
const PHONE = '+34612345678';
const sent = [];
let gateway;
let srv;

function startGateway() {
	return new Promise((resolve) => {
		gateway = http.createServer((req, res) => {
			let body = '';
			req.on('data', (c) => (body += c));
			req.on('end', () => {
				sent.push({ auth: req.headers.authorization, json: JSON.parse(body) });
				res.writeHead(200, { 'Content-Type': 'application/json' });
				res.end('{"ok":true}');
			});
		});
		gateway.listen(0, '127.0.0.1', () => resolve(gateway.address().port));
	});
}

async function smsTo(re) {
	const find = () => sent.find((m) => m.json.to === PHONE && re.test(m.json.text));
	await L.waitFor(find, 20000, `an SMS to ${PHONE} matching ${re}`);
	return find();
}

describe('requests by SMS', () => {
	let informer;

	before(async () => {
		const port = await startGateway();
		srv = new L.Server({
			name: 'requests-sms',
			env: {
				FINESTRETA_SMS_GATEWAY_URL: `http://127.0.0.1:${port}/send`,
				FINESTRETA_SMS_GATEWAY_TOKEN: 'gw-secret',
				FINESTRETA_JOBS_INTERVAL: '1',
				FINESTRETA_SERVER_PUBLIC_URL: PUBLIC,
				FINESTRETA_REQUESTS_RATE_CREATE: '0',
			},
		});
		await srv.ready();
		informer = { Authorization: `Bearer ${await srv.token(L.DEMO_USERS.informer)}` };
	}, { timeout: 60000 });

	after(async () => {
		if (srv) await srv.kill();
		if (gateway) gateway.close();
	});

	it('the acknowledgement goes by SMS with a status link (no token) that leads to the request', async () => {
		const r = await srv.request('POST', '/api/v1/requests', {
			body: { topic: 'info', text: 'On es paga la taxa de residus?', name: 'Pere Vidal', phone: '612 34 56 78', answer_by: 'sms', lang: 'ca' },
		});
		assert.equal(r.status, 201, r.text);
		const { code } = r.json();
		const ack = await smsTo(new RegExp(code));
		assert.equal(ack.auth, 'Bearer gw-secret');
		const link = ack.json.text.match(/https?:\/\/\S+/)[0];
		assert.equal(link, `${PUBLIC}/consulta/${code}`, 'the SMS link carries no token');
		const jar = new L.CookieJar();
		const ask = await srv.get(`/consulta/${code}`, { jar });
		L.assertHtml(ask, 200, 'the SMS link asks for the contact');
		assert.doesNotMatch(ask.text, /taxa de residus/, 'nothing shown before the contact is given');
		const page = await srv.postForm(`/consulta/${code}`, { contact: '612345678' }, { jar, formPage: `/consulta/${code}` });
		L.assertHtml(page, 200, 'the status page after the phone');
		assert.match(page.text, /taxa de residus/);

		const act = (action, body) => srv.request('POST', `/api/v1/requests/${code}/${action}`, { headers: informer, body });
		assert.equal((await act('assign', {})).status, 200);
		const ans = await act('answer', { channel: 'sms', text: 'A l\'oficina de tributs o en línia.' });
		assert.equal(ans.status, 200, ans.text);
		assert.equal(ans.json().status, 'answered');
		const note = await smsTo(/té resposta/);
		assert.match(note.json.text, new RegExp(`${PUBLIC}/consulta/${code}(\\s|$)`), 'the answer SMS links the status page');
		const row = L.sql(srv.db, `SELECT status FROM outbox WHERE kind = 'requests_answer' AND to_phone = '${PHONE}'`);
		assert.equal(row, 'sent');
		const seen = await srv.get(`/api/v1/requests/${code}?contact=${encodeURIComponent(PHONE)}`);
		assert.equal(seen.status, 200, seen.text);
		assert.ok(seen.json().events.some((e) => e.text === 'A l\'oficina de tributs o en línia.' && e.channel === 'sms'), JSON.stringify(seen.json().events));
	});
});
