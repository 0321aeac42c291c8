'use strict';
// HTTP core (docs/api.md): security headers, languages, error pages and JSON errors,
// body limits, malformed input, static files, /healthz, /metrics, robustness.
const { test, describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib/server.js');

const MAX_BODY = 4096;
// The robustness tests fire 300 requests at once from this one address: the per-address cap is
// tested in attack.test.js.
const srv = L.useServer({
	env: { FINESTRETA_LIMITS_MAX_BODY: String(MAX_BODY), FINESTRETA_SERVER_CONNECTIONS_PER_ADDRESS: '1000' },
});

const { FORM } = L;
let adminToken;
let css; // { fingerprinted, plain } paths of the stylesheet the home page links

before(async () => {
	await srv.ready();
	adminToken = await srv.token(L.DEMO_USERS.admin);
});

function bearer(tok = adminToken) {
	return { Authorization: `Bearer ${tok}` };
}

// A fresh login page: its cookies and CSRF token, so that form tests fail only for
// the reason they are about.
async function loginForm() {
	const jar = new L.CookieJar();
	const page = await srv.get('/login', { jar });
	assert.equal(page.status, 200, 'GET /login');
	const csrf = L.csrfFrom(page.text);
	assert.ok(csrf, 'GET /login has a _csrf field');
	return { jar, csrf };
}

async function assertHealthy(what) {
	let h;
	try {
		h = await srv.get('/healthz', { timeout: 10000 });
	} catch (e) {
		await L.sleep(200); // let the exit status arrive
		assert.fail(
			`GET /healthz after ${what}: ${e.code || e.message}; server ${srv.running ? 'running' : `exited ${JSON.stringify(srv.exit)}`}\n` +
				`stderr:\n${srv.stderr.text().slice(-6000)}`
		);
	}
	assert.equal(h.status, 200, `GET /healthz after ${what}`);
}

// The stylesheet links of the home page, found once.
async function stylesheet() {
	if (css) return css;
	const home = await srv.get('/');
	const link = L.tags(home.text, 'link').find((a) => /\bstylesheet\b/.test(a.rel || ''));
	assert.ok(link, 'GET / links a stylesheet');
	const m = /^\/static\/(.+)\.([0-9a-f]{8,})\.css$/.exec(link.href);
	assert.ok(m, `the stylesheet link has a fingerprinted name /static/NAME.HASH.css: ${link.href}`);
	css = { fingerprinted: link.href, plain: `/static/${m[1]}.css` };
	return css;
}

describe('security headers on every kind of response', () => {
	const cases = [
		['200 page', () => srv.get('/'), 200],
		['200 login page', () => srv.get('/login'), 200],
		['404 page', () => srv.get('/no-such-page'), 404],
		['404 JSON', () => srv.get('/api/v1/no-such-thing'), 404],
		['405 page', () => srv.request('POST', '/', { headers: FORM, body: 'a=1' }), 405],
		['405 JSON', () => srv.request('DELETE', '/api/v1/me'), 405],
		['413 page', () => srv.request('POST', '/login', { headers: FORM, body: 'x=' + 'a'.repeat(MAX_BODY * 2) }), 413],
		['400 page', () => srv.request('POST', '/login', { headers: FORM, body: 'email=%zz' }), 400],
		['303 redirect', () => srv.get('/staff'), 303],
		['401 JSON', () => srv.get('/api/v1/me'), 401],
		['JSON /healthz', () => srv.get('/healthz'), 200],
		['text /metrics', () => srv.get('/metrics'), 200],
		['static file', async () => srv.get((await stylesheet()).fingerprinted), 200],
		[
			'304 static',
			async () => {
				const { plain } = await stylesheet();
				const r = await srv.get(plain);
				return srv.get(plain, { headers: { 'If-None-Match': r.headers.etag } });
			},
			304,
		],
	];
	for (const [name, fn, status] of cases) {
		it(name, async () => {
			const res = await fn();
			assert.equal(res.status, status, `${name}: status`);
			L.assertSecurityHeaders(res, name);
		});
	}
});

describe('language: ?lang=, then the lang cookie, then Accept-Language, then Catalan', () => {
	const h1 = {};

	it('404 page in ca, es, en by ?lang= with <html lang> to match', async () => {
		for (const lang of ['ca', 'es', 'en']) {
			const r = await srv.get(`/no-such-page?lang=${lang}`);
			L.assertHtml(r, 404, `?lang=${lang}`);
			assert.equal(L.htmlLang(r.text), lang, `<html lang> for ?lang=${lang}`);
			h1[lang] = L.textOf(r.text, 'h1');
			assert.ok(h1[lang], `404 page for ?lang=${lang} has an <h1>`);
		}
		assert.notEqual(h1.ca, h1.es, '404 heading differs between ca and es');
		assert.notEqual(h1.ca, h1.en, '404 heading differs between ca and en');
		assert.notEqual(h1.es, h1.en, '404 heading differs between es and en');
	});

	it('Catalan when nothing says otherwise', async () => {
		const r = await srv.get('/no-such-page');
		assert.equal(r.status, 404);
		assert.equal(L.htmlLang(r.text), 'ca');
		assert.equal(L.textOf(r.text, 'h1'), h1.ca);
	});

	it('404 page by the lang cookie', async () => {
		for (const lang of ['es', 'en', 'ca']) {
			const r = await srv.get('/no-such-page', { cookies: { lang } });
			assert.equal(r.status, 404);
			assert.equal(L.htmlLang(r.text), lang, `cookie lang=${lang}`);
			assert.equal(L.textOf(r.text, 'h1'), h1[lang], `heading for cookie lang=${lang}`);
		}
	});

	it('404 page by Accept-Language', async () => {
		const cases = [
			['es', 'es'],
			['en', 'en'],
			['es-ES,es;q=0.9,en;q=0.8', 'es'],
			['en-GB,en;q=0.9', 'en'],
			['fr-FR,fr;q=0.9,en;q=0.8,ca;q=0.5', 'en'],
			['de', 'ca'],
			['ca-ES', 'ca'],
			['en;q=0.2,es;q=0.8', 'es'],
		];
		for (const [al, lang] of cases) {
			const r = await srv.get('/no-such-page', { headers: { 'Accept-Language': al } });
			assert.equal(r.status, 404);
			assert.equal(L.htmlLang(r.text), lang, `Accept-Language: ${al}`);
			assert.equal(L.textOf(r.text, 'h1'), h1[lang], `heading for Accept-Language: ${al}`);
		}
	});

	it('?lang= wins over the cookie, the cookie over Accept-Language', async () => {
		let r = await srv.get('/no-such-page?lang=es', { cookies: { lang: 'en' }, headers: { 'Accept-Language': 'ca' } });
		assert.equal(L.htmlLang(r.text), 'es', '?lang=es with cookie en');
		r = await srv.get('/no-such-page', { cookies: { lang: 'en' }, headers: { 'Accept-Language': 'es' } });
		assert.equal(L.htmlLang(r.text), 'en', 'cookie en with Accept-Language es');
	});

	it('an unsupported ?lang= or cookie value is ignored', async () => {
		let r = await srv.get('/no-such-page?lang=fr', { headers: { 'Accept-Language': 'es' } });
		assert.equal(L.htmlLang(r.text), 'es', '?lang=fr falls through to Accept-Language');
		assert.ok(!r.cookies.lang || r.cookies.lang.value !== 'fr', 'no lang=fr cookie is set');
		r = await srv.get('/no-such-page', { cookies: { lang: '"><script>' } });
		assert.equal(r.status, 404);
		assert.equal(L.htmlLang(r.text), 'ca', 'a garbage lang cookie falls back to Catalan');
		assert.ok(!r.text.includes('"><script>'), 'the cookie value is not echoed');
	});

	it('?lang= sets the lang cookie for a year', async () => {
		for (const lang of ['es', 'en', 'ca']) {
			const r = await srv.get(`/?lang=${lang}`);
			assert.equal(r.status, 200);
			assert.equal(L.htmlLang(r.text), lang, `GET /?lang=${lang}`);
			const c = r.cookies.lang;
			assert.ok(c, `Set-Cookie lang for ?lang=${lang} (got ${JSON.stringify(r.setCookies)})`);
			assert.equal(c.value, lang);
			assert.equal(c.attrs.path, '/', 'lang cookie Path=/');
			const year = 365 * 24 * 3600;
			let secs;
			if (c.attrs['max-age'] !== undefined) secs = Number(c.attrs['max-age']);
			else if (c.attrs.expires) secs = (Date.parse(c.attrs.expires) - Date.now()) / 1000;
			assert.ok(secs !== undefined, 'lang cookie has Max-Age or Expires');
			assert.ok(secs > year - 2 * 24 * 3600 && secs <= year + 2 * 24 * 3600, `lang cookie lasts a year (${secs} s)`);
		}
	});

	it('home page in each language names the city and has a language switch', async () => {
		const texts = new Set();
		for (const lang of ['ca', 'es', 'en']) {
			const r = await srv.get(`/?lang=${lang}`);
			L.assertHtml(r, 200, `/?lang=${lang}`);
			assert.ok(r.text.includes(L.DEMO_CITY), `home (${lang}) names ${L.DEMO_CITY}`);
			const hrefs = L.tags(r.text, 'a').map((a) => a.href || '');
			for (const other of ['ca', 'es', 'en']) {
				assert.ok(
					hrefs.some((h) => new RegExp(`[?&]lang=${other}\\b`).test(h)),
					`home (${lang}) links the ${other} version (?lang=${other})`
				);
			}
			texts.add(r.text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' '));
		}
		assert.equal(texts.size, 3, 'the three home pages differ');
	});
});

describe('errors', () => {
	it('JSON 404 for an unknown /api/ route, message in the request language', async () => {
		const ca = L.assertJsonError(await srv.get('/api/v1/no-such-thing'), 404, 'not_found', 'ca');
		const en = L.assertJsonError(await srv.get('/api/v1/no-such-thing?lang=en'), 404, 'not_found', 'en');
		const es = L.assertJsonError(
			await srv.get('/api/v1/no-such-thing', { headers: { 'Accept-Language': 'es' } }),
			404,
			'not_found',
			'es'
		);
		assert.notEqual(ca.message, en.message, 'message differs in ca and en');
		assert.notEqual(es.message, en.message, 'message differs in es and en');
	});

	it('405 page with Allow for a wrong method on a page', async () => {
		let r = await srv.request('POST', '/', { headers: FORM, body: 'a=1' });
		L.assertHtml(r, 405, 'POST /');
		assert.ok(r.headers.allow, 'Allow header on 405');
		let allow = r.headers.allow.split(/\s*,\s*/);
		assert.ok(allow.includes('GET'), `Allow for / includes GET: ${r.headers.allow}`);
		assert.ok(!allow.includes('POST'), `Allow for / excludes POST: ${r.headers.allow}`);

		r = await srv.request('PUT', '/login', { headers: FORM, body: 'a=1' });
		L.assertHtml(r, 405, 'PUT /login');
		allow = String(r.headers.allow).split(/\s*,\s*/);
		assert.ok(allow.includes('GET') && allow.includes('POST'), `Allow for /login has GET and POST: ${r.headers.allow}`);
	});

	it('JSON 405 with Allow for a wrong method on /api/', async () => {
		const r = await srv.request('DELETE', '/api/v1/me', { headers: bearer() });
		L.assertJsonError(r, 405, 'method_not_allowed', 'DELETE /api/v1/me');
		assert.ok(String(r.headers.allow).split(/\s*,\s*/).includes('GET'), `Allow includes GET: ${r.headers.allow}`);
	});

	it('413 page for a form body over limits.max_body', async () => {
		const { jar, csrf } = await loginForm();
		const body = L.formBody({ email: 'a@b.c', password: 'x'.repeat(MAX_BODY * 2), _csrf: csrf });
		const r = await srv.request('POST', '/login', { jar, headers: FORM, body });
		L.assertHtml(r, 413, 'oversized form');
	});

	it('413 for a chunked form body that grows over limits.max_body', async () => {
		const { jar, csrf } = await loginForm();
		const chunks = [`_csrf=${encodeURIComponent(csrf)}&email=a%40b.c&password=`];
		for (let i = 0; i < 4; i++) chunks.push('y'.repeat(MAX_BODY));
		const r = await srv.request('POST', '/login', { jar, headers: FORM, chunks });
		assert.equal(r.status, 413, 'chunked oversized form');
	});

	it('413 at once for a declared Content-Length over the limit', async () => {
		const r = await srv.rawSend(
			'POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n' +
				'Content-Length: 10000000000\r\n\r\nemail=',
			{ timeout: 5000 }
		);
		assert.match(r.data, /^HTTP\/1\.[01] 413 /, `answer to a 10 GB Content-Length: ${JSON.stringify(r.data.slice(0, 120))}`);
	});

	it('JSON 413 for a JSON body over limits.max_body', async () => {
		const body = JSON.stringify({ topic: 'public.test', type: 'big', data: { pad: 'z'.repeat(MAX_BODY * 2) } });
		const r = await srv.request('POST', '/api/v1/events', {
			headers: { ...bearer(), 'Content-Type': 'application/json' },
			body,
		});
		L.assertJsonError(r, 413, 'too_big', 'oversized JSON');
	});

	it('JSON 400 bad_json for malformed JSON', async () => {
		const bodies = [
			['truncated object', '{"a":'],
			['not JSON', 'hello'],
			['empty body', ''],
			['invalid UTF-8 in a string', Buffer.concat([Buffer.from('{"topic":"public.test","type":"'), Buffer.from([0xff, 0xfe]), Buffer.from('","data":{}}')])],
			['NUL escape in a string', '{"topic":"public.test","type":"a\\u0000b","data":{}}'],
		];
		for (const [name, body] of bodies) {
			const r = await srv.request('POST', '/api/v1/events', {
				headers: { ...bearer(), 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) },
				body,
			});
			L.assertJsonError(r, 400, 'bad_json', name);
		}
	});

	it('400 page for a malformed form', async () => {
		const { jar, csrf } = await loginForm();
		const t = encodeURIComponent(csrf);
		const bodies = [
			['bad %-escape', `_csrf=${t}&email=%zz&password=x`],
			['truncated %-escape', `_csrf=${t}&email=a&password=%4`],
			['invalid UTF-8 (escaped)', `_csrf=${t}&email=%C3%28&password=x`],
			['overlong UTF-8 (escaped)', `_csrf=${t}&email=%C0%AF&password=x`],
			['invalid UTF-8 (raw byte)', Buffer.concat([Buffer.from(`_csrf=${t}&email=`), Buffer.from([0xff]), Buffer.from('&password=x')])],
			['NUL byte (escaped)', `_csrf=${t}&email=a%00b&password=x`],
		];
		for (const [name, body] of bodies) {
			const r = await srv.request('POST', '/login', { jar, headers: FORM, body });
			L.assertHtml(r, 400, name);
		}
	});
});

describe('static files', () => {
	it('the fingerprinted stylesheet gets a long immutable cache, ETag and Last-Modified', async () => {
		const { fingerprinted } = await stylesheet();
		const r = await srv.get(fingerprinted);
		assert.equal(r.status, 200);
		assert.match(String(r.headers['content-type']), /^text\/css\b/);
		const cc = String(r.headers['cache-control']).split(/\s*,\s*/);
		for (const d of ['public', 'max-age=31536000', 'immutable']) assert.ok(cc.includes(d), `Cache-Control has ${d}: ${r.headers['cache-control']}`);
		assert.ok(r.headers.etag, 'ETag');
		assert.ok(r.headers['last-modified'] && !Number.isNaN(Date.parse(r.headers['last-modified'])), 'Last-Modified is a date');
		assert.ok(r.body.length > 0, 'non-empty stylesheet');
	});

	it('the plain name serves the same file with Cache-Control: no-cache', async () => {
		const { fingerprinted, plain } = await stylesheet();
		const a = await srv.get(fingerprinted);
		const b = await srv.get(plain);
		assert.equal(b.status, 200);
		assert.equal(String(b.headers['cache-control']).trim(), 'no-cache');
		assert.ok(b.headers.etag, 'ETag');
		assert.ok(b.headers['last-modified'], 'Last-Modified');
		assert.ok(a.body.equals(b.body), 'same bytes under both names');
	});

	it('If-None-Match and If-Modified-Since give 304 without a body', async () => {
		const { plain, fingerprinted } = await stylesheet();
		for (const p of [plain, fingerprinted]) {
			const r = await srv.get(p);
			let c = await srv.get(p, { headers: { 'If-None-Match': r.headers.etag } });
			assert.equal(c.status, 304, `${p} If-None-Match`);
			assert.equal(c.body.length, 0, '304 has no body');
			assert.equal(c.headers.etag, r.headers.etag, '304 repeats the ETag');
			c = await srv.get(p, { headers: { 'If-None-Match': '"not-the-etag"' } });
			assert.equal(c.status, 200, `${p} with another ETag`);
			c = await srv.get(p, { headers: { 'If-Modified-Since': r.headers['last-modified'] } });
			assert.equal(c.status, 304, `${p} If-Modified-Since`);
			const past = new Date(Date.parse(r.headers['last-modified']) - 86400e3).toUTCString();
			c = await srv.get(p, { headers: { 'If-Modified-Since': past } });
			assert.equal(c.status, 200, `${p} If-Modified-Since a day earlier`);
		}
	});

	it('path traversal and odd paths are 404 and never leak a file', async () => {
		const paths = [
			'/static/../Makefile',
			'/static/%2e%2e/Makefile',
			'/static/..%2fMakefile',
			'/static/%2e%2e%2fMakefile',
			'/static/..%2FMakefile',
			'/static/./../Makefile',
			'/static/..%5cMakefile',
			'/static/../../../../../../etc/passwd',
			'/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
			'/static//etc/passwd',
			'/static/%2fetc%2fpasswd',
			'/static/style.css%00.png',
			'/static/%00',
			'/static/',
			'/static',
			'/static/.',
			'/static/..',
			'/static/no-such-file.css',
		];
		for (const p of paths) {
			const r = await srv.get(p);
			assert.equal(r.status, 404, `GET ${p}`);
			assert.ok(!/PKG_CFLAGS|root:x:0:0/.test(r.text), `GET ${p} leaks a file`);
		}
	});
});

describe('health and metrics', () => {
	it('/healthz answers 200 JSON with the storage backend', async () => {
		const r = await srv.get('/healthz');
		assert.equal(r.status, 200);
		assert.match(String(r.headers['content-type']), /^application\/json\b/);
		const j = r.json();
		assert.equal(j.status, 'ok');
		assert.equal(j.storage?.backend, L.BACKEND);
		assert.equal(j.storage?.ok, true);
	});

	it('/metrics is Prometheus text with the named series', async () => {
		await srv.get('/login');
		const r = await srv.get('/metrics');
		assert.equal(r.status, 200);
		assert.match(String(r.headers['content-type']), /^text\/plain;\s*version=0\.0\.4\b/);
		const series = L.parseMetrics(r.text);
		const bad = series.filter((s) => s.bad);
		assert.deepEqual(bad.map((b) => b.bad), [], 'every sample line parses');
		const names = new Set(series.map((s) => s.name));
		for (const n of [
			'finestreta_http_requests_total',
			'finestreta_http_request_duration_seconds_bucket',
			'finestreta_http_request_duration_seconds_sum',
			'finestreta_http_request_duration_seconds_count',
			'finestreta_sse_streams_open',
			'finestreta_db_errors_total',
		]) {
			assert.ok(names.has(n), `/metrics has ${n}`);
		}
		const req = series.find((s) => s.name === 'finestreta_http_requests_total');
		for (const l of ['route', 'method', 'status']) assert.ok(l in req.labels, `requests_total has label ${l}`);
		const buckets = series.filter((s) => s.name === 'finestreta_http_request_duration_seconds_bucket');
		assert.ok(buckets.some((b) => b.labels.le === '+Inf'), 'histogram has an le="+Inf" bucket');
		assert.ok(buckets.every((b) => 'route' in b.labels), 'histogram is by route');
		assert.match(r.text, /^# TYPE finestreta_http_requests_total counter$/m);
		assert.match(r.text, /^# TYPE finestreta_http_request_duration_seconds histogram$/m);
		assert.match(r.text, /^# TYPE finestreta_sse_streams_open gauge$/m);
	});

	it('three requests to a route add three to its counter and histogram', async () => {
		const match = { route: '/login', method: 'GET', status: '200' };
		const count = (s) => L.metricValue(s, 'finestreta_http_requests_total', match);
		const hist = (s) => L.metricValue(s, 'finestreta_http_request_duration_seconds_count', { route: '/login' });
		const m0 = await srv.metrics();
		for (let i = 0; i < 3; i++) assert.equal((await srv.get('/login')).status, 200);
		// The count may be taken as the request completes, just after the answer: poll briefly.
		let m1;
		for (let i = 0; i < 20; i++) {
			m1 = await srv.metrics();
			if (count(m1) >= count(m0) + 3) break;
			await L.sleep(50);
		}
		assert.equal(count(m1) - count(m0), 3, 'finestreta_http_requests_total{route="/login",method="GET",status="200"}');
		assert.equal(hist(m1) - hist(m0), 3, 'finestreta_http_request_duration_seconds_count{route="/login"}');
	});

	it('unknown paths do not become new route labels', async () => {
		await srv.get('/no-such-page-q8z7x6');
		const r = await srv.get('/metrics');
		assert.ok(!r.text.includes('q8z7x6'), 'a request path for an unknown route appears in /metrics');
	});
});

describe('robustness', () => {
	const big = (n, c) => c.repeat(n);
	const payloads = [
		['garbage request line', 'GARBAGE\r\n\r\n'],
		['header without colon', 'GET / HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n'],
		['negative Content-Length', 'POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n'],
		['non-numeric Content-Length', 'POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n'],
		['two Content-Lengths', 'POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nabcde'],
		[
			'bad chunked encoding',
			'POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n',
		],
		['huge chunk size', 'POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFF\r\nabc\r\n'],
		['100 KB URL', `GET /${big(100000, 'a')} HTTP/1.1\r\nHost: x\r\n\r\n`],
		['200 KB header', `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${big(200000, 'b')}\r\n\r\n`],
		['5000 headers', `GET / HTTP/1.1\r\nHost: x\r\n${'X-A: 1\r\n'.repeat(5000)}\r\n`],
		['NUL in the path', 'GET /\x00 HTTP/1.1\r\nHost: x\r\n\r\n'],
		['unknown HTTP version', 'GET / HTTP/9.9\r\nHost: x\r\n\r\n'],
		['HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'],
		['TLS ClientHello', Buffer.from('16030100a5010000a10303' + '00'.repeat(160), 'hex')],
		['half a request, then close', 'GET / HTTP/1.1\r\nHost:', { endAfterWrite: true }],
		['garbage cookies', `GET / HTTP/1.1\r\nHost: x\r\nCookie: ;;;=;=a; fin_session=${big(5000, '%')}; lang=\x01\r\n\r\n`],
		['many cookies', `GET /staff HTTP/1.1\r\nHost: x\r\nCookie: ${Array.from({ length: 3000 }, (_, i) => `c${i}=v`).join('; ')}\r\n\r\n`],
		['garbage Accept-Language', `GET / HTTP/1.1\r\nHost: x\r\nAccept-Language: ${big(2000, ',;q=')}\r\n\r\n`],
		['garbage query', 'GET /?lang=%&a=%%%&&&==&%ff=%fe HTTP/1.1\r\nHost: x\r\n\r\n'],
		['bad SSE topic bytes', 'GET /events?topic=%ff%fe%00 HTTP/1.1\r\nHost: x\r\n\r\n'],
		['garbage Authorization', `GET /api/v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${big(10000, '\xff')}\r\n\r\n`],
		['multipart without boundary', 'POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data\r\nContent-Length: 3\r\n\r\nabc'],
		['pipelined requests', 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGARBAGE\r\n\r\n'],
	];
	for (const [name, data, opts] of payloads) {
		it(`survives: ${name}`, async () => {
			await srv.rawSend(data, { timeout: 700, ...(opts || {}) });
			await assertHealthy(name);
		});
	}

	it('300 concurrent GET / all succeed', async () => {
		const results = await Promise.all(
			Array.from({ length: 300 }, () => srv.get('/', { timeout: 60000 }).catch((e) => ({ status: e.code || e.message })))
		);
		const bad = results.filter((r) => r.status !== 200);
		assert.equal(bad.length, 0, `${bad.length} of 300 failed: ${[...new Set(bad.map((r) => r.status))].join(', ')}`);
		assert.ok(results.every((r) => r.text.includes(L.DEMO_CITY)), 'every answer is the full home page');
		await assertHealthy('300 concurrent requests');
	});
});

test('SIGTERM: the server exits 0 within 10 s', async () => {
	await srv.stop();
});
