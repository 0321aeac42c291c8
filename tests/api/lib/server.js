'use strict';
// Test harness for Finestreta's HTTP interface (docs/api.md).
//
// Each test file starts its own server process on a free loopback port:
//   const srv = useServer({ env: { FINESTRETA_LOGIN_MAX_ATTEMPTS: '3' } });
//   test('…', async () => { const res = await srv.request('GET', '/'); … });
//   test('graceful shutdown', () => srv.stop());
// useServer() registers before/after hooks; the after hook only kills a server that
// is still running (a failed test), the graceful-shutdown assertion is srv.stop().
// Top-level before() hooks run concurrently: one that needs the server awaits
// srv.ready() first.
//
// Test data (dates, ID numbers, citizens), SQL on the server's database and polling come from
// data.js and are re-exported here: `L.madridDate()`, `L.people()`, `L.sql(srv.db, q)`.
//
// Environment: FINESTRETA_BIN (default build/finestreta), FINESTRETA_TEST_DB = "sqlite"
// (a fresh temporary file per server) or a postgresql:// URL (`demo` recreates it).
//
// HTTP goes through node's http module rather than fetch so that tests can send raw
// bodies, odd headers and unnormalised paths exactly as written.

const { spawn, execFile, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { before, after } = require('node:test');
const data = require('./data.js');

const { sleep } = data;

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.resolve(ROOT, process.env.FINESTRETA_BIN || 'build/finestreta');
const IS_PG = /^postgres(ql)?:\/\//.test(process.env.FINESTRETA_TEST_DB || '');
// On PostgreSQL every test file (one node process) gets a database of its own on the
// server FINESTRETA_TEST_DB names, made here and dropped when the process ends, so that
// test files can run side by side (scripts/run-api.sh) without resetting each other's data.
const TEST_DB = IS_PG ? fileDatabase(process.env.FINESTRETA_TEST_DB) : process.env.FINESTRETA_TEST_DB || 'sqlite';
const BACKEND = IS_PG ? 'postgresql' : 'sqlite';

function fileDatabase(url) {
	return makeDatabase(url, `${new URL(url).pathname.replace(/^\//, '') || 'finestreta'}_f${process.pid}`);
}

// A new empty database `name` on the PostgreSQL server of url (dropped when the process ends);
// its URL.
function makeDatabase(url, name) {
	const u = new URL(url);
	const psql = (q) => execFileSync('psql', [url, '-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-c', q], { stdio: ['ignore', 'ignore', 'pipe'] });
	psql(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
	psql(`CREATE DATABASE "${name}"`);
	process.on('exit', () => {
		try {
			psql(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
		} catch {
			// The cluster is thrown away after the run anyway.
		}
	});
	u.pathname = '/' + name;
	return u.toString();
}

// The demo data every `finestreta demo` creates.
const DEMO_PASSWORD = 'vilamar-demo-2026';
const DEMO_CITY = 'Ajuntament de Vilamar';
const DEMO_USERS = {
	admin: 'admin@vilamar.example',
	coordinator: 'coordinacio@vilamar.example',
	informer: 'informador@vilamar.example',
	ict_agent: 'agent.tic@vilamar.example',
	welcome: 'acollida@vilamar.example',
	display: 'pantalla.centre@vilamar.example',
	kiosk: 'quiosc.centre@vilamar.example',
};

const STARTUP_TIMEOUT_MS = 20000;
const SHUTDOWN_TIMEOUT_MS = 10000;
const LOG_CAP = 256 * 1024;

// The harness's own variables share the FINESTRETA_ prefix with the server's settings,
// and the server refuses FINESTRETA_* names it does not know: keep them from it.
const HARNESS_VARS = ['FINESTRETA_BIN', 'FINESTRETA_TEST_DB', 'FINESTRETA_CHROMIUM'];

function serverEnv(extra = {}) {
	const env = { ...process.env };
	for (const k of HARNESS_VARS) delete env[k];
	return { ...env, ...extra };
}

// Resolves to the promise's value, or to `fallback` after ms (the timer is cleared
// either way, so that it does not keep the test process alive).
function withTimeout(promise, ms, fallback) {
	let timer;
	return Promise.race([promise, new Promise((r) => (timer = setTimeout(() => r(fallback), ms)))]).finally(() =>
		clearTimeout(timer)
	);
}

// A port nobody listens on right now (the kernel picks it; a tiny race remains,
// which startup detects as an early exit).
function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.unref();
		s.on('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

// Keeps the last LOG_CAP bytes of a stream, for diagnostics.
class Tail {
	constructor() {
		this.chunks = [];
		this.size = 0;
	}
	push(b) {
		this.chunks.push(b);
		this.size += b.length;
		while (this.size > LOG_CAP && this.chunks.length > 1) this.size -= this.chunks.shift().length;
	}
	text() {
		return Buffer.concat(this.chunks).toString('utf8');
	}
}

// ---------------------------------------------------------------- cookies

class CookieJar {
	constructor(init) {
		this.map = new Map();
		if (init) for (const [k, v] of Object.entries(init)) this.map.set(k, v);
	}
	get(name) {
		return this.map.get(name);
	}
	set(name, value) {
		this.map.set(name, value);
	}
	delete(name) {
		this.map.delete(name);
	}
	// Applies Set-Cookie headers (deletions included: Max-Age<=0 or Expires in the past).
	update(setCookies) {
		for (const sc of setCookies || []) {
			const c = parseSetCookie(sc);
			if (!c) continue;
			const expired =
				(c.attrs['max-age'] !== undefined && Number(c.attrs['max-age']) <= 0) ||
				(c.attrs.expires !== undefined && Date.parse(c.attrs.expires) < Date.now());
			if (expired || c.value === '') this.map.delete(c.name);
			else this.map.set(c.name, c.value);
		}
	}
	header() {
		return [...this.map].map(([k, v]) => `${k}=${v}`).join('; ');
	}
	clone() {
		const j = new CookieJar();
		for (const [k, v] of this.map) j.map.set(k, v);
		return j;
	}
}

// "name=value; Path=/; HttpOnly" → { name, value, attrs: { path: '/', httponly: true } }
function parseSetCookie(s) {
	const parts = s.split(';');
	const first = parts.shift();
	const eq = first.indexOf('=');
	if (eq < 0) return null;
	const c = { name: first.slice(0, eq).trim(), value: first.slice(eq + 1).trim(), attrs: {}, raw: s };
	for (const p of parts) {
		const i = p.indexOf('=');
		const k = (i < 0 ? p : p.slice(0, i)).trim().toLowerCase();
		if (!k) continue;
		c.attrs[k] = i < 0 ? true : p.slice(i + 1).trim();
	}
	return c;
}

// ---------------------------------------------------------------- bodies

// An url-encoded body; an array value repeats the field (checkboxes, multiple selects).
function formBody(fields) {
	const p = new URLSearchParams();
	for (const [k, v] of Object.entries(fields)) {
		if (v === undefined || v === null) continue;
		for (const x of Array.isArray(v) ? v : [v]) p.append(k, String(x));
	}
	return p.toString();
}

// fields: { name: value }, files: [{ name, filename, type, data: Buffer|string }]
function multipartBody(fields = {}, files = [], boundary = '----finestreta' + Math.random().toString(16).slice(2)) {
	const parts = [];
	for (const [k, v] of Object.entries(fields)) {
		parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n`));
		parts.push(Buffer.from(String(v)));
		parts.push(Buffer.from('\r\n'));
	}
	for (const f of files) {
		parts.push(
			Buffer.from(
				`--${boundary}\r\nContent-Disposition: form-data; name="${f.name}"; filename="${f.filename}"\r\n` +
					`Content-Type: ${f.type || 'application/octet-stream'}\r\n\r\n`
			)
		);
		parts.push(Buffer.isBuffer(f.data) ? f.data : Buffer.from(f.data));
		parts.push(Buffer.from('\r\n'));
	}
	parts.push(Buffer.from(`--${boundary}--\r\n`));
	return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

// ---------------------------------------------------------------- HTML scraping

function decodeEntities(s) {
	return s
		.replace(/&quot;/g, '"')
		.replace(/&#39;|&#x27;|&apos;/g, "'")
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&#x2F;|&#47;/gi, '/')
		.replace(/&#x3D;|&#61;/gi, '=')
		.replace(/&amp;/g, '&');
}

// Attributes of every <TAG …> in html, as objects.
function tags(html, tag) {
	const out = [];
	const re = new RegExp(`<${tag}\\b([^>]*)>`, 'gi');
	let m;
	while ((m = re.exec(html))) {
		const attrs = {};
		const are = /([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
		let a;
		while ((a = are.exec(m[1]))) {
			const v = a[2] ?? a[3] ?? a[4];
			attrs[a[1].toLowerCase()] = v === undefined ? '' : decodeEntities(v);
		}
		out.push(attrs);
	}
	return out;
}

// The CSRF token of a page: the `_csrf` hidden field, else <meta name="csrf-token">.
function csrfFrom(html) {
	const input = tags(html, 'input').find((a) => a.name === '_csrf');
	if (input && input.value) return input.value;
	const meta = tags(html, 'meta').find((a) => a.name === 'csrf-token');
	if (meta && meta.content) return meta.content;
	return null;
}

// The fields of the first form posting to `action`: hidden and text inputs, textareas and the
// checked radios and checkboxes, the selected options (repeated names as arrays); null when
// there is no such form.
function formIn(html, action) {
	const re = /<form\b[^>]*>[\s\S]*?<\/form>/gi;
	let m;
	while ((m = re.exec(html))) {
		const f = tags(m[0], 'form')[0];
		if (f.action !== action) continue;
		const o = {};
		const add = (k, v) => {
			if (!(k in o)) o[k] = v;
			else o[k] = [].concat(o[k], v);
		};
		for (const i of tags(m[0], 'input')) {
			if (!i.name || i.type === 'submit') continue;
			if ((i.type === 'radio' || i.type === 'checkbox') && !('checked' in i)) continue;
			add(i.name, i.value ?? '');
		}
		for (const t of m[0].matchAll(/<textarea\b[^>]*\bname="([^"]+)"[^>]*>([^<]*)<\/textarea>/g)) add(t[1], decodeEntities(t[2]));
		for (const sel of m[0].matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
			const name = tags(`<select${sel[1]}>`, 'select')[0].name;
			const opts = tags(sel[2], 'option');
			const chosen = opts.filter((x) => 'selected' in x);
			if (name) for (const x of chosen.length ? chosen : opts.slice(0, 1)) add(name, x.value ?? '');
		}
		return o;
	}
	return null;
}

// The href of every link.
function hrefs(html) {
	return tags(html, 'a')
		.map((a) => a.href)
		.filter(Boolean);
}

function htmlLang(html) {
	const h = tags(html, 'html')[0];
	return h ? h.lang : undefined;
}

function textOf(html, tag) {
	const m = new RegExp(`<${tag}\\b[^>]*>([\\s\\S]*?)</${tag}>`, 'i').exec(html);
	return m ? decodeEntities(m[1].replace(/<[^>]*>/g, '')).replace(/\s+/g, ' ').trim() : null;
}

// ---------------------------------------------------------------- HTTP

// request(port, method, path, { headers, body, cookies|jar, timeout, chunks, from })
//   body: string | Buffer | plain object (sent as JSON)
//   chunks: array of Buffers/strings sent with chunked transfer encoding instead of body
//   from: the local address to connect from ('127.0.0.7': every 127.x.y.z is this machine, and
//         the server sees each as a client of its own)
// Resolves { status, headers, rawHeaders, body: Buffer, text, json(), setCookies, cookies }.
// Cookies the response sets are applied to the jar when one is given.
function request(port, method, urlPath, opts = {}) {
	const headers = { ...(opts.headers || {}) };
	let body = opts.body;
	if (body !== undefined && body !== null && !Buffer.isBuffer(body) && typeof body === 'object') {
		body = JSON.stringify(body);
		if (!hasHeader(headers, 'content-type')) headers['Content-Type'] = 'application/json';
	}
	if (typeof body === 'string') body = Buffer.from(body);
	if (body && !hasHeader(headers, 'content-length')) headers['Content-Length'] = String(body.length);
	const jar = opts.jar;
	let cookieHeader = '';
	if (jar) cookieHeader = jar.header();
	if (opts.cookies) {
		const extra = typeof opts.cookies === 'string' ? opts.cookies : new CookieJar(opts.cookies).header();
		cookieHeader = cookieHeader ? `${cookieHeader}; ${extra}` : extra;
	}
	if (cookieHeader && !hasHeader(headers, 'cookie')) headers.Cookie = cookieHeader;
	const timeout = opts.timeout ?? 15000;

	return new Promise((resolve, reject) => {
		const req = http.request(
			{ host: '127.0.0.1', port, method, path: urlPath, headers, agent: false, insecureHTTPParser: false, localAddress: opts.from },
			(res) => {
				const chunks = [];
				res.on('data', (c) => chunks.push(c));
				res.on('error', reject);
				res.on('end', () => {
					clearTimeout(timer);
					const buf = Buffer.concat(chunks);
					const setCookies = res.headers['set-cookie'] || [];
					if (jar) jar.update(setCookies);
					resolve({
						status: res.statusCode,
						headers: res.headers,
						rawHeaders: res.rawHeaders,
						body: buf,
						text: buf.toString('utf8'),
						json() {
							return JSON.parse(buf.toString('utf8'));
						},
						setCookies,
						cookies: Object.fromEntries(setCookies.map(parseSetCookie).filter(Boolean).map((c) => [c.name, c])),
					});
				});
			}
		);
		const timer = setTimeout(() => {
			req.destroy(new Error(`${method} ${urlPath}: no complete response within ${timeout} ms`));
		}, timeout);
		req.on('error', (e) => {
			clearTimeout(timer);
			reject(e);
		});
		if (opts.chunks) {
			for (const c of opts.chunks) req.write(c);
			req.end();
		} else {
			req.end(body);
		}
	});
}

function hasHeader(h, name) {
	return Object.keys(h).some((k) => k.toLowerCase() === name);
}

// Sends bytes over a plain TCP connection and collects whatever comes back until the
// server closes the connection or `timeout` ms pass. Never rejects on resets: a server
// may legitimately drop a malformed connection.
function rawSend(port, data, { timeout = 3000, endAfterWrite = false, from } = {}) {
	return new Promise((resolve) => {
		const chunks = [];
		let done = false;
		const sock = net.connect({ port, host: '127.0.0.1', localAddress: from });
		const finish = (how) => {
			if (done) return;
			done = true;
			clearTimeout(timer);
			sock.destroy();
			resolve({ data: Buffer.concat(chunks).toString('latin1'), how });
		};
		const timer = setTimeout(() => finish('timeout'), timeout);
		sock.on('connect', () => {
			const parts = Array.isArray(data) ? data : [data];
			for (const p of parts) sock.write(p);
			if (endAfterWrite) sock.end();
		});
		sock.on('data', (c) => chunks.push(c));
		sock.on('end', () => finish('end'));
		sock.on('close', () => finish('close'));
		sock.on('error', (e) => finish('error:' + e.code));
	});
}

// ---------------------------------------------------------------- SSE

// Opens GET path as an event stream. Resolves once the response head arrives:
//   { status, headers, events: [{id, event, data}], comments: [text], retry,
//     waitFor(pred, ms) → the first event (or {comment}) matching pred,
//     waitForComment(text, ms), ended: Promise (stream closed by the server),
//     close(), body (for a non-stream answer, once ended) }
function openSSE(port, urlPath, { jar, headers = {}, timeout = 10000, from } = {}) {
	return new Promise((resolve, reject) => {
		const h = { Accept: 'text/event-stream', ...headers };
		if (jar && jar.header()) h.Cookie = jar.header();
		const req = http.request({ host: '127.0.0.1', port, method: 'GET', path: urlPath, headers: h, agent: false, localAddress: from });
		const timer = setTimeout(() => req.destroy(new Error(`SSE ${urlPath}: no response head within ${timeout} ms`)), timeout);
		req.on('error', (e) => {
			clearTimeout(timer);
			reject(e);
		});
		req.on('response', (res) => {
			clearTimeout(timer);
			const stream = {
				status: res.statusCode,
				headers: res.headers,
				events: [],
				comments: [],
				retry: undefined,
				raw: '',
				closedByUs: false,
				waiters: [],
			};
			let buf = '';
			let cur = { data: [] };
			const notify = (item) => {
				stream.waiters = stream.waiters.filter((w) => {
					if (w.pred(item)) {
						clearTimeout(w.timer);
						w.resolve(item);
						return false;
					}
					return true;
				});
			};
			const line = (l) => {
				if (l === '') {
					if (cur.data.length || cur.event || cur.id !== undefined) {
						const ev = { id: cur.id, event: cur.event || 'message', data: cur.data.join('\n') };
						stream.events.push(ev);
						notify(ev);
					}
					cur = { data: [] };
					return;
				}
				if (l.startsWith(':')) {
					const c = l.slice(1).replace(/^ /, '');
					stream.comments.push(c);
					notify({ comment: c });
					return;
				}
				const i = l.indexOf(':');
				const field = i < 0 ? l : l.slice(0, i);
				const value = i < 0 ? '' : l.slice(i + 1).replace(/^ /, '');
				if (field === 'data') cur.data.push(value);
				else if (field === 'event') cur.event = value;
				else if (field === 'id') cur.id = value;
				else if (field === 'retry') stream.retry = Number(value);
			};
			res.setEncoding('utf8');
			res.on('data', (chunk) => {
				stream.raw += chunk;
				buf += chunk;
				let m;
				while ((m = /\r\n|\r|\n/.exec(buf))) {
					// A lone \r at the end may be half of \r\n: wait for more.
					if (m[0] === '\r' && m.index === buf.length - 1) break;
					line(buf.slice(0, m.index));
					buf = buf.slice(m.index + m[0].length);
				}
			});
			stream.ended = new Promise((res2) => {
				res.on('end', () => res2('end'));
				res.on('close', () => res2('close'));
				res.on('error', () => res2('error'));
			});
			stream.waitFor = (pred, ms = 5000) => {
				const seen = [...stream.events, ...stream.comments.map((c) => ({ comment: c }))].find(pred);
				if (seen) return Promise.resolve(seen);
				return new Promise((res2, rej2) => {
					const w = { pred, resolve: res2 };
					w.timer = setTimeout(() => {
						stream.waiters = stream.waiters.filter((x) => x !== w);
						rej2(new Error(`SSE ${urlPath}: nothing matching within ${ms} ms; received:\n${stream.raw.slice(-2000)}`));
					}, ms);
					stream.waiters.push(w);
				});
			};
			stream.waitForEvent = (pred, ms) => stream.waitFor((x) => !x.comment && pred(x), ms);
			stream.waitForComment = (text, ms) => stream.waitFor((x) => x.comment === text, ms);
			stream.close = () => {
				stream.closedByUs = true;
				req.destroy();
				res.destroy();
			};
			resolve(stream);
		});
		req.end();
	});
}

// ---------------------------------------------------------------- Prometheus

// Parses the text format into [{ name, labels: {…}, value }].
function parseMetrics(text) {
	const out = [];
	for (const l of text.split('\n')) {
		if (!l || l.startsWith('#')) continue;
		const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\S+)?$/.exec(l);
		if (!m) {
			out.push({ name: null, bad: l });
			continue;
		}
		const labels = {};
		if (m[2]) {
			const lre = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/g;
			let a;
			while ((a = lre.exec(m[2]))) labels[a[1]] = a[2].replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
		}
		out.push({ name: m[1], labels, value: Number(m[3]) });
	}
	return out;
}

// Sum of the values of series `name` whose labels include `match`.
function metricValue(series, name, match = {}) {
	return series
		.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v))
		.reduce((a, s) => a + s.value, 0);
}

// ---------------------------------------------------------------- contract checks

// docs/api.md: the security headers every response carries.
const CSP =
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

// Directives compared as a set, so that order and spacing do not matter but every
// directive and every source does.
function cspDirectives(v) {
	return String(v || '')
		.split(';')
		.map((d) => d.trim().replace(/\s+/g, ' '))
		.filter(Boolean)
		.sort();
}

function assertSecurityHeaders(res, what) {
	const assert = require('node:assert/strict');
	const h = res.headers;
	assert.ok(h['content-security-policy'], `${what}: no Content-Security-Policy header`);
	assert.deepEqual(cspDirectives(h['content-security-policy']), cspDirectives(CSP), `${what}: Content-Security-Policy`);
	assert.equal(h['x-content-type-options'], 'nosniff', `${what}: X-Content-Type-Options`);
	assert.equal(h['referrer-policy'], 'same-origin', `${what}: Referrer-Policy`);
	assert.equal(h['x-frame-options'], 'DENY', `${what}: X-Frame-Options`);
	assert.equal(h['permissions-policy'], 'camera=(self), microphone=(self), geolocation=()', `${what}: Permissions-Policy`);
}

// docs/api.md JSON error shape: {"error": CODE, "message": TEXT}.
function assertJsonError(res, status, code, what = '') {
	const assert = require('node:assert/strict');
	const label = `${what} ${res.status} ${res.text.slice(0, 300)}`;
	assert.equal(res.status, status, `status (${label})`);
	assert.match(String(res.headers['content-type']), /^application\/json\b/, `content-type (${label})`);
	let j;
	assert.doesNotThrow(() => (j = res.json()), `body is JSON (${label})`);
	assert.equal(j.error, code, `error code (${label})`);
	assert.equal(typeof j.message, 'string', `message is a string (${label})`);
	assert.ok(j.message.length > 0, `message is not empty (${label})`);
	return j;
}

function assertHtml(res, status, what = '') {
	const assert = require('node:assert/strict');
	const label = `${what} ${res.status} ${res.text.slice(0, 300)}`;
	assert.equal(res.status, status, `status (${label})`);
	assert.match(String(res.headers['content-type']), /^text\/html\b/, `content-type (${label})`);
	assert.match(res.text, /<html\b/i, `an HTML page (${label})`);
}

// A redirect's target resolved against the server, as a URL.
function location(res, base) {
	const assert = require('node:assert/strict');
	assert.ok(res.headers.location, `no Location header (status ${res.status})`);
	return new URL(res.headers.location, base);
}

// ---------------------------------------------------------------- the server

class Server {
	// cwd: the server's working directory (default the repository root).
	constructor({ env = {}, command = 'demo', db, args = [], name = 'server', cwd = ROOT } = {}) {
		this.extraEnv = env;
		this.cwd = cwd;
		this.command = command;
		this.name = name;
		this.args = args;
		this.dbArg = db;
		this.proc = null;
		this.stdout = new Tail();
		this.stderr = new Tail();
		this.exit = null;
		this.tmpdir = null;
	}

	// Starts the server once; every caller gets the same promise. (node:test runs a
	// file's top-level before() hooks concurrently, so a hook that needs the server
	// awaits this rather than relying on hook order.)
	ready() {
		if (!this.startPromise) this.startPromise = this.start();
		return this.startPromise;
	}

	get base() {
		return `http://127.0.0.1:${this.port}`;
	}

	async start() {
		if (!fs.existsSync(BIN)) throw new Error(`${BIN} not found: run make first (or set FINESTRETA_BIN)`);
		if (this.dbArg) {
			this.db = this.dbArg;
		} else if (IS_PG) {
			this.db = TEST_DB;
		} else {
			this.db = null;
		}
		// A folder of the server's own: the SQLite file, and the mails it writes when no
		// SMTP server is configured (unless the test chose a folder).
		this.tmpdir = fs.mkdtempSync(path.join(os.tmpdir(), 'finestreta-test-'));
		if (!this.db) this.db = 'sqlite:' + path.join(this.tmpdir, 'test.db');
		if (!('FINESTRETA_MAIL_OUTBOX_DIR' in this.extraEnv)) {
			this.extraEnv = { ...this.extraEnv, FINESTRETA_MAIL_OUTBOX_DIR: path.join(this.tmpdir, 'outbox') };
		}
		if (!('FINESTRETA_DOCUMENTS_DIR' in this.extraEnv)) {
			this.extraEnv = { ...this.extraEnv, FINESTRETA_DOCUMENTS_DIR: path.join(this.tmpdir, 'documents') };
		}
		let lastErr;
		// Retry once or twice on a port race (another process grabbed the port).
		for (let attempt = 0; attempt < 3; attempt++) {
			this.port = await freePort();
			try {
				await this._spawnAndWait();
				return this;
			} catch (e) {
				lastErr = e;
				if (!/address already in use|EADDRINUSE|bind/i.test(this.stderr.text())) break;
			}
		}
		throw lastErr;
	}

	_spawnAndWait() {
		const argv = [this.command, ...this.args, '--db', this.db, '--listen', `127.0.0.1:${this.port}`];
		this.argv = argv;
		this.stdout = new Tail();
		this.stderr = new Tail();
		this.exit = null;
		const env = serverEnv(this.extraEnv);
		this.proc = spawn(BIN, argv, { cwd: this.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
		this.proc.stdout.on('data', (b) => this.stdout.push(b));
		this.proc.stderr.on('data', (b) => {
			this.stderr.push(b);
			this._scanKeys(b);
		});
		this.exited = new Promise((resolve) => {
			this.proc.on('exit', (code, signal) => {
				this.exit = { code, signal };
				resolve(this.exit);
			});
		});
		return this._waitHealthy();
	}

	async _waitHealthy() {
		const deadline = Date.now() + STARTUP_TIMEOUT_MS;
		let last = 'no answer';
		while (Date.now() < deadline) {
			if (this.exit) {
				throw new Error(
					`${this.name}: ${BIN} ${this.argv.join(' ')} exited early (${JSON.stringify(this.exit)}).\n` +
						`stdout:\n${this.stdout.text()}\nstderr:\n${this.stderr.text()}`
				);
			}
			try {
				const r = await request(this.port, 'GET', '/healthz', { timeout: 2000 });
				if (r.status === 200) return;
				last = `status ${r.status}: ${r.text.slice(0, 200)}`;
			} catch (e) {
				last = e.code || e.message;
			}
			await sleep(100);
		}
		this.kill();
		throw new Error(
			`${this.name}: GET /healthz did not answer 200 within ${STARTUP_TIMEOUT_MS} ms (last: ${last}).\n` +
				`command: ${BIN} ${this.argv.join(' ')}\nstdout:\n${this.stdout.text()}\nstderr:\n${this.stderr.text()}`
		);
	}

	get running() {
		return this.proc && !this.exit;
	}

	// Sends SIGTERM and checks a graceful shutdown: exit code 0 within `timeout` ms.
	// Throws (with the server's stderr tail, where ASan reports land) otherwise.
	async stop(timeout = SHUTDOWN_TIMEOUT_MS) {
		if (!this.proc) throw new Error(`${this.name}: never started`);
		if (this.exit) {
			throw new Error(`${this.name}: had already exited (${JSON.stringify(this.exit)}) before SIGTERM.\nstderr:\n${this.stderr.text()}`);
		}
		const t0 = Date.now();
		this.proc.kill('SIGTERM');
		let timer;
		const res = await Promise.race([this.exited, new Promise((r) => (timer = setTimeout(() => r(null), timeout)))]);
		clearTimeout(timer);
		const ms = Date.now() - t0;
		if (!res) {
			this.proc.kill('SIGKILL');
			await this.exited;
			this._cleanup();
			throw new Error(`${this.name}: still running ${timeout} ms after SIGTERM (killed).\nstderr:\n${this.stderr.text().slice(-8000)}`);
		}
		this._cleanup();
		if (res.code !== 0) {
			throw new Error(
				`${this.name}: exit ${JSON.stringify(res)} after SIGTERM (expected code 0).\nstderr:\n${this.stderr.text().slice(-16000)}`
			);
		}
		this.assertNoMissingKeys();
		return { ms };
	}

	// The translation keys the server looked up and found in no catalogue (i18n_get logs each
	// once): a page that shows a raw key. Every suite's server is checked when it ends.
	missingKeys() {
		return [...(this.missing || [])];
	}

	// Reads the log as it comes (the tail keeps only its end), whole lines at a time.
	_scanKeys(b) {
		this.missing = this.missing || new Set();
		const text = (this.partial || '') + b.toString('utf8');
		const nl = text.lastIndexOf('\n');
		this.partial = text.slice(nl + 1);
		for (const m of text.slice(0, nl + 1).matchAll(/i18n: no translation for '([^']*)'/g)) this.missing.add(m[1]);
	}

	assertNoMissingKeys() {
		const keys = this.missingKeys();
		if (!keys.length) return;
		const lines = this.stderr.text().split('\n').filter((l) => /no translation/.test(l));
		throw new Error(`${this.name}: pages used translation keys no catalogue has: ${keys.join(', ')}\n${lines.join('\n')}`);
	}

	// Hard stop for hooks after a failure; no assertions.
	kill() {
		if (this.proc && !this.exit) this.proc.kill('SIGKILL');
		return (this.exited || Promise.resolve()).then(() => this._cleanup());
	}

	_cleanup() {
		if (this.tmpdir) {
			fs.rmSync(this.tmpdir, { recursive: true, force: true });
			this.tmpdir = null;
		}
	}

	request(method, urlPath, opts) {
		return request(this.port, method, urlPath, opts);
	}
	get(urlPath, opts) {
		return request(this.port, 'GET', urlPath, opts);
	}
	rawSend(data, opts) {
		return rawSend(this.port, data, opts);
	}
	openSSE(urlPath, opts) {
		return openSSE(this.port, urlPath, opts);
	}

	// Logs in through the real form: GET /login for the cookies and `_csrf`, then POST.
	// Returns { jar, res, csrf } where csrf is the token of the login page; the jar
	// holds whatever cookies the server set (fin_session on success).
	async login(email, password = DEMO_PASSWORD, { next, jar = new CookieJar(), headers = {}, query = '' } = {}) {
		const page = await this.request('GET', '/login' + query, { jar, headers });
		if (page.status !== 200) throw new Error(`GET /login: status ${page.status}`);
		const csrf = csrfFrom(page.text);
		if (!csrf) throw new Error('GET /login: no _csrf field in the form');
		const res = await this.request('POST', '/login' + query, {
			jar,
			headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
			body: formBody({ email, password, _csrf: csrf, next }),
		});
		return { jar, res, csrf };
	}

	// Logs in and insists on success; returns { jar, csrf } with the CSRF token of /staff.
	async loginOk(email, password = DEMO_PASSWORD) {
		const { jar, res } = await this.login(email, password);
		if (res.status !== 303 || !jar.get('fin_session')) {
			throw new Error(`login ${email}: expected 303 with fin_session, got ${res.status}: ${res.text.slice(0, 500)}`);
		}
		const staff = await this.request('GET', '/staff', { jar });
		if (staff.status !== 200) throw new Error(`GET /staff after login ${email}: ${staff.status}`);
		return { jar, csrf: csrfFrom(staff.text), staff };
	}

	// POSTs a form with the page's CSRF token, fetched from `formPage` with the jar.
	async postForm(urlPath, fields, { jar, formPage = urlPath, csrf } = {}) {
		if (csrf === undefined) {
			const page = await this.request('GET', formPage, { jar });
			csrf = csrfFrom(page.text);
		}
		return this.request('POST', urlPath, {
			jar,
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: formBody({ ...fields, _csrf: csrf }),
		});
	}

	// `finestreta token create --user EMAIL --db DB` against this server's database.
	token(email) {
		return runCli(['token', 'create', '--user', email, '--db', this.db]).then(({ stdout }) => {
			const lines = stdout.split('\n').map((l) => l.trim()).filter(Boolean);
			const tok = lines[lines.length - 1];
			if (!tok || /\s/.test(tok)) throw new Error(`token create: unexpected output ${JSON.stringify(stdout)}`);
			return tok;
		});
	}

	async metrics() {
		const r = await this.request('GET', '/metrics');
		if (r.status !== 200) throw new Error(`GET /metrics: ${r.status}`);
		return parseMetrics(r.text);
	}
}

// Every route the binary serves (`finestreta routes`): { methods: ['GET', …], pattern, owner,
// flags: ['db', …], roles: ['admin', …] or ['public'] }. Read once.
let routeList;
function routes() {
	if (!routeList) {
		const out = execFileSync(BIN, ['routes'], { cwd: ROOT, env: serverEnv(), encoding: 'utf8' });
		routeList = out
			.split('\n')
			.filter(Boolean)
			.map((l) => {
				const [methods, pattern, owner, flags, roles] = l.split('\t');
				return { methods: methods.split(' '), pattern, owner, flags: flags.split(' '), roles: roles.split(' ') };
			});
	}
	return routeList;
}

// Whether capability `name` is in the capability table (it owns a route). A suite for the skeleton
// (src/example/, not in the table) skips itself with it: { skip: !L.hasCapability('example') }.
function hasCapability(name) {
	return routes().some((r) => r.owner === name);
}

function runCli(args, { env = {}, timeout = 30000, cwd = ROOT } = {}) {
	return new Promise((resolve, reject) => {
		execFile(BIN, args, { cwd, env: serverEnv(env), timeout }, (err, stdout, stderr) => {
			if (err) {
				err.message += `\ncommand: ${BIN} ${args.join(' ')}\nstdout:\n${stdout}\nstderr:\n${stderr}`;
				reject(err);
			} else resolve({ stdout, stderr });
		});
	});
}

function startServer(opts) {
	return new Server(opts).start();
}

// Registers before/after hooks for one server per test file; the returned object is
// the Server (usable once `before` has run; another before() hook awaits srv.ready()).
function useServer(opts) {
	const srv = new Server(opts);
	before(() => srv.ready(), { timeout: STARTUP_TIMEOUT_MS * 3 + 10000 });
	after(async () => {
		await srv.kill();
		srv.assertNoMissingKeys();
	});
	return srv;
}

// Adds an availability rule through the schedule pages as coordinator `coord` ({ jar, csrf }):
// one day (date) from start to end by slotMin minutes, `capacity` seats (staffShare % for staff),
// for every procedure or only those listed. Resolves to the response (303 when made).
function addRule(srv, coord, { office, date, start = '08:30', end = '08:45', slotMin = 15, capacity = 1, staffShare = 0, channel = 'in_person', procedures = [] }) {
	return srv.request('POST', `/schedule/offices/${office}/rules`, {
		jar: coord.jar,
		headers: data.FORM,
		body: formBody({
			_csrf: coord.csrf,
			channel,
			every_weeks: '1',
			valid_from: date,
			valid_to: date,
			start,
			end,
			slot_min: String(slotMin),
			capacity: String(capacity),
			staff_share: String(staffShare),
			horizon_days: '60',
			min_notice_min: '0',
			release_days: '',
			release_time: '',
			weekdays: String(data.weekday(date)),
			procedures,
		}),
	});
}

module.exports = {
	ROOT,
	BIN,
	TEST_DB,
	IS_PG,
	BACKEND,
	DEMO_PASSWORD,
	DEMO_CITY,
	DEMO_USERS,
	Server,
	startServer,
	useServer,
	makeDatabase,
	CookieJar,
	parseSetCookie,
	formBody,
	multipartBody,
	decodeEntities,
	tags,
	csrfFrom,
	formIn,
	hrefs,
	htmlLang,
	textOf,
	request,
	rawSend,
	openSSE,
	parseMetrics,
	metricValue,
	CSP,
	assertSecurityHeaders,
	assertJsonError,
	assertHtml,
	location,
	runCli,
	routes,
	hasCapability,
	freePort,
	withTimeout,
	addRule,
	...data,
};
