// The pages a participant or a door opener sees about their matches, over
// HTTP against the real server (ASan build) and a real SMTP server on
// loopback: the links in the introduction e-mails (GET shows and changes
// nothing, POST answers once), refused links (unknown, for another match,
// used, sent to another person, expired), form errors that keep what was
// typed and do not use the link up, the member's match page with its forms
// and .ics, and the "Your matches" list of the member home.
//
// People are written straight into the test server's database (as in
// member.test.mjs); matches are made the real way, by staff on the
// "new match" page, and their links are taken from the e-mails.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { startServer, assertCleanExit, assertLogFree, STAFF_EMAIL, STAFF_PASSWORD } from '../lib/server.mjs';
import { Client, csrfField, h1Text, pageText } from '../lib/http.mjs';
import { tr } from '../lib/catalog.mjs';
import { startSmtp } from '../lib/smtp.mjs';

let srv, smtp, staff;
const secrets = []; // must never reach the server log

before(async () => {
	smtp = await startSmtp({ mode: 'ok' });
	srv = await startServer({ env: { OVI_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, OVI_TEST_CLOCK: '1' } });
	staff = new Client(srv.url);
	const page = await staff.get('/en/admin');
	const r = await staff.post('/en/admin/login', { csrf: csrfField(page.text), email: STAFF_EMAIL, password: STAFF_PASSWORD });
	assert.equal(r.status, 303);
});

after(async () => {
	if (srv) {
		const res = await srv.stop();
		assertCleanExit(res);
		assertLogFree(res.stderr, secrets);
	}
	if (smtp) await smtp.stop();
});

// ---- helpers -------------------------------------------------------------

function sql(query) {
	return new Promise((resolve, reject) => {
		execFile('sqlite3', ['-cmd', '.timeout 5000', path.join(srv.dir, 'ovi.db'), query], (err, stdout, stderr) => {
			if (err) reject(new Error(`sqlite3: ${err.message}\n${stderr}`));
			else resolve(stdout.trim());
		});
	});
}

const q = (s) => `'${String(s).replace(/'/g, "''")}'`;
let seq = 0;

/** A confirmed person with one waiting registration: { id, email, regId, first, last }. */
async function addPerson({ first, last = 'Testsson', role = 'participant', mailLang = 'en', phoneShared = 0 } = {}) {
	seq++;
	first ||= `${role === 'participant' ? 'Pia' : 'Otto'}${seq}`;
	const email = `meet${seq}.${Date.now()}@example.org`;
	const now = Math.floor(Date.now() / 1000);
	const out = await sql(`
		INSERT INTO people (email, first_name, last_name, phone, phone_shared, mail_lang, sector, occupation, job_title,
			municipality, intro, employer, created_at, updated_at)
		VALUES (${q(email)}, ${q(first)}, ${q(last)}, '+358401112233', ${phoneShared}, ${q(mailLang)}, 'ict', '2512',
			'Developer', 'FI-091', 'I like clean code.', ${q(role === 'door_opener' ? 'Firma Oy' : '')}, ${now}, ${now});
		INSERT INTO person_languages (person_id, lang) SELECT id, 'en' FROM people WHERE email = ${q(email)};
		INSERT INTO registrations (person_id, role, status, created_at, confirmed_at, status_at)
			SELECT id, ${q(role)}, 'waiting', ${now}, ${now}, ${now} FROM people WHERE email = ${q(email)};
		SELECT p.id, r.id FROM people p JOIN registrations r ON r.person_id = p.id WHERE p.email = ${q(email)};`);
	const [id, regId] = out.split('|').map(Number);
	secrets.push(email, first);
	return { id, email, regId, first, last };
}

const isTo = (m, email) => [].concat(m.to).map((t) => (typeof t === 'string' ? t : t?.address || JSON.stringify(t)))
	.join(' ').toLowerCase().includes(email.toLowerCase());

async function waitMail(pred, since = 0, timeout = 15000) {
	const end = Date.now() + timeout;
	for (;;) {
		const m = smtp.messages.slice(since).find(pred);
		if (m) return m;
		if (Date.now() > end) throw new Error('no such e-mail arrived');
		await new Promise((res) => setTimeout(res, 50));
	}
}

const matchLinkRe = /https?:\/\/[^\s"<>]*?(\/(sv|fi|en)\/match\/(\d+)\/(accept|time|decline|met)\/([A-Za-z0-9_-]{43}))/g;

/** The match links in a message: { accept: path, time: path, ... }. */
function linksIn(msg) {
	const out = {};
	for (const m of msg.text.matchAll(matchLinkRe)) {
		out[m[4]] = m[1];
		secrets.push(m[5]);
	}
	return out;
}

/** A pair introduced by staff ("new match" page); the links each side got. */
async function makeMatch({ pLang = 'en', dLang = 'en', phoneShared = 0 } = {}) {
	const p = await addPerson({ role: 'participant', mailLang: pLang });
	const d = await addPerson({ role: 'door_opener', mailLang: dLang, phoneShared });
	const since = smtp.messages.length;
	const page = await staff.get('/en/admin/matches/new');
	const r = await staff.post('/en/admin/matches/new', {
		csrf: csrfField(page.text), participant: String(p.regId), door_opener: String(d.regId), reason: 'test pair',
	});
	assert.equal(r.status, 303, `the match is made: ${pageText(r.text).slice(0, 300)}`);
	const id = Number(/\/admin\/matches\/(\d+)/.exec(r.headers.get('location'))[1]);
	const pm = await waitMail((m) => isTo(m, p.email) && linksIn(m).accept, since);
	const dm = await waitMail((m) => isTo(m, d.email) && linksIn(m).accept, since);
	return { id, p, d, pl: linksIn(pm), dl: linksIn(dm) };
}

/** Log c in as `email` through the e-mailed login link. */
async function login(c, lang, email) {
	const since = smtp.messages.length;
	const page = await c.get(`/${lang}/login`);
	const r = await c.post(`/${lang}/login`, { csrf: csrfField(page.text), email });
	assert.equal(r.status, 303);
	const re = new RegExp(`https?://[^\\s"<>]*(/${lang}/login/[A-Za-z0-9_-]{43})`);
	const msg = await waitMail((m) => isTo(m, email) && re.test(m.text), since);
	const link = re.exec(msg.text)[1];
	const lp = await c.get(link);
	const r2 = await c.post(link, { csrf: csrfField(lp.text) });
	assert.equal(r2.status, 303);
}

/** A CSRF field for client c (any page with a form has one). */
async function csrfOf(c) {
	return csrfField((await c.get('/en/login')).text);
}

/** Everything a GET must leave alone. */
const snapshot = (id) => sql(`SELECT state, participant_answer, opener_answer, meeting_at, meeting_seq, state_at,
	(SELECT COUNT(*) FROM match_events WHERE match_id = ${id}),
	(SELECT COUNT(*) FROM email_tokens WHERE match_id = ${id} AND used_at IS NOT NULL),
	(SELECT COUNT(*) FROM outbox) FROM matches WHERE id = ${id}`);

/** A local date (YYYY-MM-DD) `days` from now in the server's zone (the tests' zone is close enough a week ahead). */
function dayAhead(days) {
	const t = new Date(Date.now() + days * 86400000);
	return `${t.getFullYear()}-${String(t.getMonth() + 1).padStart(2, '0')}-${String(t.getDate()).padStart(2, '0')}`;
}

// ---- the e-mail links ----------------------------------------------------------

test('opening a link shows the match and the form, and changes nothing', async () => {
	const m = await makeMatch({ pLang: 'sv', dLang: 'fi' });
	const before = await snapshot(m.id);
	const scanner = new Client(srv.url); // a mail scanner: no cookies
	for (const [lang, links, other, action, title] of [
		['sv', m.pl, m.d, 'accept', 'Accept the meeting time'],
		['sv', m.pl, m.d, 'time', 'Propose another time'],
		['fi', m.dl, m.p, 'decline', 'Decline the meeting'],
		['fi', m.dl, m.p, 'accept', 'Accept the meeting time'],
	]) {
		const path = links[action];
		assert.ok(path.startsWith(`/${lang}/match/${m.id}/${action}/`), path);
		for (let i = 0; i < 2; i++) {
			const r = await scanner.get(path);
			assert.equal(r.status, 200, path);
			assert.equal(h1Text(r.text), tr(lang, title));
			const text = pageText(r.text);
			assert.ok(text.includes(`${other.first} ${other.last}`), 'the other person by name');
			assert.ok(text.includes(tr(lang, 'Introduced – waiting for answers')), 'the state in words');
			assert.ok(r.text.includes(`<form method="post" action="${path}"`), 'the form posts to the link');
			assert.ok(text.includes(tr(lang, 'Nothing changes until you press the button.')));
			assert.equal((await scanner.request('HEAD', path)).status, 200);
		}
	}
	// The time form starts from the suggested time; the decline form has the reasons and "stay" checked.
	const t = await scanner.get(m.pl.time);
	assert.match(t.text, /<input type="date" id="time-date" name="date" value="\d{4}-\d\d-\d\d"/);
	assert.match(t.text, /<option value="\d\d:00" selected>/);
	const d = await scanner.get(m.dl.decline);
	for (const code of ['no_time', 'not_my_field', 'found_job', 'moved_away', 'other'])
		assert.ok(d.text.includes(`id="decline-reason-${code}"`), code);
	assert.match(d.text, /id="decline-stay" name="stay" value="1" checked/);
	assert.ok(pageText(d.text).includes(tr('fi', 'Keep me available for another participant')));
	assert.equal(await snapshot(m.id), before, 'GET changed nothing');
});

test('form errors keep what was typed and do not use the link up', async () => {
	const m = await makeMatch();
	const c = new Client(srv.url);
	const page = await c.get(m.pl.time);
	const csrf = csrfField(page.text);
	const before = await snapshot(m.id);

	// A time in the past, with a note: the values come back as typed.
	let r = await c.post(m.pl.time, { csrf, date: '2020-01-15', time: '10:30', note: 'Tuesdays <b>suit</b> me' });
	assert.equal(r.status, 422);
	assert.match(r.text, /class="error-summary"/);
	assert.ok(pageText(r.text).includes(tr('en', 'Choose a time at least one hour from now.')));
	assert.ok(r.text.includes('value="2020-01-15"'));
	assert.ok(r.text.includes('<option value="10:30" selected>'));
	assert.ok(r.text.includes('>Tuesdays &lt;b&gt;suit&lt;/b&gt; me</textarea>'), 'the note, escaped');
	assert.match(r.text, /href="#time-date"/, 'the summary links to the field');
	assert.match(r.text, /id="time-date"[^>]*aria-invalid="true"/);

	// Nothing at all; a date that does not exist; a date without a time; too far ahead; a note too long.
	r = await c.post(m.pl.time, { csrf, date: '', time: '', note: '' });
	assert.equal(r.status, 422);
	assert.ok(pageText(r.text).includes(tr('en', 'Choose a new date and time, or write a short note.')));
	r = await c.post(m.pl.time, { csrf, date: '2031-02-31', time: '10:00', note: '' });
	assert.equal(r.status, 422);
	assert.ok(r.text.includes('value="2031-02-31"'));
	r = await c.post(m.pl.time, { csrf, date: dayAhead(10), time: '', note: '' });
	assert.equal(r.status, 422);
	assert.ok(pageText(r.text).includes(tr('en', 'Choose a start time as well.')));
	r = await c.post(m.pl.time, { csrf, date: dayAhead(200), time: '10:00', note: '' });
	assert.equal(r.status, 422);
	assert.ok(pageText(r.text).includes(tr('en', 'Choose a time within {n} days from now.').replace('{n}', '90')));
	r = await c.post(m.pl.time, { csrf, date: dayAhead(10), time: '10:00', note: 'x'.repeat(501) });
	assert.equal(r.status, 422);
	assert.ok(pageText(r.text).includes(tr('en', 'Please shorten the note to at most {n} characters.').replace('{n}', '500')));
	r = await c.post(m.pl.time, { csrf, date: dayAhead(10), time: '10:00', note: 'bell\u0007' });
	assert.ok(r.status === 400 || r.status === 422, `a control character is refused (${r.status})`);

	// Decline without a reason: the note and the unticked "stay" are kept.
	r = await c.post(m.dl.decline, { csrf, note: 'Busy until spring', reason: 'bored' });
	assert.equal(r.status, 422);
	assert.ok(pageText(r.text).includes(tr('en', 'Choose the reason that fits best.')));
	assert.ok(r.text.includes('>Busy until spring</textarea>'));
	assert.match(r.text, /id="decline-stay" name="stay" value="1" aria-describedby/, 'stay stays unticked');
	assert.ok(!/ checked/.test(r.text.slice(r.text.indexOf('decline-reason-no_time'), r.text.indexOf('decline-note'))),
		'no reason is chosen for them');

	// Nothing was used or changed: both links still open their forms.
	assert.equal(await snapshot(m.id), before);
	assert.equal((await c.get(m.pl.time)).status, 200);
	assert.equal((await c.get(m.dl.decline)).status, 200);
	// Without the CSRF field: 403, and still nothing used.
	assert.equal((await c.post(m.pl.accept, {})).status, 403);
	assert.equal(await snapshot(m.id), before);
});

test('refused links: unknown, for another match, used, and sent to another person', async () => {
	const a = await makeMatch();
	const b = await makeMatch();
	const c = new Client(srv.url);
	const tokenOf = (p) => p.split('/').pop();

	// Unknown and mangled tokens.
	for (const bad of ['x'.repeat(43), 'short', `${tokenOf(a.pl.accept).slice(0, 42)}!`]) {
		const r = await c.get(`/en/match/${a.id}/accept/${encodeURIComponent(bad)}`);
		assert.equal(r.status, 404, bad);
		assert.equal(h1Text(r.text), tr('en', 'This link is not valid'));
		assert.ok(r.text.includes('href="/en/login"'), 'the way on: log in');
	}
	assert.equal((await c.get(`/en/match/${a.id}/dance/${tokenOf(a.pl.accept)}`)).status, 404);
	assert.equal((await c.get(`/en/match/0/accept/${tokenOf(a.pl.accept)}`)).status, 404);

	// A valid token under another match's id.
	const wrong = `/en/match/${b.id}/accept/${tokenOf(a.pl.accept)}`;
	let r = await c.get(wrong);
	assert.equal(r.status, 404);
	assert.equal(h1Text(r.text), tr('en', 'This link belongs to another match'));
	r = await c.post(wrong, { csrf: await csrfOf(c) });
	assert.equal(r.status, 404);
	assert.equal(await sql(`SELECT state FROM matches WHERE id = ${b.id}`), 'introduced');

	// Used: accept once (the done page says what happens next), then every link of that e-mail is refused.
	const page = await c.get(a.pl.accept);
	r = await c.post(a.pl.accept, { csrf: csrfField(page.text) });
	assert.equal(r.status, 200);
	assert.equal(h1Text(r.text), tr('en', 'Thank you for your answer'));
	assert.ok(pageText(r.text).includes(tr('en', 'Thank you! You have accepted the time. When {name} accepts it too, you both get an e-mail confirming the meeting.')
		.replace(/\{name\}/g, a.d.first)));
	assert.equal(await sql(`SELECT state || ' ' || participant_answer FROM matches WHERE id = ${a.id}`), 'accepted accepted');
	r = await c.get(a.pl.accept);
	assert.equal(r.status, 410);
	assert.equal(h1Text(r.text), tr('en', 'This link has already been used'));
	r = await c.post(a.pl.accept, { csrf: await csrfOf(c) });
	assert.equal(r.status, 410);

	// Logged in as the door opener, the participant's link is refused ("another person").
	const opener = new Client(srv.url);
	await login(opener, 'en', b.d.email);
	r = await opener.get(b.pl.decline);
	assert.equal(r.status, 403);
	assert.equal(h1Text(r.text), tr('en', 'This link was sent to another person'));
	assert.match(r.text, /action="\/en\/member\/logout"/);
	r = await opener.post(b.pl.decline, { csrf: csrfField(r.text), reason: 'no_time', stay: '1' });
	assert.equal(r.status, 403);
	assert.equal(await sql(`SELECT state FROM matches WHERE id = ${b.id}`), 'introduced');
	// Their own link works while logged in, and the done page leads to the match page.
	const own = await opener.get(b.dl.accept);
	assert.equal(own.status, 200);
	r = await opener.post(b.dl.accept, { csrf: csrfField(own.text) });
	assert.equal(r.status, 200);
	assert.ok(r.text.includes(`href="/en/member/matches/${b.id}"`));
});

test('an action the state no longer allows shows the state instead of the form', async () => {
	const m = await makeMatch();
	const c = new Client(srv.url);
	// The participant declines (the other links of that e-mail are still unused).
	let page = await c.get(m.pl.decline);
	let r = await c.post(m.pl.decline, { csrf: csrfField(page.text), reason: 'found_job', note: 'Got a job!' });
	assert.equal(r.status, 200);
	const text = pageText(r.text);
	assert.ok(text.includes(tr('en', 'Your registration is now closed. You are welcome to register again whenever it suits you.')));
	assert.equal(await sql(`SELECT state FROM matches WHERE id = ${m.id}`), 'declined');
	// The door opener's accept link now shows the state, without a form, and the note is not shown.
	page = await c.get(m.dl.accept);
	assert.equal(page.status, 200);
	assert.ok(!page.text.includes(`action="${m.dl.accept}"`), 'no form');
	const t = pageText(page.text);
	assert.ok(t.includes(tr('en', 'Declined')));
	assert.ok(!t.includes('Got a job'), 'the decline note is for staff only');
	assert.ok(!t.includes(tr('en', 'I have found a job')), 'the reason too');
	r = await c.post(m.dl.accept, { csrf: await csrfOf(c) });
	assert.equal(r.status, 409);
	assert.equal(await sql(`SELECT COUNT(*) FROM email_tokens WHERE match_id = ${m.id} AND person_id = ${m.d.id}
		AND used_at IS NOT NULL`), '0', 'the refused answer did not use the link');
});

// ---- the member area ---------------------------------------------------------------

test('the member\'s match page: details, forms, answers, .ics, and nobody else\'s', async () => {
	const m = await makeMatch({ phoneShared: 1 });
	const anon = new Client(srv.url);
	for (const p of [`/en/member/matches/${m.id}`, `/fi/member/matches/${m.id}/invite.ics`]) {
		const r = await anon.get(p);
		assert.equal(r.status, 303, p);
		assert.equal(r.headers.get('location'), `/${p.slice(1, 3)}/login`);
	}

	const c = new Client(srv.url);
	await login(c, 'en', m.p.email);
	// The home page lists the match.
	const home = await c.get('/en/member');
	assert.equal(home.status, 200);
	assert.ok(home.text.includes(`href="/en/member/matches/${m.id}"`));
	assert.ok(pageText(home.text).includes(m.d.first));
	assert.ok(pageText(home.text).includes(tr('en', 'Your answer is needed')));

	const before = await snapshot(m.id);
	let r = await c.get(`/en/member/matches/${m.id}`);
	assert.equal(r.status, 200);
	let text = pageText(r.text);
	assert.equal(h1Text(r.text), tr('en', 'Your meeting with {name}').replace('{name}', m.d.first));
	for (const s of [`${m.d.first} ${m.d.last}`, m.d.email, '+358401112233', 'Developer', 'Firma Oy', 'I like clean code.'])
		assert.ok(text.includes(s), s);
	for (const a of ['accept', 'time', 'decline'])
		assert.ok(r.text.includes(`action="/en/member/matches/${m.id}/${a}"`), a);
	assert.ok(!r.text.includes(`/member/matches/${m.id}/met"`), 'no "did you meet" before the meeting');
	assert.ok(r.text.includes('href="/en/guide"'));
	assert.ok(!r.text.includes('href="/en/contact-templates"'), 'the templates are for door openers');
	assert.equal(await snapshot(m.id), before, 'GET changed nothing');

	// The .ics.
	r = await c.get(`/en/member/matches/${m.id}/invite.ics`);
	assert.equal(r.status, 200);
	assert.equal(r.headers.get('content-type'), 'text/calendar; charset=utf-8');
	assert.equal(r.headers.get('content-disposition'), 'attachment; filename="invite.ics"');
	assert.match(r.text, /BEGIN:VCALENDAR[\s\S]*BEGIN:VEVENT[\s\S]*END:VCALENDAR/);

	// Someone else's match, and nonsense ids: 404.
	const other = await makeMatch();
	for (const p of [`/en/member/matches/${other.id}`, `/en/member/matches/${other.id}/invite.ics`, '/en/member/matches/abc',
		'/en/member/matches/0', '/en/member/matches/999999'])
		assert.equal((await c.get(p)).status, 404, p);
	const csrf = csrfField(home.text);
	assert.equal((await c.post(`/en/member/matches/${other.id}/accept`, { csrf })).status, 404);
	assert.equal((await c.post(`/en/member/matches/${m.id}/dance`, { csrf })).status, 404);
	assert.equal(await sql(`SELECT state FROM matches WHERE id = ${other.id}`), 'introduced');

	// A form error on the member page keeps the typed values.
	const before2 = await snapshot(m.id);
	r = await c.post(`/en/member/matches/${m.id}/time`, { csrf, date: '2020-01-01', time: '09:00', note: 'Mornings' });
	assert.equal(r.status, 422);
	assert.ok(r.text.includes('value="2020-01-01"') && r.text.includes('>Mornings</textarea>'));
	assert.equal(await snapshot(m.id), before2);

	// Propose another time from the member area.
	const date = dayAhead(14);
	r = await c.post(`/en/member/matches/${m.id}/time`, { csrf, date, time: '13:30', note: 'After lunch?' });
	assert.equal(r.status, 303);
	assert.equal(r.headers.get('location'), `/en/member/matches/${m.id}?done=time`);
	r = await c.get(r.headers.get('location'));
	text = pageText(r.text);
	assert.ok(text.includes(tr('en', 'Accepted by one of you')));
	assert.ok(text.includes('After lunch?'));
	assert.ok(text.includes(tr('en', 'you proposed a new time: {time}.').split('{time}')[0]), 'the history');
	assert.ok(r.text.includes('<option value="13:30" selected>'), 'the time form shows the new time');
	assert.ok(!r.text.includes(`action="/en/member/matches/${m.id}/accept"`), 'their own time needs no accept');

	// The door opener accepts it from their e-mail's new link: confirmed.
	const since = smtp.messages.length;
	const nt = await waitMail((x) => isTo(x, m.d.email) && linksIn(x).accept && !x.text.includes(m.dl.accept), 0);
	assert.ok(smtp.messages.indexOf(nt) >= 0);
	const accept = linksIn(nt).accept;
	const page = await anon.get(accept);
	r = await anon.post(accept, { csrf: csrfField(page.text) });
	assert.equal(r.status, 200);
	assert.equal(await sql(`SELECT state FROM matches WHERE id = ${m.id}`), 'confirmed');
	assert.ok(pageText(r.text).includes(tr('en', 'The meeting is confirmed! You both get an e-mail with the time and a calendar invitation. Agree with {name} on where to meet, or on a video link if you meet online.')
		.replace('{name}', m.p.first)));
	await waitMail((x) => isTo(x, m.p.email) && /\.ics|calendar/i.test(x.raw || ''), since);
	r = await c.get(`/en/member/matches/${m.id}`);
	assert.ok(pageText(r.text).includes(tr('en', 'Confirmed')));
});

test('declining from the member area, as a door opener', async () => {
	const m = await makeMatch({ dLang: 'sv' });
	const c = new Client(srv.url);
	await login(c, 'sv', m.d.email);
	let r = await c.get(`/sv/member/matches/${m.id}`);
	assert.ok(r.text.includes('href="/sv/contact-templates"'), 'door openers get the contact templates');
	r = await c.post(`/sv/member/matches/${m.id}/decline`, { csrf: csrfField(r.text), reason: 'no_time', stay: '1', note: 'Sorry' });
	assert.equal(r.status, 303);
	assert.equal(r.headers.get('location'), `/sv/member/matches/${m.id}?done=decline`);
	r = await c.get(r.headers.get('location'));
	const text = pageText(r.text);
	assert.ok(text.includes(tr('sv', 'You remain available, and we may introduce you to another participant.')));
	assert.ok(text.includes(tr('sv', 'You declined this meeting.')));
	assert.ok(!r.text.includes(`/member/matches/${m.id}/accept"`), 'no forms for an ended match');
	assert.equal(await sql(`SELECT state || ' ' || end_reason FROM matches WHERE id = ${m.id}`), 'declined no_time');
	// The participant's page tells them without the reason, and without contact details any more.
	const p = new Client(srv.url);
	await login(p, 'en', m.p.email);
	r = await p.get(`/en/member/matches/${m.id}`);
	const pt = pageText(r.text);
	assert.ok(pt.includes(tr('en', 'Declined')));
	assert.ok(!pt.includes('Sorry') && !pt.includes(tr('en', 'I do not have time for a meeting now')));
	assert.ok(!pt.includes(m.d.email), 'no contact details after a decline');
});

// Last: moves the server's clock a month ahead.
test('after the meeting: "did you meet?" by link, an expired link, and the door opener\'s next step', async () => {
	const old = await makeMatch({ pLang: 'fi' });
	const m = await makeMatch({ dLang: 'sv' });
	const c = new Client(srv.url);
	for (const link of [m.pl.accept, m.dl.accept]) {
		const page = await c.get(link);
		assert.equal((await c.post(link, { csrf: csrfField(page.text) })).status, 200);
	}
	assert.equal(await sql(`SELECT state FROM matches WHERE id = ${m.id}`), 'confirmed');
	const since = smtp.messages.length;
	const days = 30; // match_link_days, the default
	const r0 = await c.post('/en/test/clock', { csrf: await csrfOf(c), advance: String((days + 1) * 86400) });
	assert.equal(r0.status, 200);

	// The old match's links have expired.
	let r = await c.get(old.pl.time);
	assert.equal(r.status, 410);
	assert.equal(h1Text(r.text), tr('fi', 'This link has expired'));
	assert.ok(r.text.includes('href="/fi/login"'));
	r = await c.post(old.pl.time, { csrf: await csrfOf(c), date: dayAhead(40), time: '10:00' });
	assert.equal(r.status, 410);

	// The follow-up question reached both; the participant's link asks, and a "not yet" needs a new time.
	const fm = await waitMail((x) => isTo(x, m.p.email) && linksIn(x).met, since);
	const met = linksIn(fm).met;
	r = await c.get(met);
	assert.equal(r.status, 200);
	assert.equal(h1Text(r.text), tr('en', 'Did you meet?'));
	for (const a of ['met', 'not_yet', 'wont']) assert.ok(r.text.includes(`id="met-answer-${a}"`), a);
	const csrf = csrfField(r.text);
	r = await c.post(met, { csrf, answer: 'not_yet', date: '', time: '11:00' });
	assert.equal(r.status, 422);
	assert.match(r.text, /id="met-answer-not_yet" name="answer" value="not_yet" checked/);
	assert.ok(r.text.includes('<option value="11:00" selected>'));
	r = await c.post(met, { csrf });
	assert.equal(r.status, 422);
	assert.ok(pageText(r.text).includes(tr('en', 'Choose an answer.')));
	assert.equal(await sql(`SELECT state FROM matches WHERE id = ${m.id}`), 'confirmed');
	r = await c.post(met, { csrf, answer: 'met' });
	assert.equal(r.status, 200);
	assert.ok(pageText(r.text).includes(tr('en', 'Thank you! We are glad to hear that you met.')));
	assert.equal(await sql(`SELECT state FROM matches WHERE id = ${m.id}`), 'met');

	// The door opener's page: the "share two contacts" step, and their own answer still possible.
	const d = new Client(srv.url);
	await login(d, 'sv', m.d.email);
	r = await d.get(`/sv/member/matches/${m.id}`);
	assert.equal(r.status, 200);
	const text = pageText(r.text);
	assert.ok(text.includes(tr('sv', 'Share two contacts')));
	assert.ok(text.includes(tr('sv', 'Met')));
	assert.ok(r.text.includes(`action="/sv/member/matches/${m.id}/met"`));
	r = await d.post(`/sv/member/matches/${m.id}/met`, { csrf: csrfField(r.text), answer: 'met' });
	assert.equal(r.status, 303);
	r = await d.get(r.headers.get('location'));
	assert.ok(pageText(r.text).includes(tr('sv', 'Thank you! We are glad to hear that you met.')));
	assert.ok(!r.text.includes(`action="/sv/member/matches/${m.id}/met"`), 'answered: no form');
});
