'use strict';
// Storage fault injection: makes the n-th database call of one request fail and checks that
// nothing was half-written. The server runs with server.fault_injection on, so that a request's
// `X-Fault-Db-Call: N` header fails its N-th database call (0 fails none) and the answer says
// how many calls the request made (`X-Fault-Db-Calls`) and whether the fault fired (`X-Fault-Db`).
//
// A case is one state-changing route (tests/api/faults/CAPABILITY.js):
//   {
//     route: 'POST /admin/offices',          // as `finestreta routes` lists it
//     status: 303,                           // the answer without a fault
//     async request(ctx, i) {                // attempt i (0, 1 = clean runs): fresh data each time
//       return { path: '/admin/offices', as: 'admin', form: { code: `f-${i}`, … } };
//     },
//   }
// A request is { method = 'POST', path, as (a demo role: its session and CSRF token), jar,
// form (fields; arrays repeat), multipart: { fields, files }, json, headers }.
//
// A case may name `separate: { tables: [...], why: '…' }`: tables that a first transaction of the
// route commits on its own, on purpose, before the change (a sign-in attempt is counted before the
// password is checked, so that concurrent guesses cannot outrun the count). They are left out of
// the comparison for that case; every other table still changes all or nothing.
//
// exercise() runs the request twice without a fault (attempts 0 and 1), notes which tables the
// second run changes and by how many rows, then once per database call n with the n-th call
// failing. Each such attempt must answer 5xx, or answer as the clean run did (the fault hit a call
// whose failure is handled, such as a cache refresh); either way the tables are as they were, or
// changed as the clean run changed them (the same tables, by the same number of rows): never part
// of a change. Volatile columns (a session's last_seen, updated_at) are left out.

const assert = require('node:assert/strict');
const data = require('./data.js');

// Columns left out of the fingerprints: those a signed-in request touches whatever the route does,
// every table's updated_at, and a chat's seen_at (the citizen's last sign of life, set again by each
// message): whole seconds, so two runs of one change may or may not see them move.
const VOLATILE = { sessions: ['last_seen'], api_tokens: ['last_used'], chats: ['seen_at'], '*': ['updated_at'] };
// A route with more calls than this is sampled: the first 20, the last 10 and 10 in between.
const MAX_POSITIONS = 40;

const IS_PG = (db) => /^postgres(ql)?:\/\//.test(db);

// { table: [columns] } of the server's database.
function tablesOf(db) {
	const q = IS_PG(db)
		? "SELECT table_name, string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns " +
			"WHERE table_schema = 'public' GROUP BY table_name ORDER BY table_name"
		: "SELECT m.name, group_concat(p.name, ',') FROM sqlite_master m, pragma_table_info(m.name) p " +
			"WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' GROUP BY m.name ORDER BY m.name";
	const out = {};
	for (const line of data.sql(db, q).split('\n').filter(Boolean)) {
		const [t, cols] = line.split('|');
		out[t] = cols.split(',').filter((c) => !(VOLATILE[t] || []).includes(c) && !VOLATILE['*'].includes(c));
	}
	return out;
}

// { table: 'rows:fingerprint' } in one round trip.
function snapshot(db, tables) {
	const parts = Object.entries(tables).map(([t, cols]) => {
		const list = cols.map((c) => `"${c}"`).join(', ');
		if (IS_PG(db)) {
			return `SELECT '${t}', count(*), md5(coalesce(string_agg(row(${list})::text, E'\\n' ORDER BY row(${list})::text), '')) FROM "${t}"`;
		}
		const inner = `SELECT ${list} FROM "${t}" ORDER BY rowid`.replace(/'/g, "''");
		return `SELECT '${t}', (SELECT count(*) FROM "${t}"), hex(sha3_query('${inner}'))`;
	});
	const out = {};
	for (const line of data.sql(db, parts.join(' UNION ALL ')).split('\n').filter(Boolean)) {
		const [t, n, h] = line.split('|');
		out[t] = { rows: Number(n), hash: h };
	}
	return out;
}

// { table: row-count change } for every table whose content changed.
function delta(before, after) {
	const out = {};
	for (const t of Object.keys(after)) {
		if (!before[t] || before[t].hash !== after[t].hash) out[t] = after[t].rows - (before[t] ? before[t].rows : 0);
	}
	return out;
}

// The call positions to fail for a request that makes `calls` of them.
function positions(calls) {
	const all = Array.from({ length: calls }, (_, k) => k + 1);
	if (calls <= MAX_POSITIONS) return all;
	const middle = all.slice(20, calls - 10);
	const step = middle.length / 10;
	return [...all.slice(0, 20), ...Array.from({ length: 10 }, (_, k) => middle[Math.floor(k * step)]), ...all.slice(calls - 10)];
}

// Resolves a request's session (signing in makes writes of its own: before the snapshot).
async function prepare(ctx, req) {
	if (req.as) req.session = await ctx.session(req.as);
	return req;
}

// Sends one prepared request of a case with the fault at call n.
async function send(ctx, req, n) {
	const s = req.session || null;
	const jar = req.jar || (s && s.jar);
	const headers = { 'X-Fault-Db-Call': String(n), ...(req.headers || {}) };
	const csrf = req.csrf !== undefined ? req.csrf : s ? s.csrf : undefined;
	let body;
	if (req.form) {
		headers['Content-Type'] = 'application/x-www-form-urlencoded';
		body = ctx.L.formBody({ ...req.form, ...(csrf ? { _csrf: csrf } : {}) });
	} else if (req.multipart) {
		const mp = ctx.L.multipartBody({ ...req.multipart.fields, ...(csrf ? { _csrf: csrf } : {}) }, req.multipart.files);
		headers['Content-Type'] = mp.contentType;
		body = mp.body;
	} else if (req.json) {
		body = req.json;
	}
	return ctx.srv.request(req.method || 'POST', req.path, { jar, headers, body });
}

function brief(r) {
	return `${r.status} ${String(r.headers.location || '')} ${r.text.slice(0, 300)}`;
}

// Runs a case: the clean run, then one attempt per failing call. Resolves to the number of calls.
async function exercise(ctx, c) {
	const db = ctx.srv.db;
	const tables = ctx.tables || (ctx.tables = tablesOf(db));
	// A first run without a fault warms up what a first change does once (a setting's first row).
	const warm = await send(ctx, await prepare(ctx, await c.request(ctx, 0)), 0);
	assert.equal(warm.status, c.status, `${c.route}: the first run: ${brief(warm)}`);
	const req0 = await prepare(ctx, await c.request(ctx, 1));
	const before0 = snapshot(db, tables);
	const r0 = await send(ctx, req0, 0);
	const after0 = snapshot(db, tables);
	assert.equal(r0.status, c.status, `${c.route}: the clean run: ${brief(r0)}`);
	assert.equal(r0.headers['x-fault-db'], 'unfired', `${c.route}: fault injection is on`);
	const calls = Number(r0.headers['x-fault-db-calls']);
	const separate = (c.separate && c.separate.tables) || [];
	const apart = (d) => {
		for (const t of separate) delete d[t];
		return d;
	};
	const shape = apart(delta(before0, after0));
	let i = 1;
	for (const n of positions(calls)) {
		const req = await prepare(ctx, await c.request(ctx, ++i));
		const before = snapshot(db, tables);
		const r = await send(ctx, req, n);
		const after = snapshot(db, tables);
		const what = `${c.route}, database call ${n} of ${calls} failing`;
		const changed = apart(delta(before, after));
		if (r.headers['x-fault-db'] !== 'fired') {
			// This attempt made fewer calls (its data differ): a clean run.
			assert.equal(r.status, c.status, `${what}: the fault did not fire, yet: ${brief(r)}`);
		} else if (r.status >= 500) {
			// Nothing written, or all of it (the fault hit a read after the commit).
			if (Object.keys(changed).length) {
				assert.deepEqual(changed, shape, `${what}: answered ${r.status} having written part of the change`);
			}
		} else {
			assert.equal(r.status, c.status, `${what}: a storage failure answered as neither 5xx nor success: ${brief(r)}`);
			assert.deepEqual(changed, shape, `${what}: answered ${r.status} but wrote other than the clean run did`);
		}
	}
	return calls;
}

module.exports = { VOLATILE, tablesOf, snapshot, delta, positions, prepare, send, exercise };
