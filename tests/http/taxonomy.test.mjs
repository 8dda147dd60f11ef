// Staff edit of the reference data: the kinds, search, hide/show, rename
// (with a form error that keeps what was typed), the audit log, and that
// only staff get in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertCleanExit, STAFF_EMAIL, STAFF_PASSWORD, LANGS } from '../lib/server.mjs';
import { Client, csrfField, h1Text, pageText } from '../lib/http.mjs';
import { tr } from '../lib/catalog.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { if (srv) assertCleanExit(await srv.stop()); });

async function staff(lang = 'sv') {
	const c = new Client(srv.url);
	const page = await c.get(`/${lang}/admin`);
	const r = await c.post(`/${lang}/admin/login`, { csrf: csrfField(page.text), email: STAFF_EMAIL, password: STAFF_PASSWORD });
	assert.equal(r.status, 303);
	return c;
}

test('only staff see the reference data pages', async () => {
	const c = new Client(srv.url);
	for (const path of ['/sv/admin/taxonomy', '/fi/admin/taxonomy/language', '/en/admin/taxonomy/municipality/FI-091']) {
		const r = await c.get(path);
		assert.equal(r.status, 303, path);
		assert.match(r.headers.get('location'), /\/(sv|fi|en)\/admin$/);
	}
});

test('the kinds are listed in each language', async () => {
	for (const lang of LANGS) {
		const c = await staff(lang);
		const r = await c.get(`/${lang}/admin/taxonomy`);
		assert.equal(r.status, 200);
		assert.equal(h1Text(r.text), tr(lang, 'Reference data'));
		for (const kind of ['sector', 'occupation', 'region', 'municipality', 'country', 'language', 'education'])
			assert.match(r.text, new RegExp(`href="/${lang}/admin/taxonomy/${kind}"`));
		assert.ok(pageText(r.text).includes(tr(lang, 'Municipalities')));
	}
	const c = await staff('sv');
	assert.equal((await c.get('/sv/admin/taxonomy/planets')).status, 404);
	assert.equal((await c.get('/sv/admin/taxonomy/municipality/FI-000')).status, 404);
});

test('search, hide and show a municipality', async () => {
	const c = await staff('sv');
	let r = await c.get('/sv/admin/taxonomy/municipality?q=helsingf');
	assert.equal(r.status, 200);
	assert.match(r.text, /href="\/sv\/admin\/taxonomy\/municipality\/FI-091">Helsingfors</);
	const csrf = csrfField(r.text);
	const back = '/sv/admin/taxonomy/municipality?q=helsingf';
	r = await c.post('/sv/admin/taxonomy/municipality/FI-091/visibility', { csrf, hidden: '1', back });
	assert.equal(r.status, 303);
	assert.equal(new URL(r.headers.get('location'), srv.url).pathname + new URL(r.headers.get('location'), srv.url).search, back);
	r = await c.get(back);
	assert.ok(pageText(r.text).includes(tr('sv', 'Hidden')));
	// A "back" address elsewhere is not followed.
	r = await c.post('/sv/admin/taxonomy/municipality/FI-091/visibility', { csrf, hidden: '0', back: 'https://example.com/' });
	assert.equal(r.status, 303);
	assert.match(r.headers.get('location'), /\/sv\/admin\/taxonomy\/municipality\/FI-091\?saved=1$/);
	r = await c.get(back);
	assert.ok(pageText(r.text).includes(tr('sv', 'Offered')));
	// No csrf: refused; a bad value: 400.
	assert.equal((await c.post('/sv/admin/taxonomy/municipality/FI-091/visibility', { hidden: '1' })).status, 403);
	assert.equal((await c.post('/sv/admin/taxonomy/municipality/FI-091/visibility', { csrf, hidden: 'yes' })).status, 400);
});

test('rename: errors keep what was typed; a saved name is shown and audited', async () => {
	const c = await staff('fi');
	let r = await c.get('/fi/admin/taxonomy/sector/ict');
	assert.equal(r.status, 200);
	const csrf = csrfField(r.text);
	r = await c.post('/fi/admin/taxonomy/sector/ict', { csrf, name_sv: 'x'.repeat(201), name_fi: 'Tietotekniikka', name_en: '' });
	assert.equal(r.status, 422);
	assert.match(r.text, /class="error-summary"/);
	assert.match(r.text, /aria-invalid="true"/);
	assert.match(r.text, /value="Tietotekniikka"/);
	r = await c.post('/fi/admin/taxonomy/sector/ict', { csrf, name_sv: '', name_fi: ' Tietotekniikka ', name_en: '' });
	assert.equal(r.status, 303);
	r = await c.get('/fi/admin/taxonomy/sector/ict?saved=1');
	assert.equal(h1Text(r.text), 'Tietotekniikka');
	assert.ok(pageText(r.text).includes(tr('fi', 'Your changes have been saved.')));
	r = await c.get('/fi/admin/audit');
	assert.ok(pageText(r.text).includes('sector:ict'));
	// Back to the name from the data.
	r = await c.post('/fi/admin/taxonomy/sector/ict', { csrf, name_sv: '', name_fi: '', name_en: '' });
	assert.equal(r.status, 303);
	r = await c.get('/fi/admin/taxonomy/sector/ict');
	assert.equal(h1Text(r.text), 'Tieto- ja viestintätekniikka (ICT)');
});

test('the language list pages through thousands of entries', async () => {
	const c = await staff('en');
	let r = await c.get('/en/admin/taxonomy/language');
	assert.equal(r.status, 200);
	assert.match(r.text, /rel="next"/);
	r = await c.get('/en/admin/taxonomy/language?page=2&q=a');
	assert.equal(r.status, 200);
	assert.match(r.text, /rel="prev"/);
	r = await c.get('/en/admin/taxonomy/language?page=abc&q=' + 'x'.repeat(500));
	assert.equal(r.status, 200);
});
