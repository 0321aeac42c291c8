'use strict';
// The test harness's own helpers, which the other suites trust.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib/server.js');

test('madridDate gives YYYY-MM-DD whatever the ICU build formats en-CA as', () => {
	const today = L.madridDate();
	assert.match(today, /^\d{4}-\d{2}-\d{2}$/);
	// Madrid is UTC+1 or UTC+2: the date there is today's or tomorrow's UTC date.
	const now = new Date();
	const utc = now.toISOString().slice(0, 10);
	assert.ok(today === utc || today === L.addDays(utc, 1), `${today} vs UTC ${utc}`);
});

test('addDays crosses months, years and leap days', () => {
	assert.equal(L.addDays('2026-12-31', 1), '2027-01-01');
	assert.equal(L.addDays('2028-02-28', 1), '2028-02-29');
	assert.equal(L.addDays('2026-03-01', -1), '2026-02-28');
});
