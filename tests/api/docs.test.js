'use strict';
// The documentation tells the truth: every file it names is in the repository, docs/api.md
// lists every security header the server sends with its value, docs/architecture.md stands on
// its own, and README's "Running it for real" commands work when typed as they are.
const { test, describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const L = require('./lib/server.js');

const ROOT = L.ROOT;

function docFiles() {
	const out = ['README.md', 'CONTRIBUTING.md'];
	const walk = (dir) => {
		for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
			const rel = path.join(dir, e.name);
			if (e.isDirectory()) walk(rel);
			else if (e.name.endsWith('.md')) out.push(rel);
		}
	};
	walk('docs');
	return out;
}

// Repository paths a document names: `code spans` that look like a path under one of the
// repository's folders (or a module path under src/ or templates/), and relative Markdown
// links. Placeholders (NAME, YYYY, {a,b}, …) and generated folders (build/, data/) are not paths.
const TOP = /^(src|docs|deploy|scripts|templates|static|locale|migrations|tests|bench)\//;
function namedPaths(doc, text) {
	const names = new Set();
	for (const m of text.matchAll(/`([^`\s]+)`/g)) {
		const t = m[1];
		if (/[A-Z{}*…‹<>|,]|\.\.\./.test(t) || !t.includes('/') || /^(\/|https?:|[a-z]+:\/\/)/.test(t)) continue;
		if (TOP.test(t) || /^[a-z_]+\/[a-z_]+\.(c|h)$/.test(t)) names.add(t);
	}
	for (const m of text.matchAll(/\]\(([^)\s#]+)(#[^)]*)?\)/g)) {
		if (!/^[a-z]+:/.test(m[1])) names.add(path.join(path.dirname(doc), m[1]));
	}
	return [...names];
}

function exists(doc, p) {
	const bases = ['', 'src/', 'templates/', path.dirname(doc) + '/'];
	return bases.some((b) => fs.existsSync(path.join(ROOT, b + p)));
}

describe('documents name files that exist', () => {
	for (const doc of docFiles()) {
		it(doc, () => {
			const text = fs.readFileSync(path.join(ROOT, doc), 'utf8');
			const missing = namedPaths(doc, text).filter((p) => !exists(doc, p));
			assert.deepEqual(missing, [], `${doc} names files that are not in the repository`);
		});
	}
	it('the path finder sees what it should', () => {
		const found = namedPaths('README.md', 'see `deploy/nginx.conf`, `base/buf.h`, [x](docs/api.md), `tests/fuzz/corpus/NAME`, `/etc/x`');
		assert.deepEqual(found.sort(), ['base/buf.h', 'deploy/nginx.conf', 'docs/api.md']);
	});
});

test('docs/architecture.md stands on its own: no design note from outside the repository', () => {
	const text = fs.readFileSync(path.join(ROOT, 'docs/architecture.md'), 'utf8');
	assert.doesNotMatch(text, /DESIGN\.md|design note|shared folder/i);
});

describe('docs/api.md lists every security header sent', () => {
	const srv = L.useServer({ name: 'docs' });
	const SECURITY = /^(content-security-policy|x-content-type-options|referrer-policy|x-frame-options|permissions-policy|strict-transport-security|cross-origin-[a-z-]+|x-xss-protection)$/;

	it('with the value it has, on a page, an API answer, an error and a static file', async () => {
		const api = fs.readFileSync(path.join(ROOT, 'docs/api.md'), 'utf8');
		const intro = api.split('\n## ')[0];
		const documented = new Map();
		for (const m of intro.matchAll(/`([A-Za-z-]+): ([^`]+)`/g)) documented.set(m[1].toLowerCase(), m[2]);
		assert.ok(documented.size >= 4, `docs/api.md's opening lists the headers: ${[...documented.keys()]}`);
		for (const url of ['/', '/healthz', '/no/such/page', '/static/favicon.svg']) {
			const r = await srv.get(url);
			const sent = Object.keys(r.headers).filter((h) => SECURITY.test(h));
			assert.deepEqual(sent.sort(), [...documented.keys()].sort(), `${url}: the headers sent are the ones documented`);
			for (const h of sent) assert.equal(r.headers[h], documented.get(h), `${url}: ${h}`);
		}
	});

	it('graceful shutdown', () => srv.stop());
});

test("README's \"Running it for real\" commands work as typed", { timeout: 120000 }, async () => {
	const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
	const section = readme.split('\n## Running it for real')[1].split('\n## ')[0];
	const block = section.match(/```sh\n([\s\S]*?)```/)[1];
	const lines = block.split('\n').map((l) => l.trim()).filter(Boolean);
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'finestreta-readme-'));
	const env = { ...process.env };
	for (const k of ['FINESTRETA_BIN', 'FINESTRETA_TEST_DB', 'FINESTRETA_CHROMIUM']) delete env[k];
	env.FINESTRETA_MAIL_OUTBOX_DIR = path.join(tmp, 'outbox');
	let served = false;
	try {
		for (const line of lines) {
			if (line === 'make') continue; // the suite runs on a built binary
			const exp = line.match(/^export (FINESTRETA_[A-Z_]+)=sqlite:data\/(.+)$/);
			if (exp) {
				env[exp[1]] = `sqlite:${path.join(tmp, exp[2])}`; // the same, in a scratch folder
				continue;
			}
			assert.match(line, /^build\/finestreta /, `a command of the binary: ${line}`);
			const args = splitShell(line.slice('build/finestreta '.length));
			if (args[0] === 'serve') {
				const port = await L.freePort();
				const i = args.indexOf('--listen');
				assert.ok(i > 0, 'serve names its address');
				args[i + 1] = `127.0.0.1:${port}`;
				const srv = new L.Server({ command: 'serve', args: args.slice(1, i).concat(args.slice(i + 2)), db: env.FINESTRETA_DATABASE_URL, env: { FINESTRETA_MAIL_OUTBOX_DIR: env.FINESTRETA_MAIL_OUTBOX_DIR } });
				await srv.start();
				const offices = (await srv.get('/api/v1/offices')).json();
				assert.ok(offices.offices.length > 0, 'the imported offices are served');
				await srv.stop();
				served = true;
				continue;
			}
			const r = spawnSync(L.BIN, args, { cwd: ROOT, env, input: 'a-password-of-twenty-chars\n', encoding: 'utf8', timeout: 30000 });
			assert.equal(r.status, 0, `${line}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
			if (args[0] === 'token') assert.match(r.stdout.trim(), /^[0-9a-f]{64}$/, 'token create prints the token');
			if (args[0] === 'mail') assert.match(r.stdout, /^queued test message \d+ to oac@ajuntament\.cat/);
		}
		assert.ok(served, 'the block ends by serving');
		for (const f of section.matchAll(/`((?:deploy|docs)\/[^`]+)`/g)) assert.ok(fs.existsSync(path.join(ROOT, f[1])), f[1]);
	} finally {
		fs.rmSync(tmp, { recursive: true, force: true });
	}
});

// Splits a command line as the shell would for the quoting README uses ("…" and '…').
function splitShell(s) {
	const out = [];
	for (const m of s.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3]);
	return out;
}
