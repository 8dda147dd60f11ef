// The relay over HTTP, against the real server (ASan build, the movable
// clock) and a real SMTP server on loopback. A participant and a door
// opener register through the real forms, are matched by a run, accept
// and meet; then:
//
//  * the door opener shares one contact by invitation from the e-mailed
//    link: a mistake keeps every typed value (both contacts) and uses
//    nothing up; the preview shows the invitation as text (never the
//    mail's HTML); "Edit" goes back with everything kept; "Send" shares.
//    The invitation goes out in the contact's language with Reply-To the
//    door opener; the contact registers through the link with the same
//    address and is confirmed at once, and a relayed match is introduced
//    to both; the used link gives a clear page and stores nothing;
//  * from the member area, a contact the door opener writes to
//    themselves: a ready text in the contact's language with the personal
//    link; registering with another address needs the confirmation
//    e-mail, and the match is made when it is confirmed; then one more
//    contact;
//  * an address that belongs to a participant is refused on the form; a
//    contact says "no thanks"; an expired link (the clock +22 days) gives
//    a clear page and stores nothing;
//  * a participant who found work stops the relay.
//
// Each test has a server of its own (its clock moves). Texts expected are
// the catalogue's (tests/lib/catalog.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertCleanExit, assertLogFree } from '../lib/server.mjs';
import { Client, csrfField, decodeEntities, h1Text, pageText } from '../lib/http.mjs';
import { tr } from '../lib/catalog.mjs';
import { startSmtp } from '../lib/smtp.mjs';
import {
	startProgramme, matchLinks, trf, mailText, textareaValue, inputValue, selectOptions, q, DAY, HOUR,
} from '../lib/people.mjs';

const L = 'en';
let smtp;

before(async () => { smtp = await startSmtp({ mode: 'ok' }); });
after(async () => { if (smtp) await smtp.stop(); });

/** A server of this test's own, stopped (and checked) when the test ends. */
async function programme(t) {
	const p = await startProgramme({ smtp });
	let stopped = false;
	p.finish = async (secrets = []) => {
		stopped = true;
		const r = await p.stop();
		assertCleanExit(r);
		assertLogFree(r.stderr, [...p.secrets, ...secrets]);
	};
	t.after(async () => { if (!stopped) await p.stop(); });
	return p;
}

/** A page (GET or the answer to a POST) with its visible text and h1. */
const view = (r) => ({ ...r, body: pageText(r.text), h1: h1Text(r.text) });

/** Open a page, then post its form with `fields` (csrf added). */
async function press(c, path, fields = {}) {
	const page = await c.get(path);
	assert.equal(page.status, 200, `${path}: ${pageText(page.text).slice(0, 300)}`);
	return view(await c.post(path, { csrf: csrfField(page.text), ...fields }));
}

const CONTACTS_RE = /https?:\/\/[^\s"<>]*?(\/(?:sv|fi|en)\/match\/(\d+)\/contacts\/([A-Za-z0-9_-]{43}))/;
const REGISTER_RE = /https?:\/\/[^\s"<>]*?(\/(sv|fi|en)\/register\/door-opener\?contact=([A-Za-z0-9_-]{43}))/;
const DECLINE_RE = /https?:\/\/[^\s"<>]*?(\/(?:sv|fi|en)\/contact\/([A-Za-z0-9_-]{43})\/decline)/;

/** A participant and a door opener who have met: { p, P, D, id, contacts (the e-mailed path) }. */
async function metMatch(t) {
	const p = await programme(t);
	const P = await p.register('participant', { lang: L, first: 'Pia', last: 'Participant', languages: ['en', 'fi'] });
	const D = await p.register('door-opener', { lang: L, first: 'Dan', last: 'Opener', languages: ['en'] });
	const staff = await p.staff(L);
	const run = await p.run(staff, L);
	assert.equal(p.proposals(run).length, 1, 'one proposal');
	await p.publish(staff, L, run);
	const introP = await p.mail(P.email, 'match_intro');
	const introD = await p.mail(D.email, 'match_intro');
	const id = matchLinks(introP).id;
	const c = new Client(p.url);
	for (const m of [introP, introD]) assert.equal((await press(c, matchLinks(m).accept)).status, 200);
	assert.equal(p.sql(`SELECT state FROM matches WHERE id = ${id}`), 'confirmed');
	const meetingAt = p.one(`SELECT meeting_at FROM matches WHERE id = ${id}`);
	const since = smtp.messages.length;
	await p.clock(meetingAt + 24 * HOUR + 60 - p.now());
	const fu = await p.mail(P.email, 'match_followup', { since });
	assert.equal((await press(c, matchLinks(fu).met, { answer: 'met' })).status, 200);
	assert.equal(p.sql(`SELECT state FROM matches WHERE id = ${id}`), 'met');
	const ask = await p.mail(D.email, 'match_contacts', { since });
	const x = CONTACTS_RE.exec(mailText(ask));
	assert.ok(x, `the "contacts" e-mail links to the sharing page: ${mailText(ask)}`);
	assert.equal(Number(x[2]), id);
	return { p, P, D, id, contacts: x[1] };
}

/** The fields of contact i as the form names them. */
function contact(i, { name = '', email = '', phone = '', field = '', note = '', lang = 'en', how = 'invite', message = '', knows = true } = {}) {
	const f = {
		[`name_${i}`]: name, [`email_${i}`]: email, [`phone_${i}`]: phone, [`field_${i}`]: field, [`note_${i}`]: note,
		[`lang_${i}`]: lang, [`how_${i}`]: how, [`message_${i}`]: message,
	};
	if (knows) f[`knows_${i}`] = '1';
	return f;
}

/** The hidden fields of the form that has the "Send" button: [name, value] pairs, as a browser sends them. */
function hiddenFields(html) {
	const form = /<form method="post"[^>]*>((?:(?!<\/form>)[\s\S])*?name="step" value="send"[\s\S]*?)<\/form>/.exec(html);
	assert.ok(form, 'the preview has a form with "Send"');
	return [...form[1].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], decodeEntities(m[2])]);
}

/**
 * Fill in and send the door opener form at `path` (maybe ?contact=...)
 * with what it shows, changed by `over`; the POST's answer and the form page.
 */
async function openerForm(c, path, over = {}) {
	const page = await c.get(path);
	assert.equal(page.status, 200, `${path}: ${pageText(page.text).slice(0, 300)}`);
	const html = page.text;
	const action = /<form method="post" action="([^"]+)" class="form" novalidate>/.exec(html)[1];
	const nonce = /<input type="hidden" name="nonce" value="([A-Za-z0-9_-]{43})">/.exec(html)[1];
	const hidden = /<input type="hidden" name="contact" value="([^"]*)">/.exec(html);
	const occ = selectOptions(html, 'occupation').find((o) => o.value === '2512');
	const sector = selectOptions(html, 'sector').find((o) => o.value && o.text === occ.group);
	const education = selectOptions(html, 'education').find((o) => o.value);
	const mailLang = /id="mail_lang-([a-z]+)" name="mail_lang" value="[a-z]+" checked/.exec(html);
	const f = {
		csrf: csrfField(html), nonce: nonce[1], first_name: inputValue(html, 'first_name'), last_name: inputValue(html, 'last_name'),
		email: inputValue(html, 'email'), phone: inputValue(html, 'phone'), mail_lang: mailLang ? mailLang[1] : 'en',
		languages: ['en', 'fi'], sector: sector.value, occupation: '2512', job_title: 'Architect', experience_years: '12',
		education: education.value, municipality: 'FI-091', meeting_mode: 'either', intro: 'Happy to help.', link: '',
		gender: '', birth_year: '', birth_country: '', employer: 'Talo Oy', capacity: '1',
		eligibility: [...html.matchAll(/name="eligibility" value="([a-z_]+)"/g)].map((m) => m[1]), privacy: '1',
		...(hidden ? { contact: decodeEntities(hidden[1]) } : {}),
		...over,
	};
	const pairs = [];
	for (const [k, v] of Object.entries(f)) for (const x of [].concat(v)) pairs.push([k, x]);
	return { page, r: view(await c.post(action, pairs)) };
}

const countPeople = (p, email) => p.one(`SELECT COUNT(*) FROM people WHERE email = ${q(email.toLowerCase())}`);

test('one contact by invitation: checked, previewed, sent; the contact registers and is introduced at once', async (t) => {
	const { p, P, D, id, contacts } = await metMatch(t);
	const c = new Client(p.url);
	const usedBefore = p.one(`SELECT COUNT(*) FROM email_tokens WHERE match_id = ${id} AND used_at IS NOT NULL`);

	// The page from the e-mail.
	let r = view(await c.get(contacts));
	assert.equal(r.status, 200, r.body.slice(0, 300));
	assert.equal(r.h1, trf(L, 'Share contacts with {name}', { name: P.first }));
	for (const i of [1, 2]) assert.ok(r.text.includes(`id="c${i}-name"`), `contact ${i} on the form`);
	assert.match(r.text, /id="c1-how-invite" name="how_1" value="invite" checked/, 'an invitation by default');
	const csrf = csrfField(r.text);

	// Mistakes: no message and no "they know" for contact 1, a half-typed contact 2. Everything typed stays.
	const note = 'Kaisa knows everyone in\nHelsinki architecture – "really" <everyone>.';
	const first = { name: 'Kaisa Kontakti', email: `kaisa.${Date.now()}@example.org`, phone: '+358 40 765 4321',
		field: 'Architect at Arkkitehdit Oy', note, lang: 'fi' };
	r = view(await c.post(contacts, { csrf, step: 'preview', ...contact(1, { ...first, knows: false }),
		...contact(2, { name: 'Half Typed', lang: 'sv', how: 'self', knows: false }) }));
	assert.equal(r.status, 422, r.body.slice(0, 500));
	assert.match(r.text, /class="error-summary"/);
	for (const a of ['c1-message', 'c1-knows', 'c2-email', 'c2-field', 'c2-knows']) assert.ok(r.text.includes(`href="#${a}"`), `the summary links to #${a}`);
	assert.equal((r.text.match(/<li><a href="#c\d-[a-z-]+">/g) || []).length, 5, 'five problems in the summary');
	assert.ok(r.body.includes(trf(L, 'Contact {n}: {problem}', { n: 2, problem: '' }).trim()), 'each says which contact');
	assert.equal(inputValue(r.text, 'c1-name'), first.name);
	assert.equal(inputValue(r.text, 'c1-email'), first.email);
	assert.equal(inputValue(r.text, 'c1-phone'), first.phone);
	assert.equal(inputValue(r.text, 'c1-field'), first.field);
	assert.equal(textareaValue(r.text, 'c1-note').replace(/\r\n/g, '\n'), note);
	assert.match(r.text, /<select id="c1-lang" name="lang_1">(?:(?!<\/select>)[\s\S])*<option value="fi" lang="fi" selected>/);
	assert.equal(inputValue(r.text, 'c2-name'), 'Half Typed');
	assert.match(r.text, /<select id="c2-lang" name="lang_2">(?:(?!<\/select>)[\s\S])*<option value="sv" lang="sv" selected>/);
	assert.match(r.text, /id="c2-how-self" name="how_2" value="self" checked/);
	assert.equal(p.one(`SELECT COUNT(*) FROM contacts`), 0, 'nothing stored');

	// The preview: the invitation as text, with the message escaped; nothing stored, the link not used.
	const message = 'Hei Kaisa! <b>Pia</b> is great – please meet her & tell her about the field.';
	r = view(await c.post(contacts, { csrf, step: 'preview', ...contact(1, { ...first, message }), ...contact(2, { knows: false }) }));
	assert.equal(r.status, 200, r.body.slice(0, 800));
	assert.equal(r.h1, tr(L, 'Check before sending'));
	assert.ok(r.text.includes('&lt;b&gt;Pia&lt;/b&gt;') && !r.text.includes('<b>Pia</b>'), 'the message is shown as text');
	assert.ok(!/<(html|body|table|style)[\s>]/i.test(r.text.slice(r.text.indexOf('<main'))), 'no mail HTML in the page');
	assert.match(r.text, /<pre lang="fi">/, 'the invitation in the contact\'s language');
	assert.ok(r.body.includes(first.name) && r.body.includes(first.email));
	const hidden = hiddenFields(r.text);
	assert.deepEqual(hidden.filter(([k]) => k.endsWith('_2')), [], 'an empty second contact is not carried');
	assert.equal(p.one(`SELECT COUNT(*) FROM contacts`), 0);
	assert.equal(p.one(`SELECT COUNT(*) FROM email_tokens WHERE match_id = ${id} AND used_at IS NOT NULL`), usedBefore);

	// "Edit": back to the form with everything kept.
	r = view(await c.post(contacts, [...hidden, ['step', 'edit']]));
	assert.equal(r.status, 200);
	assert.equal(inputValue(r.text, 'c1-name'), first.name);
	assert.equal(textareaValue(r.text, 'c1-message'), message);
	assert.match(r.text, /id="c1-knows" name="knows_1" value="1" checked/);

	// "Send".
	let since = smtp.messages.length;
	r = view(await c.post(contacts, [...hidden, ['step', 'send']]));
	assert.equal(r.status, 200, r.body.slice(0, 800));
	assert.equal(r.h1, tr(L, 'Thank you for opening doors'));
	assert.ok(r.body.includes(trf(L, 'We have e-mailed the invitation to {email}. When {name} registers through its link, we introduce them to {participant} straight away.', { email: first.email, name: first.name, participant: P.first })), r.body);
	assert.equal(p.sql('SELECT state, lang, how, match_id FROM contacts'), `invited|fi|invite|${id}`);
	assert.equal(p.one(`SELECT COUNT(*) FROM email_tokens WHERE match_id = ${id} AND used_at IS NOT NULL`), usedBefore + 1, 'the link is used');

	// The invitation: in Finnish, Reply-To the door opener, with the personal link.
	const inv = await p.mail(first.email, 'relay_invite', { since });
	assert.ok((inv.headers['reply-to']?.[0] || '').toLowerCase().includes(D.email.toLowerCase()), `Reply-To: ${inv.headers['reply-to']}`);
	assert.equal(p.sql(`SELECT mail_lang FROM outbox WHERE kind = 'relay_invite'`), 'fi');
	assert.ok(mailText(inv).includes('Hei Kaisa! <b>Pia</b> is great'), 'the message as written, in the text part');
	const link = REGISTER_RE.exec(mailText(inv));
	assert.ok(link, `the invitation has the personal link: ${mailText(inv)}`);
	assert.equal(link[2], 'fi', 'the link opens the form in the contact\'s language');
	p.secrets.push(link[3], first.email, first.name);
	// The participant is told about the door.
	const doors = await p.mail(P.email, 'relay_doors', { since });
	assert.ok(mailText(doors).includes(first.name), 'the doors e-mail names the contact');

	// The e-mailed link is used up: a clear page.
	r = view(await c.post(contacts, [...hidden, ['step', 'send']]));
	assert.equal(r.status, 410);
	assert.equal(r.h1, tr(L, 'This link has already been used'));
	assert.equal(p.one('SELECT COUNT(*) FROM contacts'), 1);

	// The contact opens the link: the form in Finnish, prefilled, with the banner.
	const k = new Client(p.url);
	r = view(await k.get(link[1]));
	assert.equal(r.status, 200);
	assert.equal(r.h1, tr('fi', 'Register as a door opener'));
	assert.ok(r.body.includes(trf('fi', '{opener} passed on your name so that you could meet {participant}.', { opener: D.first, participant: P.first })), r.body.slice(0, 600));
	assert.equal(inputValue(r.text, 'first_name'), 'Kaisa');
	assert.equal(inputValue(r.text, 'last_name'), 'Kontakti');
	assert.equal(inputValue(r.text, 'email'), first.email);
	assert.equal(inputValue(r.text, 'phone'), first.phone);
	assert.match(r.text, /id="mail_lang-fi" name="mail_lang" value="fi" checked/);
	assert.ok(r.text.includes(`<input type="hidden" name="contact" value="${link[3]}">`));

	// A mistake keeps the link in the form and uses nothing.
	let f = await openerForm(k, link[1], { last_name: '' });
	assert.equal(f.r.status, 422);
	assert.ok(f.r.text.includes(`<input type="hidden" name="contact" value="${link[3]}">`), 'the link is kept');
	assert.ok(f.r.body.includes(trf('fi', '{opener} passed on your name so that you could meet {participant}.', { opener: D.first, participant: P.first })), 'and the banner');
	assert.equal(p.sql('SELECT state, link_used_at IS NULL FROM contacts'), 'invited|1');

	// Registered with the invited address (in capitals): confirmed at once and introduced.
	since = smtp.messages.length;
	f = await openerForm(k, link[1], { email: first.email.toUpperCase() });
	assert.equal(f.r.status, 303, f.r.body.slice(0, 600));
	assert.equal(f.r.headers.get('location'), '/fi/register/door-opener/introduced');
	r = view(await k.get('/fi/register/door-opener/introduced'));
	assert.equal(r.status, 200);
	assert.equal(r.h1, tr('fi', 'You are registered: the introduction is on its way'));
	const [reg, status] = p.sql(`SELECT r.id, r.status FROM registrations r JOIN people x ON x.id = r.person_id
		WHERE x.email = ${q(first.email)}`).split('|');
	assert.equal(status, 'matched', 'confirmed and matched');
	const [state, newMatch] = p.sql('SELECT state, new_match FROM contacts').split('|');
	assert.equal(state, 'registered');
	assert.equal(p.sql(`SELECT origin, via_match, participant, door_opener FROM matches WHERE id = ${newMatch}`),
		`relay|${id}|${P.regId}|${reg}`);
	const introK = await p.mail(first.email, 'match_intro', { since });
	const introP = await p.mail(P.email, 'match_intro', { since });
	assert.equal(matchLinks(introK).id, Number(newMatch));
	assert.equal(matchLinks(introP).id, Number(newMatch));
	assert.equal(p.sql(`SELECT mail_lang FROM outbox WHERE kind = 'match_intro' AND to_email = ${q(first.email)}`), 'fi');
	await p.mail(D.email, 'relay_registered', { since });
	await p.settle();
	assert.deepEqual(p.mails(first.email, 'confirm', since), [], 'no confirmation e-mail is needed');

	// The personal link is used up: a clear page, and a form sent with it stores nothing.
	r = view(await new Client(p.url).get(link[1]));
	assert.equal(r.status, 410);
	assert.equal(r.h1, tr('fi', 'This invitation link has already been used'));
	const other = `late.${Date.now()}@example.org`;
	f = await openerForm(new Client(p.url), '/fi/register/door-opener', { contact: link[3], email: other });
	assert.equal(f.r.status, 410);
	assert.equal(countPeople(p, other), 0, 'nothing stored');

	// The participant's page of the first meeting lists the door and leads to the new match.
	const pc = await p.memberLogin(new Client(p.url), L, P.email);
	r = view(await pc.get(`/${L}/member/matches/${id}`));
	assert.equal(r.status, 200);
	assert.ok(r.body.includes(trf(L, 'Doors {name} opened for you', { name: D.first })), r.body);
	assert.ok(r.body.includes(first.name) && r.body.includes(first.field), 'name and field');
	assert.ok(r.body.includes(trf(L, 'Why this person: {note}', { note: note.replace(/\s+/g, ' ') })), 'the note');
	assert.ok(r.text.includes(`href="/${L}/member/matches/${newMatch}"`), 'a link to the new match');
	// The door opener's page: the contact and its state, and room for one more.
	const dc = await p.memberLogin(new Client(p.url), L, D.email);
	r = view(await dc.get(`/${L}/member/matches/${id}`));
	assert.ok(r.body.includes(tr(L, 'Share two contacts')));
	assert.ok(r.body.includes(`${first.name} – ${tr(L, 'We e-mailed an invitation')} – ${tr(L, 'Registered as a door opener')}`), r.body);
	assert.ok(r.text.includes(`href="/${L}/member/matches/${id}/contacts"`));
	assert.ok(r.body.includes(tr(L, 'Share one more contact')));
	await p.finish([note, message, first.phone, 'Kaisa', 'Kontakti']);
});

test('from the member area: a contact introduced personally registers with the confirmation e-mail, then one more', async (t) => {
	const { p, P, D, id } = await metMatch(t);
	const d = await p.memberLogin(new Client(p.url), 'sv', D.email);
	const page = `/sv/member/matches/${id}/contacts`;
	// The page of someone else's match, or of the participant, is not shown.
	const pc = await p.memberLogin(new Client(p.url), L, P.email);
	assert.equal((await pc.get(`/${L}/member/matches/${id}/contacts`)).status, 404, "the participant does not share");
	assert.equal((await new Client(p.url).get(page)).status, 303, 'a login is needed');

	const self = { name: 'Sven Svensson', email: `sven.${Date.now()}@example.org`, field: 'Byggledare', lang: 'sv', how: 'self' };
	let r = await press(d, page, { step: 'preview', ...contact(1, self) });
	assert.equal(r.status, 200, r.body.slice(0, 600));
	assert.ok(r.body.includes(trf('sv', 'You write to this person yourself. When you press "Send", we give you a ready text with their personal link, and we tell {name} about them.', { name: P.first })), r.body);
	const since = smtp.messages.length;
	r = view(await d.post(page, [...hiddenFields(r.text), ['step', 'send']]));
	assert.equal(r.status, 200, r.body.slice(0, 600));
	assert.equal(p.sql('SELECT state, how, lang FROM contacts'), 'introduced|self|sv');
	// The ready text, in Swedish, with the personal link; and the link alone.
	const cid = p.one('SELECT id FROM contacts');
	const text = textareaValue(r.text, `text-${cid}`);
	assert.ok(text, 'a ready text');
	const link = REGISTER_RE.exec(text);
	assert.ok(link, `the text has the personal link: ${text}`);
	assert.equal(link[2], 'sv');
	p.secrets.push(link[3], self.email, self.name);
	assert.equal(inputValue(r.text, `link-${cid}`), link[0]);
	assert.ok(text.includes(trf('sv', 'Hi {name},', { name: 'Sven' })), text);
	assert.ok(r.body.includes(trf('sv', 'The link works once, for {days} days. Do not share it with anyone else: it is for {name} only.', { days: 21, name: self.name })));
	await p.settle();
	assert.deepEqual(p.mails(self.email, undefined, since), [], 'no e-mail to a contact introduced personally');
	await p.mail(P.email, 'relay_doors', { since });
	// One more may be shared: the form has one contact now.
	r = view(await d.get(page));
	assert.ok(r.text.includes('id="c1-name"') && !r.text.includes('id="c2-name"'), 'room for one');
	assert.ok(r.body.includes(self.name), 'the contact shared so far');

	// Sven registers with the very address the door opener gave: still the
	// usual confirmation e-mail, then the match. A personal link handed over
	// by the door opener proves nothing about the address (only an
	// invitation Ovi e-mailed does).
	const k = new Client(p.url);
	const work = self.email;
	let f = await openerForm(k, link[1], { email: work });
	assert.equal(f.r.status, 303, f.r.body.slice(0, 600));
	assert.equal(f.r.headers.get('location'), '/sv/register/door-opener/sent');
	assert.equal(p.sql('SELECT state, new_match IS NULL FROM contacts'), 'registered|1', 'no match before the confirmation');
	const conf = await p.mail(work, 'confirm', { since });
	const cl = /https?:\/\/[^\s"<>]*?(\/(?:sv|fi|en)\/confirm\/[A-Za-z0-9_-]{43})/.exec(mailText(conf))[1];
	const cp = await k.get(cl);
	const done = await k.post(cl, { csrf: csrfField(cp.text) });
	assert.equal(done.status, 303);
	assert.equal(done.headers.get('location'), '/sv/register/door-opener/introduced');
	const newMatch = p.one('SELECT new_match FROM contacts');
	assert.ok(newMatch > 0, 'the match is made at the confirmation');
	assert.equal(matchLinks(await p.mail(work, 'match_intro', { since })).id, newMatch);
	assert.equal(matchLinks(await p.mail(P.email, 'match_intro', { since })).id, newMatch);

	// The second contact, sent straight from the form (step=send also checks).
	const second = { name: 'Sara Andra', email: `sara.${Date.now()}@example.org`, field: 'Arkitekt', lang: 'en', message: 'Please meet Pia.' };
	r = await press(d, page, { step: 'send', ...contact(1, second) });
	assert.equal(r.status, 200, r.body.slice(0, 600));
	assert.equal(p.one('SELECT COUNT(*) FROM contacts'), 2);
	p.secrets.push(second.email, second.name);
	r = view(await d.get(page));
	assert.ok(r.body.includes(trf('sv', 'You have shared two contacts with {name}. Thank you: this is how the programme grows!', { name: P.first })), r.body);
	assert.ok(!r.text.includes('id="c1-name"'), 'no form when two are shared');
	const csrf = csrfField((await d.get('/sv/member')).text);
	r = view(await d.post(page, { csrf, step: 'send', ...contact(1, { ...second, email: `x.${second.email}` }) }));
	assert.equal(r.status, 409);
	assert.equal(p.one('SELECT COUNT(*) FROM contacts'), 2);
	await p.finish([self.field]);
});

test('refused: a participant\'s address, the same address twice, "no thanks", an expired link', async (t) => {
	const { p, P, D, id, contacts } = await metMatch(t);
	const X = await p.register('participant', { lang: L, first: 'Xia', last: 'Waiting', languages: ['en'] });
	const c = new Client(p.url);
	const page = await c.get(contacts);
	const csrf = csrfField(page.text);

	// Someone who is a participant cannot be a door opener now.
	let r = view(await c.post(contacts, { csrf, step: 'preview',
		...contact(1, { name: 'Xia Waiting', email: X.email, field: 'Developer', message: 'Hello' }) }));
	assert.equal(r.status, 422);
	assert.ok(r.body.includes(tr(L, 'This person is already in the programme as a participant, so they cannot be a door opener now.')), r.body.slice(0, 800));
	assert.equal(inputValue(r.text, 'c1-email'), X.email);
	// The same address twice in one go.
	const a = { name: 'Anna Alpha', email: `anna.${Date.now()}@example.org`, field: 'Engineer', message: 'Meet Pia!' };
	r = view(await c.post(contacts, { csrf, step: 'preview', ...contact(1, a), ...contact(2, { ...a, name: 'Anna Again' }) }));
	assert.equal(r.status, 422);
	assert.ok(r.text.includes('href="#c2-email"'));
	assert.equal(p.one('SELECT COUNT(*) FROM contacts'), 0);

	// Two invitations.
	const b = { name: 'Bo Beta', email: `bo.${Date.now()}@example.org`, field: 'Planner', message: 'Meet Pia!', lang: 'sv' };
	p.secrets.push(a.email, b.email, a.name, b.name);
	const since = smtp.messages.length;
	r = view(await c.post(contacts, { csrf, step: 'send', ...contact(1, a), ...contact(2, b) }));
	assert.equal(r.status, 200, r.body.slice(0, 600));
	const invA = await p.mail(a.email, 'relay_invite', { since });
	const invB = await p.mail(b.email, 'relay_invite', { since });
	const linkA = REGISTER_RE.exec(mailText(invA)), declineB = DECLINE_RE.exec(mailText(invB));
	assert.ok(linkA && declineB, 'the invitations have their links');
	p.secrets.push(linkA[3], declineB[2]);

	// Bo says no thanks: a page first, then the button.
	const k = new Client(p.url);
	r = view(await k.get(declineB[1]));
	assert.equal(r.status, 200);
	assert.equal(r.h1, tr('sv', 'No thanks'));
	assert.ok(r.body.includes(trf('sv', '{opener} passed on your name so that you could meet {participant}. If this does not suit you now, that is fine: just tell us here.', { opener: D.first, participant: P.first })), r.body);
	assert.equal(p.sql(`SELECT state FROM contacts WHERE email = ${q(b.email)}`), 'invited', 'opening the page changes nothing');
	r = await press(k, declineB[1]);
	assert.equal(r.status, 200);
	assert.equal(r.h1, tr('sv', 'Thank you for letting us know'));
	assert.equal(p.sql(`SELECT state, name, email FROM contacts WHERE field = 'Planner'`), 'declined||', 'declined, details removed');
	r = view(await k.get(declineB[1]));
	assert.equal(r.status, 410, 'the link no longer works');

	// The participant's page shows the doors; Xia's does not list them.
	const pc = await p.memberLogin(new Client(p.url), L, P.email);
	r = view(await pc.get(`/${L}/member/matches/${id}`));
	assert.ok(r.body.includes(a.name) && r.body.includes(tr(L, 'Said no thanks')), r.body);

	// Three weeks and a day: Anna's link has expired; the form sent with it stores nothing.
	await p.clock(22 * DAY);
	assert.equal(p.sql(`SELECT state FROM contacts WHERE field = 'Engineer'`), 'expired');
	r = view(await new Client(p.url).get(linkA[1]));
	assert.equal(r.status, 410);
	assert.equal(r.h1, tr(L, 'This invitation link has expired'));
	assert.ok(r.body.includes(trf(L, 'A personal invitation link works for {days} days, and only while the invitation is open. This one no longer works: it is older, the invitation was declined, or the participant no longer needs new contacts.', { days: 21 })), r.body);
	assert.ok(r.text.includes(`href="/${L}/register/door-opener"`), 'the normal registration instead');
	const late = `anna.late.${Date.now()}@example.org`;
	p.secrets.push(late);
	const f = await openerForm(new Client(p.url), `/${L}/register/door-opener`, { contact: linkA[3], email: late });
	assert.equal(f.r.status, 410);
	assert.equal(countPeople(p, late), 0, 'nothing stored');
	await p.finish();
});

test('a participant who found work stops the relay', async (t) => {
	const { p, P, D, id, contacts } = await metMatch(t);
	const c = new Client(p.url);
	const page = await c.get(contacts);
	const a = { name: 'Anna Alpha', email: `anna.${Date.now()}@example.org`, field: 'Engineer', message: 'Meet Pia!' };
	p.secrets.push(a.email, a.name);
	const since = smtp.messages.length;
	let r = view(await c.post(contacts, { csrf: csrfField(page.text), step: 'send', ...contact(1, a) }));
	assert.equal(r.status, 200, r.body.slice(0, 600));
	const link = REGISTER_RE.exec(mailText(await p.mail(a.email, 'relay_invite', { since })));
	p.secrets.push(link[3]);

	const m = await p.memberLogin(new Client(p.url), L, P.email);
	r = view(await m.get(`/${L}/member`));
	const stop = `/${L}/member/relay/stop/${P.regId}`;
	assert.ok(r.text.includes(`href="${stop}"`), 'the member home offers to stop the relay');
	assert.ok(r.body.includes(tr(L, 'I found work – stop the relay')));
	r = view(await m.get(stop));
	assert.equal(r.status, 200);
	assert.equal(r.h1, tr(L, 'I found work – stop the relay'));
	assert.ok(r.body.includes(trf(L, 'Invitations that have not been answered yet stop working ({n} now). The people who got them do not need to do anything.', { n: 1 })), r.body);
	assert.equal(p.sql(`SELECT relay_stopped_at IS NULL FROM registrations WHERE id = ${P.regId}`), '1', 'GET changes nothing');
	// Someone else's registration is not theirs to stop.
	const other = await p.register('participant', { lang: L, first: 'Olle', last: 'Other', languages: ['en'] });
	assert.equal((await m.get(`/${L}/member/relay/stop/${other.regId}`)).status, 404);

	r = view(await m.post(stop, { csrf: csrfField(r.text) }));
	assert.equal(r.status, 303);
	r = view(await m.get(r.headers.get('location')));
	assert.equal(r.h1, tr(L, 'The relay has stopped'));
	assert.ok(r.body.includes(tr(L, 'Congratulations on your new job! We wish you all the best in it.')));
	assert.equal(p.sql(`SELECT status, relay_stopped_at IS NOT NULL FROM registrations WHERE id = ${P.regId}`), 'closed|1');
	assert.equal(p.sql('SELECT state FROM contacts'), 'expired', 'the open invitation ends');
	r = view(await new Client(p.url).get(link[1]));
	assert.equal(r.status, 410);
	assert.equal(r.h1, tr(L, 'This invitation link has expired'));
	r = view(await m.get(`/${L}/member`));
	assert.ok(!r.text.includes(`href="${stop}"`), 'nothing more to stop');
	// The door opener's sharing page says why nothing more can be shared.
	const d = await p.memberLogin(new Client(p.url), L, D.email);
	r = view(await d.get(`/${L}/member/matches/${id}/contacts`));
	assert.ok(r.body.includes(trf(L, '{name} has found work and stopped the relay, so no more contacts are needed. Thank you for your help!', { name: P.first })), r.body);
	await p.finish();
});
