// The life of a match over HTTP, against the real server (ASan build, the
// movable clock) and a real SMTP server on loopback. People register and
// confirm through the real forms, staff run the matching and publish, and
// the people answer through the links in their e-mails:
//
//  * a decline sends the other side back to waiting with priority: the
//    next run gives them the only free door opener ahead of a newcomer
//    with a slightly better profile;
//  * silence brings a reminder to whoever has not answered, then expiry
//    (the side that accepted goes back with priority, the silent door
//    opener's registration is closed);
//  * a new time proposed by one side and accepted by the other confirms
//    the meeting at that time, with a new calendar invitation;
//  * links that are used, for another match, opened while someone else is
//    logged in, or old are refused with a clear page and change nothing;
//    a mistake in the time form keeps what was typed and keeps the link.
//
// Each test has a server of its own (its clock moves); the texts expected
// are the catalogue's (tests/lib/catalog.mjs), in English.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertCleanExit, assertLogFree } from '../lib/server.mjs';
import { Client, csrfField, h1Text, pageText } from '../lib/http.mjs';
import { tr } from '../lib/catalog.mjs';
import { startSmtp } from '../lib/smtp.mjs';
import {
	startProgramme, matchLinks, trf, mailText, localParts, textareaValue, inputValue, invite, DAY, HOUR,
} from '../lib/people.mjs';

const L = 'en';
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

/** GET a link page: { status, text, body (visible text), h1 }. */
async function open(c, path) {
	const r = await c.get(path);
	return { ...r, body: pageText(r.text), h1: h1Text(r.text) };
}

/** Open a link page, then press its button with `fields`: the POST answer (with body and h1). */
async function press(c, path, fields = {}) {
	const page = await c.get(path);
	assert.equal(page.status, 200, `${path}: ${pageText(page.text).slice(0, 300)}`);
	const r = await c.post(path, { csrf: csrfField(page.text), ...fields });
	return { ...r, body: pageText(r.text), h1: h1Text(r.text) };
}

/** A field's state of a match. */
const state = (p, id) => p.sql(`SELECT state FROM matches WHERE id = ${id}`);
const usedTokens = (p, id) => p.one(`SELECT COUNT(*) FROM email_tokens WHERE match_id = ${id} AND used_at IS NOT NULL`);
const regOf = (p, reg) => {
	const [status, returned] = p.sql(`SELECT status, returned_at IS NOT NULL FROM registrations WHERE id = ${reg}`).split('|');
	return { status, returned: returned === '1' };
};

/** The staff page of a match: its visible text (a fresh login: moving the clock ends sessions). */
async function staffMatchPage(p, id) {
	const staff = await p.staff(L);
	const r = await staff.get(`/${L}/admin/matches/${id}`);
	assert.equal(r.status, 200, `/${L}/admin/matches/${id}`);
	return pageText(r.text);
}

/** The staff page shows the state `label` (its "State" entry). */
function assertStaffState(text, label) {
	assert.ok(text.includes(`${tr(L, 'State')} ${tr(L, label)} – `), `the staff page shows the state "${label}": ${text.slice(0, 600)}`);
}

/** Two people who fit, introduced to each other: { p, staff, part, opener, id, introP, introD }. */
async function introduced(t, { part = {}, opener = {} } = {}) {
	const p = await programme(t);
	const P = await p.register('participant', { lang: L, first: 'Pia', last: 'Participant', languages: ['en', 'fi'], ...part });
	const D = await p.register('door-opener', { lang: L, first: 'Dan', last: 'Opener', languages: ['en'], ...opener });
	const staff = await p.staff(L);
	const run = await p.run(staff, L);
	assert.equal(p.proposals(run).length, 1, 'one proposal');
	await p.publish(staff, L, run);
	const introP = await p.mail(P.email, 'match_intro');
	const introD = await p.mail(D.email, 'match_intro');
	const id = matchLinks(introP).id;
	assert.equal(matchLinks(introD).id, id, 'both introductions are about one match');
	assert.equal(p.matchOf(P.regId, D.regId), id);
	return { p, staff, P, D, id, introP, introD };
}

test('a decline sends the other side back to waiting, and the next run gives them priority', async (t) => {
	const p = await programme(t);
	// Aino (Espoo) and Xavier (Espoo), both software developers.
	const A = await p.register('participant', { lang: L, first: 'Aino', last: 'Returned', municipality: 'FI-049', languages: ['en', 'fi'] });
	const X = await p.register('door-opener', { lang: L, first: 'Xavier', last: 'Decliner', municipality: 'FI-049', languages: ['en'] });
	const staff = await p.staff(L);
	const run1 = await p.run(staff, L);
	assert.deepEqual(p.proposals(run1).map((x) => [x.participant, x.doorOpener]), [[A.regId, X.regId]]);
	await p.publish(staff, L, run1);
	const introA = await p.mail(A.email, 'match_intro');
	const introX = await p.mail(X.email, 'match_intro');
	assert.equal(introA.subject, trf(L, 'We have found a door opener for you: {name}', { name: X.name }));
	const id = matchLinks(introX).id;
	assert.equal(p.matchOf(A.regId, X.regId), id);
	const waitingSince = p.sql(`SELECT confirmed_at FROM registrations WHERE id = ${A.regId}`);
	assert.deepEqual(regOf(p, A.regId), { status: 'matched', returned: false });
	assertStaffState(await staffMatchPage(p, id), 'Introduced');

	// Xavier declines through the link: the page says what will happen.
	const x = new Client(p.url);
	const page = await open(x, matchLinks(introX).decline);
	assert.equal(page.status, 200);
	assert.equal(page.h1, tr(L, 'Decline the meeting'));
	assert.ok(page.body.includes(trf(L, 'When you press the button, the meeting with {name} will not take place. We tell {name}, but not your reason: only our staff see it.', { name: A.first })), page.body);
	assert.equal(state(p, id), 'introduced', 'opening the page changed nothing');
	const note = 'Our busiest season: no time before spring.';
	const done = await press(x, matchLinks(introX).decline, { reason: 'no_time', note }); // "stay" unticked
	assert.equal(done.status, 200, done.body.slice(0, 500));
	assert.equal(done.h1, tr(L, 'Thank you for your answer'));
	assert.ok(done.body.includes(tr(L, 'Your registration is now closed. You are welcome to register again whenever it suits you.')), done.body);

	// Aino is told, without the reason or the note; Xavier gets no such mail.
	const declined = await p.mail(A.email, 'match_declined');
	assert.equal(declined.subject, trf(L, 'Your meeting with {name} will not take place', { name: X.name }));
	assert.ok(!mailText(declined).includes(note) && !declined.html.includes('busiest season'), 'the note is for staff only');
	assert.ok(!mailText(declined).includes(tr(L, 'I do not have time for a meeting now')), 'the reason is not shared');
	await p.settle();
	assert.deepEqual(p.mails(X.email, 'match_declined'), []);

	// The registrations: Aino waiting with priority, Xavier's closed.
	assert.equal(state(p, id), 'declined');
	assert.deepEqual(regOf(p, A.regId), { status: 'waiting', returned: true });
	assert.equal(p.sql(`SELECT confirmed_at FROM registrations WHERE id = ${A.regId}`), waitingSince, 'her waiting time is kept');
	assert.equal(regOf(p, X.regId).status, 'closed');
	const text = await staffMatchPage(p, id);
	assertStaffState(text, 'Declined');
	assert.ok(text.includes(` – ${tr(L, 'Waiting for a match')}`), `Aino waiting, on the staff page: ${text.slice(0, 1500)}`);
	assert.ok(text.includes(` – ${tr(L, 'Closed')}`), 'Xavier closed, on the staff page');
	assert.ok(text.includes(tr(L, 'No time')) && text.includes(note), 'staff see the reason and the note');
	// Aino's own page says it in words.
	const a = await p.memberLogin(new Client(p.url), L, A.email);
	const mine = await open(a, `/${L}/member/matches/${id}`);
	assert.equal(mine.status, 200);
	assert.ok(mine.body.includes(trf(L, '{name} could not take part in this meeting. You keep your place in the queue, and the next matching gives you priority.', { name: X.first })), mine.body);
	assert.ok(!mine.body.includes(note));

	// A free door opener in Helsinki, and a newcomer from Helsinki: on
	// profile alone Bea fits Yrjö better (same municipality, not only the
	// same region), but Aino comes back with priority.
	const Y = await p.register('door-opener', { lang: L, first: 'Yrjö', last: 'Free', municipality: 'FI-091', languages: ['en'] });
	const B = await p.register('participant', { lang: L, first: 'Bea', last: 'Newcomer', municipality: 'FI-091', languages: ['en', 'fi'] });
	const run2 = await p.run(staff, L);
	const props = p.proposals(run2);
	assert.deepEqual(props.map((x) => [x.participant, x.doorOpener]), [[A.regId, Y.regId]],
		`the run proposes Aino (reg ${A.regId}) to Yrjö (reg ${Y.regId}), not Bea (reg ${B.regId})`);
	const runPage = pageText((await staff.get(`/${L}/admin/matching/runs/${run2}`)).text);
	assert.ok(runPage.includes('Bea Newcomer') && runPage.includes(tr(L, 'Unmatched participants')), 'Bea waits for the next run');
	// Published: Aino's priority is used up by the new match.
	const since = smtp.messages.length;
	await p.publish(staff, L, run2);
	const intro2 = await p.mail(A.email, 'match_intro', { since });
	assert.equal(intro2.subject, trf(L, 'We have found a door opener for you: {name}', { name: Y.name }));
	assert.deepEqual(regOf(p, A.regId), { status: 'matched', returned: false });
	// A registration in a match is shown in words, to staff and to the member.
	const shown = await staffMatchPage(p, matchLinks(intro2).id);
	assert.ok(!/ – (matched|met) /.test(shown), `staff see the status in words, not the code: ${shown.slice(0, 1500)}`);
	const home = (await a.get(`/${L}/member`)).text;
	assert.ok(!/<td>(matched|met)<\/td>/.test(home), `the member sees the status in words, not the code: ${pageText(home)}`);
	await p.finish([note]);
});

test('silence: a reminder to the side that has not answered, then expiry', async (t) => {
	const { p, P, D, id, introP } = await introduced(t);
	const c = new Client(p.url);
	// Pia accepts at once; GET alone changes nothing.
	const page = await open(c, matchLinks(introP).accept);
	assert.equal(page.status, 200);
	assert.equal(page.h1, tr(L, 'Accept the meeting time'));
	assert.ok(page.body.includes(trf(L, 'When you press the button, you accept the meeting with {name} at this time. When {name} has accepted too, you both get an e-mail confirming the meeting.', { name: D.first })), page.body);
	assert.ok(page.body.includes(tr(L, 'Nothing changes until you press the button.')));
	assert.equal(state(p, id), 'introduced');
	const done = await press(c, matchLinks(introP).accept);
	assert.equal(done.status, 200, done.body.slice(0, 500));
	assert.ok(done.body.includes(trf(L, 'Thank you! You have accepted the time. When {name} accepts it too, you both get an e-mail confirming the meeting.', { name: D.first })), done.body);
	assert.equal(state(p, id), 'accepted');

	// Three days: nothing yet.
	let since = smtp.messages.length;
	await p.clock(3 * DAY);
	await p.settle();
	assert.deepEqual(p.mails(D.email, 'match_reminder', since), [], 'no reminder before match_remind_days');
	// Four days and an hour: a reminder to Dan only.
	await p.clock(DAY + HOUR);
	const reminder = await p.mail(D.email, 'match_reminder', { since });
	assert.equal(reminder.subject, trf(L, 'Reminder: your meeting with {name}', { name: P.name }));
	const rl = matchLinks(reminder);
	assert.equal(rl.id, id);
	assert.ok(rl.accept && rl.time && rl.decline, 'the reminder has the three links');
	await p.settle();
	assert.deepEqual(p.mails(P.email, 'match_reminder'), [], 'no reminder to the side that has answered');
	assert.equal(state(p, id), 'accepted');

	// Ten days and an hour: the match expires.
	since = smtp.messages.length;
	await p.clock(6 * DAY);
	const expP = await p.mail(P.email, 'match_expired', { since });
	const expD = await p.mail(D.email, 'match_expired', { since });
	assert.equal(expP.subject, trf(L, 'Your introduction to {name} has ended', { name: D.name }));
	assert.ok(mailText(expP).includes(trf(L, 'Thank you for accepting the meeting with {name}. We did not get an answer from {name} in time, so the introduction has ended.', { name: D.first })), mailText(expP));
	assert.ok(mailText(expD).includes(trf(L, 'We did not hear from you about the meeting with {name}, so the introduction has ended and we have closed your registration.', { name: P.first })), mailText(expD));
	assert.equal(state(p, id), 'expired');
	assert.deepEqual(regOf(p, P.regId), { status: 'waiting', returned: true });
	assert.equal(regOf(p, D.regId).status, 'closed');
	const text = await staffMatchPage(p, id);
	assertStaffState(text, 'Expired');
	assert.ok(text.includes(tr(L, 'No answer in time')), 'and why');
	assert.ok(text.includes(` – ${tr(L, 'Waiting for a match')}`) && text.includes(` – ${tr(L, 'Closed')}`), text.slice(0, 1500));
	// Dan's reminder link now leads to a page that says where things stand.
	const late = await open(new Client(p.url), rl.accept);
	assert.equal(late.status, 200);
	assert.ok(late.body.includes(tr(L, 'This match ended because it was not confirmed in time.')), late.body);
	assert.ok(late.body.includes(tr(L, 'There is nothing more to do with this link. Your page shows the match and what you can do now.')));
	assert.ok(!/<button/.test(late.text.replace(/<header[\s\S]*?<\/header>/, '')), 'no button to press');
	await p.finish();
});

test('another time proposed by one side and accepted by the other', async (t) => {
	const { p, P, D, id, introD } = await introduced(t);
	const first = invite(introD);
	const suggested = p.one(`SELECT meeting_at FROM matches WHERE id = ${id}`);
	// The day after the suggested one, at 13.30 local time.
	const day = localParts(suggested + DAY).date;
	const c = new Client(p.url);
	const page = await open(c, matchLinks(introD).time);
	assert.equal(page.status, 200);
	assert.equal(page.h1, tr(L, 'Propose another time'));
	assert.equal(inputValue(page.text, 'time-date'), localParts(suggested).date, 'the form starts from the current time');
	const note = 'Mornings are busy for me; after lunch is easier.';
	const done = await press(c, matchLinks(introD).time, { date: day, time: '13:30', note });
	assert.equal(done.status, 200, done.body.slice(0, 500));
	assert.ok(done.body.includes(trf(L, 'We have sent your new time to {name}. It counts as accepted by you; when {name} accepts it too, you both get an e-mail confirming the meeting.', { name: P.first })), done.body);
	const at = p.one(`SELECT meeting_at FROM matches WHERE id = ${id}`);
	assert.deepEqual([localParts(at).date, localParts(at).time], [day, '13:30']);
	assert.equal(state(p, id), 'accepted');

	// Pia is told, with the note and the new invitation.
	const nt = await p.mail(P.email, 'match_new_time');
	assert.equal(nt.subject, trf(L, '{name} suggests another time for your meeting', { name: D.name }));
	assert.ok(mailText(nt).includes(note), 'the note is passed on');
	assert.ok(mailText(nt).includes('13:30'), 'the new time in words');
	const ics = invite(nt);
	assert.equal(ics.sequence, 1, 'SEQUENCE 1');
	assert.equal(ics.uid, first.uid, 'the same UID: calendars replace the entry');
	assert.equal(ics.dtstart, `${day.replace(/-/g, '')}T133000`);
	assert.equal(ics.tzid, 'Europe/Helsinki');
	await p.settle();
	assert.deepEqual(p.mails(D.email, 'match_new_time'), [], 'the proposer gets no "new time" mail');

	// Pia accepts from the new e-mail: confirmed at the new time.
	const acc = await press(new Client(p.url), matchLinks(nt).accept);
	assert.equal(acc.status, 200, acc.body.slice(0, 500));
	assert.ok(acc.body.includes(trf(L, 'The meeting is confirmed! You both get an e-mail with the time and a calendar invitation. Agree with {name} on where to meet, or on a video link if you meet online.', { name: D.first })), acc.body);
	assert.equal(state(p, id), 'confirmed');
	for (const who of [P, D]) {
		const conf = await p.mail(who.email, 'match_confirmed');
		const ci = invite(conf);
		assert.equal(ci.sequence, 1);
		assert.equal(ci.dtstart, `${day.replace(/-/g, '')}T133000`);
	}
	const text = await staffMatchPage(p, id);
	assertStaffState(text, 'Confirmed');
	assert.ok(text.includes(tr(L, 'Proposed by the door opener')) && text.includes(note), text.slice(0, 1500));
	await p.finish([note]);
});

test('used, wrong, foreign and old links are refused with a clear page and change nothing', async (t) => {
	const p = await programme(t);
	const A = await p.register('participant', { lang: L, first: 'Anna', last: 'One', languages: ['en'] });
	const B = await p.register('participant', { lang: L, first: 'Bert', last: 'Two', languages: ['en'] });
	const X = await p.register('door-opener', { lang: L, first: 'Xena', last: 'Three', languages: ['en'] });
	const Y = await p.register('door-opener', { lang: L, first: 'Yusuf', last: 'Four', languages: ['en'] });
	const staff = await p.staff(L);
	const run = await p.run(staff, L);
	assert.equal(p.proposals(run).length, 2);
	await p.publish(staff, L, run);
	const la = matchLinks(await p.mail(A.email, 'match_intro'));
	const lb = matchLinks(await p.mail(B.email, 'match_intro'));
	const mA = la.id, mB = lb.id;
	assert.notEqual(mA, mB);
	// The door openers' links, by match.
	const lx = matchLinks(await p.mail(X.email, 'match_intro'));
	const ly = matchLinks(await p.mail(Y.email, 'match_intro'));
	const openerOfA = lx.id === mA ? X : Y, openerOfB = lx.id === mA ? Y : X;
	const loA = lx.id === mA ? lx : ly, loB = lx.id === mA ? ly : lx;
	assert.equal(loB.id, mB);
	await p.settle();
	const mailCount = () => smtp.messages.length;
	const c = new Client(p.url);

	// A mistake in the time form: 422, the typed values kept, the link not used.
	const typed = 'Any weekday after 3 pm – "tack" & <thanks>';
	let r = await press(c, la.time, { date: '2026-02-30', time: '10:00', note: typed });
	assert.equal(r.status, 422);
	assert.match(r.text, /class="error-summary"/);
	assert.ok(r.body.includes(tr(L, 'Check the date: write it as year-month-day, for example {example}.').split('{example}')[0]), r.body);
	assert.equal(textareaValue(r.text, 'time-note'), typed, 'the note is kept as typed');
	assert.equal(inputValue(r.text, 'time-date'), '2026-02-30', 'the date is kept as typed');
	assert.match(r.text, /<option value="10:00" selected>/, 'the time is kept');
	r = await press(c, la.time, { date: '', time: '', note: '' });
	assert.equal(r.status, 422);
	assert.ok(r.body.includes(tr(L, 'Choose a new date and time, or write a short note.')));
	assert.equal(usedTokens(p, mA), 0, 'the link is not used up');
	assert.equal((await open(c, la.time)).status, 200, 'the link still opens');
	assert.equal(state(p, mA), 'introduced');

	// A used link: Anna accepts; the same links (one token per e-mail) are used up.
	r = await press(c, la.accept);
	assert.equal(r.status, 200, r.body.slice(0, 300));
	assert.equal(state(p, mA), 'accepted');
	await p.settle();
	let n = mailCount();
	for (const path of [la.accept, la.decline]) {
		const g = await open(c, path);
		assert.equal(g.status, 410, path);
		assert.equal(g.h1, tr(L, 'This link has already been used'));
		assert.ok(g.body.includes(tr(L, 'Each link in our e-mails works only once. If you have already answered with it, your answer has been saved.')));
	}
	const csrf = csrfField((await c.get(`/${L}/login`)).text);
	r = await c.post(la.decline, { csrf, reason: 'other', stay: '1' });
	assert.equal(r.status, 410, 'a POST with a used link is refused too');
	assert.equal(state(p, mA), 'accepted');
	assert.equal(p.sql(`SELECT participant_answer FROM matches WHERE id = ${mA}`), 'accepted');

	// The token of Bert's match on the address of Anna's match.
	const wrong = `/${L}/match/${mA}/decline/${lb.token}`;
	const w = await open(c, wrong);
	assert.equal(w.status, 404);
	assert.equal(w.h1, tr(L, 'This link belongs to another match'));
	assert.ok(w.body.includes(tr(L, 'This link was made for a different match than the one in the address. Perhaps the address was changed or copied only in part.')));
	r = await c.post(wrong, { csrf, reason: 'other' });
	assert.equal(r.status, 404);
	assert.equal(state(p, mA), 'accepted');
	assert.equal(state(p, mB), 'introduced');
	assert.equal(usedTokens(p, mB), 0, "Bert's link is not used up");
	assert.equal((await open(new Client(p.url), lb.decline)).status, 200, "Bert's link still works on its own match");

	// An unknown token.
	const unknown = await open(c, `/${L}/match/${mA}/accept/${'A'.repeat(43)}`);
	assert.equal(unknown.status, 404);
	assert.equal(unknown.h1, tr(L, 'This link is not valid'));

	// Logged in as another member: the opener of Bert's match opens the
	// link sent to the opener of Anna's match.
	const other = await p.memberLogin(new Client(p.url), L, openerOfB.email);
	const f = await open(other, loA.accept);
	assert.equal(f.status, 403);
	assert.equal(f.h1, tr(L, 'This link was sent to another person'));
	assert.ok(f.body.includes(tr(L, 'You are logged in as someone other than the person this link was sent to, so it cannot be used here.')));
	r = await other.post(loA.accept, { csrf: csrfField(f.text) });
	assert.equal(r.status, 403);
	assert.equal(state(p, mA), 'accepted', 'not confirmed by someone else');
	assert.equal(p.sql(`SELECT opener_answer FROM matches WHERE id = ${mA}`), '');
	assert.equal((await other.get(`/${L}/member/matches/${mA}`)).status, 404, "another's match page is not shown");
	assert.equal((await open(new Client(p.url), loA.accept)).status, 200, 'the link still works for its owner');
	await p.settle();
	assert.equal(mailCount(), n + 1, 'no e-mail but the login link');
	assert.equal(usedTokens(p, mA), 1);

	// An old link: past match_link_days (30).
	await p.clock(31 * DAY);
	await p.settle();
	n = mailCount();
	const old = await open(new Client(p.url), loB.accept);
	assert.equal(old.status, 410);
	assert.equal(old.h1, tr(L, 'This link has expired'));
	assert.ok(old.body.includes(trf(L, 'The links in our e-mails about a meeting work for {days} days. This one is older, so it no longer works.', { days: 30 })), old.body);
	r = await c.post(loB.accept, { csrf });
	assert.equal(r.status, 410);
	assert.equal(p.sql(`SELECT opener_answer FROM matches WHERE id = ${mB}`), '');
	await p.settle();
	assert.equal(mailCount(), n, 'nothing was sent');
	assert.ok(openerOfA && A && B);
	await p.finish([typed]);
});
