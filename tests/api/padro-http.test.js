'use strict';
// The padró register over HTTP (padro.source = http, docs/padro-register.md): a small register
// service started here answers the documented JSON call; the server asks it with the bearer token,
// sends the code to the mobile it gives, issues the certificate from its answer, and treats an
// unknown ID (404) as the local register does. A service that fails, answers garbage or is too
// slow is a 503, never a crash.
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const L = require('./lib/server.js');
const { smsGateway } = require('./lib/sms.js');

const SMS_TOKEN = 'sms-http-token';
const REGISTER_TOKEN = 'register-secret';
const HOUSEHOLD = {
	household: { code: 'EXT-7', address: 'Carrer de la Platja, 9, 1r', postcode: '08992', district: 'Mar Blava' },
	people: [
		{ id_type: 'dni', id_number: '00000023T', given_name: 'Quim', surnames: 'Llorens Vidal', birth_date: '1970-07-07', registered_on: '1999-01-15', mobile: '611223344' },
		{ id_type: 'passport', id_number: 'ZX998877', given_name: 'Olga', surnames: 'Ivanova', birth_date: '1975-01-02', registered_on: '2020-03-04', mobile: null },
	],
};
const register = { calls: [] };
let gw, srv;

// The city's register service, as documented: POST {"id_type","id_number"} → 200 household | 404.
function startRegister() {
	register.server = http.createServer((req, res) => {
		let body = '';
		req.on('data', (c) => (body += c));
		req.on('end', () => {
			const j = JSON.parse(body || '{}');
			register.calls.push({ auth: req.headers.authorization, type: req.headers['content-type'], body: j });
			if (req.headers.authorization !== `Bearer ${REGISTER_TOKEN}`) return res.writeHead(401).end();
			if (j.id_number === '00000001R') return res.writeHead(500).end('boom');
			if (j.id_number === '00000002W') return res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"household":');
			if (j.id_number === '00000003A') return setTimeout(() => res.writeHead(404).end(), 3000);
			if (HOUSEHOLD.people.some((p) => p.id_number === j.id_number && p.id_type === j.id_type)) {
				return res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(HOUSEHOLD));
			}
			res.writeHead(404).end();
		});
	});
	return new Promise((r) => register.server.listen(0, '127.0.0.1', r));
}

before(async () => {
	gw = await smsGateway(SMS_TOKEN);
	await startRegister();
	srv = new L.Server({
		name: 'padro-http',
		env: {
			FINESTRETA_PADRO_SOURCE: 'http',
			FINESTRETA_PADRO_HTTP_URL: `http://127.0.0.1:${register.server.address().port}/padro/lookup`,
			FINESTRETA_PADRO_HTTP_TOKEN: REGISTER_TOKEN,
			FINESTRETA_PADRO_HTTP_TIMEOUT: '1',
			FINESTRETA_PADRO_RATE_PER_MINUTE: '0',
			FINESTRETA_SMS_GATEWAY_URL: gw.url,
			FINESTRETA_SMS_GATEWAY_TOKEN: SMS_TOKEN,
			FINESTRETA_JOBS_INTERVAL: '1',
		},
	});
	await srv.ready();
}, { timeout: 60000 });

after(async () => {
	if (srv) await srv.kill();
	if (gw) await gw.close();
	if (register.server) register.server.close();
});

const askCode = (id_type, id_number) => srv.request('POST', '/api/v1/padro/codes', { body: { id_type, id_number } });

describe('padró over HTTP: the city register service', () => {
	it('asks the service with the bearer token and the ID; the code goes to the mobile the service gives', async () => {
		const since = gw.messages.length;
		const r = await askCode('dni', '00000023t');
		assert.equal(r.status, 202, r.text);
		const call = register.calls[register.calls.length - 1];
		assert.equal(call.auth, `Bearer ${REGISTER_TOKEN}`);
		assert.match(call.type, /^application\/json/);
		assert.deepEqual(call.body, { id_type: 'dni', id_number: '00000023T' }, 'the number normalised');
		const m = await gw.next((x) => gw.messages.indexOf(x) >= since);
		assert.equal(m.to, '+34611223344');
		const code = /\b(\d{6})\b/.exec(m.text)[1];
		const v = await srv.request('POST', '/api/v1/padro/volants', { body: { id_type: 'dni', id_number: '00000023T', code, kind: 'collective', lang: 'ca' } });
		assert.equal(v.status, 201, v.text);
		const pdf = await srv.get(new URL(v.json().pdf_url).pathname);
		assert.equal(pdf.status, 200);
		const text = require('node:child_process').execFileSync('pdftotext', ['-', '-'], { input: pdf.body, encoding: 'utf8' });
		for (const s of ['Carrer de la Platja, 9, 1r', 'Quim Llorens Vidal', 'Olga Ivanova', 'Passaport ZX998877']) assert.ok(text.includes(s), `${s} in:\n${text}`);
	});

	it('an ID the service does not know: the same 202, no SMS', async () => {
		const since = gw.messages.length;
		const known = await askCode('passport', 'ZX998877');
		const unknown = await askCode('dni', '00000004G');
		assert.equal(unknown.status, 202);
		assert.equal(unknown.text, known.text);
		await L.sleep(2500);
		assert.equal(gw.messages.length, since, 'Olga has no mobile and the other ID is unknown: nothing sent');
	});

	it('a service that fails, answers what is not a household, or is too slow: 503', async () => {
		for (const id of ['00000001R', '00000002W', '00000003A']) {
			const t0 = Date.now();
			const r = await askCode('dni', id);
			L.assertJsonError(r, 503, 'unavailable', id);
			assert.ok(Date.now() - t0 < 2900, `${id}: answered within padro.http_timeout (${Date.now() - t0} ms)`);
		}
		assert.equal((await srv.get('/healthz')).status, 200);
	});

	it('SIGTERM: the server exits 0', () => srv.stop());
});
