'use strict';
// The finestreta command line: help for every command and subcommand, `migrate` saying what
// it did, and the binary finding its templates, translations, migrations and static files
// whatever the working directory.
const { test, describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const L = require('./lib/server.js');

// Runs the binary; resolves { code, stdout, stderr } whatever the exit code.
function cli(args, { cwd = L.ROOT } = {}) {
	return new Promise((resolve) => {
		const env = { ...process.env };
		for (const k of ['FINESTRETA_BIN', 'FINESTRETA_TEST_DB', 'FINESTRETA_CHROMIUM']) delete env[k];
		execFile(L.BIN, args, { cwd, env, timeout: 30000 }, (err, stdout, stderr) => {
			resolve({ code: err ? err.code : 0, stdout, stderr });
		});
	});
}

let tmp;
before(() => {
	tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'finestreta-cli-'));
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('help', () => {
	let commands;
	before(async () => {
		const r = await cli(['help']);
		assert.equal(r.code, 0);
		const list = r.stdout.split('Commands:\n')[1].split('\n\n')[0];
		commands = list.split('\n').map((l) => l.trim().split(/\s+/)[0]).filter(Boolean);
	});

	it('lists the commands, help included', () => {
		for (const c of ['serve', 'demo', 'migrate', 'user', 'token', 'import', 'export', 'mail', 'render', 'help']) {
			assert.ok(commands.includes(c), `'finestreta help' lists ${c}: ${commands}`);
		}
	});

	it('help COMMAND, COMMAND --help, COMMAND -h and COMMAND SUB --help print the same help and exit 0', async () => {
		for (const c of commands) {
			const h = await cli(['help', c]);
			assert.equal(h.code, 0, `help ${c}: ${h.stderr}`);
			assert.match(h.stdout, new RegExp(`^Usage: finestreta ${c}\\b`), `help ${c}`);
			for (const flag of ['--help', '-h']) {
				const r = await cli([c, flag]);
				assert.equal(r.code, 0, `${c} ${flag}: exit ${r.code} ${r.stderr}`);
				assert.equal(r.stdout, h.stdout, `${c} ${flag}`);
			}
			// Every subcommand its usage names: "Usage: finestreta import holidays FILE".
			const subs = [...h.stdout.matchAll(new RegExp(`^Usage: finestreta ${c} ([a-z]+)\\b`, 'gm'))].map((m) => m[1]);
			for (const sub of subs) {
				const r = await cli([c, sub, '--help']);
				assert.equal(r.code, 0, `${c} ${sub} --help: exit ${r.code} ${r.stderr}`);
				assert.equal(r.stdout, h.stdout, `${c} ${sub} --help`);
			}
		}
	});

	it('names subcommands for user, token, import, export and mail', async () => {
		for (const [c, sub] of [['user', 'add'], ['token', 'create'], ['import', 'catalogue'], ['import', 'holidays'], ['export', 'catalogue'], ['mail', 'test']]) {
			const r = await cli([c, sub, '--help']);
			assert.equal(r.code, 0, `${c} ${sub} --help`);
			assert.match(r.stdout, new RegExp(`finestreta ${c} ${sub}\\b`));
		}
	});

	it('help help explains itself; an unknown command is an error (exit 2)', async () => {
		const r = await cli(['help', 'help']);
		assert.equal(r.code, 0, r.stderr);
		assert.match(r.stdout, /^Usage: finestreta help \[COMMAND\]/);
		const bad = await cli(['help', 'frobnicate']);
		assert.equal(bad.code, 2);
		assert.match(bad.stderr, /unknown command 'frobnicate'/);
		assert.equal((await cli(['frobnicate', '--help'])).code, 2);
	});
});

describe('from any working directory', () => {
	it('migrate says how many migrations it applied, then that there was none to apply', async () => {
		// Every capability in the table has its migrations in migrations/NAME/ (the skeleton's are not run).
		const dirs = fs.readdirSync(path.join(L.ROOT, 'migrations')).filter((d) => L.hasCapability(d));
		assert.ok(dirs.length >= 5, `capabilities with migrations: ${dirs}`);
		const n = dirs.map((d) => fs.readdirSync(path.join(L.ROOT, 'migrations', d)).filter((f) => f.endsWith('.sql')).length).reduce((a, b) => a + b, 0);
		const db = `sqlite:${path.join(tmp, 'm.db')}`;
		const first = await cli(['migrate', '--db', db], { cwd: tmp });
		assert.equal(first.code, 0, first.stderr);
		assert.equal(first.stdout, `applied ${n} migrations; the database is up to date\n`);
		const again = await cli(['migrate', '--db', db], { cwd: tmp });
		assert.equal(again.code, 0, again.stderr);
		assert.equal(again.stdout, 'no migration to apply; the database is up to date\n');
	});

	it('serve started in another folder finds its templates, translations and static files', async () => {
		const srv = new L.Server({ command: 'demo', cwd: tmp, name: 'server in another folder' });
		try {
			await srv.start();
			const home = await srv.get('/?lang=en');
			assert.equal(home.status, 200);
			assert.match(home.text, /<html lang="en"/);
			const css = home.text.match(/href="(\/static\/[^"]+\.css)"/);
			assert.ok(css, 'the home page links a stylesheet');
			assert.equal((await srv.get(css[1])).status, 200, css[1]);
			await srv.stop();
		} finally {
			await srv.kill();
		}
	});
});
