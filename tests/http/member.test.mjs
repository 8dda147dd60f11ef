// The member area over HTTP against the real server (ASan build) and a
// real SMTP server on loopback: logging in by e-mail link (no account
// enumeration, GET changes nothing, links work once and expire, limits per
// e-mail and per client address), the member's page, withdrawing a
// registration, the JSON export, deleting the account, logging out, and the
// staff pages about people (refused to everyone else).
//
// People are put straight into the test server's database with the sqlite3
// tool (schema: migrations/003_people.sql), so these tests do not depend on
// the registration forms.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { startServer, assertCleanExit, assertLogFree, LANGS, STAFF_EMAIL, STAFF_PASSWORD } from '../lib/server.mjs';
import { Client, csrfField, h1Text, pageText } from '../lib/http.mjs';
import { tr } from '../lib/catalog.mjs';
import { startSmtp } from '../lib/smtp.mjs';

let srv, smtp;
const secrets = []; // strings that must never reach the server log

before(async () => {
	smtp = await startSmtp({ mode: 'ok' });
	srv = await startServer({ env: { OVI_SMTP_URL: `smtp://127.0.0.1:${smtp.port}` } });
});

after(async () => {
	if (srv) await srv.stop();
	if (smtp) await smtp.stop();
});

// ---- helpers -------------------------------------------------------------

/** Run SQL on a test server's database; resolves to the output rows (| separated). */
function sql(server, query) {
	return new Promise((resolve, reject) => {
		execFile('sqlite3', ['-cmd', '.timeout 5000', path.join(server.dir, 'ovi.db'), query], (err, stdout, stderr) => {
			if (err) reject(new Error(`sqlite3: ${err.message}\n${stderr}`));
			else resolve(stdout.trim());
		});
	});
}

const q = (s) => `'${String(s).replace(/'/g, "''")}'`;
let seq = 0;

/**
 * A registered person (confirmed, waiting) with one registration; returns
 * { id, email, regId }. Values may be overridden.
 */
async function addPerson(server, { email, first = 'Anna', last = 'Andersson', mailLang = 'en', role = 'participant',
	status = 'waiting', intro = 'Hello' } = {}) {
	seq++;
	email ||= `member${seq}.${Date.now()}@example.org`;
	const now = Math.floor(Date.now() / 1000);
	const out = await sql(server, `
		INSERT INTO people (email, first_name, last_name, phone, mail_lang, sector, occupation, job_title,
			municipality, intro, gender, birth_year, birth_country, created_at, updated_at)
		VALUES (${q(email)}, ${q(first)}, ${q(last)}, '+358401234567', ${q(mailLang)}, 'ict', '2512',
			'Developer', 'FI-091', ${q(intro)}, 'woman', 1990, 'SY', ${now}, ${now});
		INSERT INTO person_languages (person_id, lang) VALUES (last_insert_rowid(), 'en');
		INSERT INTO registrations (person_id, role, status, created_at, confirmed_at, status_at)
			SELECT id, ${q(role)}, ${q(status)}, ${now}, ${now}, ${now} FROM people WHERE email = ${q(email)};
		INSERT INTO registration_events (registration_id, at, from_status, to_status, actor)
			SELECT r.id, ${now}, 'unconfirmed', ${q(status)}, 'person' FROM registrations r JOIN people p
			ON p.id = r.person_id WHERE p.email = ${q(email)};
		INSERT INTO consents (person_id, registration_id, notice_version, lang, at)
			SELECT r.person_id, r.id, '2026-11-23', 'en', ${now} FROM registrations r JOIN people p
			ON p.id = r.person_id WHERE p.email = ${q(email)};
		SELECT p.id, r.id FROM people p JOIN registrations r ON r.person_id = p.id WHERE p.email = ${q(email)};`);
	const [id, regId] = out.split('|').map(Number);
	secrets.push(email, first !== 'Anna' ? first : '', last !== 'Andersson' ? last : '');
	return { id, email, regId };
}

/** POST the login form; the answer. */
async function askLink(c, lang, email) {
	const page = await c.get(`/${lang}/login`);
	return c.post(`/${lang}/login`, { csrf: csrfField(page.text), email });
}

const linkRe = (lang) => new RegExp(`https?://[^\\s"<>]*/${lang}/login/([A-Za-z0-9_-]{43})`);

/** Whether a delivered message is addressed to `email`. */
const isTo = (m, email) => [].concat(m.to).map((t) => (typeof t === 'string' ? t : t?.address || JSON.stringify(t)))
	.join(' ').toLowerCase().includes(email.toLowerCase());

/** Messages delivered to `email` from index `since` on. */
const mailsTo = (email, since = 0) => smtp.messages.slice(since).filter((m) => isTo(m, email));

/** The first message from index `since` on that satisfies pred (waits up to 10 s). */
async function waitMail(pred, since = 0, timeout = 10000) {
	const end = Date.now() + timeout;
	for (;;) {
		const m = smtp.messages.slice(since).find(pred);
		if (m) return m;
		if (Date.now() > end) throw new Error('no such e-mail arrived');
		await new Promise((res) => setTimeout(res, 50));
	}
}

/** The first login link e-mailed to `email` from message `since` on: { path, token, message }. */
async function mailedLink(email, lang, since = 0) {
	const msg = await waitMail((m) => isTo(m, email) && linkRe(lang).test(m.text), since);
	const m = linkRe(lang).exec(msg.text);
	secrets.push(m[1]);
	return { path: `/${lang}/login/${m[1]}`, token: m[1], message: msg };
}

/** Log c in as the person with `email` through the e-mailed link. */
async function login(c, lang, email) {
	const since = smtp.messages.length;
	const r = await askLink(c, lang, email);
	assert.equal(r.status, 303);
	const link = await mailedLink(email, lang, since);
	const page = await c.get(link.path);
	assert.equal(page.status, 200);
	const r2 = await c.post(link.path, { csrf: csrfField(page.text) });
	assert.equal(r2.status, 303, 'the link logs in');
	assert.equal(r2.headers.get('location'), `/${lang}/member`);
	assert.ok(c.cookie('ovi_member'), 'a member session cookie');
	return link;
}

// ---- logging in ------------------------------------------------------------------

test('the login page in every language', async () => {
	const c = new Client(srv.url);
	for (const lang of LANGS) {
		const r = await c.get(`/${lang}/login`);
		assert.equal(r.status, 200);
		assert.equal(h1Text(r.text), tr(lang, 'Log in'));
		assert.match(r.text, /<label for="email">/);
		assert.match(r.text, new RegExp(`action="/${lang}/login"`));
	}
	// Without a language prefix: to the negotiated language.
	const r = await c.get('/login', { headers: { 'Accept-Language': 'fi' }, cookies: false });
	assert.equal(r.status, 302);
	assert.equal(r.headers.get('location'), '/fi/login');
});

test('a known and an unknown address get the same answer; only the known one gets mail', async () => {
	const p = await addPerson(srv, { mailLang: 'sv' });
	const unknown = `nobody.${Date.now()}@example.org`;
	secrets.push(unknown);
	const c = new Client(srv.url);
	const since = smtp.messages.length;
	const a = await askLink(c, 'fi', unknown);
	const b = await askLink(c, 'fi', p.email.toUpperCase());
	for (const r of [a, b]) {
		assert.equal(r.status, 303);
		assert.equal(r.headers.get('location'), '/fi/login/sent');
		assert.equal(r.text, a.text);
	}
	const sent = await c.get('/fi/login/sent');
	assert.equal(sent.status, 200);
	assert.equal(h1Text(sent.text), tr('fi', 'Check your e-mail'));
	assert.ok(pageText(sent.text).includes(tr('fi', 'If we know this address, a login link is on its way to it.')));
	// The mail is in the language of the page it was asked on, with a link to it.
	const link = await mailedLink(p.email, 'fi', since);
	assert.ok(link.message.subject.length > 0);
	assert.ok(link.message.html.includes(link.path), 'the HTML part has the link too');
	await new Promise((res) => setTimeout(res, 500));
	assert.equal(mailsTo(unknown, since).length, 0, 'nothing to the unknown address');
	// Only the hash of the token is stored.
	assert.equal(await sql(srv, `SELECT COUNT(*) FROM email_tokens WHERE token_hash = ${q(link.token)}`), '0');
	assert.equal(await sql(srv, `SELECT COUNT(*) FROM email_tokens WHERE person_id = ${p.id} AND purpose = 'login'
		AND expires_at - created_at = 900`), '1');
});

test('a malformed address: 422 in the page language, the typed text kept', async () => {
	const c = new Client(srv.url);
	for (const [lang, typed] of [['sv', 'anna.example.org'], ['en', ''], ['fi', 'a b@example.org']]) {
		const page = await c.get(`/${lang}/login`);
		const r = await c.post(`/${lang}/login`, { csrf: csrfField(page.text), email: typed });
		assert.equal(r.status, 422);
		const msg = tr(lang, 'Enter the e-mail address you registered with, for example name@example.com.');
		assert.ok(pageText(r.text).includes(msg));
		assert.match(r.text, /class="error-summary"/);
		assert.match(r.text, /aria-invalid="true"/);
		if (typed) assert.ok(r.text.includes(`value="${typed}"`));
	}
	// Hostile input: huge, control characters: 4xx, never a crash.
	const page = await c.get('/en/login');
	const huge = await c.post('/en/login', { csrf: csrfField(page.text), email: `${'a'.repeat(5000)}@example.org` });
	assert.equal(huge.status, 422);
	const ctl = await c.post('/en/login', { csrf: csrfField(page.text), email: 'a\u0001@example.org' });
	assert.ok(ctl.status >= 400 && ctl.status < 500);
	// Without the CSRF field: 403.
	const nocsrf = await c.post('/en/login', { email: 'x@example.org' });
	assert.equal(nocsrf.status, 403);
});

test('opening the link changes nothing; the POST logs in once; the used link is refused', async () => {
	const p = await addPerson(srv);
	const c = new Client(srv.url);
	const since = smtp.messages.length;
	await askLink(c, 'en', p.email);
	const link = await mailedLink(p.email, 'en', since);
	// A mail scanner (no cookies) and the person open the link: nothing happens.
	const scanner = new Client(srv.url);
	for (const who of [scanner, c, c]) {
		const r = await who.get(link.path);
		assert.equal(r.status, 200);
		assert.equal(h1Text(r.text), tr('en', 'Log in'));
		assert.match(r.text, new RegExp(`<form method="post" action="${link.path}"`));
		assert.equal(r.setCookies.find((x) => x.name === 'ovi_member'), undefined, 'GET makes no session');
		const h = await who.request('HEAD', link.path);
		assert.equal(h.status, 200);
	}
	assert.equal(await sql(srv, `SELECT COUNT(*) FROM email_tokens WHERE person_id = ${p.id} AND used_at IS NULL`), '1');
	assert.equal(await sql(srv, `SELECT COUNT(*) FROM member_sessions WHERE person_id = ${p.id}`), '0');
	// The button.
	const page = await c.get(link.path);
	const r = await c.post(link.path, { csrf: csrfField(page.text) });
	assert.equal(r.status, 303);
	assert.equal(r.headers.get('location'), '/en/member');
	const cookie = r.setCookies.find((x) => x.name === 'ovi_member');
	assert.ok(cookie && cookie.attrs.httponly && cookie.attrs.samesite === 'Lax');
	secrets.push(cookie.value);
	assert.ok(r.setCookies.find((x) => x.name === 'ovi_csrf'), 'a new CSRF cookie at login');
	assert.equal((await c.get('/en/member')).status, 200);
	// Used: GET and POST both get the clear page with a way to a new link.
	for (const lang of ['en']) {
		const g = await c.get(link.path);
		assert.equal(g.status, 410);
		assert.equal(h1Text(g.text), tr(lang, 'This link does not work any more'));
		assert.ok(pageText(g.text).includes(tr(lang, 'This login link has already been used. Each link works only once.')));
		assert.match(g.text, new RegExp(`action="/${lang}/login"`));
		const other = new Client(srv.url);
		const o = await other.get(`/${lang}/login`);
		const again = await other.post(link.path, { csrf: csrfField(o.text) });
		assert.equal(again.status, 410);
		assert.equal(again.setCookies.find((x) => x.name === 'ovi_member'), undefined);
	}
	assert.equal(await sql(srv, `SELECT COUNT(*) FROM member_sessions WHERE person_id = ${p.id}`), '1');
});

test('an expired link is refused, and an unknown or mangled one too', async () => {
	const p = await addPerson(srv, { mailLang: 'fi' });
	const c = new Client(srv.url);
	const since = smtp.messages.length;
	await askLink(c, 'sv', p.email);
	const link = await mailedLink(p.email, 'sv', since);
	await sql(srv, `UPDATE email_tokens SET expires_at = created_at - 1 WHERE person_id = ${p.id}`);
	const g = await c.get(link.path);
	assert.equal(g.status, 410);
	assert.ok(pageText(g.text).includes(tr('sv', 'This login link has expired. A link works for {minutes} minutes.')
		.replace('{minutes}', '15')));
	const r = await c.post(link.path, { csrf: csrfField(g.text) });
	assert.equal(r.status, 410);
	assert.equal(r.setCookies.find((x) => x.name === 'ovi_member'), undefined);
	for (const bad of ['x'.repeat(43), 'short', link.token.slice(0, 42), `${link.token}A`]) {
		const b = await c.get(`/sv/login/${bad}`);
		assert.equal(b.status, 404, bad);
		assert.equal(h1Text(b.text), tr('sv', 'This link does not work any more'));
	}
	// The refusal page's form asks for a new link.
	const page = await c.get(link.path);
	const again = await c.post('/sv/login', { csrf: csrfField(page.text), email: p.email });
	assert.equal(again.status, 303);
	await mailedLink(p.email, 'sv', since + 1);
});

test('at most 5 links per person per hour, and the answer never changes', async () => {
	const p = await addPerson(srv);
	const c = new Client(srv.url);
	const since = smtp.messages.length;
	for (let i = 0; i < 7; i++) {
		const r = await askLink(c, 'en', p.email);
		assert.equal(r.status, 303, `request ${i + 1}`);
		assert.equal(r.headers.get('location'), '/en/login/sent');
	}
	assert.equal(await sql(srv, `SELECT COUNT(*) FROM email_tokens WHERE person_id = ${p.id} AND purpose = 'login'`), '5');
	const end = Date.now() + 10000;
	while (mailsTo(p.email, since).length < 5 && Date.now() < end) await new Promise((res) => setTimeout(res, 50));
	await new Promise((res) => setTimeout(res, 700));
	assert.equal(mailsTo(p.email, since).length, 5);
});

// ---- the member's page -------------------------------------------------------------

test('member pages need a member login', async () => {
	const c = new Client(srv.url);
	for (const lang of LANGS)
		for (const p of ['/member', '/member/export', '/member/delete', '/member/withdraw/1']) {
			const r = await c.get(`/${lang}${p}`);
			assert.equal(r.status, 303, p);
			assert.equal(r.headers.get('location'), `/${lang}/login`);
		}
	const page = await c.get('/en/login');
	for (const p of ['/member/delete', '/member/withdraw/1']) {
		const r = await c.post(`/en${p}`, { csrf: csrfField(page.text) });
		assert.equal(r.status, 303);
		assert.equal(r.headers.get('location'), '/en/login');
	}
});

test('the member sees their registrations, withdraws one, and cannot touch another person\'s', async () => {
	const p = await addPerson(srv, { mailLang: 'fi', role: 'door_opener' });
	const other = await addPerson(srv);
	const c = new Client(srv.url);
	await login(c, 'fi', p.email);
	const home = await c.get('/fi/member');
	assert.equal(home.status, 200);
	assert.equal(h1Text(home.text), tr('fi', 'Your page'));
	const text = pageText(home.text);
	assert.ok(text.includes(p.email));
	assert.ok(text.includes(tr('fi', 'Door opener')));
	assert.ok(text.includes(tr('fi', 'Waiting for a match')));
	for (const href of ['/fi/member/profile', '/fi/member/export', '/fi/member/delete', `/fi/member/withdraw/${p.regId}`])
		assert.ok(home.text.includes(`href="${href}"`), href);
	// The confirmation page changes nothing.
	const confirm = await c.get(`/fi/member/withdraw/${p.regId}`);
	assert.equal(confirm.status, 200);
	assert.equal(h1Text(confirm.text), tr('fi', 'Withdraw your registration'));
	assert.equal(await sql(srv, `SELECT status FROM registrations WHERE id = ${p.regId}`), 'waiting');
	// Someone else's registration: 404, and it does not move.
	assert.equal((await c.get(`/fi/member/withdraw/${other.regId}`)).status, 404);
	const r0 = await c.post(`/fi/member/withdraw/${other.regId}`, { csrf: csrfField(confirm.text) });
	assert.equal(r0.status, 404);
	assert.equal(await sql(srv, `SELECT status FROM registrations WHERE id = ${other.regId}`), 'waiting');
	for (const bad of ['0', '-1', 'abc', '99999999999999999999', '01'])
		assert.equal((await c.get(`/fi/member/withdraw/${bad}`)).status, 404, bad);
	// Withdraw.
	const r = await c.post(`/fi/member/withdraw/${p.regId}`, { csrf: csrfField(confirm.text) });
	assert.equal(r.status, 303);
	assert.equal(r.headers.get('location'), '/fi/member?done=withdrawn');
	const after = await c.get('/fi/member?done=withdrawn');
	assert.ok(pageText(after.text).includes(tr('fi', 'Your registration has been withdrawn.')));
	assert.ok(pageText(after.text).includes(tr('fi', 'Withdrawn')));
	assert.ok(!after.text.includes(`href="/fi/member/withdraw/${p.regId}"`), 'no withdraw link any more');
	assert.equal(await sql(srv, `SELECT status FROM registrations WHERE id = ${p.regId}`), 'withdrawn');
	assert.equal(await sql(srv, `SELECT from_status || '>' || to_status || ':' || actor FROM registration_events
		WHERE registration_id = ${p.regId} ORDER BY id DESC LIMIT 1`), 'waiting>withdrawn:person');
	// A second POST (double click) is harmless.
	const r2 = await c.post(`/fi/member/withdraw/${p.regId}`, { csrf: csrfField(confirm.text) });
	assert.equal(r2.status, 303);
	assert.equal(await sql(srv, `SELECT COUNT(*) FROM registration_events WHERE registration_id = ${p.regId}`), '2');
});

test('the export holds everything we keep, as JSON, as a download', async () => {
	const first = 'Zoë "Zed" <b>&amp;';
	const last = 'Ålund\\O\'Brien\nsecond line';
	const intro = 'Tab\there, emoji 🚪, quote " backslash \\ and </script>';
	const p = await addPerson(srv, { first, last, intro, mailLang: 'sv' });
	const c = new Client(srv.url);
	const link = await login(c, 'sv', p.email);
	const r = await c.get('/sv/member/export');
	assert.equal(r.status, 200);
	assert.match(r.headers.get('content-type'), /^application\/json; charset=utf-8$/);
	assert.match(r.headers.get('content-disposition'), /^attachment; filename="my-data-\d{4}-\d{2}-\d{2}\.json"$/);
	const data = JSON.parse(r.text);
	assert.equal(data.person.email, p.email);
	assert.equal(data.person.first_name, first);
	assert.equal(data.person.last_name, last);
	assert.equal(data.person.intro, intro);
	assert.equal(data.person.phone, '+358401234567');
	assert.equal(data.person.birth_year, 1990);
	assert.equal(data.person.gender, 'woman');
	assert.match(data.exported_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
	assert.deepEqual(data.languages, ['en']);
	assert.equal(data.registrations.length, 1);
	assert.equal(data.registrations[0].status, 'waiting');
	assert.equal(data.registrations[0].role, 'participant');
	assert.equal(data.registrations[0].events.length, 1);
	assert.equal(data.registrations[0].events[0].to_status, 'waiting');
	assert.deepEqual(data.registrations[0].eligibility, []);
	assert.equal(data.consents.length, 1);
	assert.equal(data.consents[0].notice_version, '2026-11-23');
	// The login mail is listed (subject, not the body with its link).
	assert.ok(data.emails.length >= 1);
	assert.ok(data.emails.some((m) => m.subject === link.message.subject && m.kind === 'login'));
	assert.ok(!r.text.includes(link.token), 'no login token in the export');
});

test('deleting the account erases the person, ends the session and the links; statistics stay', async () => {
	const p = await addPerson(srv, { first: 'Eraseme', last: 'Totally', mailLang: 'en' });
	const c = new Client(srv.url);
	await login(c, 'en', p.email);
	// A second session (another device) and a fresh, unused link.
	const d = new Client(srv.url);
	await login(d, 'en', p.email);
	const since = smtp.messages.length;
	await askLink(new Client(srv.url), 'en', p.email);
	const unused = await mailedLink(p.email, 'en', since);
	const confirm = await c.get('/en/member/delete');
	assert.equal(confirm.status, 200);
	assert.equal(h1Text(confirm.text), tr('en', 'Delete your account'));
	assert.equal(await sql(srv, `SELECT COUNT(*) FROM people WHERE id = ${p.id} AND erased_at IS NULL`), '1');
	const r = await c.post('/en/member/delete', { csrf: csrfField(confirm.text) });
	assert.equal(r.status, 303);
	assert.equal(r.headers.get('location'), '/en/member/deleted');
	const gone = r.setCookies.find((x) => x.name === 'ovi_member');
	assert.ok(gone && gone.attrs['max-age'] === '0', 'the member cookie is deleted');
	const bye = await c.get('/en/member/deleted');
	assert.equal(bye.status, 200);
	assert.equal(h1Text(bye.text), tr('en', 'Your account has been deleted'));
	// Logged out everywhere.
	assert.equal((await c.get('/en/member')).status, 303);
	const other = await d.get('/en/member');
	assert.equal(other.status, 303);
	assert.equal(other.headers.get('location'), '/en/login');
	// The unused link does not work.
	assert.equal((await c.get(unused.path)).status, 404);
	// The database: personal data gone, statistics kept.
	const row = await sql(srv, `SELECT COALESCE(email, 'NULL'), first_name, last_name, phone, job_title, intro,
		municipality, sector, occupation, gender, birth_year, birth_country, erased_at IS NOT NULL FROM people WHERE id = ${p.id}`);
	assert.equal(row, 'NULL|||||||ict|2512|woman|1990|SY|1');
	assert.equal(await sql(srv, `SELECT status FROM registrations WHERE person_id = ${p.id}`), 'withdrawn');
	assert.equal(await sql(srv, `SELECT COUNT(*) FROM consents WHERE person_id = ${p.id}`), '1');
	assert.equal(await sql(srv, `SELECT COUNT(*) FROM member_sessions WHERE person_id = ${p.id}`), '0');
	assert.equal(await sql(srv, `SELECT COUNT(*) FROM email_tokens WHERE person_id = ${p.id}`), '0');
	assert.equal(await sql(srv, `SELECT COUNT(*) FROM outbox WHERE person_id = ${p.id} AND
		(to_email <> '' OR subject <> '' OR text_body <> '' OR html_body <> '')`), '0');
	assert.equal(await sql(srv, `SELECT COUNT(*) FROM outbox WHERE to_email = ${q(p.email)} OR text_body LIKE '%Eraseme%'`), '0');
	// The old address gets no link any more (and the same answer).
	const since2 = smtp.messages.length;
	const again = await askLink(new Client(srv.url), 'en', p.email);
	assert.equal(again.status, 303);
	await new Promise((res) => setTimeout(res, 700));
	assert.equal(mailsTo(p.email, since2).length, 0);
});

test('logging out ends the session', async () => {
	const p = await addPerson(srv);
	const c = new Client(srv.url);
	await login(c, 'en', p.email);
	const token = c.cookie('ovi_member');
	const home = await c.get('/en/member');
	const r = await c.post('/en/member/logout', { csrf: csrfField(home.text) });
	assert.equal(r.status, 303);
	assert.equal(r.headers.get('location'), '/en/login?done=logout');
	assert.equal(c.cookie('ovi_member'), undefined);
	const page = await c.get('/en/login?done=logout');
	assert.ok(pageText(page.text).includes(tr('en', 'You have logged out.')));
	// The old cookie is dead on the server too.
	const e = new Client(srv.url);
	e.jar.set('ovi_member', token);
	assert.equal((await e.get('/en/member')).status, 303);
});

// ---- staff ---------------------------------------------------------------------------

async function staffClient(lang = 'en') {
	const s = new Client(srv.url);
	const page = await s.get(`/${lang}/admin`);
	const r = await s.post(`/${lang}/admin/login`, { csrf: csrfField(page.text), email: STAFF_EMAIL, password: STAFF_PASSWORD });
	assert.equal(r.status, 303);
	return s;
}

test('staff pages about people refuse everyone but staff', async () => {
	const p = await addPerson(srv);
	const anon = new Client(srv.url);
	const member = new Client(srv.url);
	await login(member, 'sv', p.email);
	for (const c of [anon, member])
		for (const lang of LANGS)
			for (const path of ['/admin/people', `/admin/people/${p.id}`, '/admin/people?role=participant']) {
				const r = await c.get(`/${lang}${path}`);
				assert.equal(r.status, 303, path);
				assert.equal(r.headers.get('location'), `/${lang}/admin`);
				assert.ok(!r.text.includes(p.email));
			}
});

test('staff list people with filters and open a person page', async () => {
	const a = await addPerson(srv, { first: 'Filterpart', role: 'participant', status: 'waiting' });
	const b = await addPerson(srv, { first: 'Filterdoor', role: 'door_opener', status: 'withdrawn' });
	const s = await staffClient('en');
	const all = await s.get('/en/admin/people');
	assert.equal(all.status, 200);
	assert.equal(h1Text(all.text), tr('en', 'People and registrations'));
	assert.ok(all.text.includes('Filterpart') && all.text.includes('Filterdoor'));
	const role = await s.get('/en/admin/people?role=door_opener');
	assert.ok(role.text.includes('Filterdoor') && !role.text.includes('Filterpart'));
	assert.match(role.text, /<option value="door_opener" selected>/);
	const st = await s.get('/en/admin/people?status=withdrawn&q=filter');
	assert.ok(st.text.includes('Filterdoor') && !st.text.includes('Filterpart'));
	const name = await s.get(`/en/admin/people?q=${encodeURIComponent(a.email.toUpperCase())}`);
	assert.ok(name.text.includes('Filterpart') && !name.text.includes('Filterdoor'));
	const lang = await s.get('/en/admin/people?language=en&sector=ict&municipality=FI-091');
	assert.ok(lang.text.includes('Filterpart'));
	const none = await s.get('/en/admin/people?language=zu');
	assert.ok(pageText(none.text).includes(tr('en', 'No registrations match these filters.')));
	const future = await s.get('/en/admin/people?from=2999-01-01');
	assert.ok(!future.text.includes('Filterpart'));
	const range = await s.get('/en/admin/people?from=2000-01-01&to=2999-12-31&q=Filterpart');
	assert.ok(range.text.includes('Filterpart'));
	// Hostile filter values: no crash, no SQL trouble.
	const odd = await s.get(`/en/admin/people?q=${encodeURIComponent("%' OR 1=1 --")}&role=x&status=${encodeURIComponent("'")}&page=-5`);
	assert.equal(odd.status, 200);
	assert.ok(pageText(odd.text).includes(tr('en', 'No registrations match these filters.')));
	const badDate = await s.get('/en/admin/people?from=2026-02-30&to=yesterday');
	assert.equal(badDate.status, 422);
	assert.match(badDate.text, /class="error-summary"/);
	assert.ok(badDate.text.includes('value="yesterday"'));
	// The person page.
	const pp = await s.get(`/en/admin/people/${a.id}`);
	assert.equal(pp.status, 200);
	const t = pageText(pp.text);
	assert.ok(t.includes(a.email));
	assert.ok(t.includes(tr('en', 'For statistics only')));
	assert.ok(t.includes('1990'), 'statistics fields shown to staff');
	assert.ok(t.includes('2026-11-23'), 'consent version');
	assert.ok(t.includes(tr('en', 'Status history')));
	assert.equal((await s.get('/en/admin/people/999999')).status, 404);
	assert.equal((await s.get('/en/admin/people/abc')).status, 404);
	// Viewing a person is in the audit log, by id only.
	assert.ok(Number(await sql(srv, `SELECT COUNT(*) FROM audit_log WHERE action = 'person_view' AND detail = 'person ${a.id}'`)) >= 1);
	void b;
});

test('the list pages by 50', async () => {
	const values = [];
	const now = Math.floor(Date.now() / 1000);
	for (let i = 0; i < 60; i++)
		values.push(`(${q(`pager${i}@example.org`)}, 'Pager', ${q(`N${String(i).padStart(2, '0')}`)}, ${now - i}, ${now - i})`);
	await sql(srv, `INSERT INTO people (email, first_name, last_name, created_at, updated_at) VALUES ${values.join(',')};
		INSERT INTO registrations (person_id, role, status, created_at, status_at)
		SELECT id, 'participant', 'closed', created_at, created_at FROM people WHERE first_name = 'Pager';`);
	const s = await staffClient('sv');
	const p1 = await s.get('/sv/admin/people?q=pager&status=closed');
	assert.equal((p1.text.match(/>Pager N\d\d</g) || []).length, 50);
	assert.match(p1.text, /href="\/sv\/admin\/people\?q=pager&amp;status=closed&amp;page=2"/);
	const p2 = await s.get('/sv/admin/people?q=pager&status=closed&page=2');
	assert.equal((p2.text.match(/>Pager N\d\d</g) || []).length, 10);
	assert.ok(p2.text.includes('Pager N59'));
	const p9 = await s.get('/sv/admin/people?q=pager&status=closed&page=9');
	assert.equal((p9.text.match(/>Pager N\d\d</g) || []).length, 10, 'past the end: the last page');
});

test('the server log holds no addresses, names or tokens', () => {
	assertLogFree(srv.stderr(), secrets.filter(Boolean));
});

test('the server stops cleanly (no sanitizer or leak report)', async () => {
	assertCleanExit(await srv.stop());
});

// ---- the per-address limit: a server of its own -------------------------------------

test('20 link requests per client address in ten minutes, then 429', async () => {
	const own = await startServer({ env: { OVI_SMTP_URL: `smtp://127.0.0.1:${smtp.port}` } });
	try {
		const c = new Client(own.url);
		for (let i = 0; i < 20; i++) {
			const r = await askLink(c, 'en', `someone${i}@example.org`);
			assert.equal(r.status, 303, `request ${i + 1}`);
		}
		const r = await askLink(c, 'fi', 'someone@example.org');
		assert.equal(r.status, 429);
		assert.ok(pageText(r.text).includes(tr('fi', 'Too many requests for login links. Wait ten minutes and try again.')));
		assert.ok(r.text.includes('value="someone@example.org"'), 'the typed address is kept');
		// The staff login limit is separate: staff can still log in.
		const page = await c.get('/en/admin');
		const s = await c.post('/en/admin/login', { csrf: csrfField(page.text), email: STAFF_EMAIL, password: STAFF_PASSWORD });
		assert.equal(s.status, 303);
	} finally {
		assertCleanExit(await own.stop());
	}
});
