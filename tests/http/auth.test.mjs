// CSRF protection, 405, and the staff login: wrong and right passwords,
// session cookies, the admin home, the audit log, logout and replay.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertCleanExit, assertLogFree, STAFF_EMAIL, STAFF_PASSWORD } from '../lib/server.mjs';
import { Client, csrfField, htmlLang, h1Text, pageText, assertSecurityHeaders } from '../lib/http.mjs';
import { tr } from '../lib/catalog.mjs';

const WRONG_PASSWORDS = ['Wrong-Password-One-1', 'Wrong-Password-Two-2'];
const MARKER = 'zq-secret-4b1d8e';
let srv;
const secrets = []; // every token and cookie value the tests saw

before(async () => { srv = await startServer(); });
after(async () => { if (srv) await srv.stop(); });

/** A visitor who has opened the login page: { c, csrf } */
async function visitor(lang = 'sv') {
	const c = new Client(srv.url);
	const r = await c.get(`/${lang}/admin`);
	assert.equal(r.status, 200);
	const csrf = csrfField(r.text);
	secrets.push(csrf, c.cookie('ovi_csrf'));
	return { c, csrf, page: r.text };
}

function assertErrorPage(r, status, lang, title) {
	assert.equal(r.status, status);
	assert.equal(htmlLang(r.text), lang);
	assert.equal(h1Text(r.text), tr(lang, title));
	assertSecurityHeaders(r.headers, { what: `${status} page` });
}

test('the login page has a form with a csrf field bound to a cookie', async () => {
	const { c, csrf, page } = await visitor('sv');
	assert.equal(h1Text(page), tr('sv', 'Staff login'));
	assert.match(page, /<form method="post" action="\/sv\/admin\/login"/);
	const cookie = c.cookie('ovi_csrf');
	assert.match(cookie, /^[A-Za-z0-9_-]{43}$/);
	assert.match(csrf, /^[A-Za-z0-9_-]{43}$/);
	assert.notEqual(csrf, cookie, 'the form token is not the cookie itself');
	// The same cookie gives the same token; another visitor gets another.
	const again = await c.get('/sv/admin');
	assert.equal(csrfField(again.text), csrf);
	assert.equal(again.setCookies.find((x) => x.name === 'ovi_csrf'), undefined, 'the cookie is kept');
	const other = await visitor('sv');
	assert.notEqual(other.csrf, csrf);
});

test('a POST without a csrf token is refused with a translated 403 page', async () => {
	for (const lang of ['sv', 'fi', 'en']) {
		const { c } = await visitor(lang);
		const r = await c.post(`/${lang}/admin/login`, { email: STAFF_EMAIL, password: STAFF_PASSWORD });
		assertErrorPage(r, 403, lang, 'The form has expired');
		assert.equal(r.setCookies.find((x) => x.name === 'ovi_session'), undefined, 'no session');
	}
	assert.notEqual(tr('sv', 'The form has expired'), tr('fi', 'The form has expired'));
	// No body at all.
	const { c } = await visitor('sv');
	const r = await c.request('POST', '/sv/admin/login');
	assertErrorPage(r, 403, 'sv', 'The form has expired');
});

test('a POST with a wrong csrf token is refused', async () => {
	const { c, csrf } = await visitor('sv');
	const other = await visitor('sv');
	const bad = [
		'A'.repeat(43),
		csrf.slice(0, -1) + (csrf.endsWith('A') ? 'B' : 'A'),
		csrf.slice(0, 42),
		csrf + 'A',
		other.csrf, // a real token, of another visitor
		c.cookie('ovi_csrf'), // the cookie instead of the token
		'',
	];
	for (const token of bad) {
		const r = await c.post('/sv/admin/login', { csrf: token, email: STAFF_EMAIL, password: STAFF_PASSWORD });
		assertErrorPage(r, 403, 'sv', 'The form has expired');
		assert.equal(r.setCookies.find((x) => x.name === 'ovi_session'), undefined);
	}
	// The right token without its cookie.
	const r = await c.post('/sv/admin/login', { csrf, email: STAFF_EMAIL, password: STAFF_PASSWORD },
		{ cookies: false });
	assertErrorPage(r, 403, 'sv', 'The form has expired');
	// The right token with another visitor's cookie.
	const r2 = await c.post('/sv/admin/login', { csrf, email: STAFF_EMAIL, password: STAFF_PASSWORD },
		{ headers: { Cookie: `ovi_csrf=${other.c.cookie('ovi_csrf')}` } });
	assertErrorPage(r2, 403, 'sv', 'The form has expired');
	// The token twice, once wrong: the first one counts, never "any of them".
	const r3 = await c.post('/sv/admin/login', [['csrf', 'A'.repeat(43)], ['csrf', csrf], ['email', STAFF_EMAIL], ['password', STAFF_PASSWORD]]);
	assert.equal(r3.status, 403);
});

test('POST to a GET page is 405 with Allow; GET of a POST-only path too', async () => {
	const { c, csrf } = await visitor('fi');
	for (const p of ['/fi/faq', '/fi/', '/fi/admin']) {
		const r = await c.post(p, { csrf, q: '1' });
		assertErrorPage(r, 405, 'fi', 'This action is not possible');
		assert.match(r.headers.get('allow') || '', /\bGET\b/, `${p}: Allow`);
		assert.doesNotMatch(r.headers.get('allow'), /POST/);
	}
	const r = await c.get('/fi/admin/login');
	assertErrorPage(r, 405, 'fi', 'This action is not possible');
	assert.match(r.headers.get('allow') || '', /^POST$/);
	const d = await c.request('DELETE', '/fi/faq');
	assert.equal(d.status, 405);
	assert.match(d.headers.get('allow') || '', /\bGET\b/);
});

test('a wrong password gives 422 with the e-mail kept and an error summary', async () => {
	const { c, csrf } = await visitor('sv');
	const r = await c.post('/sv/admin/login', { csrf, email: STAFF_EMAIL, password: WRONG_PASSWORDS[0] });
	assert.equal(r.status, 422);
	assert.equal(htmlLang(r.text), 'sv');
	assert.equal(h1Text(r.text), tr('sv', 'Staff login'));
	assert.ok(r.text.includes(`value="${STAFF_EMAIL}"`), 'the e-mail is kept in the form');
	assert.ok(!r.text.includes(WRONG_PASSWORDS[0]), 'the password is never sent back');
	assert.match(r.text, /<div class="error-summary" role="alert"[^>]*>/);
	assert.match(r.text, /<li><a href="#email">/, 'the summary links to the field');
	assert.ok(pageText(r.text).includes(tr('sv', 'The e-mail address or the password is wrong.')));
	assert.match(r.text, /aria-invalid="true"/);
	assert.equal(r.setCookies.find((x) => x.name === 'ovi_session'), undefined);
	// The form can be sent again with the same token.
	assert.equal(csrfField(r.text), csrf);

	// An unknown address gets the very same answer (no account enumeration).
	const u = await c.post('/sv/admin/login', { csrf, email: 'nobody@example.org', password: WRONG_PASSWORDS[1] });
	assert.equal(u.status, 422);
	assert.ok(pageText(u.text).includes(tr('sv', 'The e-mail address or the password is wrong.')));
});

test('a missing e-mail or password gives 422 naming the field', async () => {
	const { c, csrf } = await visitor('fi');
	let r = await c.post('/fi/admin/login', { csrf, email: '', password: 'whatever-it-is' });
	assert.equal(r.status, 422);
	assert.match(r.text, /<li><a href="#email">/);
	assert.ok(pageText(r.text).includes(tr('fi', 'Enter the e-mail address of your staff account.')));
	r = await c.post('/fi/admin/login', { csrf, email: STAFF_EMAIL, password: '' });
	assert.equal(r.status, 422);
	assert.match(r.text, /<li><a href="#password">/);
	assert.ok(r.text.includes(`value="${STAFF_EMAIL}"`));
	assert.ok(pageText(r.text).includes(tr('fi', 'Enter your password.')));
	// A value with markup is escaped, not echoed raw.
	r = await c.post('/fi/admin/login', { csrf, email: '"><script>x()</script>@example.org', password: '' });
	assert.equal(r.status, 422);
	assert.ok(!r.text.includes('<script>x()'), 'the e-mail is escaped');
	assert.ok(r.text.includes('&lt;script&gt;') || r.text.includes('&#60;script'), 'the e-mail is shown escaped');
});

let session; // { c, token }

test('the right password logs in: 303, an HttpOnly SameSite session cookie, a new csrf cookie', async () => {
	const { c, csrf } = await visitor('sv');
	const oldCookie = c.cookie('ovi_csrf');
	const r = await c.post('/sv/admin/login', { csrf, email: STAFF_EMAIL, password: STAFF_PASSWORD });
	assert.equal(r.status, 303);
	assert.equal(r.headers.get('location'), '/sv/admin');
	const s = r.setCookies.find((x) => x.name === 'ovi_session');
	assert.ok(s, 'a session cookie');
	assert.match(s.value, /^[A-Za-z0-9_-]{43}$/);
	assert.equal(s.attrs.httponly, true);
	assert.equal(s.attrs.samesite, 'Lax');
	assert.equal(s.attrs.path, '/');
	assert.equal(s.attrs.domain, undefined);
	const nc = r.setCookies.find((x) => x.name === 'ovi_csrf');
	assert.ok(nc, 'the csrf cookie is replaced at login');
	assert.notEqual(nc.value, oldCookie);
	assert.equal(c.cookie('ovi_csrf'), nc.value);
	secrets.push(s.value, nc.value);

	// The form token from before the login is no longer accepted.
	const stale = await c.post('/sv/admin/logout', { csrf });
	assertErrorPage(stale, 403, 'sv', 'The form has expired');
	session = { c, token: s.value };
});

test('the admin home and the audit log show the staff member and the login', async () => {
	const { c } = session;
	const home = await c.get('/sv/admin');
	assert.equal(home.status, 200);
	assert.equal(h1Text(home.text), tr('sv', 'Admin'));
	assert.ok(home.text.includes(STAFF_EMAIL));
	assert.match(home.text, /<form class="inline-form" method="post" action="\/sv\/admin\/logout">/);
	assert.doesNotMatch(home.text, /action="\/sv\/admin\/login"/, 'no login form');
	secrets.push(csrfField(home.text));

	const audit = await c.get('/sv/admin/audit');
	assert.equal(audit.status, 200);
	assert.equal(h1Text(audit.text), tr('sv', 'Audit log'));
	const rows = [...audit.text.matchAll(/<tr><td>([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td>/g)].map((m) => m.slice(1));
	assert.ok(rows.length >= 3, 'login, failed login and account creation are listed');
	// Newest first: the login we just made.
	assert.equal(rows[0][1], STAFF_EMAIL);
	assert.equal(rows[0][2], tr('sv', 'Logged in'));
	assert.ok(rows.some((x) => x[2] === tr('sv', 'Failed login')), 'the failed login is listed');
	assert.ok(rows.some((x) => x[2] === tr('sv', 'Staff account created or password reset')));
	assert.notEqual(tr('sv', 'Logged in'), 'Logged in');
	assert.match(rows[0][0], /20\d\d/, 'a date');
	for (const w of WRONG_PASSWORDS) assert.ok(!audit.text.includes(w), 'no password in the audit log');

	// In Finnish too.
	const fi = await c.get('/fi/admin/audit');
	assert.equal(htmlLang(fi.text), 'fi');
	assert.ok(fi.text.includes(`<td>${tr('fi', 'Logged in')}</td>`));
});

test('logout ends the session; replaying its cookie shows the login form', async () => {
	const { c, token } = session;
	const home = await c.get('/sv/admin');
	const csrf = csrfField(home.text);
	const r = await c.post('/sv/admin/logout', { csrf });
	assert.equal(r.status, 303);
	assert.equal(r.headers.get('location'), '/sv/');
	const cleared = r.setCookies.find((x) => x.name === 'ovi_session');
	assert.ok(cleared, 'the session cookie is cleared');
	assert.equal(cleared.value, '');
	assert.equal(cleared.attrs['max-age'], '0');
	assert.equal(c.cookie('ovi_session'), undefined);

	const after1 = await c.get('/sv/admin');
	assert.equal(h1Text(after1.text), tr('sv', 'Staff login'));

	// An attacker who kept the cookie gets nothing.
	const replay = new Client(srv.url);
	replay.jar.set('ovi_session', token);
	const r2 = await replay.get('/sv/admin');
	assert.equal(r2.status, 200);
	assert.equal(h1Text(r2.text), tr('sv', 'Staff login'));
	assert.ok(!r2.text.includes(STAFF_EMAIL));
	const r3 = await replay.get('/sv/admin/audit');
	assert.equal(r3.status, 303);
	assert.equal(r3.headers.get('location'), '/sv/admin');
	// A made-up token fares no better.
	const forged = new Client(srv.url);
	forged.jar.set('ovi_session', 'A'.repeat(43));
	const r4 = await forged.get('/en/admin/audit');
	assert.equal(r4.status, 303);
});

test('the audit log records the logout; a new login in Finnish lands on /fi/admin', async () => {
	const { c, csrf } = await visitor('fi');
	const r = await c.post('/fi/admin/login', { csrf, email: STAFF_EMAIL, password: STAFF_PASSWORD });
	assert.equal(r.status, 303);
	assert.equal(r.headers.get('location'), '/fi/admin');
	secrets.push(c.cookie('ovi_session'), c.cookie('ovi_csrf'));
	const a = await c.get('/fi/admin/audit');
	const actions = [...a.text.matchAll(/<tr><td>[^<]*<\/td><td>[^<]*<\/td><td>([^<]*)<\/td>/g)].map((m) => m[1]);
	assert.deepEqual(actions.slice(0, 3), [tr('fi', 'Logged in'), tr('fi', 'Logged out'), tr('fi', 'Logged in')]);
	// Two sessions of one account are independent: logging out one keeps the other.
	const b = await visitor('en');
	const rb = await b.c.post('/en/admin/login', { csrf: b.csrf, email: STAFF_EMAIL, password: STAFF_PASSWORD });
	assert.equal(rb.status, 303);
	secrets.push(b.c.cookie('ovi_session'), b.c.cookie('ovi_csrf'));
	assert.notEqual(b.c.cookie('ovi_session'), c.cookie('ovi_session'));
	const home = await b.c.get('/en/admin');
	assert.equal(h1Text(home.text), tr('en', 'Admin'));
	const out = await b.c.post('/en/admin/logout', { csrf: csrfField(home.text) });
	assert.equal(out.status, 303);
	assert.equal(h1Text((await b.c.get('/en/admin')).text), tr('en', 'Staff login'));
	assert.equal(h1Text((await c.get('/fi/admin')).text), tr('fi', 'Admin'), 'the other session lives on');
});

test('the log holds no e-mail address, password, token or secret from a URL', async () => {
	const c = new Client(srv.url);
	await c.get(`/sv/admin/${MARKER}`);
	await c.get(`/sv/admin?next=${MARKER}`);
	const log = srv.stderr();
	assert.match(log, /POST admin-login 303/, 'logins are logged');
	assertLogFree(log, [STAFF_EMAIL, 'nobody@example.org', 'example.org', STAFF_PASSWORD, ...WRONG_PASSWORDS, MARKER, ...secrets]);
});

test('the server stops cleanly (no sanitizer or leak report)', async () => {
	assertCleanExit(await srv.stop());
});
