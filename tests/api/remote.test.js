'use strict';
// The skeleton capability's HTTP interface (src/example/): the page and its form, the JSON API, the
// roles, a bad field. Skipped while the binary does not serve the capability (the skeleton is not
// in the table); a copy of the skeleton keeps this file, renamed, as its own API suite.
const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib/server.js');

const served = L.hasCapability('example');
const srv = served ? L.useServer({ env: { FINESTRETA_EXAMPLE_MAX_LENGTH: '40' } }) : null;

describe('example: notes per office', { skip: !served && 'src/example/ is not in the capability table' }, () => {
	let coord; // { jar, csrf }

	before(async () => {
		coord = await srv.loginOk(L.DEMO_USERS.coordinator);
	});

	it('shows the demo notes of the office, to staff only', async () => {
		const page = await srv.get('/example?office=centre', { jar: coord.jar });
		L.assertHtml(page, 200, 'GET /example');
		assert.match(page.text, /Benvinguts a l&#39;oficina\./);
		const anon = await srv.get('/example');
		assert.equal(anon.status, 303, 'anonymous visitors go to the sign-in page');
	});

	it('adds a note: 303 to the page, which shows it; the API lists it', async () => {
		const r = await srv.postForm('/example', { office: 'centre', body: 'Nota de prova' }, { jar: coord.jar, csrf: coord.csrf });
		assert.equal(r.status, 303, r.text.slice(0, 300));
		assert.equal(r.headers.location, '/example?saved=1&office=centre');
		const page = await srv.get(r.headers.location, { jar: coord.jar });
		assert.match(page.text, /Nota de prova/);
		assert.match(page.text, /role="status"/);
		const api = await srv.get('/api/v1/example/notes?office=centre', { jar: coord.jar });
		assert.equal(api.status, 200);
		assert.equal(api.json().notes[0].body, 'Nota de prova');
	});

	it('a note longer than example.max_length is a 422 with the field marked', async () => {
		const r = await srv.postForm('/example', { office: 'centre', body: 'x'.repeat(41) }, { jar: coord.jar, csrf: coord.csrf });
		L.assertHtml(r, 422, 'too long');
		assert.match(r.text, /id="ex-body-err"/);
	});

	it('SIGTERM: the server exits 0', () => srv.stop());
});
