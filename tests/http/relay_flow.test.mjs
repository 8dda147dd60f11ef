// The relay (issue 6) over HTTP, against the real server (ASan build, the
// movable clock) and a real SMTP server on loopback. A participant and a
// door opener are walked to "met" through the real forms and e-mail links
// (tests/lib/relay.mjs: metPair); then:
//
//  * personal registration links: an unknown one, one used already and one
//    past relay_link_days give clear pages (with the normal registration
//    link) and store nothing, neither on opening nor on sending the form;
//  * a contact whose address is already a participant (or is the
//    participant's own) is refused on the share form, with every value kept
//    and nothing stored or sent;
//  * a door opener who shares only one contact from the e-mail link adds
//    the second later from the member area, and then no more;
//  * a door opener who shares nothing is reminded once after
//    relay_remind_days, and after relay_help_days the match is on the staff
//    "needs help" list, where staff add a contact on their behalf: the
//    invitation goes out and the match leaves the list.
//
// Each test has a server of its own (its clock moves); the texts expected
// are the catalogue's (tests/lib/catalog.mjs), in English.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertCleanExit, assertLogFree } from '../lib/server.mjs';
import { Client, csrfField, decodeEntities, h1Text, pageText } from '../lib/http.mjs';
import { tr } from '../lib/catalog.mjs';
import { startSmtp } from '../lib/smtp.mjs';
import { startProgramme, trf, mailText, q, DAY, HOUR } from '../lib/people.mjs';
import {
	metPair, share, shareFields, contactsOf, inviteLinks, registerContact, postWithToken, contactFormFields, fieldValue,
	contactsLink, replyTo,
} from '../lib/relay.mjs';

const L = 'en';
const RELAY_REMIND_DAYS = 7, RELAY_HELP_DAYS = 14, RELAY_LINK_DAYS = 21; // src/core/config.h defaults
let smtp;

before(async () => { smtp = await startSmtp({ mode: 'ok' }); });
after(async () => { if (smtp) await smtp.stop(); });

/** A server of this test's own, stopped (and checked) when the test ends. */
async function programme(t, env = {}) {
	const p = await startProgramme({ smtp, env });
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

/** GET a page: { status, text, body (visible text), h1 }. */
async function open(c, path) {
	const r = await c.get(path);
	return { ...r, body: pageText(r.text), h1: h1Text(r.text) };
}

let seq = 0;
/** A contact to share: { name, email, ... } with a fresh address. */
function contact(first, last, extra = {}) {
	seq++;
	return {
		name: `${first} ${last}`, first, last, email: `${first.toLowerCase()}.${seq}.${Date.now()}@example.net`,
		phone: '', field: 'Software development', note: `${first} knows every team lead in town.`, lang: 'en',
		how: 'invite', message: `Hi ${first}, I met someone you should meet. Could you spare an hour?`, knows: true,
		...extra,
	};
}

/** How many people / registrations / matches there are (to check that nothing was stored). */
function counts(p) {
	const [people, regs, matches] = p.sql(`SELECT (SELECT COUNT(*) FROM people), (SELECT COUNT(*) FROM registrations),
		(SELECT COUNT(*) FROM matches)`).split('|').map(Number);
	return { people, regs, matches };
}

const usedTokens = (p, id) => p.one(`SELECT COUNT(*) FROM email_tokens WHERE match_id = ${id} AND used_at IS NOT NULL`);

// The domain's message for a contact who is in the programme as a participant (relay_contact_check).
const ALREADY_PARTICIPANT = 'This person is already in the programme as a participant, so they cannot be a door opener now.';
const OWN_ADDRESS = "That is the participant's own address: enter the contact's e-mail address.";

const personCount = (p, email) => p.one(`SELECT COUNT(*) FROM people WHERE email = ${q(email.toLowerCase())}`);

const LINK_PAGES = {
	unknown: [404, 'This invitation link is not valid'],
	used: [410, 'This invitation link has already been used'],
	expired: [410, 'This invitation link has expired'],
};

/** A page that refuses a personal link (problem: unknown, used, expired): its status and heading, no form,
 * and the normal registration link. */
function assertLinkRefused(page, problem, what = `${problem} link`, lang = L) {
	const [status, h1] = LINK_PAGES[problem];
	const body = page.body ?? pageText(page.text);
	assert.equal(page.status, status, `${what}: ${body.slice(0, 400)}`);
	assert.equal(page.h1 ?? h1Text(page.text), tr(lang, h1), `${what}: the heading says what is wrong`);
	assert.ok(!/name="nonce"/.test(page.text), `${what}: no registration form`);
	assert.ok(!/name="contact"/.test(page.text), `${what}: no contact field`);
	assert.match(page.text, new RegExp(`href="/${lang}/register/door-opener"`), `${what}: the normal registration link`);
}

test('unknown, used and expired invitation links give clear pages and store nothing', async (t) => {
	const p = await programme(t);
	const { P, id, contactsPath } = await metPair(p, { lang: L });
	const A = contact('Alma', 'Used'), B = contact('Boris', 'Late', { lang: 'fi' });
	const sent = await share(new Client(p.url), contactsPath, [A, B], 'send');
	assert.equal(sent.status, 200, `sent: ${pageText(sent.text).slice(0, 500)}`);
	assert.deepEqual(contactsOf(p, id).map((x) => [x.email, x.how, x.state, x.lang]),
		[[A.email, 'invite', 'invited', 'en'], [B.email, 'invite', 'invited', 'fi']]);
	const la = inviteLinks(await p.mail(A.email, 'relay_invite'));
	const lb = inviteLinks(await p.mail(B.email, 'relay_invite'));
	assert.equal(la.lang, 'en');
	assert.equal(lb.lang, 'fi', "the link is in the contact's language");
	p.secrets.push(la.token, lb.token, A.email, B.email, A.name, B.name);

	// An unknown token.
	let page = await open(new Client(p.url), `/${L}/register/door-opener?contact=${'A'.repeat(43)}`);
	assertLinkRefused(page, 'unknown');

	// Alma registers through her link, with the address it was sent to:
	// confirmed on the spot, her match with the participant made at once.
	const before = counts(p);
	const done = await registerContact(new Client(p.url), la.register, { languages: ['en', 'fi'] });
	assert.equal(done.r.status, 303, `Alma registered: ${pageText(done.r.text).slice(0, 600)}`);
	assert.equal(done.r.headers.get('location'), `/${L}/register/door-opener/introduced`);
	const intro = await open(new Client(p.url), `/${L}/register/door-opener/introduced`);
	assert.equal(intro.h1, tr(L, 'You are registered: the introduction is on its way'));
	assert.equal(personCount(p, A.email), 1);
	const alma = contactsOf(p, id)[0];
	assert.equal(alma.state, 'registered');
	assert.ok(alma.newMatch > 0, 'her match with the participant is made at once');
	assert.equal(p.sql(`SELECT participant || '|' || origin || '|' || via_match FROM matches WHERE id = ${alma.newMatch}`),
		`${P.regId}|relay|${id}`);
	const now = counts(p);
	assert.deepEqual(now, { people: before.people + 1, regs: before.regs + 1, matches: before.matches + 1 });

	// The same link again: a clear page; a form sent with its token stores nothing.
	page = await open(new Client(p.url), la.register);
	assertLinkRefused(page, 'used');
	const other = `alma.again.${Date.now()}@example.net`;
	let r = await postWithToken(new Client(p.url), L, la.token, { first: 'Alma', last: 'Again', email: other });
	assertLinkRefused(r, 'used', "the used link's token in a form");
	assert.ok(!/name="contact" value="[^"]+"/.test(r.text), 'the answer does not offer the token again');
	await p.settle();
	assert.deepEqual(counts(p), now, 'nothing stored');
	assert.equal(personCount(p, other), 0);
	assert.deepEqual(p.mails(other), [], 'nothing sent');
	assert.equal(contactsOf(p, id)[0].newMatch, alma.newMatch);

	// Boris opens his link in time but sends the form after relay_link_days.
	const b = new Client(p.url);
	const form = await b.get(lb.register);
	assert.equal(form.status, 200);
	assert.equal(fieldValue(form.text, 'email'), B.email, 'prefilled');
	await p.clock((RELAY_LINK_DAYS + 1) * DAY);
	await p.settle();
	assert.equal(contactsOf(p, id)[1].state, 'expired', 'the link ran out');
	page = await open(new Client(p.url), lb.register);
	assertLinkRefused(page, 'expired', 'expired link', 'fi'); // Boris's link is in Finnish
	assert.ok(!page.text.includes(B.email), 'the page does not show his address');
	const before2 = counts(p);
	const since = smtp.messages.length;
	r = await b.post('/fi/register/door-opener', contactFormFields(form.text, 'fi', { languages: ['en'] }));
	assertLinkRefused(r, 'expired', "the expired link's form, opened in time", 'fi');
	assert.ok(!/name="contact" value="[^"]+"/.test(r.text), 'the answer does not offer the token again');
	await p.settle();
	assert.deepEqual(counts(p), before2, 'nothing stored');
	assert.equal(personCount(p, B.email), 0);
	assert.deepEqual(p.mails(B.email, undefined, since), [], 'nothing sent');
	assert.equal(contactsOf(p, id)[1].state, 'expired');
	await p.finish([A.message, B.message]);
});

test('a contact who is already a participant is refused on the share form, with every value kept', async (t) => {
	const p = await programme(t);
	const { P, D, id, contactsPath } = await metPair(p, { lang: L });
	const X = await p.register('participant', { lang: L, first: 'Xia', last: 'Waiting', languages: ['en'] });
	const A = contact('Xia', 'Waiting', { email: X.email, phone: '+358 40 765 4321', note: 'Xia & I "worked" <together>.',
		message: 'Hi Xia,\nline two – åäö & <b>.' });
	const B = contact('Pia', 'Self', { email: P.email, how: 'self', lang: 'fi', message: '' });
	const d = new Client(p.url);
	const usedBefore = usedTokens(p, id);
	for (const step of ['preview', 'send']) {
		const r = await share(d, contactsPath, [A, B], step);
		assert.equal(r.status, 422, `${step}: refused: ${pageText(r.text).slice(0, 600)}`);
		assert.match(r.text, /class="error-summary"/, `${step}: an error summary`);
		const body = pageText(r.text);
		for (const [n, why] of [[1, ALREADY_PARTICIPANT], [2, OWN_ADDRESS]]) {
			const msg = trf(L, 'Contact {n}: {problem}', { n, problem: tr(L, why) });
			assert.ok(body.includes(msg), `${step}: the summary says "${msg}": ${body.slice(0, 1000)}`);
			assert.match(r.text, new RegExp(`<a href="#c${n}-email">`), `${step}: the summary links to the field`);
			const at = new RegExp(`<p class="field__error" id="c${n}-email-error">([^<]*)</p>`).exec(r.text);
			assert.equal(at && decodeEntities(at[1]), tr(L, why), `${step}: the message at the field of contact ${n}`);
		}
		for (const [i, x] of [[1, A], [2, B]]) {
			for (const k of ['name', 'email', 'phone', 'field', 'note'])
				assert.equal(fieldValue(r.text, `${k}_${i}`), x[k], `${step}: ${k}_${i} is kept`);
			assert.equal(fieldValue(r.text, `lang_${i}`), x.lang, `${step}: lang_${i} is kept`);
			assert.equal(fieldValue(r.text, `how_${i}`), x.how, `${step}: how_${i} is kept`);
			assert.equal(fieldValue(r.text, `knows_${i}`), '1', `${step}: knows_${i} stays ticked`);
		}
		assert.equal(fieldValue(r.text, 'message_1'), A.message, `${step}: the message is kept as typed`);
		// Each refused address is marked at its own field.
		assert.match(r.text, /<input\b[^>]*\bname="email_1"[^>]*\baria-invalid="true"|<input\b[^>]*\baria-invalid="true"[^>]*\bname="email_1"/,
			`${step}: email_1 is marked invalid`);
		assert.match(r.text, /<input\b[^>]*\bname="email_2"[^>]*\baria-invalid="true"|<input\b[^>]*\baria-invalid="true"[^>]*\bname="email_2"/,
			`${step}: email_2 (the participant's own) is marked invalid`);
	}
	await p.settle();
	assert.deepEqual(contactsOf(p, id), [], 'nothing stored');
	assert.deepEqual(p.mails(X.email, 'relay_invite'), [], 'no invitation');
	assert.deepEqual(p.mails(P.email, 'relay_doors'), [], 'the participant is told nothing');
	assert.equal(usedTokens(p, id), usedBefore, 'the contacts link is not used up');
	// The same form with another address goes through.
	const C = contact('Cecilia', 'Fine');
	const r = await share(d, contactsPath, [C], 'send');
	assert.equal(r.status, 200, pageText(r.text).slice(0, 500));
	assert.deepEqual(contactsOf(p, id).map((x) => x.email), [C.email]);
	await p.mail(C.email, 'relay_invite');
	assert.ok(D);
	await p.finish([A.message, A.note, C.message]);
});

test('a door opener who shares one contact adds the second later from the member area', async (t) => {
	const p = await programme(t);
	const { P, D, id, contactsPath } = await metPair(p, { lang: L });
	const A = contact('Anders', 'Selfwritten', { how: 'self', message: '' });
	const d = new Client(p.url);
	let r = await share(d, contactsPath, [A], 'send');
	assert.equal(r.status, 200, `one contact is enough: ${pageText(r.text).slice(0, 600)}`);
	assert.deepEqual(contactsOf(p, id).map((x) => [x.email, x.how, x.state]), [[A.email, 'self', 'introduced']]);
	const doors1 = await p.mail(P.email, 'relay_doors');
	assert.ok(mailText(doors1).includes(A.name) && mailText(doors1).includes(A.field), mailText(doors1));
	assert.equal(doors1.subject, trf(L, '{name} has opened new doors for you', { name: D.first }));
	await p.settle();
	assert.deepEqual(p.mails(A.email), [], 'nothing is sent to a contact the door opener writes to');

	// The e-mail link was used by the send; it now gives a clear page.
	const used = await open(new Client(p.url), contactsPath);
	assert.equal(used.status, 410, `the used contacts link: ${used.body.slice(0, 300)}`);
	assert.ok(!/name="name_1"/.test(used.text), 'no form');

	// The member area: the match page leads to the form, which has room for one more.
	const m = await p.memberLogin(new Client(p.url), L, D.email);
	const matchPage = await open(m, `/${L}/member/matches/${id}`);
	assert.equal(matchPage.status, 200);
	assert.match(matchPage.text, new RegExp(`href="/${L}/member/matches/${id}/contacts"`), 'the match page links to the form');
	const form = await open(m, `/${L}/member/matches/${id}/contacts`);
	assert.equal(form.status, 200, form.body.slice(0, 400));
	assert.ok(form.body.includes(A.name), 'the form shows who was shared already');
	assert.ok(/name="name_1"/.test(form.text), 'a form for one more contact');
	assert.ok(!/name="name_2"/.test(form.text), 'only one more: two at most');
	const B = contact('Beata', 'Later', { lang: 'fi' });
	const since = smtp.messages.length;
	r = await share(m, `/${L}/member/matches/${id}/contacts`, [B], 'send');
	assert.equal(r.status, 200, `the second contact: ${pageText(r.text).slice(0, 600)}`);
	assert.deepEqual(contactsOf(p, id).map((x) => [x.email, x.how, x.state]),
		[[A.email, 'self', 'introduced'], [B.email, 'invite', 'invited']]);
	const inv = await p.mail(B.email, 'relay_invite', { since });
	assert.equal(inviteLinks(inv).lang, 'fi');
	assert.deepEqual(replyTo(inv), [D.email.toLowerCase()], 'Reply-To the door opener');
	const doors2 = await p.mail(P.email, 'relay_doors', { since });
	assert.ok(mailText(doors2).includes(B.name), 'the participant hears of the new door');
	assert.ok(!mailText(doors2).includes(A.name), 'each e-mail lists the doors of its own submission');

	// Two shared: no room left, and a form sent anyway stores nothing.
	const full = await open(m, `/${L}/member/matches/${id}/contacts`);
	assert.ok([200, 409].includes(full.status), `the form when two are shared: ${full.status}`);
	assert.ok(!/name="name_1"/.test(full.text), 'no form when two are shared');
	assert.ok(full.body.includes(A.name) && full.body.includes(B.name), 'the page lists the two');
	const C = contact('Cyril', 'TooMany');
	const csrf = csrfField((await m.get(`/${L}/member`)).text);
	r = await m.post(`/${L}/member/matches/${id}/contacts`, shareFields(csrf, [C], 'send'));
	assert.ok(r.status >= 400 && r.status < 500, `a third contact is refused: ${r.status}`);
	await p.settle();
	assert.equal(contactsOf(p, id).length, 2);
	assert.deepEqual(p.mails(C.email), []);
	await p.finish([B.message]);
});

test('silence: one reminder after relay_remind_days, the "needs help" list after relay_help_days, staff add a contact', async (t) => {
	const p = await programme(t);
	const { P, D, id, metAt } = await metPair(p, { lang: L });
	const to = (at) => at - p.now();

	// Five days after the meeting: no reminder yet.
	await p.clock(to(metAt + 5 * DAY));
	await p.settle();
	assert.deepEqual(p.mails(D.email, 'relay_remind'), [], 'no reminder before relay_remind_days');

	// relay_remind_days and an hour: a friendly reminder, once.
	await p.clock(to(metAt + RELAY_REMIND_DAYS * DAY + HOUR));
	const remind = await p.mail(D.email, 'relay_remind');
	assert.equal(remind.subject, trf(L, 'A friendly reminder: who could {name} meet next?', { name: P.first }));
	assert.ok(mailText(remind).includes(trf(L, 'Hello {name},', { name: D.first })), mailText(remind));
	assert.ok(mailText(remind).includes(P.first), 'about the participant');
	const link = contactsLink(remind);
	assert.equal(link.id, id, 'the reminder has a contacts link for the match');
	assert.match(mailText(remind), /\/en\/contact-templates\b/, 'the ready texts');
	assert.match(mailText(remind), /\/en\/recruit\b/, 'the recruiting texts');
	await p.settle();
	assert.deepEqual(p.mails(P.email, 'relay_remind'), [], 'not to the participant');
	await p.clock(to(metAt + 10 * DAY));
	await p.settle();
	assert.equal(p.mails(D.email, 'relay_remind').length, 1, 'reminded once');

	// Not yet on the "needs help" list ...
	let staff = await p.staff(L);
	let list = await open(staff, `/${L}/admin/relay`);
	assert.equal(list.status, 200, list.body.slice(0, 300));
	assert.ok(!list.text.includes(`/${L}/admin/matches/${id}/contacts"`), 'not on the list before relay_help_days');
	// ... after relay_help_days it is, with the people and links.
	await p.clock(to(metAt + RELAY_HELP_DAYS * DAY + HOUR));
	staff = await p.staff(L);
	const home = await open(staff, `/${L}/admin`);
	assert.match(home.text, new RegExp(`href="/${L}/admin/relay"`), 'the staff home links to the relay page');
	list = await open(staff, `/${L}/admin/relay`);
	assert.equal(list.status, 200);
	assert.ok(list.text.includes(`href="/${L}/admin/matches/${id}"`), `the list links to the match: ${list.body.slice(0, 1500)}`);
	assert.ok(list.text.includes(`href="/${L}/admin/matches/${id}/contacts"`), 'and to "add contacts on their behalf"');
	assert.ok(list.body.includes(P.name) && list.body.includes(D.name), 'names the participant and the door opener');

	// Staff add one contact on the door opener's behalf.
	const C = contact('Camilla', 'Helped', { lang: 'fi' });
	const form = await open(staff, `/${L}/admin/matches/${id}/contacts`);
	assert.equal(form.status, 200, form.body.slice(0, 400));
	for (const k of ['name_1', 'email_1', 'phone_1', 'field_1', 'note_1', 'lang_1', 'how_1', 'message_1', 'knows_1'])
		assert.ok(new RegExp(`name="${k}"`).test(form.text), `the staff form has ${k}`);
	const since = smtp.messages.length;
	const r = await staff.post(`/${L}/admin/matches/${id}/contacts`, shareFields(csrfField(form.text), [C], 'send'));
	assert.ok([200, 303].includes(r.status), `staff add a contact: ${r.status} ${pageText(r.text).slice(0, 600)}`);
	const [row] = contactsOf(p, id);
	assert.deepEqual([row.email, row.how, row.state, row.lang], [C.email, 'invite', 'invited', 'fi']);
	assert.ok(row.staffId > 0, 'recorded as added by staff');
	const inv = await p.mail(C.email, 'relay_invite', { since });
	assert.equal(inviteLinks(inv).lang, 'fi');
	assert.ok(mailText(inv).includes(C.message), 'with the message staff wrote');
	await p.mail(P.email, 'relay_doors', { since });
	list = await open(staff, `/${L}/admin/relay`);
	assert.ok(!list.text.includes(`/${L}/admin/matches/${id}/contacts"`), 'the match has left the list');
	await p.finish([C.message]);
});
