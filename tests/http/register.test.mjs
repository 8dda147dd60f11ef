// Registration over HTTP against the real server (ASan build) and a real
// SMTP server on loopback: the forms in every language, validation that
// keeps every value, limits in characters, one registration per submitted
// form, the confirmation link (GET changes nothing, POST confirms once, old
// and unknown links), reactivation with the same address (the profile
// changes only when the new registration is confirmed), the participant
// limit (nothing stored), door openers without a limit, the member's
// profile page, and a log without personal data.
//
// What the database holds is read with the sqlite3 tool
// (schema: migrations/003_people.sql and 006_registration.sql).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { startServer, assertCleanExit, assertLogFree, LANGS } from '../lib/server.mjs';
import { Client, csrfField, decodeEntities, h1Text, htmlLang, pageText } from '../lib/http.mjs';
import { tr } from '../lib/catalog.mjs';
import { startSmtp } from '../lib/smtp.mjs';

let srv, smtp;
const secrets = []; // names, addresses and tokens: never in the server log

before(async () => {
	smtp = await startSmtp({ mode: 'ok' });
	srv = await startServer({
		env: { OVI_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, OVI_PARTICIPANT_MAX_REGISTRATIONS: '2' },
	});
});

after(async () => {
	if (srv) await srv.stop();
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
const count = async (query) => Number(await sql(query));

let seq = 0;
/** A fresh address (kept secret from the log). */
function address(tag = 'p') {
	seq++;
	const e = `${tag}${seq}.${Date.now()}@example.org`;
	secrets.push(e);
	return e;
}

/** The options of <select id=...>: [{ value, text, selected, group }]. */
function options(html, id) {
	const m = new RegExp(`<select id="${id}"[^>]*>([\\s\\S]*?)</select>`).exec(html);
	assert.ok(m, `no select #${id}`);
	const out = [];
	let group = null;
	const re = /<optgroup label="([^"]*)">|<option value="([^"]*)"( selected)?>([^<]*)<\/option>/g;
	let x;
	while ((x = re.exec(m[1]))) {
		if (x[1] !== undefined) group = decodeEntities(x[1]);
		else out.push({ value: decodeEntities(x[2]), selected: !!x[3], text: decodeEntities(x[4]), group });
	}
	return out;
}

/** The value of an input, or null. */
function inputValue(html, id) {
	const m = new RegExp(`<input [^>]*id="${id}"[^>]*>`).exec(html);
	if (!m) return null;
	const v = /value="([^"]*)"/.exec(m[0]);
	return v ? decodeEntities(v[1]) : '';
}
const checked = (html, id) => new RegExp(`<input [^>]*id="${id}"[^>]*\\schecked[\\s>]`).test(html);

/** GET a registration form: { c, html, csrf, nonce }. */
async function openForm(lang, role, c = new Client(srv.url)) {
	const r = await c.get(`/${lang}/register/${role}`);
	assert.equal(r.status, 200, `/${lang}/register/${role}`);
	const nonce = /<input type="hidden" name="nonce" value="([A-Za-z0-9_-]{43})">/.exec(r.text);
	assert.ok(nonce, 'the form has a nonce');
	return { c, html: r.text, csrf: csrfField(r.text), nonce: nonce[1] };
}

/** A complete, valid form as [name, value] pairs, choosing from the page's own lists. */
function validFields(form, role, email, extra = {}) {
	const { html } = form;
	const sectors = options(html, 'sector').filter((o) => o.value);
	// A sector that has occupations, and an occupation listed under it.
	const occs = options(html, 'occupation').filter((o) => o.value);
	const sector = sectors.find((s) => occs.some((o) => o.group === s.text));
	assert.ok(sector, 'a sector with occupations');
	const occupation = occs.find((o) => o.group === sector.text);
	const municipality = options(html, 'municipality').find((o) => o.value);
	const education = options(html, 'education').find((o) => o.value);
	const statements = [...html.matchAll(/name="eligibility" value="([a-z_]+)"/g)].map((m) => m[1]);
	const f = {
		csrf: form.csrf, nonce: form.nonce, first_name: 'Amina', last_name: 'Hassan', email, phone: '',
		mail_lang: 'en', languages: ['en'], other_languages: [], sector: sector.value, occupation: occupation.value,
		job_title: 'Developer', experience_years: '6', education: education.value, municipality: municipality.value,
		meeting_mode: 'either', intro: 'Hello, I am a developer.', link: '', gender: '', birth_year: '',
		birth_country: '', eligibility: statements, privacy: '1',
		...(role === 'door-opener' ? { employer: '', capacity: '2' } : { arrival_year: '' }),
		...extra,
	};
	const pairs = [];
	for (const [k, v] of Object.entries(f))
		for (const x of [].concat(v)) if (x !== undefined && x !== null) pairs.push([k, x]);
	return pairs;
}

/** The csrf token of client c's forms (one per visitor, whatever the form). */
async function csrfOf(c) {
	return csrfField((await c.get('/en/register/participant')).text);
}

/** Send a registration form; the answer. */
function send(form, lang, role, pairs) {
	return form.c.post(`/${lang}/register/${role}`, pairs);
}

const isTo = (m, email) => [].concat(m.to).map((t) => (typeof t === 'string' ? t : t?.address || JSON.stringify(t)))
	.join(' ').toLowerCase().includes(email.toLowerCase());
const mailsTo = (email) => smtp.messages.filter((m) => isTo(m, email));
const confirmRe = /https?:\/\/[^\s"<>]*\/(sv|fi|en)\/confirm\/([A-Za-z0-9_-]{43})/;

/** The confirmation link in the n-th e-mail to `email` (waits): { path, lang, token, message }. */
async function confirmLink(email, n = 1, timeout = 10000) {
	const end = Date.now() + timeout;
	for (;;) {
		const list = mailsTo(email);
		if (list.length >= n) {
			const msg = list[n - 1];
			const m = confirmRe.exec(msg.text);
			assert.ok(m, `the e-mail has a confirmation link:\n${msg.text}`);
			secrets.push(m[2]);
			return { path: `/${m[1]}/confirm/${m[2]}`, lang: m[1], token: m[2], message: msg };
		}
		if (Date.now() > end) throw new Error(`no e-mail number ${n} arrived`);
		await new Promise((res) => setTimeout(res, 50));
	}
}

/** Register (valid form) and return { person, link }. */
async function register(lang, role, email, extra = {}, c = undefined) {
	const before = mailsTo(email).length;
	const form = await openForm(lang, role, c);
	const r = await send(form, lang, role, validFields(form, role, email, extra));
	assert.equal(r.status, 303, `registration accepted:\n${pageText(r.text).slice(0, 600)}`);
	assert.equal(r.headers.get('location'), `/${lang}/register/${role}/sent`);
	const link = await confirmLink(email, before + 1);
	return { form, link };
}

/** Open and confirm a link with client c: the POST answer. */
async function confirm(link, c = new Client(srv.url)) {
	const page = await c.get(link.path);
	assert.equal(page.status, 200, `confirm page: ${pageText(page.text).slice(0, 300)}`);
	return c.post(link.path, { csrf: csrfField(page.text) });
}

// ---- the forms ----------------------------------------------------------------

test('both forms in every language, linked from the public pages', async () => {
	const c = new Client(srv.url);
	for (const lang of LANGS) {
		for (const [role, title, page] of [['participant', 'Register as a participant', 'participants'],
			['door-opener', 'Register as a door opener', 'door-openers']]) {
			const pub = await c.get(`/${lang}/${page}`);
			assert.ok(pub.text.includes(`href="/${lang}/register/${role}"`), `${lang}/${page} links to the form`);
			const { html } = await openForm(lang, role, c);
			assert.equal(htmlLang(html), lang);
			assert.equal(h1Text(html), tr(lang, title));
			assert.match(html, new RegExp(`<form method="post" action="/${lang}/register/${role}"`));
			for (const id of ['first_name', 'last_name', 'email', 'phone', 'phone_shared', 'job_title',
				'experience_years', 'intro', 'link', 'birth_year', 'privacy', 'lang-sv', 'lang-fi', 'lang-en'])
				assert.match(html, new RegExp(`<label for="${id}"`), `${lang} ${role}: a label for ${id}`);
			for (const id of ['sector', 'occupation', 'education', 'municipality', 'birth_country', 'other_languages'])
				assert.ok(options(html, id).length > 1, `${id} has options`);
			assert.ok(options(html, 'occupation').every((o) => !o.value || o.group), 'occupations are grouped by sector');
			assert.ok(options(html, 'municipality').every((o) => !o.value || o.group), 'municipalities by region');
			// Other languages: a multiple select without the three fixed ones.
			assert.match(html, /<select id="other_languages" name="other_languages" multiple/);
			assert.ok(!options(html, 'other_languages').some((o) => ['sv', 'fi', 'en'].includes(o.value)));
			assert.ok(options(html, 'other_languages').some((o) => o.value === 'ar'), 'Arabic is offered');
			// Role-specific fields.
			assert.equal(html.includes('id="employer"'), role === 'door-opener');
			assert.equal(html.includes('id="capacity"'), role === 'door-opener');
			assert.equal(html.includes('id="arrival_year"'), role === 'participant');
			if (role === 'door-opener')
				assert.deepEqual(options(html, 'capacity').map((o) => o.value), ['1', '2', '3', '4', '5']);
			// The statistics are optional and staff-only, and say so.
			assert.ok(pageText(html).includes(tr(lang, 'For statistics only (optional)')));
			// Eligibility statements of the role, and the privacy notice.
			const ids = [...html.matchAll(/name="eligibility" value="([a-z_]+)"/g)].map((m) => m[1]);
			assert.deepEqual(ids, role === 'participant' ? ['born_abroad', 'upper_secondary']
				: ['established', 'three_years_work', 'national_language']);
			assert.ok(html.includes(`href="/${lang}/privacy"`));
			// The e-mail language defaults to the page's.
			assert.ok(checked(html, `mail_lang-${lang}`));
		}
	}
	// Two visits get two different nonces.
	const a = await openForm('sv', 'participant');
	const b = await openForm('sv', 'participant');
	assert.notEqual(a.nonce, b.nonce);
});

test('an empty form: 422, a translated error beside each required field and a summary', async () => {
	for (const lang of LANGS) {
		const form = await openForm(lang, 'participant');
		const r = await send(form, lang, 'participant', [['csrf', form.csrf], ['nonce', form.nonce]]);
		assert.equal(r.status, 422);
		assert.equal(htmlLang(r.text), lang);
		assert.match(r.text, /<div class="error-summary" role="alert"[^>]*>/);
		const text = pageText(r.text);
		for (const msg of ['Enter your first name.', 'Enter your e-mail address.',
			'Choose at least one language you can hold a meeting in.', 'Choose your sector.',
			'Write a short introduction of yourself.', 'Confirm that you have read the privacy notice and agree to it.',
			'Tick every statement. All of them must be true for you to take part.'])
			assert.ok(text.includes(tr(lang, msg)), `${lang}: ${msg}`);
		// The summary links to the fields, in the order of the form.
		const links = [...r.text.matchAll(/<li><a href="#([^"]+)">/g)].map((m) => m[1]);
		assert.equal(links[0], 'first_name');
		assert.ok(links.includes('lang-sv') && links.includes('privacy') && links.includes('eligibility-born_abroad'));
		assert.ok(links.indexOf('email') < links.indexOf('intro') && links.indexOf('intro') < links.indexOf('privacy'));
		for (const id of links)
			assert.ok(r.text.includes(`id="${id}"`), `the summary's #${id} exists`);
		assert.match(r.text, /<input type="text" id="first_name"[^>]*aria-invalid="true" aria-describedby="first_name-error"/);
		// The optional statistics are not errors.
		assert.ok(!links.includes('birth_year') && !links.includes('gender-woman'));
		// The nonce stays, so that the corrected form is still one submission.
		assert.ok(r.text.includes(`name="nonce" value="${form.nonce}"`));
	}
	assert.notEqual(tr('sv', 'Enter your first name.'), tr('fi', 'Enter your first name.'));
});

test('a form with errors keeps every value: text, checkboxes, radios, selects, multiple select', async () => {
	const form = await openForm('fi', 'door-opener');
	const email = address('keep');
	const nasty = 'Ä <b>bold</b> & "quoted" \'single\' {{ x }}';
	const others = options(form.html, 'other_languages').slice(0, 40).map((o) => o.value);
	const chosen = [others[3], others[17], 'ar'];
	const country = options(form.html, 'birth_country').filter((o) => o.value)[5].value;
	const pairs = validFields(form, 'door-opener', email, {
		email: 'not an address', first_name: nasty, last_name: 'Łukasz-Ñúñez', phone: '+358 40 123 4567',
		phone_shared: '1', mail_lang: 'sv', languages: ['fi', 'en'], other_languages: chosen,
		job_title: 'Ohjelmistokehittäjä', experience_years: '12', meeting_mode: 'online',
		intro: `Rivi yksi\nRivi kaksi ${nasty}`, link: 'https://example.org/cv?a=1&b=2', employer: 'Yritys Oy',
		gender: 'other', birth_year: '1980', birth_country: country, capacity: '4',
		eligibility: ['established', 'national_language'], privacy: '',
	});
	const r = await send(form, 'fi', 'door-opener', pairs);
	assert.equal(r.status, 422);
	const h = r.text;
	const text = pageText(h);
	assert.ok(text.includes(tr('fi', 'Enter the e-mail address in the form name@example.com.')));
	assert.ok(text.includes(tr('fi', 'Tick every statement. All of them must be true for you to take part.')));
	assert.ok(text.includes(tr('fi', 'Confirm that you have read the privacy notice and agree to it.')));
	// Escaped, never raw.
	assert.ok(!h.includes('<b>bold</b>'));
	assert.equal(inputValue(h, 'first_name'), nasty);
	assert.equal(inputValue(h, 'last_name'), 'Łukasz-Ñúñez');
	assert.equal(inputValue(h, 'email'), 'not an address');
	assert.equal(inputValue(h, 'phone'), '+358 40 123 4567');
	assert.ok(checked(h, 'phone_shared'));
	assert.ok(checked(h, 'mail_lang-sv') && !checked(h, 'mail_lang-fi'));
	assert.ok(checked(h, 'lang-fi') && checked(h, 'lang-en') && !checked(h, 'lang-sv'));
	assert.deepEqual(options(h, 'other_languages').filter((o) => o.selected).map((o) => o.value).sort(), [...chosen].sort());
	const get = (k) => pairs.find((p) => p[0] === k)[1];
	assert.deepEqual(options(h, 'sector').filter((o) => o.selected).map((o) => o.value), [get('sector')]);
	assert.deepEqual(options(h, 'occupation').filter((o) => o.selected).map((o) => o.value), [get('occupation')]);
	assert.deepEqual(options(h, 'education').filter((o) => o.selected).map((o) => o.value), [get('education')]);
	assert.deepEqual(options(h, 'municipality').filter((o) => o.selected).map((o) => o.value), [get('municipality')]);
	assert.deepEqual(options(h, 'birth_country').filter((o) => o.selected).map((o) => o.value), [country]);
	assert.deepEqual(options(h, 'capacity').filter((o) => o.selected).map((o) => o.value), ['4']);
	assert.equal(inputValue(h, 'job_title'), 'Ohjelmistokehittäjä');
	assert.equal(inputValue(h, 'experience_years'), '12');
	assert.equal(inputValue(h, 'link'), 'https://example.org/cv?a=1&b=2');
	assert.equal(inputValue(h, 'employer'), 'Yritys Oy');
	assert.equal(inputValue(h, 'birth_year'), '1980');
	assert.ok(checked(h, 'meeting_mode-online'));
	assert.ok(checked(h, 'gender-other'));
	const intro = /<textarea id="intro"[^>]*>([\s\S]*?)<\/textarea>/.exec(h);
	assert.equal(decodeEntities(intro[1]), `Rivi yksi\nRivi kaksi ${nasty}`);
	assert.ok(checked(h, 'eligibility-established') && !checked(h, 'eligibility-three_years_work')
		&& checked(h, 'eligibility-national_language'));
	assert.ok(!checked(h, 'privacy'));
	// The summary points at the first statement that is not ticked.
	assert.match(h, /<li><a href="#eligibility-three_years_work">/);
	// Nothing was stored, nothing sent.
	assert.equal(await count(`SELECT COUNT(*) FROM people WHERE first_name = ${q(nasty)}`), 0);
	assert.equal(mailsTo(email).length, 0);
});

test('field rules: lengths in characters, e-mail, link, phone, numbers, codes', async () => {
	const form = await openForm('en', 'participant');
	const cases = [
		[{ first_name: 'ä'.repeat(101) }, 'Your first name is too long (at most 100 characters).'],
		[{ last_name: 'x'.repeat(101) }, 'Your last name is too long (at most 100 characters).'],
		[{ job_title: '€'.repeat(121) }, 'The job title is too long (at most 120 characters).'],
		[{ intro: '😀'.repeat(1001) }, 'The introduction is too long (at most 1000 characters).'],
		[{ email: 'a@b' }, 'Enter the e-mail address in the form name@example.com.'],
		[{ email: 'a b@example.org' }, 'Enter the e-mail address in the form name@example.com.'],
		[{ link: 'javascript:alert(1)' }, 'Enter a link that begins with https:// or http://, or leave the field empty.'],
		[{ link: 'ftp://example.org/cv.pdf' }, 'Enter a link that begins with https:// or http://, or leave the field empty.'],
		[{ phone: 'call me' }, 'Enter the phone number in the form +358 40 123 4567, or leave the field empty.'],
		[{ experience_years: '61' }, 'Enter your years of experience in the field as a whole number from 0 to 60.'],
		[{ experience_years: 'five' }, 'Enter your years of experience in the field as a whole number from 0 to 60.'],
		[{ birth_year: '85' }, 'Enter the year of birth as four digits, for example 1985, or leave the field empty.'],
		[{ birth_year: '1990', arrival_year: '1985' }, 'The year you came cannot be before the year you were born.'],
		[{ sector: 'no-such-sector' }, 'Choose your sector.'],
		[{ occupation: '9999' }, 'Choose your occupation.'],
		[{ municipality: 'XX-000' }, 'Choose the municipality where you live or work.'],
		[{ mail_lang: 'de' }, 'Choose the language of your e-mails.'],
		[{ meeting_mode: 'telepathy' }, 'Choose how you can meet.'],
		[{ gender: 'robot' }, 'Choose one of the options, or leave the question unanswered.'],
		[{ other_languages: ['zz-not-a-code'] }, 'Choose the languages from the list.'],
	];
	for (const [extra, msg] of cases) {
		const r = await send(form, 'en', 'participant', validFields(form, 'participant', address('rule'), extra));
		assert.equal(r.status, 422, `${JSON.stringify(extra).slice(0, 60)} is refused`);
		assert.ok(pageText(r.text).includes(msg), `${JSON.stringify(extra).slice(0, 60)}: ${msg}`);
		assert.equal((r.text.match(/<li><a href="#/g) || []).length, 1, `only one error for ${JSON.stringify(extra).slice(0, 60)}`);
	}
	// An occupation of another sector than the one chosen.
	const occs = options(form.html, 'occupation').filter((o) => o.value);
	const sectors = options(form.html, 'sector').filter((o) => o.value);
	const pairs = validFields(form, 'participant', address('rule'));
	const sector = pairs.find((p) => p[0] === 'sector')[1];
	const sectorName = sectors.find((s) => s.value === sector).text;
	const foreign = occs.find((o) => o.group !== sectorName && !occs.some((x) => x.value === o.value && x.group === sectorName));
	const r = await send(form, 'en', 'participant', pairs.map((p) => (p[0] === 'occupation' ? ['occupation', foreign.value] : p)));
	assert.equal(r.status, 422);
	assert.ok(pageText(r.text).includes('Choose an occupation in the sector you chose, or change the sector.'));
	// At the limits it is fine: 100 two-byte characters, 1000 emoji.
	const ok = await register('en', 'participant', address('limits'),
		{ first_name: 'ä'.repeat(100), intro: '😀'.repeat(1000), link: 'https://www.linkedin.com/in/someone/' });
	assert.ok(ok.link.token);
});

// ---- one registration per form, confirmation ----------------------------------

test('a double submit creates one registration and sends one e-mail', async () => {
	const email = address('double');
	const form = await openForm('sv', 'participant');
	const pairs = validFields(form, 'participant', email, { mail_lang: 'sv' });
	const [a, b] = await Promise.all([send(form, 'sv', 'participant', pairs), send(form, 'sv', 'participant', pairs)]);
	const c = await send(form, 'sv', 'participant', pairs);
	for (const r of [a, b, c]) {
		assert.equal(r.status, 303);
		assert.equal(r.headers.get('location'), '/sv/register/participant/sent');
	}
	const sent = await form.c.get('/sv/register/participant/sent');
	assert.equal(sent.status, 200);
	assert.equal(h1Text(sent.text), tr('sv', 'Check your e-mail'));
	await confirmLink(email, 1);
	await new Promise((res) => setTimeout(res, 1500));
	assert.equal(mailsTo(email).length, 1, 'one e-mail');
	assert.equal(await count(`SELECT COUNT(*) FROM registrations r JOIN people p ON p.id = r.person_id
		WHERE p.email = ${q(email)}`), 1);
	assert.equal(await count(`SELECT COUNT(*) FROM registrations WHERE form_nonce = ${q(form.nonce)}`), 1);
});

test('what a registration stores: person, languages, consent, statements, unconfirmed', async () => {
	const email = address('stored');
	const { link } = await register('fi', 'door-opener', email.toUpperCase(), {
		mail_lang: 'fi', languages: ['sv', 'fi'], other_languages: ['ar', 'so'], capacity: '3', phone: '040 123 4567',
		phone_shared: '1', first_name: '  Maija   Liisa ', employer: 'Firma Oy',
	});
	assert.equal(link.lang, 'fi', 'the link is in the chosen e-mail language');
	const row = await sql(`SELECT p.first_name, p.phone, p.phone_shared, p.mail_lang, p.employer, r.role, r.status,
		r.capacity, r.confirmed_at IS NULL FROM people p JOIN registrations r ON r.person_id = p.id
		WHERE p.email = ${q(email)}`);
	assert.equal(row, 'Maija Liisa|040 123 4567|1|fi|Firma Oy|door_opener|unconfirmed|3|1');
	assert.equal(await sql(`SELECT group_concat(lang, ',') FROM (SELECT lang FROM person_languages l JOIN people p
		ON p.id = l.person_id WHERE p.email = ${q(email)} ORDER BY lang)`), 'ar,fi,so,sv');
	assert.equal(await sql(`SELECT c.notice_version, c.lang FROM consents c JOIN people p ON p.id = c.person_id
		WHERE p.email = ${q(email)}`), '2026-11-23|fi');
	assert.equal(await sql(`SELECT group_concat(statement, ',') FROM (SELECT statement FROM registration_eligibility e
		JOIN registrations r ON r.id = e.registration_id JOIN people p ON p.id = r.person_id
		WHERE p.email = ${q(email)} ORDER BY statement)`), 'established,national_language,three_years_work');
	// The e-mail: in Finnish, to the address, with a link to the server.
	assert.ok(link.message.text.includes(srv.url) || /localhost|127\.0\.0\.1/.test(link.message.text));
	assert.ok(!link.message.text.includes('Maija'), 'the e-mail repeats nothing typed into the form');
});

test('the confirmation link: GET changes nothing, POST confirms once, old links are refused', async () => {
	const email = address('confirm');
	const { link } = await register('en', 'participant', email, { mail_lang: 'sv' });
	assert.equal(link.lang, 'sv');
	const c = new Client(srv.url);
	// GET (as a mail scanner would), twice: nothing changes.
	for (let i = 0; i < 2; i++) {
		const page = await c.get(link.path);
		assert.equal(page.status, 200);
		assert.equal(htmlLang(page.text), 'sv');
		assert.equal(h1Text(page.text), tr('sv', 'Confirm your registration'));
		assert.match(page.text, new RegExp(`<form method="post" action="${link.path}"`));
	}
	assert.equal(await sql(`SELECT r.status FROM registrations r JOIN people p ON p.id = r.person_id
		WHERE p.email = ${q(email)}`), 'unconfirmed');
	// HEAD changes nothing either.
	assert.equal((await c.request('HEAD', link.path)).status, 200);
	// Without the csrf token: refused, nothing changes.
	const forged = await c.post(link.path, {});
	assert.equal(forged.status, 403);
	// POST confirms.
	const r = await confirm(link, c);
	assert.equal(r.status, 303);
	assert.equal(r.headers.get('location'), '/sv/register/participant/confirmed');
	const done = await c.get('/sv/register/participant/confirmed');
	assert.equal(done.status, 200);
	assert.equal(h1Text(done.text), tr('sv', 'Your registration is confirmed'));
	assert.ok(pageText(done.text).includes(tr('sv', 'What happens next')));
	const row = await sql(`SELECT r.status, r.confirmed_at IS NOT NULL, (SELECT COUNT(*) FROM registration_events e
		WHERE e.registration_id = r.id AND e.to_status = 'waiting') FROM registrations r JOIN people p
		ON p.id = r.person_id WHERE p.email = ${q(email)}`);
	assert.equal(row, 'waiting|1|1');
	// Used: 410, both GET and POST, in the link's language.
	const again = await c.get(link.path);
	assert.equal(again.status, 410);
	assert.equal(htmlLang(again.text), 'sv');
	assert.equal(h1Text(again.text), tr('sv', 'This link has already been used'));
	const post2 = await c.post(link.path, { csrf: await csrfOf(c) });
	assert.equal(post2.status, 410);
	assert.equal(await count(`SELECT COUNT(*) FROM registration_events e JOIN registrations r ON r.id = e.registration_id
		JOIN people p ON p.id = r.person_id WHERE p.email = ${q(email)} AND e.to_status = 'waiting'`), 1);
	// Unknown and malformed: 404, in the language of the address.
	for (const lang of LANGS) {
		const u = await c.get(`/${lang}/confirm/${'A'.repeat(43)}`);
		assert.equal(u.status, 404);
		assert.equal(h1Text(u.text), tr(lang, 'This link does not work'));
		const bad = await c.get(`/${lang}/confirm/short`);
		assert.equal(bad.status, 404);
		const p = await c.post(`/${lang}/confirm/${'B'.repeat(43)}`, { csrf: await csrfOf(c) });
		assert.equal(p.status, 404);
	}
});

test('an expired link: 410 with a way forward', async () => {
	const email = address('expired');
	const { link } = await register('fi', 'door-opener', email, { mail_lang: 'fi' });
	await sql(`UPDATE email_tokens SET expires_at = 1 WHERE person_id = (SELECT id FROM people WHERE email = ${q(email)})`);
	const c = new Client(srv.url);
	const r = await c.get(link.path);
	assert.equal(r.status, 410);
	assert.equal(h1Text(r.text), tr('fi', 'This link has expired'));
	assert.ok(r.text.includes('href="/fi/register/door-opener"'));
	const p = await c.post(link.path, { csrf: await csrfOf(c) });
	assert.equal(p.status, 410);
	assert.equal(await sql(`SELECT status FROM registrations WHERE person_id = (SELECT id FROM people WHERE email = ${q(email)})`),
		'unconfirmed');
});

// ---- registering again ------------------------------------------------------

test('registering again reactivates; the profile changes only when confirmed; the third participant registration is refused', async () => {
	const email = address('again');
	const first = await register('en', 'participant', email, { job_title: 'Chemist' });
	assert.equal((await confirm(first.link)).status, 303);
	const person = await sql(`SELECT id FROM people WHERE email = ${q(email)}`);

	// Again, with other details: a new registration for the same person.
	const second = await register('fi', 'participant', email, { job_title: 'Lab manager', mail_lang: 'fi' });
	assert.equal(second.link.lang, 'fi');
	assert.equal(await sql(`SELECT id FROM people WHERE email = ${q(email)}`), person);
	assert.equal(await count(`SELECT COUNT(*) FROM registrations WHERE person_id = ${person}`), 2);
	// Not confirmed yet: the stored profile is unchanged.
	assert.equal(await sql(`SELECT job_title || '|' || mail_lang FROM people WHERE id = ${person}`), 'Chemist|en');
	assert.equal((await confirm(second.link)).status, 303);
	assert.equal(await sql(`SELECT job_title || '|' || mail_lang FROM people WHERE id = ${person}`), 'Lab manager|fi');
	assert.equal(await count(`SELECT COUNT(*) FROM registrations WHERE person_id = ${person} AND status = 'waiting'`), 2);

	// The third: a kind page in the page's language, nothing stored, no e-mail.
	const snapshot = async () => sql(`SELECT (SELECT COUNT(*) FROM people), (SELECT COUNT(*) FROM registrations),
		(SELECT COUNT(*) FROM consents), (SELECT COUNT(*) FROM email_tokens), (SELECT COUNT(*) FROM outbox),
		(SELECT job_title FROM people WHERE id = ${person})`);
	for (const lang of LANGS) {
		const beforeRows = await snapshot();
		const mails = mailsTo(email).length;
		const form = await openForm(lang, 'participant');
		const r = await send(form, lang, 'participant', validFields(form, 'participant', email, { job_title: 'Third' }));
		assert.equal(r.status, 200);
		assert.equal(htmlLang(r.text), lang);
		assert.equal(h1Text(r.text), tr(lang, 'You have used all your registrations'));
		assert.ok(pageText(r.text).includes(tr(lang, 'We did not save anything from the form you sent.')));
		assert.ok(pageText(r.text).includes(tr(lang, 'Where else to find help')));
		assert.ok(pageText(r.text).includes(tr(lang, 'As a participant, you can register {max} times in all, and you have already done so. We keep this limit so that as many people as possible get a meeting.').replace('{max}', '2')));
		assert.equal(await snapshot(), beforeRows, 'nothing stored');
		await new Promise((res) => setTimeout(res, 300));
		assert.equal(mailsTo(email).length, mails, 'no e-mail');
	}
	// As a door opener the same person may register, again and again.
	for (let i = 0; i < 3; i++) {
		const d = await register('sv', 'door-opener', email, { employer: `Employer ${i}` });
		assert.equal((await confirm(d.link)).status, 303);
	}
	assert.equal(await count(`SELECT COUNT(*) FROM registrations WHERE person_id = ${person} AND role = 'door_opener'
		AND status = 'waiting'`), 3);
});

test('a second unconfirmed registration replaces the first; its old link stops working', async () => {
	const email = address('replace');
	const one = await register('sv', 'participant', email, { job_title: 'One' });
	const two = await register('sv', 'participant', email, { job_title: 'Two' });
	assert.notEqual(one.link.token, two.link.token);
	const c = new Client(srv.url);
	assert.equal((await c.get(one.link.path)).status, 404);
	assert.equal((await confirm(two.link, c)).status, 303);
	assert.equal(await sql(`SELECT COUNT(*) || '|' || MAX(p.job_title) FROM registrations r JOIN people p
		ON p.id = r.person_id WHERE p.email = ${q(email)}`), '1|Two');
});

// ---- the member's profile ---------------------------------------------------

/** Log c in through the member login (e-mailed link). */
async function login(c, lang, email) {
	const page = await c.get(`/${lang}/login`);
	const before = smtp.messages.length;
	const r = await c.post(`/${lang}/login`, { csrf: csrfField(page.text), email });
	assert.equal(r.status, 303);
	const re = new RegExp(`https?://[^\\s"<>]*(/${lang}/login/[A-Za-z0-9_-]{43})`);
	const end = Date.now() + 10000;
	let m;
	while (!(m = smtp.messages.slice(before).filter((x) => isTo(x, email)).map((x) => re.exec(x.text)).find(Boolean))) {
		if (Date.now() > end) throw new Error('no login e-mail');
		await new Promise((res) => setTimeout(res, 50));
	}
	secrets.push(m[1].slice(-43));
	const lp = await c.get(m[1]);
	const r2 = await c.post(m[1], { csrf: csrfField(lp.text) });
	assert.equal(r2.status, 303);
}

test('the profile page: only for members; prefilled; errors keep values; saving', async () => {
	const anon = new Client(srv.url);
	for (const lang of LANGS) {
		const r = await anon.get(`/${lang}/member/profile`);
		assert.equal(r.status, 303);
		assert.equal(r.headers.get('location'), `/${lang}/login`);
	}
	const email = address('profile');
	const reg = await register('en', 'door-opener', email, { job_title: 'Architect', employer: 'Studio', other_languages: ['ar'] });
	assert.equal((await confirm(reg.link)).status, 303);
	const c = new Client(srv.url);
	await login(c, 'en', email);
	const page = await c.get('/en/member/profile');
	assert.equal(page.status, 200);
	assert.equal(h1Text(page.text), tr('en', 'Edit your profile'));
	assert.equal(inputValue(page.text, 'job_title'), 'Architect');
	assert.equal(inputValue(page.text, 'employer'), 'Studio');
	assert.ok(!page.text.includes('id="email"'), 'the address is shown, not edited');
	assert.ok(pageText(page.text).includes(email));
	assert.ok(!page.text.includes('id="arrival_year"'), 'no participant-only field for a door opener');
	assert.deepEqual(options(page.text, 'other_languages').filter((o) => o.selected).map((o) => o.value), ['ar']);
	assert.ok(!page.text.includes('name="privacy"') && !page.text.includes('name="nonce"'));

	// Build the POST from the prefilled form.
	const csrf = csrfField(page.text);
	const keep = (id) => inputValue(page.text, id);
	const sel = (id) => options(page.text, id).find((o) => o.selected)?.value ?? '';
	const base = [['csrf', csrf], ['first_name', keep('first_name')], ['last_name', keep('last_name')],
		['mail_lang', 'en'], ['languages', 'en'], ['other_languages', 'ar'], ['sector', sel('sector')],
		['occupation', sel('occupation')], ['experience_years', keep('experience_years')], ['education', sel('education')],
		['employer', 'New Studio'], ['municipality', sel('municipality')], ['meeting_mode', 'online'],
		['intro', 'New intro'], ['email', 'someone.else@example.org']];
	const bad = await c.post('/en/member/profile', [...base, ['job_title', 'x'.repeat(121)]]);
	assert.equal(bad.status, 422);
	assert.ok(pageText(bad.text).includes('The job title is too long (at most 120 characters).'));
	assert.equal(inputValue(bad.text, 'employer'), 'New Studio');
	assert.ok(checked(bad.text, 'meeting_mode-online'));
	const good = await c.post('/en/member/profile', [...base, ['job_title', 'Senior architect']]);
	assert.equal(good.status, 303);
	assert.equal(good.headers.get('location'), '/en/member?done=profile');
	assert.equal(await sql(`SELECT job_title || '|' || employer || '|' || meeting_mode || '|' || intro FROM people
		WHERE email = ${q(email)}`), 'Senior architect|New Studio|online|New intro');
	assert.equal(await count(`SELECT COUNT(*) FROM people WHERE email = 'someone.else@example.org'`), 0,
		'the e-mail address cannot be changed here');
	// Without the csrf token: 403, nothing saved.
	const forged = await c.post('/en/member/profile', [...base.slice(1), ['job_title', 'Forged']]);
	assert.equal(forged.status, 403);
});

// ---- expiry and the log ----------------------------------------------------

test('the server log holds no names, addresses or tokens; the server exits cleanly', async () => {
	const result = await srv.stop();
	assertLogFree(result.stderr, [...secrets, 'Amina', 'Hassan', 'Maija', 'Chemist']);
	assertCleanExit(result);
});
