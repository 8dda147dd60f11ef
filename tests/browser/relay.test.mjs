// One whole relay in a real browser (Debian's chromium through
// playwright-core) against the real server (ASan+UBSan, the movable clock)
// and a real SMTP server on loopback, in Swedish, with a contact who reads
// Finnish:
//
//  1. a participant and a door opener meet (walked to "met" the quick way,
//     tests/lib/relay.mjs: metPair);
//  2. the door opener opens the contacts link of the "contacts" e-mail,
//     fills two contacts (one invited with a personal message, one they
//     introduce themselves), previews the invitation, sends; the done page
//     gives the personal link and the ready texts for the second;
//  3. the participant is told of both doors; the invitation reaches the
//     first contact in Finnish, Reply-To the door opener, with the message;
//  4. the contact opens the link, finds the form prefilled, registers with
//     the same address and is told the introduction is on its way; both
//     are introduced with a suggested time and a calendar invitation;
//  5. they meet, and the door tree (the staff person page and the
//     participant's own page) shows three doors on two levels.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { openBrowser } from '../lib/browser.mjs';
import { assertCleanExit, assertLogFree, REPO, STAFF_EMAIL, STAFF_PASSWORD } from '../lib/server.mjs';
import { tr } from '../lib/catalog.mjs';
import { startSmtp } from '../lib/smtp.mjs';
import { Client } from '../lib/http.mjs';
import { startProgramme, matchLinks, loginPath, trf, mailText, invite, q, selectOptions } from '../lib/people.mjs';
import { metPair, meet, contactsLink, contactsOf, inviteLinks, personalLink, replyTo, doorTree } from '../lib/relay.mjs';

const L = 'sv'; // the walk: the participant, the door opener, staff
const C = 'fi'; // the invited contact
const RELAY_LINK_DAYS = 21;

let smtp, browser, problems;

before(async () => {
	smtp = await startSmtp({ mode: 'ok' });
	browser = await openBrowser();
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

/** Log the browser in as a member through the e-mailed link; ends on /L/member. */
async function memberLogin(p, page, email) {
	await page.goto(`${p.url}/${L}/login`);
	await page.fill('#email', email);
	const since = smtp.messages.length;
	await follow(page, page.getByRole('button', { name: tr(L, 'Send me a login link') }));
	await page.goto(`${p.url}${loginPath(await p.mail(email, 'login', { since }), L)}`);
	await follow(page, page.locator('main form button[type="submit"]'));
	assert.equal(new URL(page.url()).pathname, `/${L}/member`);
}

/** Fill contact i of the share form. */
async function fillContact(page, i, x) {
	await page.fill(`[name="name_${i}"]`, x.name);
	await page.fill(`[name="email_${i}"]`, x.email);
	await page.fill(`[name="phone_${i}"]`, x.phone);
	await page.fill(`[name="field_${i}"]`, x.field);
	await page.fill(`[name="note_${i}"]`, x.note);
	await page.selectOption(`[name="lang_${i}"]`, x.lang);
	await page.check(`[name="how_${i}"][value="${x.how}"]`);
	if (x.how === 'invite') await page.fill(`[name="message_${i}"]`, x.message);
	await page.check(`[name="knows_${i}"]`);
}

test(`${L}: a door opener passes on two contacts, one registers and meets the participant, and the door tree shows it`, async (t) => {
	const p = await startProgramme({ smtp });
	let stopped = false;
	t.after(async () => { if (!stopped) await p.stop(); });

	// ---- 1. they meet ------------------------------------------------------------------
	const { P, D, id, contacts } = await metPair(p, {
		lang: L,
		part: { first: 'Åsa', last: 'Öberg', languages: ['sv', 'en'] },
		opener: { first: 'Björn', last: 'Ek', languages: ['sv'], jobTitle: 'Utvecklingschef', employer: 'Nordbyte Ab' },
	});
	const stamp = Date.now();
	const K1 = {
		name: 'Aino Järvinen', first: 'Aino', last: 'Järvinen', email: `aino.${stamp}@example.fi`, phone: '+358 40 123 4567',
		field: 'Ohjelmistokehitys', note: 'Aino leder ett team på 40 utvecklare och känner alla i branschen.',
		lang: C, how: 'invite', message: `Hei Aino!\nTapasin Åsan, joka on kokenut ohjelmistokehittäjä. Ehtisitkö tavata hänet tunniksi? "Kahvi" & pulla <minä tarjoan>.\n– Björn`,
	};
	const K2 = {
		name: 'Karin Lind', first: 'Karin', last: 'Lind', email: `karin.${stamp}@example.se`, phone: '',
		field: 'Rekrytering', note: 'Karin rekryterar utvecklare och vet vad arbetsgivare söker.',
		lang: 'en', how: 'self', message: '',
	};
	p.secrets.push(K1.email, K2.email, K1.name, K2.name, K1.last, K2.last, K1.message, K1.phone);

	// ---- 2. the door opener shares two contacts from the e-mail link --------------------
	let page = await browser.freshPage();
	const link = contactsLink(contacts);
	assert.equal(link.lang, L);
	let res = await page.goto(`${p.url}${link.path}`);
	assert.equal(res.status(), 200);
	let text = await mainText(page);
	assert.ok(text.includes(P.first), `the form is about ${P.first}: ${text.slice(0, 400)}`);
	await fillContact(page, 1, K1);
	await fillContact(page, 2, K2);
	res = await follow(page, page.locator('button[name="step"][value="preview"]'));
	assert.equal(res.status(), 200, await mainText(page));
	text = await mainText(page);
	// The preview: the invitation as it will be sent, in Finnish, with the message.
	const subject = trf(C, '{opener} thought of you: would you meet {participant} for an hour?', { opener: D.name, participant: P.first });
	assert.ok(text.includes(subject), `the preview shows the Finnish subject "${subject}": ${text.slice(0, 1500)}`);
	for (const line of K1.message.split('\n'))
		assert.ok(text.includes(line.replace(/\s+/g, ' ')), `the preview shows the message: "${line}" in ${text.slice(0, 2000)}`);
	assert.ok(text.includes(K2.name), 'the preview lists the second contact too');
	assert.equal(await page.locator('input[type="hidden"][name="email_2"]').getAttribute('value'), K2.email, 'the values are kept');
	assert.deepEqual(contactsOf(p, id), [], 'the preview stores nothing');
	// "Edit" goes back to the form with everything kept; then the preview again.
	res = await follow(page, page.locator('button[name="step"][value="edit"]'));
	assert.equal(res.status(), 200);
	for (const [i, k] of [[1, K1], [2, K2]]) {
		for (const f of ['name', 'email', 'phone', 'field', 'note', 'message', 'lang'])
			assert.equal(await page.inputValue(`[name="${f}_${i}"]`), k[f], `edit: ${f}_${i} is kept`);
		assert.ok(await page.isChecked(`[name="how_${i}"][value="${k.how}"]`), `edit: how_${i} is kept`);
		assert.ok(await page.isChecked(`[name="knows_${i}"]`), `edit: knows_${i} is kept`);
	}
	res = await follow(page, page.locator('button[name="step"][value="preview"]'));
	assert.equal(res.status(), 200);
	assert.ok((await mainText(page)).includes(subject), 'the preview again');
	res = await follow(page, page.locator('button[name="step"][value="send"]'));
	assert.equal(res.status(), 200, await mainText(page));
	text = await mainText(page);
	// The done page: the personal link (in the contact's language) and the ready texts for Karin.
	const html = await page.content();
	const personal = personalLink(html);
	assert.ok(personal, `the done page gives Karin's personal link: ${text.slice(0, 1500)}`);
	assert.equal(personal.lang, K2.lang, "in Karin's language");
	p.secrets.push(personal.token);
	const areas = await page.locator('main textarea').evaluateAll((l) => l.map((x) => x.value));
	assert.ok(areas.some((v) => v.includes(personal.url)), 'a ready text, copyable, with the link filled in');
	assert.ok(text.includes(K1.name) && text.includes(K2.name), 'the page lists both');
	assert.ok(text.includes(String(RELAY_LINK_DAYS)), `the link works for ${RELAY_LINK_DAYS} days`);
	const rows = contactsOf(p, id);
	assert.deepEqual(rows.map((x) => [x.name, x.email, x.how, x.state, x.lang]),
		[[K1.name, K1.email, 'invite', 'invited', C], [K2.name, K2.email, 'self', 'introduced', 'en']]);

	// ---- 3. the participant is told; the invitation arrives ----------------------------
	const doors = await p.mail(P.email, 'relay_doors');
	assert.equal(doors.subject, trf(L, '{name} has opened new doors for you', { name: D.first }));
	translated(L, '{name} has opened new doors for you');
	for (const k of [K1, K2])
		for (const v of [k.name, k.field, k.note])
			assert.ok(mailText(doors).includes(v), `the doors e-mail lists ${v}`);
	assert.ok(!mailText(doors).includes(K1.email) && !mailText(doors).includes(K2.email), 'without their addresses');
	const inv = await p.mail(K1.email, 'relay_invite');
	assert.equal(inv.subject, subject);
	translated(C, '{opener} thought of you: would you meet {participant} for an hour?');
	assert.equal(p.sql(`SELECT mail_lang FROM outbox WHERE message_id = ${q(inv.messageId)}`), C);
	assert.match(inv.html, /<html lang="fi">/);
	assert.deepEqual(replyTo(inv), [D.email.toLowerCase()], 'Reply-To the door opener');
	assert.ok(mailText(inv).includes(K1.message), 'the message as written');
	assert.ok(inv.html.includes('&quot;Kahvi&quot; &amp; pulla &lt;minä tarjoan&gt;') ||
		inv.html.includes('&#34;Kahvi&#34; &amp; pulla &lt;minä tarjoan&gt;'), 'the message escaped in the HTML part');
	const il = inviteLinks(inv);
	assert.equal(il.lang, C);
	p.secrets.push(il.token);
	await p.settle();
	assert.deepEqual(p.mails(K2.email), [], 'Karin gets nothing from us: Björn writes to her');

	// ---- 4. the contact registers through the link -------------------------------------
	page = await browser.freshPage();
	res = await page.goto(`${p.url}${il.register}`);
	assert.equal(res.status(), 200);
	assert.equal(await page.locator('h1').innerText(), tr(C, 'Register as a door opener'));
	text = await mainText(page);
	assert.ok(text.includes(D.first) && text.includes(P.first), `the banner names ${D.first} and ${P.first}: ${text.slice(0, 600)}`);
	assert.equal(await page.inputValue('#first_name'), K1.first, 'prefilled: first name');
	assert.equal(await page.inputValue('#last_name'), K1.last, 'prefilled: last name');
	assert.equal(await page.inputValue('#email'), K1.email, 'prefilled: e-mail');
	assert.equal(await page.inputValue('#phone'), K1.phone, 'prefilled: phone');
	assert.equal(await page.locator('input[type="hidden"][name="contact"]').getAttribute('value'), il.token);
	await page.check(`#mail_lang-${C}`);
	for (const l of ['fi', 'en']) await page.check(`#lang-${l}`);
	await page.selectOption('#occupation', '2512');
	const sector = await page.evaluate(() => {
		const o = document.querySelector('#occupation option[value="2512"]');
		const g = o.parentElement.label;
		return [...document.querySelectorAll('#sector option')].find((x) => x.textContent === g).value;
	});
	await page.selectOption('#sector', sector);
	await page.selectOption('#occupation', '2512');
	await page.fill('#job_title', 'Tiiminvetäjä');
	await page.fill('#experience_years', '15');
	await page.selectOption('#education', await page.$eval('#education option:nth-child(3)', (o) => o.value));
	if (await page.locator('#employer').count()) await page.fill('#employer', 'Koodi Oy');
	await page.selectOption('#municipality', 'FI-091');
	await page.check('#meeting_mode-either');
	await page.fill('#intro', 'Autan mielelläni.');
	for (const e of await page.$$eval('input[name="eligibility"]', (l) => l.map((x) => x.id))) await page.check(`#${e}`);
	await page.check('#privacy');
	let since = smtp.messages.length;
	res = await follow(page, page.locator('form.form button[type="submit"]'));
	assert.equal(res.status(), 200, await mainText(page));
	assert.equal(new URL(page.url()).pathname, `/${C}/register/door-opener/introduced`);
	assert.equal(await page.locator('h1').innerText(), tr(C, 'You are registered: the introduction is on its way'),
		`the page says the introduction is on its way: ${await mainText(page)}`);
	const k1 = rows[0];
	const [state, newMatch, regId] = p.sql(`SELECT state, COALESCE(new_match, 0), COALESCE(registration_id, 0)
		FROM contacts WHERE id = ${k1.id}`).split('|');
	assert.equal(state, 'registered');
	assert.ok(Number(newMatch) > 0, 'the match is made at once');
	assert.ok(['waiting', 'matched'].includes(p.sql(`SELECT status FROM registrations WHERE id = ${regId}`)),
		'the registration is confirmed on the spot');
	assert.equal(p.sql(`SELECT participant || '|' || door_opener || '|' || origin || '|' || via_match || '|' || state
		FROM matches WHERE id = ${newMatch}`), `${P.regId}|${regId}|relay|${id}|introduced`);

	// Both are introduced, each in their language, with a suggested time and the invitation.
	const introP = await p.mail(P.email, 'match_intro', { since });
	const introK = await p.mail(K1.email, 'match_intro', { since });
	assert.equal(matchLinks(introP).id, Number(newMatch));
	assert.equal(matchLinks(introK).id, Number(newMatch));
	assert.equal(matchLinks(introK).lang, C);
	assert.equal(introP.subject, trf(L, 'We have found a door opener for you: {name}', { name: K1.name }));
	assert.equal(introK.subject, trf(C, 'We have found a participant for you: {name}', { name: P.name }));
	assert.ok(mailText(introP).includes(D.first), `the participant reads that ${D.first} opened this door`);
	assert.ok(mailText(introK).includes(D.first), `Aino reads that ${D.first} passed on her name`);
	const ics = [invite(introP), invite(introK)];
	assert.equal(ics[0].uid, ics[1].uid);
	assert.equal(ics[0].dtstart, ics[1].dtstart);
	assert.ok(p.one(`SELECT meeting_at FROM matches WHERE id = ${newMatch}`) > p.now(), 'a time in the future');
	await p.settle();
	assert.deepEqual(p.mails(K1.email, 'confirm', since), [], 'no confirmation e-mail: the link proved the address');
	const registered = await p.mail(D.email, 'relay_registered', { since });
	assert.equal(registered.subject, trf(L, '{contact} is joining as a door opener', { contact: K1.name }),
		'Björn hears that Aino registered, in Swedish');

	// ---- 5. they meet; the door tree -----------------------------------------------------
	const occupation = selectOptions((await new Client(p.url).get(`/${L}/register/participant`)).text, 'occupation')
		.find((o) => o.value === '2512').text;
	await meet(p, Number(newMatch), [[P, introP], [K1, introK]]);

	// The staff person page: full names and states.
	page = await browser.freshPage();
	await page.goto(`${p.url}/${L}/admin`);
	await page.fill('#email', STAFF_EMAIL);
	await page.fill('#password', STAFF_PASSWORD);
	await follow(page, page.locator('main form button[type="submit"]'));
	res = await page.goto(`${p.url}/${L}/admin/people/${P.personId}`);
	assert.equal(res.status(), 200);
	let tree = doorTree(await page.content());
	assertTree(tree, { staff: true, P, D, K1, K2, occupation });
	await mkdir(path.join(REPO, 'build/screenshots'), { recursive: true });
	await page.locator('svg[role="img"]').first().scrollIntoViewIfNeeded();
	await page.screenshot({ path: path.join(REPO, 'build/screenshots/relay-tree-staff.png'), fullPage: true });

	// The participant's own page: first names, fields and states only.
	page = await browser.freshPage();
	await memberLogin(p, page, P.email);
	const own = await page.content();
	tree = doorTree(own);
	assertTree(tree, { staff: false, P, D, K1, K2, occupation });
	const ownMain = await mainText(page);
	for (const secret of [D.last, K1.last, K2.last, D.email, K1.email, K2.email, K1.phone])
		assert.ok(!ownMain.includes(secret) && !tree.svg.includes(secret), `the member's tree does not show "${secret}"`);
	await page.locator('svg[role="img"]').first().scrollIntoViewIfNeeded();
	await page.screenshot({ path: path.join(REPO, 'build/screenshots/relay-tree.png'), fullPage: true });

	assertNoProblems();
	stopped = true;
	const r = await p.stop();
	assertCleanExit(r);
	assertLogFree(r.stderr, p.secrets);
});

/**
 * The door tree: an accessible SVG (role img, named by its <title> and
 * <desc>, no script, no inline styles) and a text list with the first door
 * opener (met) at the top and, under them, the registered contact (met)
 * and the contact introduced by the door opener (introduced). Staff see
 * full names; the participant sees first names, fields and states.
 */
function assertTree(tree, { staff, P, D, K1, K2, occupation }) {
	const where = staff ? 'the staff person page' : "the participant's page";
	assert.ok(tree, `${where} shows the door tree`);
	assert.match(tree.open, /\brole="img"/, `${where}: role="img"`);
	assert.equal(tree.title, staff ? trf(L, 'Doors of {name}', { name: P.name }) : tr(L, 'Your doors'), `${where}: the title`);
	assert.equal(tree.desc, trf(L, '{n} doors on {levels} levels', { n: 3, levels: 2 }), `${where}: three doors on two levels`);
	const labelled = /\baria-labelledby="([^"]+)"/.exec(tree.open);
	assert.ok(labelled, `${where}: the SVG is named by its title and description`);
	for (const ref of labelled[1].split(/\s+/))
		assert.match(tree.svg, new RegExp(`<(title|desc) id="${ref}"`), `${where}: aria-labelledby names ${ref}`);
	assert.ok(!/<script\b/i.test(tree.svg) && !/\sstyle=/i.test(tree.svg) && !/\son[a-z]+=/i.test(tree.svg),
		`${where}: no script, no inline style`);
	const name = (x) => (staff ? x.name : x.first);
	for (const x of [D, K1, K2])
		assert.ok(tree.svg.includes(`>${name(x)}<`), `${where}: the SVG shows ${name(x)}`);

	assert.ok(tree.list, `${where}: a text list beside the SVG`);
	assert.equal(tree.list.length, 1, `${where}: one first door: ${JSON.stringify(tree.list)}`);
	const [top] = tree.list;
	const met = tr(L, 'Met');
	assert.ok(top.text.startsWith(name(D)) && top.text.endsWith(met), `${where}: the first door, met: ${top.text}`);
	assert.equal(top.children.length, 2, `${where}: two doors on the second level: ${JSON.stringify(top.children)}`);
	const [a, b] = top.children;
	assert.ok(a.text.startsWith(name(K1)) && a.text.endsWith(met), `${where}: the registered contact, met: ${a.text}`);
	assert.ok(b.text.startsWith(name(K2)) && b.text.endsWith(tr(L, 'Introduced by the door opener')),
		`${where}: the contact introduced by the door opener: ${b.text}`);
	assert.ok(top.text.includes(occupation) && a.text.includes(occupation), `${where}: the door openers' field (${occupation})`);
	assert.ok(b.text.includes(K2.field), `${where}: the introduced contact's field as typed`);
	assert.deepEqual([a.children.length, b.children.length], [0, 0], `${where}: two levels`);
}
