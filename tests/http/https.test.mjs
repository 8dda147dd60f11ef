// Under an https base URL: HSTS, __Host- cookies with Secure, absolute
// alternates on the public address, and a configured default language.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertCleanExit, rawRequest, parseRaw, STAFF_EMAIL, STAFF_PASSWORD } from '../lib/server.mjs';
import { Client, csrfField, h1Text, htmlLang, assertSecurityHeaders } from '../lib/http.mjs';
import { tr } from '../lib/catalog.mjs';

const BASE = 'https://ovi.example.org';
let srv;
before(async () => { srv = await startServer({ env: { OVI_BASE_URL: BASE + '/', OVI_DEFAULT_LANG: 'en' } }); });
after(async () => { if (srv) await srv.stop(); });

test('HSTS and security headers on every kind of answer', async () => {
	const c = new Client(srv.url, { prefix: '__Host-' });
	for (const p of ['/', '/en/', '/fi/faq', '/sv/nope', '/static/ovi.css', '/en/%zz', '/en/admin']) {
		const r = await c.get(p);
		assertSecurityHeaders(r.headers, { https: true, what: p });
		assert.match(r.headers.get('strict-transport-security'), /max-age=(\d+)/);
		assert.ok(Number(/max-age=(\d+)/.exec(r.headers.get('strict-transport-security'))[1]) >= 15552000, 'at least half a year');
	}
});

test('the configured default language and absolute alternates on the public address', async () => {
	const c = new Client(srv.url, { prefix: '__Host-' });
	const r = await c.get('/faq', { headers: { 'Accept-Language': 'de' } });
	assert.equal(r.status, 302);
	assert.equal(r.headers.get('location'), '/en/faq');
	const p = await c.get('/sv/faq');
	for (const l of ['sv', 'fi', 'en'])
		assert.ok(p.text.includes(`<link rel="alternate" hreflang="${l}" href="${BASE}/${l}/faq">`), l);
	assert.ok(!p.text.includes(`${BASE}//`), 'the trailing slash of base_url is dropped');
	// Without Accept-Language: the configured default.
	const raw = parseRaw(await rawRequest(srv.port, 'GET /de/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'));
	assert.equal(raw.status, 404);
	assert.equal(htmlLang(raw.body), 'en');
	const f = parseRaw(await rawRequest(srv.port, 'GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'));
	assert.deepEqual(f.headers.location, ['/en/']);
});

// "Accept-Language: *" (fetch() and some other clients send it) means "any
// language is fine", so the configured default should win. Today the server
// picks the first supported language (sv) instead.
test('"Accept-Language: *" gives the configured default language', async () => {
	for (const al of ['*', 'de, *;q=0.5']) {
		const r = parseRaw(await rawRequest(srv.port, `GET /faq HTTP/1.1\r\nHost: localhost\r\nAccept-Language: ${al}\r\nConnection: close\r\n\r\n`));
		assert.deepEqual(r.headers.location, ['/en/faq'], al);
	}
	const e = await new Client(srv.url).get('/de/');
	assert.equal(e.status, 404);
	assert.equal(htmlLang(e.text), 'en');
});

test('cookies are __Host- prefixed and Secure; plain-named cookies are ignored', async () => {
	const c = new Client(srv.url, { prefix: '__Host-' });
	const r = await c.get('/en/admin');
	assert.ok(r.setCookies.length >= 2);
	for (const k of r.setCookies) {
		assert.ok(k.name.startsWith('__Host-'), k.raw);
		assert.equal(k.attrs.secure, true, k.raw);
		assert.equal(k.attrs.path, '/', k.raw);
		assert.equal(k.attrs.domain, undefined, k.raw);
		assert.equal(k.attrs.httponly, true, k.raw);
	}
	const csrf = csrfField(r.text);
	// The token belongs to the __Host- cookie; the same value under the
	// plain name (which a sibling domain could set) does not count.
	const p = new Client(srv.url);
	p.jar.set('ovi_csrf', c.cookie('ovi_csrf'));
	const plain = await p.post('/en/admin/login', { csrf, email: STAFF_EMAIL, password: STAFF_PASSWORD });
	assert.equal(plain.status, 403);
	assert.ok(!plain.setCookies.some((x) => x.name.startsWith('__Host-ovi_session') || x.name === 'ovi_session'));

	const login = await c.post('/en/admin/login', { csrf, email: STAFF_EMAIL, password: STAFF_PASSWORD });
	assert.equal(login.status, 303);
	const s = login.setCookies.find((x) => x.name === '__Host-ovi_session');
	assert.ok(s, 'a __Host- session cookie');
	assert.equal(s.attrs.secure, true);
	assert.equal(s.attrs.httponly, true);
	assert.equal(s.attrs.samesite, 'Lax');
	assert.ok(!login.setCookies.some((x) => x.name === 'ovi_session'));
	const home = await c.get('/en/admin');
	assert.equal(h1Text(home.text), tr('en', 'Admin'));
	// The session token under the plain name is not a login.
	const other = new Client(srv.url);
	other.jar.set('ovi_session', s.value);
	const o = await other.get('/en/admin');
	assert.equal(h1Text(o.text), tr('en', 'Staff login'));
});

test('the server stops cleanly (no sanitizer or leak report)', async () => {
	assertCleanExit(await srv.stop());
});
