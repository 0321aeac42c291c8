'use strict';
// Test data and small helpers every suite needs: dates in the city's time zone, valid Spanish
// ID numbers, a citizen factory, SQL on the server's database with the backend's own client,
// and polling. server.js re-exports all of it, so a suite only needs
//   const L = require('./lib/server.js');
//   const person = L.people({ from: 50000, name: 'Persona de Prova', email: 'prova' });
//   L.sql(srv.db, 'SELECT count(*) FROM appointments');
// New suites (one per capability) take their helpers from here rather than copying them.

const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
const TZ = 'Europe/Madrid';

function sleep(ms) {
	return new Promise((r) => setTimeout(r, ms));
}

// ---------------------------------------------------------------- dates (YYYY-MM-DD)

// The calendar date in Madrid as YYYY-MM-DD, `days` from now. Built from the parts of the
// date, never from a locale's format: 'en-CA' gives 12/07/2026 with some ICU builds
// (Debian's Node 18), 2026-12-07 with others.
function madridDate(days = 0) {
	const d = new Date(Date.now() + days * 86400000);
	const parts = {};
	const fmt = new Intl.DateTimeFormat('en', { timeZone: TZ, year: 'numeric', month: 'numeric', day: 'numeric', numberingSystem: 'latn' });
	for (const p of fmt.formatToParts(d)) {
		if (p.type === 'year' || p.type === 'month' || p.type === 'day') parts[p.type] = Number(p.value);
	}
	return `${String(parts.year).padStart(4, '0')}-${String(parts.month).padStart(2, '0')}-${String(parts.day).padStart(2, '0')}`;
}

// YYYY-MM-DD plus n days.
function addDays(date, n) {
	const t = Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10)) + n * 86400000;
	return new Date(t).toISOString().slice(0, 10);
}

// ISO weekday (1 = Monday … 7 = Sunday).
function weekday(date) {
	const d = new Date(date + 'T12:00:00Z').getUTCDay();
	return d === 0 ? 7 : d;
}

// The first date on or after `date` with ISO weekday `wd`.
function nextWeekday(date, wd) {
	let d = date;
	while (weekday(d) !== wd) d = addDays(d, 1);
	return d;
}

// ---------------------------------------------------------------- people

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

// A valid DNI: eight digits and their check letter.
function dni(n) {
	return String(n).padStart(8, '0') + DNI_LETTERS[n % 23];
}

// A valid NIE: X, Y or Z, seven digits and the check letter.
function nie(prefix, n) {
	const v = 'XYZ'.indexOf(prefix) * 10000000 + n;
	return prefix + String(n).padStart(7, '0') + DNI_LETTERS[v % 23];
}

// A factory of citizens, each with their own DNI, e-mail and phone (the limit of active
// appointments per ID number makes sharing them a source of flaky tests). Start numbers apart
// per suite; `random` spreads them further when a database outlives one run.
function people({ from = 10000, random = 0, name = 'Persona de Prova', email = 'persona', lang = 'ca' } = {}) {
	let seq = from + (random ? Math.floor(Math.random() * random) : 0);
	return (extra = {}) => {
		const n = seq++;
		return {
			name: `${name} ${n}`,
			id_type: 'dni',
			id_number: dni(n),
			email: `${email}${n}@example.cat`,
			phone: `6${String(n).padStart(8, '0')}`,
			lang,
			...extra,
		};
	};
}

// ---------------------------------------------------------------- database and polling

// Runs SQL on a server's database (srv.db: "sqlite:FILE" or a postgresql:// URL) with the
// backend's own client; returns the trimmed output, rows on lines, columns split by "|".
function sql(db, q) {
	if (/^postgres(ql)?:\/\//.test(db)) return execFileSync('psql', [db, '-X', '-q', '-At', '-c', q], { encoding: 'utf8' }).trim();
	return execFileSync('sqlite3', ['-cmd', '.timeout 5000', db.replace(/^sqlite:/, ''), q], { encoding: 'utf8' }).trim();
}

// Polls `pred` every `every` ms until it is true; fails after `ms`. Resolves to the wait.
async function waitFor(pred, ms, what, every = 250) {
	const t0 = Date.now();
	for (;;) {
		if (await pred()) return Date.now() - t0;
		if (Date.now() - t0 > ms) assert.fail(`${what}: not within ${ms} ms`);
		await sleep(every);
	}
}

// ---------------------------------------------------------------- proof of work

// Solves an altcha v1 challenge as the widget does (tries numbers up to maxnumber); the payload to
// send as "altcha".
function solvePow(ch) {
	const crypto = require('node:crypto');
	for (let n = 0; n <= ch.maxnumber; n++) {
		if (crypto.createHash('sha256').update(ch.salt + n).digest('hex') === ch.challenge) {
			const p = { algorithm: ch.algorithm, challenge: ch.challenge, number: n, salt: ch.salt, signature: ch.signature, took: 1 };
			return Buffer.from(JSON.stringify(p)).toString('base64');
		}
	}
	throw new Error('no solution');
}

module.exports = {
	FORM,
	TZ,
	sleep,
	madridDate,
	addDays,
	weekday,
	nextWeekday,
	DNI_LETTERS,
	dni,
	nie,
	people,
	sql,
	waitFor,
	solvePow,
};
