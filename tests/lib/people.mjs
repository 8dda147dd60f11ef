// People and staff going through the programme, for the end-to-end tests of
// matches (tests/http/lifecycle.test.mjs, tests/browser/match.test.mjs):
// a server with the movable clock and a real SMTP server on loopback,
// registering and confirming through the real forms and the e-mailed
// confirmation link, staff login, a matching run and publishing, moving
// the clock, and finding the e-mails of a match.
//
//   const p = await startProgramme();              // { srv, smtp, ... }
//   const ada = await p.register('participant', { lang: 'sv', first: 'Ada', ... });
//   const staff = await p.staff('sv');
//   const run = await p.run(staff, 'sv');  await p.publish(staff, 'sv', run);
//   const intro = await p.mail(ada.email, 'match_intro');
//   matchLinks(intro)  // { id, token, accept, time, decline, met } (paths)
//   invite(intro)      // its invite.ics, read with tests/lib/ics.mjs
//   await p.clock(4 * 86400 + 3600);              // "four days later"
//   await p.stop();                               // the server's exit result
//   p.secrets                                     // for assertLogFree: addresses, names, tokens
//
// Which e-mail is which: the outbox row with the message's Message-ID
// names the template (outbox.kind: match_intro, match_confirmed, ...), so
// the tests do not depend on the wording of subjects.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { startServer, STAFF_EMAIL, STAFF_PASSWORD } from './server.mjs';
import { Client, csrfField, decodeEntities, pageText } from './http.mjs';
import { startSmtp } from './smtp.mjs';
import { tr } from './catalog.mjs';
import { parseIcs, localStart } from './ics.mjs';

export const DAY = 86400;
export const HOUR = 3600;

/** A single-quoted SQL string. */
export const q = (s) => `'${String(s).replace(/'/g, "''")}'`;

/** tr() with its {placeholders} filled: trf('sv', 'Hello {name},', { name: 'Åsa' }). */
export function trf(lang, msgid, vars = {}) {
	return tr(lang, msgid).replace(/\{([a-z_]+)\}/g, (all, k) => (k in vars ? String(vars[k]) : all));
}

/** Whether a delivered message is addressed to `email`. */
export const isTo = (m, email) => [].concat(m.to).map((t) => (typeof t === 'string' ? t : t?.address || JSON.stringify(t)))
	.join(' ').toLowerCase().includes(email.toLowerCase());

/** The text of a message (the text/plain part). */
export function mailText(m) {
	assert.ok(typeof m.text === 'string', `the e-mail "${m.subject}" has no text/plain part`);
	return m.text;
}

const LINK_RE = /https?:\/\/[^\s"<>]*?(\/(sv|fi|en)\/match\/(\d+)\/(accept|time|decline|met)\/([A-Za-z0-9_-]{43}))/g;

/**
 * The match links of a message: { id, lang, token, accept, time, decline,
 * met } (paths, undefined when the message has no such link). Every link
 * of one message names the same match and carries the same token.
 */
export function matchLinks(m) {
	const out = {};
	for (const x of mailText(m).matchAll(LINK_RE)) {
		const [, p, lang, id, action, token] = x;
		if (out.id !== undefined) {
			assert.equal(Number(id), out.id, 'all links of an e-mail are for one match');
			assert.equal(token, out.token, 'all links of an e-mail carry one token');
		}
		out.id = Number(id);
		out.lang = lang;
		out.token = token;
		out[action] = p;
	}
	return out;
}

/** The path of the member's match page linked from a message (/xx/member/matches/N). */
export function memberPath(m) {
	const x = /https?:\/\/[^\s"<>]*?(\/(?:sv|fi|en)\/member\/matches\/\d+)(?![\d/])/.exec(mailText(m));
	assert.ok(x, `the e-mail "${m.subject}" links to the member's match page`);
	return x[1];
}

/** The options of <select id=...> in a page: [{ value, text, selected, group }]. */
export function selectOptions(html, id) {
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

/** The text typed into <textarea id=...>, or null. */
export function textareaValue(html, id) {
	const m = new RegExp(`<textarea [^>]*id="${id}"[^>]*>([\\s\\S]*?)</textarea>`).exec(html);
	return m ? decodeEntities(m[1]).replace(/^\n/, '') : null;
}

/** The value of <input id=...>, or null. */
export function inputValue(html, id) {
	const m = new RegExp(`<input [^>]*id="${id}"[^>]*>`).exec(html);
	if (!m) return null;
	const v = /value="([^"]*)"/.exec(m[0]);
	return v ? decodeEntities(v[1]) : '';
}

/** The local (programme time zone) date parts of a Unix time. */
export function localParts(t, timeZone = 'Europe/Helsinki') {
	const f = new Intl.DateTimeFormat('en-GB', {
		timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
		second: '2-digit', weekday: 'short', hourCycle: 'h23',
	});
	const p = Object.fromEntries(f.formatToParts(new Date(t * 1000)).map((x) => [x.type, x.value]));
	return {
		date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}`, hour: Number(p.hour),
		minute: Number(p.minute), second: Number(p.second), weekday: p.weekday,
	};
}

let seq = 0;

/**
 * A server with the movable clock (test_clock) and a fast mail sender,
 * writing to `smtp` (a new SMTP server when none is given).
 */
export async function startProgramme({ env = {}, smtp } = {}) {
	const own = !smtp;
	if (own) smtp = await startSmtp({ mode: 'ok' });
	const srv = await startServer({
		env: { OVI_SMTP_URL: smtp.url, OVI_MAIL_POLL_MS: '50', OVI_TEST_CLOCK: '1', ...env },
	});
	return new Programme(srv, smtp, own);
}

export class Programme {
	constructor(srv, smtp, ownSmtp) {
		this.srv = srv;
		this.smtp = smtp;
		this.ownSmtp = ownSmtp;
		this.db = path.join(srv.dir, 'ovi.db');
		this.offset = 0; // seconds the server's clock has been moved
		this.kinds = new Map(); // Message-ID -> outbox.kind
		this.secrets = []; // addresses, names and link tokens: never in the server log (assertLogFree)
	}

	get url() { return this.srv.url; }

	/** The server's "now" (Unix seconds): the real time plus the moves. */
	now() { return Math.floor(Date.now() / 1000) + this.offset; }

	/** Stop the server (and the SMTP server if it is ours); the server's exit result. */
	async stop() {
		const r = await this.srv.stop();
		if (this.ownSmtp) await this.smtp.stop();
		return r;
	}

	// ---- the database (read to check; never written) ------------------------------

	/** Rows of the last statement, '|'-separated. */
	sql(text) {
		return execFileSync('sqlite3', ['-cmd', '.timeout 5000', this.db, text], { encoding: 'utf8' }).trim();
	}

	one(text) { return Number(this.sql(text)); }

	// ---- e-mail -------------------------------------------------------------------

	/** The outbox kind of a delivered message (match_intro, login, ...), or ''. */
	kindOf(m) {
		const id = m.messageId || '';
		if (!this.kinds.has(id)) {
			const k = this.sql(`SELECT kind FROM outbox WHERE message_id = ${q(id)}`);
			if (!k) return ''; // not (yet) known: do not remember
			this.kinds.set(id, k);
		}
		return this.kinds.get(id);
	}

	/** Messages delivered so far to `email` of `kind` (any kind when omitted), from index `since`. */
	mails(email, kind, since = 0) {
		return this.smtp.messages.slice(since).filter((m) => isTo(m, email) && (!kind || this.kindOf(m) === kind));
	}

	/** The first message to `email` of `kind` from index `since` on (waits). */
	async mail(email, kind, { since = 0, timeout = 15000 } = {}) {
		const msgs = this.smtp.messages;
		try {
			const m = await this.smtp.waitFor((x) => msgs.indexOf(x) >= since && isTo(x, email) && this.kindOf(x) === kind,
				timeout);
			for (const t of (m.text || '').matchAll(/\/(?:match\/\d+\/[a-z]+|login|confirm)\/([A-Za-z0-9_-]{43})/g))
				this.secrets.push(t[1]);
			return m;
		} catch (e) {
			const got = this.mails(email, undefined, since).map((m) => this.kindOf(m) || m.subject);
			throw new Error(`no ${kind} e-mail arrived (${e.message}); this address got: ${JSON.stringify(got)}`);
		}
	}

	/** Wait until the outbox has sent everything queued (so every e-mail caused so far has arrived). */
	async settle(timeout = 15000) {
		const end = Date.now() + timeout;
		for (;;) {
			if (this.one("SELECT COUNT(*) FROM outbox WHERE status IN ('queued', 'sending')") === 0) return;
			if (Date.now() > end) throw new Error('the outbox did not empty in time');
			await new Promise((res) => setTimeout(res, 50));
		}
	}

	// ---- registering ------------------------------------------------------------------

	/**
	 * Register through the form (HTTP) and confirm through the e-mailed
	 * link. role 'participant' | 'door-opener'. Returns the person:
	 * { email, first, last, name, lang, mailLang, personId, regId }.
	 */
	async register(role, {
		lang = 'en', first = 'Alex', last = 'Example', email, mailLang = lang, languages = ['en'], occupation = '2512',
		municipality = 'FI-091', mode = 'either', phone = '', phoneShared = false, intro = 'Hello.',
		jobTitle = 'Developer', employer = '', capacity = '1', years = '6',
	} = {}) {
		seq++;
		email ||= `${role}${seq}.${Date.now()}@example.org`;
		const c = new Client(this.url);
		const page = await c.get(`/${lang}/register/${role}`);
		assert.equal(page.status, 200, `/${lang}/register/${role}`);
		const html = page.text;
		const nonce = /<input type="hidden" name="nonce" value="([A-Za-z0-9_-]{43})">/.exec(html);
		assert.ok(nonce, 'the registration form has a nonce');
		const occ = selectOptions(html, 'occupation').find((o) => o.value === occupation);
		assert.ok(occ, `the form offers occupation ${occupation}`);
		const sector = selectOptions(html, 'sector').find((o) => o.value && o.text === occ.group);
		assert.ok(sector, `a sector for occupation ${occupation}`);
		assert.ok(selectOptions(html, 'municipality').some((o) => o.value === municipality), `municipality ${municipality}`);
		const education = selectOptions(html, 'education').find((o) => o.value);
		const statements = [...html.matchAll(/name="eligibility" value="([a-z_]+)"/g)].map((m) => m[1]);
		const f = {
			csrf: csrfField(html), nonce: nonce[1], first_name: first, last_name: last, email, phone,
			mail_lang: mailLang, languages, other_languages: [], sector: sector.value, occupation,
			job_title: jobTitle, experience_years: years, education: education.value, municipality,
			meeting_mode: mode, intro, link: '', gender: '', birth_year: '', birth_country: '',
			eligibility: statements, privacy: '1',
			...(phoneShared ? { phone_shared: '1' } : {}),
			...(role === 'door-opener' ? { employer, capacity } : { arrival_year: '' }),
		};
		const pairs = [];
		for (const [k, v] of Object.entries(f))
			for (const x of [].concat(v)) pairs.push([k, x]);
		const since = this.smtp.messages.length;
		const r = await c.post(`/${lang}/register/${role}`, pairs);
		assert.equal(r.status, 303, `registration accepted:\n${pageText(r.text).slice(0, 800)}`);
		const mail = await this.mail(email, 'confirm', { since });
		const link = /https?:\/\/[^\s"<>]*?(\/(?:sv|fi|en)\/confirm\/[A-Za-z0-9_-]{43})/.exec(mailText(mail));
		assert.ok(link, 'the confirmation e-mail has its link');
		const cp = await c.get(link[1]);
		assert.equal(cp.status, 200, `the confirmation page: ${pageText(cp.text).slice(0, 300)}`);
		const done = await c.post(link[1], { csrf: csrfField(cp.text) });
		assert.equal(done.status, 303, 'the registration is confirmed');
		const [personId, regId] = this.sql(`SELECT p.id, r.id FROM people p JOIN registrations r ON r.person_id = p.id
			WHERE p.email = ${q(email)} ORDER BY r.id DESC LIMIT 1`).split('|').map(Number);
		assert.equal(this.sql(`SELECT status FROM registrations WHERE id = ${regId}`), 'waiting');
		this.secrets.push(email, `${first} ${last}`, last);
		return { email, first, last, name: `${first} ${last}`, lang, mailLang, personId, regId, role };
	}

	// ---- staff ---------------------------------------------------------------------------

	/** A client logged in as staff. */
	async staff(lang = 'en') {
		const c = new Client(this.url);
		const page = await c.get(`/${lang}/admin`);
		const r = await c.post(`/${lang}/admin/login`, { csrf: csrfField(page.text), email: STAFF_EMAIL, password: STAFF_PASSWORD });
		assert.equal(r.status, 303, 'staff login');
		return c;
	}

	/** A dry run from the matching page; the run id. */
	async run(staff, lang = 'en') {
		const page = await staff.get(`/${lang}/admin/matching`);
		assert.equal(page.status, 200);
		const r = await staff.post(`/${lang}/admin/matching/run`, { csrf: csrfField(page.text) });
		assert.equal(r.status, 303, 'the run is made');
		const m = /\/admin\/matching\/runs\/(\d+)/.exec(r.headers.get('location'));
		assert.ok(m, `the answer leads to the run page: ${r.headers.get('location')}`);
		return Number(m[1]);
	}

	/** The run's proposals: [{ id, participant, doorOpener }] (registration ids). */
	proposals(run) {
		const rows = this.sql(`SELECT id, participant, door_opener FROM match_proposals WHERE run_id = ${run} ORDER BY id`);
		return rows ? rows.split('\n').map((l) => {
			const [id, participant, doorOpener] = l.split('|').map(Number);
			return { id, participant, doorOpener };
		}) : [];
	}

	/** Publish proposals (ids), or all; the redirect's location. */
	async publish(staff, lang, run, ids = 'all') {
		const page = await staff.get(`/${lang}/admin/matching/runs/${run}`);
		assert.equal(page.status, 200);
		const fields = ids === 'all' ? [['csrf', csrfField(page.text)], ['all', '1']]
			: [['csrf', csrfField(page.text)], ...ids.map((id) => ['p', String(id)])];
		const r = await staff.post(`/${lang}/admin/matching/runs/${run}/publish`, fields);
		assert.equal(r.status, 303, `published: ${pageText(r.text).slice(0, 300)}`);
		return r.headers.get('location');
	}

	/** The match made from a registration pair (the newest), or 0. */
	matchOf(participantReg, openerReg) {
		return this.one(`SELECT COALESCE(MAX(id), 0) FROM matches WHERE participant = ${participantReg}
			AND door_opener = ${openerReg}`);
	}

	// ---- time ----------------------------------------------------------------------------

	/** Move the server's clock forward; the number of jobs it then did. */
	async clock(seconds) {
		const c = new Client(this.url);
		const page = await c.get('/en/login');
		const r = await c.post('/en/test/clock', { csrf: csrfField(page.text), advance: String(seconds) });
		assert.equal(r.status, 200, `POST /test/clock: ${r.status} ${r.text.slice(0, 200)}`);
		const m = /^jobs: (\d+)/.exec(r.text);
		assert.ok(m, `the clock answers "jobs: N": ${r.text.slice(0, 100)}`);
		this.offset += seconds;
		return Number(m[1]);
	}

	// ---- members -------------------------------------------------------------------------

	/** Log client c in as `email` through the e-mailed login link (asked on a page in `lang`). */
	async memberLogin(c, lang, email) {
		const page = await c.get(`/${lang}/login`);
		const since = this.smtp.messages.length;
		const r = await c.post(`/${lang}/login`, { csrf: csrfField(page.text), email });
		assert.equal(r.status, 303, 'the login form is accepted');
		const mail = await this.mail(email, 'login', { since });
		const link = loginPath(mail, lang);
		const lp = await c.get(link);
		assert.equal(lp.status, 200, 'the login link page');
		const r2 = await c.post(link, { csrf: csrfField(lp.text) });
		assert.equal(r2.status, 303, 'the login link logs in');
		assert.ok(c.cookie('ovi_member'), 'a member session');
		return c;
	}
}

/** The path of the login link in a login e-mail. */
export function loginPath(m, lang) {
	const x = new RegExp(`https?://[^\\s"<>]*?(/${lang}/login/[A-Za-z0-9_-]{43})`).exec(mailText(m));
	assert.ok(x, 'the e-mail has a login link');
	return x[1];
}

// ---- the calendar invitation ------------------------------------------------------

/**
 * The invite.ics attached to a message, read with tests/lib/ics.mjs (which
 * also checks its form: CRLF, lines of at most 75 octets, BEGIN/END pairs):
 * { filename, contentType, type, text, cal (parseIcs), method, timezones
 * (TZIDs of the VTIMEZONEs), events (how many VEVENTs), and of the first
 * VEVENT: uid, sequence, dtstart ("YYYYMMDDTHHMMSS" as written), tzid,
 * start ("YYYY-MM-DDTHH:MM" local), duration, summary, status }.
 */
export function invite(m) {
	assert.ok(Array.isArray(m.attachments), 'the SMTP test server reads attachments');
	const att = m.attachments.find((a) => a.filename === 'invite.ics');
	assert.ok(att, `the e-mail "${m.subject}" has invite.ics attached (attachments: ${JSON.stringify(m.attachments.map((a) => a.filename))})`);
	const cal = parseIcs(att.content);
	const ev = cal.events[0] || {};
	return {
		filename: att.filename, contentType: att.contentType, type: att.type, text: att.content, cal,
		method: cal.method, timezones: cal.timezones, events: cal.events.length,
		uid: ev.uid, sequence: ev.sequence, dtstart: ev.dtstart?.value, tzid: ev.dtstart?.tzid,
		start: ev.dtstart ? localStart(ev) : undefined, duration: ev.duration, summary: ev.summary, status: ev.status,
	};
}
