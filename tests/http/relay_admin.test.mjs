// The staff side of the relay (issue 6; src/web/relay_admin.c, the door
// tree of src/web/doortree.c) over HTTP, against the real server (ASan
// build, the movable clock) and a real SMTP server on loopback:
//
//  * /admin/relay and the staff contact form are for staff only;
//  * the figures page works with no data and counts a relay;
//  * the staff form refuses what is wrong (nothing given, a bad address,
//    no message for an invitation, an unticked "they know", the same
//    address twice) with an error summary, per-field errors and every
//    value kept, and stores and sends nothing;
//  * staff add two contacts (one invited, one introduced personally): the
//    invitation and the participant's e-mail go out, the personal link is
//    shown once and works, the audit log names the action, the match page
//    lists both contacts, and no third can be added;
//  * a match that has not been held takes no contacts;
//  * the door tree: on the staff person page with full names, on the
//    participant's own page with first names only, not for a door opener.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertCleanExit, assertLogFree } from '../lib/server.mjs';
import { Client, csrfField, decodeEntities, h1Text, pageText } from '../lib/http.mjs';
import { tr } from '../lib/catalog.mjs';
import { startSmtp } from '../lib/smtp.mjs';
import { startProgramme, trf, matchLinks, q } from '../lib/people.mjs';
import { metPair, shareFields, contactsOf, inviteLinks, personalLink, doorTree, fieldValue } from '../lib/relay.mjs';

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

async function open(c, path) {
	const r = await c.get(path);
	return { ...r, body: pageText(r.text), h1: h1Text(r.text) };
}

let seq = 0;
function contact(first, last, extra = {}) {
	seq++;
	return {
		name: `${first} ${last}`, first, last, email: `${first.toLowerCase()}.${seq}.${Date.now()}@example.net`,
		phone: '', field: 'Cloud infrastructure', note: `${first} runs the biggest meetup in town.`, lang: 'en',
		how: 'invite', message: `Hi ${first}, could you spare an hour for someone new in our field?`, knows: true,
		...extra,
	};
}

/** An item of doorTree()'s list as text: "Name, field – state" (no space before the comma left by a tag). */
const item = (x) => x.text.replace(/ ,/g, ',');

/** The anchors of a page's error summary (["name-1", ...]). */
function summary(html) {
	const box = /<div class="error-summary"[\s\S]*?<\/div>/.exec(html);
	return box ? [...box[0].matchAll(/href="#([^"]+)"/g)].map((x) => x[1]) : [];
}

/** POST the staff form with `contacts` (shareFields: the same field names as the door opener's form). */
async function post(staff, id, contacts) {
	const path = `/${L}/admin/matches/${id}/contacts`;
	const form = await staff.get(path);
	assert.equal(form.status, 200, `${path}: ${pageText(form.text).slice(0, 300)}`);
	const pairs = shareFields(csrfField(form.text), contacts, 'send').filter(([k]) => k !== 'step');
	return staff.post(path, pairs);
}

test('staff only', async (t) => {
	const p = await programme(t);
	const anon = new Client(p.url);
	for (const path of [`/${L}/admin/relay`, `/${L}/admin/matches/1/contacts`]) {
		const r = await anon.get(path);
		assert.equal(r.status, 303, `${path} without a staff login`);
		assert.equal(r.headers.get('location'), `/${L}/admin`);
	}
	// A member is not staff either.
	const P = await p.register('participant', { lang: L, first: 'Mona', last: 'Member' });
	const m = await p.memberLogin(new Client(p.url), L, P.email);
	assert.equal((await m.get(`/${L}/admin/relay`)).status, 303);

	// With nothing in the programme the figures say so, in every language.
	const staff = await p.staff(L);
	for (const lang of ['sv', 'fi', 'en']) {
		const r = await open(staff, `/${lang}/admin/relay`);
		assert.equal(r.status, 200, r.body.slice(0, 300));
		assert.equal(r.h1, tr(lang, 'The relay'));
		assert.ok(r.body.includes(tr(lang, 'Nobody needs help right now.')), r.body.slice(0, 800));
		assert.ok(r.body.includes(trf(lang, '{n} of the {total} meetings held', { n: 0, total: 0 })));
		assert.ok(/<p class="figure__value">–<\/p>/.test(r.text), 'no share without meetings');
	}
	const home = await staff.get(`/${L}/admin`);
	assert.match(home.text, new RegExp(`href="/${L}/admin/relay"`), 'the staff home links to the relay page');
	assert.equal((await staff.get(`/${L}/admin/matches/999/contacts`)).status, 404, 'an unknown match');
	assert.equal((await staff.get(`/${L}/admin/matches/x1/contacts`)).status, 404, 'not an id');
	await p.finish();
});

test('staff add contacts on the door opener\'s behalf; the match page, the figures and the door trees', async (t) => {
	const p = await programme(t);
	const { P, D, id } = await metPair(p, { lang: L });
	const staff = await p.staff(L);
	const path = `/${L}/admin/matches/${id}/contacts`;

	// The form: both contacts, the fields of the door opener's form, the
	// invitation in the door opener's language by default.
	let form = await open(staff, path);
	assert.equal(form.status, 200, form.body.slice(0, 400));
	assert.equal(form.h1, tr(L, "Add contacts on the door opener's behalf"));
	for (const i of [1, 2])
		for (const k of ['name', 'email', 'phone', 'field', 'note', 'lang', 'how', 'message', 'knows'])
			assert.ok(new RegExp(`name="${k}_${i}"`).test(form.text), `the form has ${k}_${i}`);
	assert.equal(fieldValue(form.text, 'lang_1'), 'en');
	assert.equal(fieldValue(form.text, 'how_1'), 'invite', 'an invitation by default');
	assert.ok(form.body.includes(P.name) && form.body.includes(D.name), 'names both sides');
	for (const i of [1, 2])
		for (const k of ['name', 'email', 'phone', 'field', 'note', 'lang', 'how', 'message', 'knows'])
			assert.match(form.text, new RegExp(`<label for="${k}-${i}"`), `a label for ${k}-${i}`);

	const count = () => contactsOf(p, id).length;
	const since = smtp.messages.length;

	// Nothing given.
	let r = await post(staff, id, []);
	assert.equal(r.status, 422);
	assert.deepEqual(summary(r.text), ['name-1']);
	assert.ok(pageText(r.text).includes(tr(L, 'Fill in at least one contact.')));

	// A bad address, no message for an invitation, "they know" not ticked:
	// each is named, linked from the summary, and the values stay.
	const bad = contact('Bea', 'Broken', { email: 'not-an-address', message: '', knows: false, phone: '+358 40 123 4567' });
	r = await post(staff, id, [bad]);
	assert.equal(r.status, 422, pageText(r.text).slice(0, 400));
	const anchors = summary(r.text);
	for (const a of ['email-1', 'message-1', 'knows-1'])
		assert.ok(anchors.includes(a), `the summary links to #${a}: ${anchors}`);
	assert.ok(!anchors.some((a) => a.endsWith('-2')), 'the empty second contact is not an error');
	for (const a of anchors)
		assert.match(r.text, new RegExp(`id="${a}"`), `#${a} exists`);
	assert.match(r.text, /id="email-1"[^>]*aria-invalid="true"/);
	assert.equal(fieldValue(r.text, 'name_1'), bad.name);
	assert.equal(fieldValue(r.text, 'email_1'), bad.email);
	assert.equal(fieldValue(r.text, 'phone_1'), bad.phone);
	assert.equal(fieldValue(r.text, 'field_1'), bad.field);
	assert.equal(fieldValue(r.text, 'note_1'), bad.note);
	assert.equal(fieldValue(r.text, 'knows_1'), null);

	// The same address twice.
	const A = contact('Aino', 'Aalto', { lang: 'fi', note: 'Knows <everyone> & "more"' });
	const twin = contact('Tove', 'Twin', { email: A.email.toUpperCase() });
	r = await post(staff, id, [A, twin]);
	assert.equal(r.status, 422);
	assert.deepEqual(summary(r.text), ['email-2']);
	assert.ok(pageText(r.text).includes(tr(L, 'The two contacts have the same e-mail address.')));
	assert.equal(fieldValue(r.text, 'note_1'), A.note, 'kept, escaped in the page and read back whole');
	assert.ok(!r.text.includes('<everyone>'), 'the note is escaped');
	assert.equal(fieldValue(r.text, 'lang_1'), 'fi');
	assert.equal(count(), 0, 'nothing stored');
	await p.settle();
	assert.equal(smtp.messages.length, since, 'nothing sent');

	// Two good ones: an invitation in Finnish, and one the door opener
	// introduces personally.
	const B = contact('Bror', 'Lindqvist', { how: 'self', message: '' });
	r = await post(staff, id, [A, B]);
	assert.equal(r.status, 200, pageText(r.text).slice(0, 600));
	assert.equal(h1Text(r.text), tr(L, 'Contacts added'));
	const link = personalLink(r.text);
	assert.ok(link, 'the personal link of the contact introduced personally is shown');
	assert.equal(link.lang, 'en');
	p.secrets.push(link.token, A.email, B.email, A.name, B.name);
	assert.ok(pageText(r.text).includes(trf(L, 'Personal link for {name} ({email})', { name: B.name, email: B.email })));
	const rows = contactsOf(p, id);
	assert.deepEqual(rows.map((x) => [x.email, x.how, x.state, x.lang]),
		[[A.email, 'invite', 'invited', 'fi'], [B.email, 'self', 'introduced', 'en']]);
	assert.ok(rows.every((x) => x.staffId > 0), 'recorded as added by staff');
	const inv = await p.mail(A.email, 'relay_invite', { since });
	assert.equal(inviteLinks(inv).lang, 'fi', "in the contact's language");
	await p.mail(P.email, 'relay_doors', { since });
	await p.settle();
	assert.deepEqual(p.mails(B.email), [], 'nothing to the contact introduced personally');
	const page = await open(new Client(p.url), link.path);
	assert.equal(page.status, 200, `the personal link opens the registration form: ${page.body.slice(0, 300)}`);

	// The audit log names the action; the detail has ids only.
	const audit = await open(staff, `/${L}/admin/audit`);
	assert.ok(audit.body.includes(tr(L, "Added contacts on a door opener's behalf")), audit.body.slice(0, 800));
	assert.ok(!audit.body.includes(A.email) && !audit.body.includes(A.name), 'no personal data in the audit log');

	// The match page lists them; no more can be added.
	const mp = await open(staff, `/${L}/admin/matches/${id}`);
	assert.equal(mp.status, 200);
	for (const s of [tr(L, 'Contacts passed on'), A.name, A.email, B.name, B.email, tr(L, 'Invitation sent by us'),
		tr(L, 'Introduced personally'), tr(L, 'Invited'), tr(L, 'Introduced by the door opener'), tr(L, 'Added by staff')])
		assert.ok(mp.body.includes(s), `the match page shows "${s}"`);
	assert.ok(!mp.text.includes(`href="${path}"`), 'no link to add more');
	form = await open(staff, path);
	assert.equal(form.status, 200);
	assert.ok(!/name="name_1"/.test(form.text), 'no form when two contacts are shared');
	r = await staff.post(path, [['csrf', csrfField(form.text)], ...shareFields('x', [contact('Cai', 'Third')]).slice(1)]);
	assert.equal(r.status, 409);
	assert.equal(count(), 2);

	// The figures count the relay.
	const fig = await open(staff, `/${L}/admin/relay`);
	assert.ok(fig.body.includes(trf(L, '{n} of the {total} meetings held', { n: 1, total: 1 })), fig.body.slice(0, 1200));
	assert.match(fig.text, /<p class="figure__value">100%<\/p>/, 'every meeting passed contacts on');
	assert.ok(fig.body.includes(trf(L, '{n} of the {total} contacts passed on. Said no thanks: {declined}. Link expired: {expired}.',
		{ n: 0, total: 2, declined: 0, expired: 0 })));
	assert.ok(!fig.text.includes(`href="${path}"`), 'not on the "needs help" list');

	// The door tree on the staff person page: full names, the contacts
	// under the door opener who passed them on, states in words.
	const person = await open(staff, `/${L}/admin/people/${P.personId}`);
	let tree = doorTree(person.text);
	assert.ok(tree, 'the participant\'s person page has the door tree');
	assert.equal(tree.title, trf(L, 'Doors of {name}', { name: P.name }));
	assert.equal(tree.desc, trf(L, '{n} doors on {levels} levels', { n: 3, levels: 2 }));
	assert.ok(!/\sstyle=/.test(tree.svg) && !/<script/i.test(tree.svg));
	assert.equal(tree.list.length, 1);
	assert.ok(item(tree.list[0]).startsWith(`${D.name},`) && item(tree.list[0]).endsWith(tr(L, 'Met')), item(tree.list[0]));
	assert.deepEqual(tree.list[0].children.map(item),
		[`${A.name}, ${A.field} – ${tr(L, 'Invited')}`, `${B.name}, ${B.field} – ${tr(L, 'Introduced by the door opener')}`]);
	assert.match(person.text, new RegExp(`<a href="/${L}/admin/matches/${id}">${D.name}</a>`), 'the door links to its match');
	assert.equal(doorTree((await open(staff, `/${L}/admin/people/${D.personId}`)).text), null, 'no tree for a door opener');

	// The participant's own page: first names only.
	const m = await p.memberLogin(new Client(p.url), L, P.email);
	const home = await open(m, `/${L}/member`);
	tree = doorTree(home.text);
	assert.ok(tree, '"Your doors" on the member page');
	assert.equal(tree.title, tr(L, 'Your doors'));
	assert.equal(tree.desc, trf(L, '{n} doors on {levels} levels', { n: 3, levels: 2 }));
	assert.deepEqual(tree.list[0].children.map((x) => item(x).split(',')[0]), [A.first, B.first]);
	assert.ok(item(tree.list[0]).startsWith(`${D.first},`), item(tree.list[0]));
	for (const secret of [D.last, A.last, B.last, A.email, B.email])
		assert.ok(!home.body.includes(secret) && !tree.svg.includes(secret), `the member's page does not show "${secret}"`);
	assert.match(home.text, new RegExp(`<a href="/${L}/member/matches/${id}">${D.first}</a>`));
	// The door opener has no tree of doors of their own.
	const dm = await p.memberLogin(new Client(p.url), L, D.email);
	assert.equal(doorTree((await open(dm, `/${L}/member`)).text), null);
	await p.finish([A.message, A.note, link.token]);
});

test('a match that has not been held takes no contacts', async (t) => {
	const p = await programme(t);
	const P = await p.register('participant', { lang: L, first: 'Pekka', last: 'Waiting' });
	const D = await p.register('door-opener', { lang: L, first: 'Dora', last: 'Opener' });
	const staff = await p.staff(L);
	const run = await p.run(staff, L);
	await p.publish(staff, L, run);
	const id = matchLinks(await p.mail(P.email, 'match_intro')).id;
	assert.ok(id > 0);
	const path = `/${L}/admin/matches/${id}/contacts`;
	const form = await open(staff, path);
	assert.equal(form.status, 200);
	assert.ok(!/name="name_1"/.test(form.text), 'no form before the meeting is held');
	assert.ok(form.body.includes(D.name));
	const r = await staff.post(path, shareFields(csrfField(form.text), [contact('Early', 'Bird')]).filter(([k]) => k !== 'step'));
	assert.equal(r.status, 409);
	assert.equal(p.one(`SELECT COUNT(*) FROM contacts`), 0);
	const mp = await open(staff, `/${L}/admin/matches/${id}`);
	assert.ok(!mp.text.includes(`href="${path}"`), 'the match page offers no contacts form');
	// The participant has one door, introduced: the tree says so.
	const tree = doorTree((await open(staff, `/${L}/admin/people/${P.personId}`)).text);
	assert.equal(tree.desc, tr(L, '1 door on 1 level'));
	assert.ok(tree.list[0].text.endsWith(tr(L, 'Introduced')), tree.list[0].text);
	assert.ok(decodeEntities(tree.svg).includes(`>${D.name}<`));
	assert.equal(p.one(`SELECT COUNT(*) FROM people WHERE email = ${q(P.email)}`), 1);
	await p.finish();
});
