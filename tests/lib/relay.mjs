// The relay (issue 6) for the end-to-end tests (tests/http/relay_flow.test.mjs,
// tests/browser/relay.test.mjs), on top of tests/lib/people.mjs:
//
//   const m = await metPair(p, { lang: 'sv', part: {...}, opener: {...} });
//       // registered, run, published, both accepted, the clock past the
//       // meeting, both answered "met": { P, D, id, contacts (the e-mail),
//       // contactsPath (/sv/match/ID/contacts/TOKEN), metAt }
//   await meet(p, matchId, [[P, introP], [K, introK]])  // an introduced match to "met"
//   await share(c, path, [contact, ...], 'send')  // the share form (fields name_1, email_1, ...)
//   contactsOf(p, matchId)  // the contacts rows of a match
//   contactsLink(mail)      // the /LANG/match/ID/contacts/TOKEN link of an e-mail
//   inviteLinks(mail)       // { register, decline, token, lang } of an invitation
//   personalLink(text)      // a /LANG/register/door-opener?contact=TOKEN link in a page or e-mail
//   await registerContact(c, registerPath, { ... })  // the door opener form, from a personal link
//   await postWithToken(c, lang, token, { ... })     // the form sent with a link that no longer works
//   fieldValue(html, 'name_1')  // what a form shows for a field, by its name
//   doorTree(html)          // the door tree of a page: { svg, title, desc, list }
//
// The outbox kinds of the relay's e-mails: relay_invite (to the contact),
// relay_doors (to the participant), relay_remind and relay_registered (to
// the door opener).
import assert from 'node:assert/strict';
import { Client, csrfField, decodeEntities, pageText } from './http.mjs';
import { matchLinks, mailText, selectOptions, inputValue, DAY, HOUR } from './people.mjs';

export { DAY, HOUR };

const CONTACTS_RE = /https?:\/\/[^\s"<>]*?(\/(sv|fi|en)\/match\/(\d+)\/contacts\/([A-Za-z0-9_-]{43}))(?![A-Za-z0-9_-])/;

/** The "share two contacts" link of a message: { path, lang, id, token }. */
export function contactsLink(m) {
	const x = CONTACTS_RE.exec(mailText(m));
	assert.ok(x, `the e-mail "${m.subject}" has a contacts link (/LANG/match/ID/contacts/TOKEN)`);
	return { path: x[1], lang: x[2], id: Number(x[3]), token: x[4] };
}

const REGISTER_RE = /https?:\/\/[^\s"<>]*?(\/(sv|fi|en)\/register\/door-opener\?contact=([A-Za-z0-9_-]{43}))(?![A-Za-z0-9_-])/;
const DECLINE_RE = /https?:\/\/[^\s"<>]*?(\/(sv|fi|en)\/contact\/([A-Za-z0-9_-]{43})\/decline)(?![A-Za-z0-9_-])/;

/** A personal registration link in a text (a page or an e-mail): { path, lang, token, url }, or null. */
export function personalLink(text) {
	const x = REGISTER_RE.exec(decodeEntities(text));
	return x ? { url: x[0], path: x[1], lang: x[2], token: x[3] } : null;
}

/** The links of an invitation: { register, decline (paths), lang, token }. */
export function inviteLinks(m) {
	const text = mailText(m);
	const r = personalLink(text);
	assert.ok(r, `the invitation "${m.subject}" has the personal registration link: ${text}`);
	const d = DECLINE_RE.exec(text);
	assert.ok(d, `the invitation "${m.subject}" has the "no thanks" link`);
	assert.equal(d[3], r.token, 'both links carry the same token');
	assert.equal(d[2], r.lang, 'both links are in one language');
	return { register: r.path, decline: d[1], lang: r.lang, token: r.token };
}

/** The e-mail addresses of a header value ("Name <a@b>, c@d"), lower case. */
export function addresses(value) {
	return [...String(value || '').matchAll(/[^\s<>,"]+@[^\s<>,"]+/g)].map((x) => x[0].toLowerCase());
}

/** The Reply-To addresses of a message. */
export const replyTo = (m) => addresses((m.headers['reply-to'] || []).join(', '));

// ---- a met pair -----------------------------------------------------------------------

/** Open a link page, then press its button with `fields`: the POST answer. */
export async function press(c, path, fields = {}) {
	const page = await c.get(path);
	assert.equal(page.status, 200, `${path}: ${pageText(page.text).slice(0, 300)}`);
	return c.post(path, { csrf: csrfField(page.text), ...fields });
}

/**
 * A participant and a door opener who fit, walked to "met" the quick way:
 * registered and confirmed through the forms, a run published by staff,
 * both accept through their e-mail links, the clock moves a day past the
 * meeting, both answer "met" through the "did you meet?" links. Returns
 * { P, D, id, contacts (the e-mail asking the door opener for contacts),
 * contactsPath, metAt (the server's time of the "met" answers) }.
 */
export async function metPair(p, { lang = 'en', part = {}, opener = {} } = {}) {
	const P = await p.register('participant', { lang, first: 'Pia', last: 'Participant', languages: ['en', 'fi'], ...part });
	const D = await p.register('door-opener', { lang, first: 'Dan', last: 'Opener', languages: ['en'], ...opener });
	const staff = await p.staff(lang);
	const run = await p.run(staff, lang);
	assert.equal(p.proposals(run).length, 1, 'one proposal');
	await p.publish(staff, lang, run);
	const introP = await p.mail(P.email, 'match_intro');
	const introD = await p.mail(D.email, 'match_intro');
	const id = matchLinks(introP).id;
	assert.equal(matchLinks(introD).id, id, 'both introductions are about one match');
	await meet(p, id, [[P, introP], [D, introD]]);
	const contacts = await p.mail(D.email, 'match_contacts');
	const link = contactsLink(contacts);
	assert.equal(link.id, id, 'the contacts link is for the match');
	return { P, D, id, contacts, contactsPath: link.path, metAt: p.now() };
}

/**
 * Walk an introduced match to "met": each side accepts through the link of
 * its introduction ([[person, intro e-mail], ...]), the clock moves past
 * the meeting and match_followup_hours, each answers "met".
 */
export async function meet(p, id, sides) {
	for (const [who, intro] of sides) {
		const r = await press(new Client(p.url), matchLinks(intro).accept);
		assert.equal(r.status, 200, `${who.first} accepts: ${pageText(r.text).slice(0, 300)}`);
	}
	assert.equal(p.sql(`SELECT state FROM matches WHERE id = ${id}`), 'confirmed');
	const meetingAt = p.one(`SELECT meeting_at FROM matches WHERE id = ${id}`);
	const since = p.smtp.messages.length;
	await p.clock(meetingAt + 24 * HOUR + 60 - p.now());
	for (const [who] of sides) {
		const fu = await p.mail(who.email, 'match_followup', { since });
		const r = await press(new Client(p.url), matchLinks(fu).met, { answer: 'met' });
		assert.equal(r.status, 200, `${who.first} answers "met": ${pageText(r.text).slice(0, 300)}`);
	}
	assert.equal(p.sql(`SELECT state FROM matches WHERE id = ${id}`), 'met');
}

// ---- the share form -------------------------------------------------------------------

/**
 * The fields of the share form for contacts (1 or 2; a missing second is
 * sent empty, as a browser would): [k, v] pairs, with `step` and csrf.
 * A contact: { name, email, phone, field, note, lang, how, message, knows (default true) }.
 */
export function shareFields(csrf, contacts, step = 'send') {
	const pairs = [['csrf', csrf]];
	for (let i = 1; i <= 2; i++) {
		const x = contacts[i - 1] || { lang: 'en', how: 'invite', knows: false };
		for (const k of ['name', 'email', 'phone', 'field', 'note']) pairs.push([`${k}_${i}`, x[k] || '']);
		pairs.push([`lang_${i}`, x.lang || 'en']);
		if (x.how) pairs.push([`how_${i}`, x.how]);
		pairs.push([`message_${i}`, x.message || '']);
		if (x.knows ?? true) pairs.push([`knows_${i}`, '1']);
	}
	pairs.push(['step', step]);
	return pairs;
}

/** GET the share form at `path`, then POST the contacts with `step`: the answer. */
export async function share(c, path, contacts, step = 'send') {
	const page = await c.get(path);
	assert.equal(page.status, 200, `the share form ${path}: ${pageText(page.text).slice(0, 400)}`);
	return c.post(path, shareFields(csrfField(page.text), contacts, step));
}

/** The contacts rows of a match: [{ id, name, email, how, state, lang, staffId, registrationId, newMatch }]. */
export function contactsOf(p, matchId) {
	const rows = p.sql(`SELECT id, name, email, how, state, lang, COALESCE(staff_id, 0), COALESCE(registration_id, 0),
		COALESCE(new_match, 0) FROM contacts WHERE match_id = ${matchId} ORDER BY id`);
	return rows ? rows.split('\n').map((l) => {
		const [id, name, email, how, state, lang, staffId, registrationId, newMatch] = l.split('|');
		return { id: Number(id), name, email, how, state, lang, staffId: Number(staffId),
			registrationId: Number(registrationId), newMatch: Number(newMatch) };
	}) : [];
}

// ---- the contact registers ---------------------------------------------------------------

/** The action of the form that holds the registration nonce. */
function formAction(html) {
	const forms = [...html.matchAll(/<form\b[^>]*>[\s\S]*?<\/form>/g)].map((x) => x[0]);
	const f = forms.find((x) => /name="nonce"/.test(x));
	assert.ok(f, 'the page has the registration form');
	const a = /\baction="([^"]*)"/.exec(f.slice(0, f.indexOf('>') + 1));
	return a ? decodeEntities(a[1]) : null;
}

/**
 * The fields of a completed door opener registration form, from the form
 * page `html`: what the form is prefilled with (name, e-mail, phone, the
 * hidden contact field) is kept unless `over` gives other values (first,
 * last, email, phone, contact, mailLang, languages, ...). [k, v] pairs.
 */
export function contactFormFields(html, lang, over = {}) {
	const nonce = /<input type="hidden" name="nonce" value="([A-Za-z0-9_-]{43})">/.exec(html);
	assert.ok(nonce, 'the registration form has a nonce');
	const occupation = over.occupation || '2512';
	const occ = selectOptions(html, 'occupation').find((o) => o.value === occupation);
	assert.ok(occ, `the form offers occupation ${occupation}`);
	const sector = selectOptions(html, 'sector').find((o) => o.value && o.text === occ.group);
	const education = selectOptions(html, 'education').find((o) => o.value);
	const statements = [...html.matchAll(/name="eligibility" value="([a-z_]+)"/g)].map((m) => m[1]);
	const fields = {
		csrf: csrfField(html), nonce: nonce[1], contact: over.contact ?? fieldValue(html, 'contact') ?? '',
		first_name: over.first ?? inputValue(html, 'first_name'), last_name: over.last ?? inputValue(html, 'last_name'),
		email: over.email ?? inputValue(html, 'email'), phone: over.phone ?? inputValue(html, 'phone'),
		mail_lang: over.mailLang || lang, languages: over.languages || ['en'], other_languages: [],
		sector: sector.value, occupation, job_title: over.jobTitle || 'Team lead', experience_years: '12',
		education: education.value, municipality: over.municipality || 'FI-091', meeting_mode: over.mode || 'either',
		intro: over.intro || 'Happy to help.', link: '', gender: '', birth_year: '', birth_country: '',
		eligibility: statements, privacy: '1', employer: over.employer || 'Firma Oy', capacity: '1',
	};
	const pairs = [];
	for (const [k, v] of Object.entries(fields))
		for (const x of [].concat(v)) pairs.push([k, x]);
	return pairs;
}

/**
 * The door opener registration form reached through a personal link
 * (`path`, /LANG/register/door-opener?contact=TOKEN), completed and sent
 * by client c (contactFormFields: prefilled values kept unless `over`
 * says otherwise). Returns { page (the GET), r (the POST answer), pairs, action }.
 */
export async function registerContact(c, path, over = {}) {
	const page = await c.get(path);
	assert.equal(page.status, 200, `${path}: ${pageText(page.text).slice(0, 400)}`);
	assert.ok(/<input type="hidden" name="contact" value="[^"]+">/.test(page.text),
		'the registration form carries the contact token in a hidden field');
	const pairs = contactFormFields(page.text, path.slice(1, 3), over);
	const action = formAction(page.text) || path;
	const r = await c.post(action, pairs);
	return { page, r, pairs, action };
}

/**
 * Send the door opener registration form with a personal link's token
 * that the link page would not give (used, expired): the form is the
 * plain one (/LANG/register/door-opener) with the hidden field added, as a
 * form opened earlier and sent later would be. The POST answer.
 */
export async function postWithToken(c, lang, token, over) {
	const page = await c.get(`/${lang}/register/door-opener`);
	assert.equal(page.status, 200);
	const pairs = contactFormFields(page.text, lang, { ...over, contact: token });
	return c.post(formAction(page.text) || `/${lang}/register/door-opener`, pairs);
}

// ---- the door tree -----------------------------------------------------------------------

/** Text of an HTML fragment, tags removed, entities decoded, whitespace collapsed. */
const plain = (s) => decodeEntities(String(s).replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();

/**
 * The door tree of a page: { svg (its markup), title, desc, list (the text
 * list as nested items: [{ text (the item's own text), children }]) }, or
 * null when the page has none. The tree is the first <svg role="img">; its
 * list is the <ul> that follows it (for screen readers).
 */
export function doorTree(html) {
	const s = /<svg\b[^>]*\brole="img"[^>]*>[\s\S]*?<\/svg>/.exec(html);
	if (!s) return null;
	const svg = s[0];
	const title = /<title\b[^>]*>([\s\S]*?)<\/title>/.exec(svg);
	const desc = /<desc\b[^>]*>([\s\S]*?)<\/desc>/.exec(svg);
	const after = html.slice(s.index + svg.length);
	const start = after.search(/<ul\b/);
	const list = start < 0 ? null : parseList(after.slice(start));
	return { svg, open: /<svg\b[^>]*>/.exec(svg)[0], title: title ? plain(title[1]) : null,
		desc: desc ? plain(desc[1]) : null, list };
}

/** Nested <ul>/<li> from the start of `html` (which begins with <ul): the items. */
function parseList(html) {
	const re = /<(\/?)(ul|li)\b[^>]*>/g;
	const root = { children: [], text: '' };
	const stack = [];
	let cur = null; // the open <li>
	let last = 0;
	let x;
	while ((x = re.exec(html))) {
		if (cur) cur.text += html.slice(last, x.index);
		last = re.lastIndex;
		const [, close, tag] = x;
		if (tag === 'ul' && !close) stack.push(cur || root);
		else if (tag === 'ul' && close) {
			stack.pop();
			if (!stack.length) break;
		} else if (tag === 'li' && !close) {
			const item = { text: '', children: [], parent: cur };
			stack[stack.length - 1].children.push(item);
			cur = item;
		} else if (tag === 'li' && close) cur = cur?.parent || null;
	}
	const clean = (items) => items.map((i) => ({ text: plain(i.text), children: clean(i.children) }));
	return clean(root.children);
}

// ---- reading forms by field name ------------------------------------------------------------

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * What a form shows for the field `name`: an <input>'s value (for
 * checkboxes and radios: the value of the checked one, or null), a
 * <textarea>'s text, a <select>'s selected option; null when there is no
 * such field. Hidden inputs count too (the preview keeps values in them).
 */
export function fieldValue(html, name) {
	const n = esc(name);
	const ta = new RegExp(`<textarea\\b[^>]*\\bname="${n}"[^>]*>([\\s\\S]*?)</textarea>`).exec(html);
	if (ta) return decodeEntities(ta[1]).replace(/^\n/, '');
	const sel = new RegExp(`<select\\b[^>]*\\bname="${n}"[^>]*>([\\s\\S]*?)</select>`).exec(html);
	if (sel) {
		const o = /<option value="([^"]*)"[^>]*\bselected\b/.exec(sel[1]);
		return o ? decodeEntities(o[1]) : (/<option value="([^"]*)"/.exec(sel[1]) || [null, null])[1];
	}
	const inputs = [...html.matchAll(new RegExp(`<input\\b[^>]*\\bname="${n}"[^>]*>`, 'g'))].map((x) => x[0]);
	if (!inputs.length) return null;
	const val = (tag) => { const v = /\bvalue="([^"]*)"/.exec(tag); return v ? decodeEntities(v[1]) : ''; };
	const choice = inputs.filter((tag) => /\btype="(checkbox|radio)"/.test(tag));
	if (choice.length) {
		const on = choice.find((tag) => /\bchecked\b/.test(tag));
		return on ? val(on) : null;
	}
	return val(inputs[0]);
}
