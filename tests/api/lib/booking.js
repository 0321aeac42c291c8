'use strict';
// Helpers for the booking pages' suites (booking-pages, booking-journey): walking the citizen's
// and the staff's flow over HTTP and reading what the pages show.
//   const K = require('./lib/booking.js')(srv);
//   const t = await K.toDetails({ service, channel, office });  const b = await K.book({ … });
const assert = require('node:assert/strict');
const H = require('./server.js');

const { hrefs, formIn } = H;

function html(res, status, what) {
	H.assertHtml(res, status, what);
	return res.text;
}

// The day links of a month calendar.
function calendarDays(text) {
	return hrefs(text).filter((h) => /\/hora\?.*\bday=\d{4}-\d{2}-\d{2}$/.test(h));
}

// The time buttons of a time step: their ISO values.
function times(text) {
	return H.tags(text, 'button')
		.filter((b) => b.name === 'start')
		.map((b) => b.value);
}

// The procedures a list links to (through the channel step or, for a procedure with one channel,
// straight past it): their codes.
function procCodes(text) {
	return hrefs(text)
		.map((h) => /^\/(?:staff\/)?cita\/(?:canal|oficina|dia)\?service=([a-z0-9-]+)/.exec(h))
		.filter(Boolean)
		.map((m) => m[1]);
}

module.exports = function bookingHelpers(srv, { seed = 30000000 } = {}) {
	// A valid DNI and a phone number of their own for each booking (at most 2 active appointments
	// per ID number and per phone).
	let dniSeq = seed + Math.floor(Math.random() * 1000000);
	let phoneSeq = 600000000 + Math.floor(Math.random() * 9000000);
	const nextDni = () => H.dni(dniSeq++);
	const nextPhone = () => String(phoneSeq++);

	function post(urlPath, fields, jar) {
		return srv.request('POST', urlPath, { jar, headers: H.FORM, body: H.formBody(fields) });
	}

	// Walks procedure → channel → [office] → day → time and returns the details page.
	async function toDetails({ service, channel, office, base = '/cita', jar = new H.CookieJar(), pick = (ts) => ts[0], dayIndex = 0 }) {
		let res = await srv.get(`${base}/canal?service=${service}&channel=${channel}&next=1`, { jar });
		assert.equal(res.status, 303, `channel step: ${res.status} ${res.text.slice(0, 300)}`);
		let loc = res.headers.location;
		if (channel === 'in_person') {
			assert.match(loc, new RegExp(`^${base}/oficina\\?`));
			res = await srv.get(`${loc}&office=${office}&next=1`, { jar });
			assert.equal(res.status, 303, `office step: ${res.status}`);
			loc = res.headers.location;
		}
		assert.match(loc, new RegExp(`^${base}/dia\\?`));
		const dayPage = html(await srv.get(loc, { jar }), 200, 'day step');
		const days = calendarDays(dayPage);
		assert.ok(days.length > dayIndex, `free days for ${service}/${channel}: ${days.length}`);
		const dayUrl = days[dayIndex];
		const timePage = html(await srv.get(dayUrl, { jar }), 200, 'time step');
		const ts = times(timePage);
		assert.ok(ts.length > 0, 'free times');
		const start = pick(ts);
		const fields = formIn(timePage, `${base}/hora`);
		assert.ok(fields && fields._csrf, 'the time form carries the CSRF token');
		res = await post(`${base}/hora`, { ...fields, start }, jar);
		assert.equal(res.status, 303, `hold: ${res.status} ${res.text.slice(0, 500)}`);
		const detailsUrl = res.headers.location;
		assert.match(detailsUrl, new RegExp(`^${base}/dades\\?.*hold=[0-9a-f]{64}`));
		const details = html(await srv.get(detailsUrl, { jar }), 200, 'details step');
		return { jar, dayUrl, timePage, start, detailsUrl, details, day: dayUrl.slice(-10) };
	}

	// Books through the pages; returns { code, token, jar, start, idNumber, location, detailsUrl }.
	async function book(opts, person = {}) {
		const base = opts.base || '/cita';
		const t = await toDetails(opts);
		const f = formIn(t.details, `${base}/dades`);
		const idNumber = person.id_number || nextDni();
		const fields = { ...f, name: 'Núria Ferrer i Soler', id_type: 'dni', id_number: idNumber, email: `nuria.${idNumber.toLowerCase()}@example.com`, lang: 'ca', ...person };
		const res = await post(`${base}/dades`, fields, t.jar);
		assert.equal(res.status, 303, `book: ${res.status} ${res.text.slice(0, 800)}`);
		const m = new RegExp(`^(?:/cita/([A-Z0-9]{8})/confirmacio|/staff/cita/([A-Z0-9]{8}))\\?token=([0-9a-f]{64})$`).exec(res.headers.location);
		assert.ok(m, `confirmation URL: ${res.headers.location}`);
		return { code: m[1] || m[2], token: m[3], jar: t.jar, start: t.start, day: t.day, idNumber, location: res.headers.location, detailsUrl: t.detailsUrl, fields };
	}

	return { html, post, toDetails, book, nextDni, nextPhone, calendarDays, times, procCodes };
};
