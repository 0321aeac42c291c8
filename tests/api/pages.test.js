'use strict';
// Pages that lead somewhere: every card on the home page links to a page that answers, in
// every language; screen accounts (call display, kiosk) land on a page that says what they
// are for.
const { test, describe, it } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib/server.js');

const srv = L.useServer({ name: 'pages' });

describe('home page', () => {
	for (const lang of ['ca', 'es', 'en']) {
		it(`every card links to a page that answers 200 (${lang})`, async () => {
			const home = await srv.get(`/?lang=${lang}`);
			L.assertHtml(home, 200, 'home');
			const list = home.text.match(/<ul class="cards">([\s\S]*?)<\/ul>/);
			assert.ok(list, 'the home page has cards');
			const cards = list[1].match(/<li class="card">[\s\S]*?<\/li>/g) || [];
			assert.ok(cards.length >= 2, `at least two cards, got ${cards.length}`);
			for (const card of cards) {
				const href = card.match(/<a href="([^"]+)"/);
				assert.ok(href, `a card without a link: ${card}`);
				const r = await srv.get(href[1]);
				assert.equal(r.status, 200, `${href[1]} answers ${r.status}`);
			}
		});
	}
});

describe('screen accounts', () => {
	const cases = [
		['display', L.DEMO_USERS.display, /This account is for a call display/],
		['kiosk', L.DEMO_USERS.kiosk, /This account is for a self-service kiosk/],
	];
	for (const [role, email, says] of cases) {
		it(`a ${role} account lands on a page that says what it is for`, async () => {
			const { jar } = await srv.loginOk(email);
			const r = await srv.get('/staff?lang=en', { jar });
			L.assertHtml(r, 200, `/staff as ${role}`);
			assert.match(r.text, says);
			assert.match(r.text, /not available yet in this version/);
			assert.doesNotMatch(r.text, /Choose what you want to do/, 'no empty menu');
		});
	}

	it('people accounts keep their menu, without the screen note', async () => {
		const { jar } = await srv.loginOk(L.DEMO_USERS.informer);
		const r = await srv.get('/staff?lang=en', { jar });
		assert.match(r.text, /Choose what you want to do/);
		assert.doesNotMatch(r.text, /This account is for/);
	});
});

test('graceful shutdown', () => srv.stop());
