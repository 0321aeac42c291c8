'use strict';
// Compression (docs/api.md "Compression"): static files precompressed with gzip and Brotli at
// start, pages and JSON compressed as they are sent, chosen by Accept-Encoding (q-values, "*",
// identity, q=0), each coded form with its own entity tag and 304s for it, Vary:
// Accept-Encoding, HEAD like GET, never an event stream. Bodies are decoded with node's zlib and
// compared with the identity answer, byte for byte.
const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const zlib = require('node:zlib');
const L = require('./lib/server.js');

const srv = L.useServer({ name: 'compression server' });

let css; // fingerprinted and plain paths of the stylesheet
let plainCss; // its bytes

before(async () => {
	await srv.ready();
	const home = await srv.get('/');
	const link = L.tags(home.text, 'link').find((a) => /\bstylesheet\b/.test(a.rel || ''));
	const m = /^\/static\/(.+)\.([0-9a-f]{8,})\.css$/.exec(link.href);
	assert.ok(m, link.href);
	css = { fingerprinted: link.href, plain: `/static/${m[1]}.css` };
	plainCss = (await srv.get(css.plain)).body;
});

function get(path, ae, headers = {}) {
	return srv.get(path, { headers: ae === undefined ? headers : { 'Accept-Encoding': ae, ...headers } });
}

function decode(r) {
	const ce = r.headers['content-encoding'];
	if (ce === 'br') return zlib.brotliDecompressSync(r.body);
	if (ce === 'gzip') return zlib.gunzipSync(r.body);
	assert.equal(ce, undefined, `unexpected Content-Encoding ${ce}`);
	return r.body;
}

function varies(r) {
	return (r.headers.vary || '').split(',').map((s) => s.trim().toLowerCase());
}

test('static files: Brotli, gzip or as they are, by Accept-Encoding', async () => {
	const cases = [
		['gzip, deflate, br', 'br'],
		['br', 'br'],
		['gzip', 'gzip'],
		['x-gzip', 'gzip'],
		['deflate', undefined],
		['identity', undefined],
		[undefined, undefined],
		['br;q=0, gzip', 'gzip'],
		['gzip;q=0.4, br;q=0.9', 'br'],
		['gzip;q=1, br;q=0.5', 'gzip'],
		['br;q=0, gzip;q=0', undefined],
		['*', 'br'],
		['*;q=0, identity', undefined],
		['gzip;q=0.5, identity', undefined],
	];
	const tags = new Map();
	for (const [ae, want] of cases) {
		for (const path of [css.plain, css.fingerprinted]) {
			const r = await get(path, ae);
			const what = `${path} with Accept-Encoding: ${ae}`;
			assert.equal(r.status, 200, what);
			assert.equal(r.headers['content-encoding'], want, what);
			assert.ok(varies(r).includes('accept-encoding'), `${what}: Vary ${r.headers.vary}`);
			assert.equal(Number(r.headers['content-length']), r.body.length, what);
			assert.ok(decode(r).equals(plainCss), `${what}: decodes to the file`);
			if (want) assert.ok(r.body.length < plainCss.length / 2, `${what}: ${r.body.length} of ${plainCss.length} bytes`);
			const prev = tags.get(want || 'identity');
			if (prev) assert.equal(r.headers.etag, prev, `${what}: one tag per form`);
			tags.set(want || 'identity', r.headers.etag);
		}
	}
	assert.equal(new Set(tags.values()).size, 3, `three forms, three entity tags: ${[...tags.values()]}`);
	assert.match(tags.get('br'), /^"[0-9a-f]+-br"$/);
	assert.match(tags.get('gzip'), /^"[0-9a-f]+-gz"$/);
	assert.equal(tags.get('br'), tags.get('identity').replace(/"$/, '-br"'));
});

test('static files: a 304 only for the form the client holds', async () => {
	const br = await get(css.fingerprinted, 'br');
	const gz = await get(css.fingerprinted, 'gzip');
	const id = await get(css.fingerprinted, 'identity');
	for (const [ae, tag, want] of [
		['br', br.headers.etag, 304],
		['gzip, br', br.headers.etag, 304],
		['gzip', gz.headers.etag, 304],
		['identity', id.headers.etag, 304],
		['gzip', br.headers.etag, 200],
		['br', id.headers.etag, 200],
		['identity', br.headers.etag, 200],
		['br', `${gz.headers.etag}, ${br.headers.etag}`, 304],
		['br', `W/${br.headers.etag}`, 304],
		['br', '*', 304],
	]) {
		const r = await get(css.fingerprinted, ae, { 'If-None-Match': tag });
		const what = `Accept-Encoding: ${ae}, If-None-Match: ${tag}`;
		assert.equal(r.status, want, what);
		assert.ok(varies(r).includes('accept-encoding'), `${what}: Vary`);
		if (want === 304) {
			assert.equal(r.body.length, 0, what);
			assert.equal(r.headers['content-encoding'], undefined, `${what}: no coding on a 304`);
			const expect = ae === 'identity' ? id : ae === 'gzip' ? gz : br;
			assert.equal(r.headers.etag, expect.headers.etag, `${what}: the tag of the form chosen`);
		} else {
			assert.ok(decode(r).equals(plainCss), what);
		}
	}
});

test('HEAD answers like GET: the same coding, length and tag, no body', async () => {
	for (const ae of ['br', 'gzip', 'identity']) {
		for (const path of [css.fingerprinted, '/cita', '/api/v1/offices']) {
			const g = await get(path, ae);
			const h = await srv.request('HEAD', path, { headers: { 'Accept-Encoding': ae } });
			const what = `HEAD ${path} (${ae})`;
			assert.equal(h.status, 200, what);
			assert.equal(h.body.length, 0, what);
			assert.equal(h.headers['content-encoding'], g.headers['content-encoding'], what);
			assert.equal(h.headers.vary, g.headers.vary, what);
			if (path === css.fingerprinted) {
				assert.equal(h.headers['content-length'], g.headers['content-length'], what);
				assert.equal(h.headers.etag, g.headers.etag, what);
			}
		}
	}
});

test('pages and JSON are compressed when the client accepts it', async () => {
	for (const path of ['/', '/cita', '/cita/gestiona', '/no-such-page', '/api/v1/offices', '/api/v1/services']) {
		const plain = await get(path);
		assert.equal(plain.headers['content-encoding'], undefined, `${path} without Accept-Encoding`);
		assert.ok(varies(plain).includes('accept-encoding'), `${path}: Vary ${plain.headers.vary}`);
		for (const [ae, want] of [
			['gzip, deflate, br', 'br'],
			['gzip', 'gzip'],
			['br;q=0, gzip;q=0', undefined],
		]) {
			const r = await get(path, ae);
			const what = `${path} with Accept-Encoding: ${ae}`;
			assert.equal(r.status, plain.status, what);
			assert.equal(r.headers['content-encoding'], want, what);
			assert.equal(r.headers['content-type'], plain.headers['content-type'], what);
			assert.ok(varies(r).includes('accept-encoding'), `${what}: Vary ${r.headers.vary}`);
			const body = decode(r).toString('utf8');
			// Pages carry a fresh CSRF mask each time: compare them without it.
			const norm = (s) => s.replace(/value="[0-9a-f]{64,}"/g, 'value="TOKEN"');
			assert.equal(norm(body), norm(plain.text), `${what}: decodes to the same answer`);
			if (want) assert.ok(r.body.length < plain.body.length / 2, `${what}: ${r.body.length} of ${plain.body.length} bytes`);
		}
	}
	// The API keeps its language Vary beside the coding one.
	const api = await get('/api/v1/offices', 'br');
	assert.deepEqual(varies(api).sort(), ['accept-encoding', 'accept-language', 'cookie']);
});

test('cacheable JSON: one entity tag per coding, and 304s for it', async () => {
	const id = await get('/api/v1/offices', 'identity');
	const br = await get('/api/v1/offices', 'br');
	const gz = await get('/api/v1/offices', 'gzip');
	assert.match(id.headers.etag, /^"[0-9a-f]{32}"$/);
	assert.equal(br.headers.etag, id.headers.etag.replace(/"$/, '-br"'));
	assert.equal(gz.headers.etag, id.headers.etag.replace(/"$/, '-gz"'));
	for (const [ae, tag, want] of [
		['br', br.headers.etag, 304],
		['gzip', gz.headers.etag, 304],
		['identity', id.headers.etag, 304],
		['br', id.headers.etag, 200],
		['gzip', br.headers.etag, 200],
	]) {
		const r = await get('/api/v1/offices', ae, { 'If-None-Match': tag });
		assert.equal(r.status, want, `${ae} with If-None-Match ${tag}`);
		if (want === 304) assert.equal(r.headers.etag, tag);
		else assert.deepEqual(JSON.parse(decode(r)), id.json());
	}
});

test('small answers, redirects and event streams go as they are', async () => {
	const health = await get('/healthz', 'br');
	assert.ok(health.body.length < 512);
	assert.equal(health.headers['content-encoding'], undefined, 'a small JSON answer');
	const redirect = await get('/staff', 'br');
	assert.equal(redirect.status, 303);
	assert.equal(redirect.headers['content-encoding'], undefined, 'a redirect');
	const png = await get('/static/favicon.svg', 'br');
	assert.equal(png.status, 200);
	const sse = await L.openSSE(srv.port, '/events?topic=demo.compression', { headers: { 'Accept-Encoding': 'gzip, br' } });
	try {
		assert.equal(sse.status, 200);
		assert.match(sse.headers['content-type'], /^text\/event-stream/);
		assert.equal(sse.headers['content-encoding'], undefined, 'an event stream is never compressed');
	} finally {
		sse.close();
	}
});

test('SIGTERM: the server exits 0', () => srv.stop());
