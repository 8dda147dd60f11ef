// A match from the introduction to "met", in a real browser (Debian's
// chromium through playwright-core) against the real server (ASan+UBSan,
// the movable clock) and a real SMTP server on loopback, once in each
// language. A participant and a door opener who fit register and confirm
// (through the forms, tests/lib/people.mjs); staff make a run and publish
// it in the browser; both get the introduction in their language with a
// calendar invitation (read and checked); the participant accepts from the
// e-mail link, the door opener from the member area after logging in with
// an e-mailed link; both get "confirmed"; the clock moves past the meeting;
// both answer "met" from the "did you meet?" e-mail; the door opener is
// asked for two contacts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { openBrowser } from '../lib/browser.mjs';
import { assertCleanExit, assertLogFree, REPO, LANGS, STAFF_EMAIL, STAFF_PASSWORD } from '../lib/server.mjs';
import { tr } from '../lib/catalog.mjs';
import { startSmtp } from '../lib/smtp.mjs';
import { parseIcs } from '../lib/ics.mjs';
import {
	startProgramme, matchLinks, loginPath, trf, mailText, invite, localParts, DAY, HOUR,
} from '../lib/people.mjs';

let smtp, browser, problems;

before(async () => {
	smtp = await startSmtp({ mode: 'ok' });
	browser = await openBrowser({ downloads: ['invite.ics'] });
	({ problems } = browser);
});

after(async () => {
	if (browser) await browser.close();
	if (smtp) await smtp.stop();
});

function assertNoProblems() {
	const list = problems.splice(0, problems.length);
	assert.deepEqual(list, [], 'no console errors, page errors or failed requests');
}

const PEOPLE = {
	sv: {
		participant: { first: 'Åsa', last: 'Öberg', languages: ['sv', 'en'] },
		opener: { first: 'Björn', last: 'Ek', languages: ['sv'] },
	},
	fi: {
		participant: { first: 'Äijä', last: 'Mäkelä', languages: ['fi'] },
		opener: { first: 'Sini', last: 'Virtanen', languages: ['fi', 'en'] },
	},
	en: {
		participant: { first: 'Zoë', last: 'Nguyễn', languages: ['en', 'fi'] },
		opener: { first: 'Oliver', last: 'Smith', languages: ['en'] },
	},
};

/** The page's main text, whitespace collapsed. */
async function mainText(page) {
	return (await page.locator('main').innerText()).replace(/\s+/g, ' ');
}

/** Click and wait for the page it leads to; the response. */
async function follow(page, locator) {
	const [res] = await Promise.all([page.waitForNavigation(), locator.click()]);
	return res;
}

/** The msgid has a translation in lang (sv, fi): otherwise "in their language" would prove nothing. */
function translated(lang, msgid) {
	if (lang !== 'en') assert.notEqual(tr(lang, msgid), msgid, `"${msgid}" is translated to ${lang}`);
	return tr(lang, msgid);
}

/** A local ICS date-time "YYYYMMDDTHHMMSS" → { date: "YYYY-MM-DD", weekday (0 Sunday), hour, minute }. */
function icsLocal(v) {
	const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})$/.exec(v || '');
	assert.ok(m, `a local date-time without a zone: ${v}`);
	const [, y, mo, d, h, mi] = m.map(Number);
	return { date: `${m[1]}-${m[2]}-${m[3]}`, weekday: new Date(Date.UTC(y, mo - 1, d)).getUTCDay(), hour: h, minute: mi };
}

for (const lang of LANGS) {
	test(`${lang}: introduced, accepted from the e-mail and from the member area, met, and asked for contacts`, async (t) => {
		const p = await startProgramme({ smtp });
		let stopped = false;
		t.after(async () => { if (!stopped) await p.stop(); });
		const who = PEOPLE[lang];
		const P = await p.register('participant', { lang, ...who.participant });
		const D = await p.register('door-opener', { lang, ...who.opener });

		// ---- staff: a dry run, then publish the pair ----------------------------------
		let page = await browser.freshPage();
		await page.goto(`${p.url}/${lang}/admin`);
		await page.fill('#email', STAFF_EMAIL);
		await page.fill('#password', STAFF_PASSWORD);
		await follow(page, page.locator('main form button[type="submit"]'));
		await page.goto(`${p.url}/${lang}/admin/matching`);
		await follow(page, page.getByRole('button', { name: tr(lang, 'Make a dry run') }));
		assert.match(new URL(page.url()).pathname, new RegExp(`^/${lang}/admin/matching/runs/\\d+$`));
		const boxes = page.locator('input[name="p"][form="publish"]');
		assert.equal(await boxes.count(), 1, 'one proposal to publish');
		await boxes.first().check();
		let res = await follow(page, page.getByRole('button', { name: tr(lang, 'Publish selected') }).first());
		assert.equal(res.status(), 200);
		assert.ok((await mainText(page)).includes(trf(lang, '{n} introduced, {m} skipped', { n: 1, m: 0 })), await mainText(page));

		// ---- the introductions, in the people's language, with the invitation --------
		const introP = await p.mail(P.email, 'match_intro');
		const introD = await p.mail(D.email, 'match_intro');
		assert.equal(introP.subject, trf(lang, 'We have found a door opener for you: {name}', { name: D.name }));
		translated(lang, 'We have found a door opener for you: {name}');
		assert.equal(introD.subject, trf(lang, 'We have found a participant for you: {name}', { name: P.name }));
		assert.ok(mailText(introP).includes(trf(lang, 'Hello {name},', { name: P.first })));
		assert.ok(mailText(introD).includes(trf(lang, 'Hello {name},', { name: D.first })));
		const id = matchLinks(introP).id;
		assert.equal(matchLinks(introD).id, id);
		const meetingAt = p.one(`SELECT meeting_at FROM matches WHERE id = ${id}`);
		const earliest = localParts(p.now() + 5 * DAY).date; // meeting_lead_days
		const invites = {};
		for (const [m, other] of [[introP, D], [introD, P]]) {
			const ics = invite(m);
			invites[m === introP ? 'P' : 'D'] = ics;
			assert.equal(ics.type, 'text/calendar');
			assert.equal(ics.method, 'PUBLISH');
			assert.equal(ics.events, 1, 'one VEVENT');
			assert.equal(ics.tzid, 'Europe/Helsinki', 'DTSTART;TZID=Europe/Helsinki');
			assert.ok(ics.timezones.includes('Europe/Helsinki'), 'a VTIMEZONE for the TZID');
			assert.equal(ics.duration, 'PT1H');
			assert.equal(ics.sequence ?? 0, 0);
			const at = icsLocal(ics.dtstart);
			assert.ok(at.weekday >= 1 && at.weekday <= 5, `a weekday: ${ics.dtstart}`);
			assert.ok(at.hour >= 9 && at.hour <= 16 && at.minute === 0, `between 09:00 and 16:00: ${ics.dtstart}`);
			assert.ok(at.date >= earliest, `at least 5 days ahead: ${at.date} >= ${earliest}`);
			const local = localParts(meetingAt);
			assert.deepEqual([at.date, at.hour, at.minute], [local.date, local.hour, local.minute], 'the stored time');
			assert.ok(ics.summary.includes(other.name), `SUMMARY names ${other.name}: ${ics.summary}`);
		}
		assert.equal(invites.P.uid, invites.D.uid);
		assert.equal(invites.P.dtstart, invites.D.dtstart);

		// ---- the participant accepts from the e-mail link -----------------------------
		page = await browser.freshPage();
		const accept = matchLinks(introP).accept;
		res = await page.goto(`${p.url}${accept}`);
		assert.equal(res.status(), 200);
		assert.equal(await page.locator('h1').innerText(), tr(lang, 'Accept the meeting time'));
		let text = await mainText(page);
		assert.ok(text.includes(trf(lang, 'When you press the button, you accept the meeting with {name} at this time. When {name} has accepted too, you both get an e-mail confirming the meeting.', { name: D.first })), text);
		assert.ok(text.includes(tr(lang, 'Nothing changes until you press the button.')));
		assert.ok(text.includes(D.name), 'the page names the door opener');
		assert.equal(p.sql(`SELECT state || '|' || participant_answer FROM matches WHERE id = ${id}`), 'introduced|',
			'opening the link changed nothing');
		assert.equal(p.one(`SELECT COUNT(*) FROM email_tokens WHERE match_id = ${id} AND used_at IS NOT NULL`), 0);
		await page.focus(`main form[action$="/accept/${matchLinks(introP).token}"] button[type="submit"]`);
		[res] = await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
		assert.equal(res.status(), 200);
		assert.equal(await page.locator('h1').innerText(), tr(lang, 'Thank you for your answer'));
		assert.ok((await mainText(page)).includes(trf(lang, 'Thank you! You have accepted the time. When {name} accepts it too, you both get an e-mail confirming the meeting.', { name: D.first })));
		assert.equal(p.sql(`SELECT state FROM matches WHERE id = ${id}`), 'accepted');

		// ---- the door opener logs in and accepts on their page ------------------------
		page = await browser.freshPage();
		await page.goto(`${p.url}/${lang}/login`);
		await page.fill('#email', D.email);
		let since = smtp.messages.length;
		await follow(page, page.getByRole('button', { name: tr(lang, 'Send me a login link') }));
		const loginMail = await p.mail(D.email, 'login', { since });
		await page.goto(`${p.url}${loginPath(loginMail, lang)}`);
		await follow(page, page.locator('main form button[type="submit"]'));
		assert.equal(new URL(page.url()).pathname, `/${lang}/member`);
		text = await mainText(page);
		assert.ok(text.includes(tr(lang, 'Accepted by one of you')), `the member home lists the match: ${text}`);
		assert.ok(text.includes(tr(lang, 'Your answer is needed')));
		await follow(page, page.locator(`main a[href="/${lang}/member/matches/${id}"]`));
		assert.equal(await page.locator('h1').innerText(), trf(lang, 'Your meeting with {name}', { name: P.first }));
		text = await mainText(page);
		assert.ok(text.includes(tr(lang, 'Accepted by one of you')), 'the state in words');
		assert.ok(text.includes(trf(lang, '{name} has accepted the time. The meeting is confirmed when you accept it too.', { name: P.first })), text);
		assert.ok(text.includes(P.email), "the participant's e-mail address is shown");
		// The .ics of the member area is the same meeting.
		const href = await page.locator('main a[href$="/invite.ics"]').getAttribute('href');
		const ics = await page.request.get(`${p.url}${href}`);
		assert.equal(ics.status(), 200);
		assert.match(ics.headers()['content-type'], /^text\/calendar/);
		const own = parseIcs(await ics.text()).events[0];
		assert.deepEqual([own.dtstart.tzid, own.dtstart.value, own.uid], ['Europe/Helsinki', invites.D.dtstart, invites.D.uid]);
		since = smtp.messages.length;
		res = await follow(page, page.locator(`main form[action="/${lang}/member/matches/${id}/accept"] button[type="submit"]`));
		assert.equal(res.status(), 200);
		assert.equal(new URL(page.url()).pathname, `/${lang}/member/matches/${id}`);
		text = await mainText(page);
		assert.ok(text.includes(trf(lang, 'The meeting is confirmed! You both get an e-mail with the time and a calendar invitation. Agree with {name} on where to meet, or on a video link if you meet online.', { name: P.first })), text);
		assert.ok(text.includes(tr(lang, 'The meeting is confirmed: you have both accepted the time.')), 'the state in words');
		assert.equal(p.sql(`SELECT state FROM matches WHERE id = ${id}`), 'confirmed');

		// ---- both are told, with the invitation --------------------------------------
		for (const [me, other] of [[P, D], [D, P]]) {
			const m = await p.mail(me.email, 'match_confirmed', { since });
			assert.equal(m.subject, trf(lang, 'Your meeting with {name} is confirmed', { name: other.name }));
			assert.ok(mailText(m).includes(other.email), "the other's e-mail address");
			assert.equal(invite(m).dtstart, invites.P.dtstart);
		}

		// ---- the clock moves past the meeting and match_followup_hours (24) ------------
		since = smtp.messages.length;
		await p.clock(meetingAt + 24 * HOUR + 60 - p.now());
		const fu = {};
		for (const [me, other] of [[P, D], [D, P]]) {
			fu[me.role] = await p.mail(me.email, 'match_followup', { since });
			assert.equal(fu[me.role].subject, trf(lang, 'Did you meet {name}?', { name: other.name }));
		}

		// ---- both answer "met" from their links ----------------------------------------
		for (const me of [P, D]) {
			page = await browser.freshPage();
			const link = matchLinks(fu[me.role]).met;
			assert.ok(link, 'the follow-up has a "met" link');
			res = await page.goto(`${p.url}${link}`);
			assert.equal(res.status(), 200);
			assert.equal(await page.locator('h1').innerText(), tr(lang, 'Did you meet?'));
			await page.check('#met-answer-met');
			res = await follow(page, page.getByRole('button', { name: tr(lang, 'Send the answer') }));
			assert.equal(res.status(), 200);
			text = await mainText(page);
			assert.ok(text.includes(tr(lang, 'Thank you! We are glad to hear that you met.')), text);
		}
		assert.equal(p.sql(`SELECT state || '|' || participant_met || '|' || opener_met FROM matches WHERE id = ${id}`), 'met|met|met');

		// ---- the door opener is asked for two contacts, once ---------------------------
		const contacts = await p.mail(D.email, 'match_contacts', { since });
		assert.equal(contacts.subject, trf(lang, 'Who could {name} meet next?', { name: P.name }));
		await p.settle();
		assert.equal(p.mails(D.email, 'match_contacts').length, 1, 'asked once');
		assert.deepEqual(p.mails(P.email, 'match_contacts'), []);

		// ---- the door opener's page (a new login: the clock moved on) ------------------
		page = await browser.freshPage();
		await page.goto(`${p.url}/${lang}/login`);
		await page.fill('#email', D.email);
		since = smtp.messages.length;
		await follow(page, page.getByRole('button', { name: tr(lang, 'Send me a login link') }));
		await page.goto(`${p.url}${loginPath(await p.mail(D.email, 'login', { since }), lang)}`);
		await follow(page, page.locator('main form button[type="submit"]'));
		await page.goto(`${p.url}/${lang}/member/matches/${id}`);
		text = await mainText(page);
		assert.ok(text.includes(tr(lang, 'You have met. Thank you for taking part!')), text);
		assert.ok(text.includes(tr(lang, 'Share two contacts')));
		assert.equal(await page.locator('main form').count(), 0, 'nothing left to answer');
		await mkdir(path.join(REPO, 'build/screenshots'), { recursive: true });
		await page.screenshot({ path: path.join(REPO, `build/screenshots/match-met-${lang}.png`), fullPage: true });

		assertNoProblems();
		stopped = true;
		const r = await p.stop();
		assertCleanExit(r);
		assertLogFree(r.stderr, p.secrets);
	});
}
