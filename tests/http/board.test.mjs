// The staff side of matches: publishing a run's proposals (selected, then
// all; a discarded run cannot be published; automatic publishing after a
// run), the match board and its filters, one match's page and its actions
// (note, resend, cancel, back to the pool), a match made by hand, and that
// nobody but staff gets in. Registrations are written straight into the
// test server's database, as in matching.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { startServer, assertCleanExit, STAFF_EMAIL, STAFF_PASSWORD } from '../lib/server.mjs';
import { Client, csrfField, h1Text, pageText } from '../lib/http.mjs';
import { tr } from '../lib/catalog.mjs';

let srv;
let dbFile;
const reg = {}; // first name -> registration id

before(async () => {
	srv = await startServer();
	dbFile = path.join(srv.dir, 'ovi.db');
});
after(async () => { if (srv) assertCleanExit(await srv.stop()); });

function sqlOn(file, text) {
	return execFileSync('sqlite3', ['-cmd', '.timeout 5000', file, text], { encoding: 'utf8' }).trim();
}
const sql = (text) => sqlOn(dbFile, text);
const one = (text) => Number(sql(text));
const fill = (msg, values) => msg.replace(/\{(\w+)\}/g, (all, k) => (k in values ? String(values[k]) : all));

/** A confirmed ("waiting") registration, as after the e-mail confirmation. */
function addPerson(file, name, { role, occupation = '2512', municipality = 'FI-091', langs = ['fi', 'en'], capacity = 1, waited = 30 }) {
	const now = Math.floor(Date.now() / 1000);
	const at = now - waited * 86400;
	const [first, last] = name.split(' ');
	const pid = Number(sqlOn(file, `INSERT INTO people (email, first_name, last_name, mail_lang, sector, occupation,
		municipality, meeting_mode, created_at, updated_at) VALUES ('${first.toLowerCase()}@example.org', '${first}',
		'${last}', 'sv', 'ict', '${occupation}', '${municipality}', 'either', ${at}, ${at}) RETURNING id;`));
	for (const l of langs) sqlOn(file, `INSERT INTO person_languages (person_id, lang) VALUES (${pid}, '${l}');`);
	reg[first] = Number(sqlOn(file, `INSERT INTO registrations (person_id, role, status, capacity, created_at,
		confirmed_at, status_at) VALUES (${pid}, '${role}', 'waiting', ${capacity}, ${at}, ${at}, ${at}) RETURNING id;`));
	return pid;
}

async function staff(url, lang = 'sv') {
	const c = new Client(url);
	const page = await c.get(`/${lang}/admin`);
	const r = await c.post(`/${lang}/admin/login`, { csrf: csrfField(page.text), email: STAFF_EMAIL, password: STAFF_PASSWORD });
	assert.equal(r.status, 303);
	return c;
}

const pathOf = (location) => new URL(location, srv.url).pathname;
const runOf = (location) => Number(/\/admin\/matching\/runs\/(\d+)$/.exec(pathOf(location))[1]);
const matchOfProposal = (pid) => one(`SELECT COALESCE(match_id, 0) FROM match_proposals WHERE id = ${pid};`);
const introMails = (mid) => one(`SELECT COUNT(*) FROM match_mails mm JOIN outbox o ON o.id = mm.outbox_id
	WHERE mm.match_id = ${mid} AND o.kind = 'match_intro';`);
const matchState = (mid) => sql(`SELECT state FROM matches WHERE id = ${mid};`);

test('only staff see or change matches', async () => {
	const c = new Client(srv.url);
	for (const p of ['/sv/admin/matches', '/fi/admin/matches/1', '/en/admin/matches/new', '/sv/admin/matches/new?participant=1']) {
		const r = await c.get(p);
		assert.equal(r.status, 303, p);
		assert.match(r.headers.get('location'), /\/(sv|fi|en)\/admin$/);
		const login = await c.get(r.headers.get('location'));
		assert.ok(login.text.includes('name="password"'), `${p}: the login page`);
	}
	const page = await c.get('/sv/admin');
	const csrf = csrfField(page.text);
	for (const p of ['/sv/admin/matches/new', '/sv/admin/matches/1/cancel', '/sv/admin/matches/1/back',
		'/sv/admin/matches/1/resend', '/sv/admin/matches/1/note', '/sv/admin/matching/runs/1/publish']) {
		const r = await c.post(p, { csrf, reason: 'x', note: 'x', all: '1' });
		assert.equal(r.status, 303, p);
		assert.match(r.headers.get('location'), /\/sv\/admin$/);
	}
	assert.equal(one('SELECT COUNT(*) FROM matches;'), 0);
	assert.equal(one('SELECT COUNT(*) FROM match_events;'), 0);
});

test('publish selected, then all; the board; a match page and its actions; a match by hand', async () => {
	for (const n of ['Aino', 'Bo', 'Cai', 'Dan']) addPerson(dbFile, `${n} Participant`, { role: 'participant' });
	for (const n of ['Eva', 'Fred', 'Gun', 'Hugo']) addPerson(dbFile, `${n} Opener`, { role: 'door_opener' });

	const c = await staff(srv.url, 'sv');
	let r = await c.get('/sv/admin');
	assert.match(r.text, /href="\/sv\/admin\/matches"/, 'the admin home links the board');
	r = await c.get('/sv/admin/matching');
	const csrf = csrfField(r.text);
	r = await c.post('/sv/admin/matching/run', { csrf });
	assert.equal(r.status, 303);
	const run = runOf(r.headers.get('location'));
	assert.equal(one(`SELECT COUNT(*) FROM match_proposals WHERE run_id = ${run};`), 4);

	// The run page offers a checkbox per proposal and both buttons.
	r = await c.get(`/sv/admin/matching/runs/${run}`);
	assert.equal(r.status, 200);
	const boxes = [...r.text.matchAll(/<input type="checkbox" id="publish-(\d+)" name="p" value="\d+" form="publish"/g)].map((m) => Number(m[1]));
	assert.equal(boxes.length, 4);
	assert.ok(pageText(r.text).includes(tr('sv', 'Publish selected')));
	assert.ok(pageText(r.text).includes(tr('sv', 'Publish all')));
	assert.match(r.text, new RegExp(`<form method="post" action="/sv/admin/matching/runs/${run}/publish" id="publish"`));

	// Nothing chosen: an error, nothing published.
	r = await c.post(`/sv/admin/matching/runs/${run}/publish`, { csrf });
	assert.equal(r.status, 422);
	assert.ok(pageText(r.text).includes(tr('sv', 'Choose at least one proposal to publish, or publish them all.')));
	assert.equal(one('SELECT COUNT(*) FROM matches;'), 0);

	// Publish two of them (a proposal of another run or junk is ignored).
	const [p1, p2, p3, p4] = boxes;
	r = await c.post(`/sv/admin/matching/runs/${run}/publish`, [['csrf', csrf], ['p', String(p1)], ['p', String(p2)], ['p', 'junk'], ['p', '999999']]);
	assert.equal(r.status, 303);
	assert.equal(pathOf(r.headers.get('location')), `/sv/admin/matching/runs/${run}`);
	r = await c.get(new URL(r.headers.get('location'), srv.url).pathname + new URL(r.headers.get('location'), srv.url).search);
	assert.ok(pageText(r.text).includes(fill(tr('sv', '{n} introduced, {m} skipped'), { n: 2, m: 0 })));
	const m1 = matchOfProposal(p1), m2 = matchOfProposal(p2);
	assert.ok(m1 > 0 && m2 > 0, 'both proposals point at their matches');
	assert.equal(matchOfProposal(p3), 0);
	for (const m of [m1, m2]) {
		assert.equal(matchState(m), 'introduced');
		assert.equal(introMails(m), 2, `two introductions for match ${m}`);
		assert.equal(sql(`SELECT origin FROM matches WHERE id = ${m};`), 'run');
	}
	// The run page shows which are published, with a link to the match.
	assert.match(r.text, new RegExp(`href="/sv/admin/matches/${m1}"`));
	assert.ok(!r.text.includes(`id="publish-${p1}"`), 'no checkbox for a published proposal');
	assert.ok(r.text.includes(`id="publish-${p3}"`));
	assert.ok(!r.text.includes(`/runs/${run}/discard"`), 'a published run cannot be discarded');
	assert.equal((await c.post(`/sv/admin/matching/runs/${run}/discard`, { csrf })).status, 409);
	assert.equal(sql(`SELECT status FROM match_runs WHERE id = ${run};`), 'draft');

	// The board: counts and the two matches, introduced.
	r = await c.get('/sv/admin/matches');
	assert.equal(r.status, 200);
	assert.equal(h1Text(r.text), tr('sv', 'Matches'));
	let text = pageText(r.text);
	assert.ok(text.includes(`${tr('sv', 'Introduced')} (2)`));
	assert.ok(text.includes(`${tr('sv', 'Cancelled')} (0)`));
	assert.match(r.text, new RegExp(`href="/sv/admin/matches/${m1}"`));
	assert.match(r.text, new RegExp(`href="/sv/admin/matches/${m2}"`));
	const [pa1, po1] = sql(`SELECT rp.person_id || '|' || rd.person_id FROM matches m JOIN registrations rp ON rp.id = m.participant
		JOIN registrations rd ON rd.id = m.door_opener WHERE m.id = ${m1};`).split('|').map(Number);
	assert.match(r.text, new RegExp(`href="/sv/admin/people/${pa1}"`));
	assert.match(r.text, new RegExp(`href="/sv/admin/people/${po1}"`));

	// Publish all: one participant withdrew meanwhile, so one is skipped.
	const p4reg = one(`SELECT participant FROM match_proposals WHERE id = ${p4};`);
	sql(`UPDATE registrations SET status = 'withdrawn' WHERE id = ${p4reg};`);
	r = await c.post(`/sv/admin/matching/runs/${run}/publish`, { csrf, all: '1' });
	assert.equal(r.status, 303);
	r = await c.get(pathOf(r.headers.get('location')) + new URL(r.headers.get('location'), srv.url).search);
	assert.ok(pageText(r.text).includes(fill(tr('sv', '{n} introduced, {m} skipped'), { n: 1, m: 1 })));
	const m3 = matchOfProposal(p3);
	assert.ok(m3 > 0);
	assert.equal(introMails(m3), 2);
	assert.equal(matchOfProposal(p4), 0);
	assert.equal(one('SELECT COUNT(*) FROM matches;'), 3);
	sql(`UPDATE registrations SET status = 'waiting' WHERE id = ${p4reg};`);

	// Filters: by state, by origin, by name (LIKE wild cards are literal).
	r = await c.get('/sv/admin/matches?state=cancelled');
	assert.ok(pageText(r.text).includes(tr('sv', 'No matches with these filters.')));
	r = await c.get('/sv/admin/matches?origin=manual');
	assert.ok(pageText(r.text).includes(tr('sv', 'No matches with these filters.')));
	const aName = sql(`SELECT p.first_name FROM matches m JOIN registrations r ON r.id = m.participant
		JOIN people p ON p.id = r.person_id WHERE m.id = ${m1};`);
	r = await c.get(`/sv/admin/matches?q=${encodeURIComponent(aName.toLowerCase())}&state=introduced`);
	assert.match(r.text, new RegExp(`href="/sv/admin/matches/${m1}"`));
	assert.ok(!r.text.includes(`href="/sv/admin/matches/${m2}"`));
	r = await c.get('/sv/admin/matches?q=%25');
	assert.ok(pageText(r.text).includes(tr('sv', 'No matches with these filters.')));

	// The match page.
	r = await c.get(`/sv/admin/matches/${m1}`);
	assert.equal(r.status, 200);
	assert.equal(h1Text(r.text), fill(tr('sv', 'Match {id}'), { id: m1 }));
	text = pageText(r.text);
	assert.ok(text.includes(tr('sv', 'Introduced')));
	assert.ok(text.includes(tr('sv', 'Matching run')));
	assert.match(r.text, new RegExp(`href="/sv/admin/matching/runs/${run}#proposal-${p1}"`));
	assert.match(r.text, new RegExp(`href="/sv/admin/people/${pa1}"`));
	const intro = one(`SELECT MIN(o.id) FROM match_mails mm JOIN outbox o ON o.id = mm.outbox_id WHERE mm.match_id = ${m1};`);
	assert.match(r.text, new RegExp(`href="/sv/admin/outbox/${intro}"`));
	assert.ok(text.includes(tr('sv', 'Same occupation unit group')));

	// A note: empty is refused (the page again), then saved.
	r = await c.post(`/sv/admin/matches/${m1}/note`, { csrf, note: '   ' });
	assert.equal(r.status, 422);
	assert.ok(pageText(r.text).includes(tr('sv', 'Write the note.')));
	assert.match(r.text, /href="#note-text"/);
	r = await c.post(`/sv/admin/matches/${m1}/note`, { csrf, note: 'Ringde <Aino> & bad om svar.' });
	assert.equal(r.status, 303);
	assert.equal(r.headers.get('location'), `/sv/admin/matches/${m1}?notice=noted`);
	r = await c.get(r.headers.get('location'));
	assert.ok(pageText(r.text).includes(tr('sv', 'The note is saved.')));
	assert.ok(r.text.includes('Ringde &lt;Aino&gt; &amp; bad om svar.'), 'the note, escaped');

	// Resend the introduction to the door opener.
	r = await c.post(`/sv/admin/matches/${m1}/resend`, { csrf, side: 'door_opener' });
	assert.equal(r.status, 303);
	assert.equal(introMails(m1), 3);
	r = await c.post(`/sv/admin/matches/${m1}/resend`, { csrf, side: 'nobody' });
	assert.equal(r.status, 422);

	// Back to the pool is only for ended matches.
	r = await c.post(`/sv/admin/matches/${m1}/back`, { csrf, reason: 'Försök igen' });
	assert.equal(r.status, 409);
	assert.ok(pageText(r.text).includes(tr('sv', 'Only a match that has ended can be sent back to the pool.')));

	// Cancel: a reason is required, and the typed text stays on error.
	r = await c.post(`/sv/admin/matches/${m1}/cancel`, { csrf, reason: '' });
	assert.equal(r.status, 422);
	assert.ok(pageText(r.text).includes(tr('sv', 'Write the reason. The people in the match do not see it.')));
	r = await c.post(`/sv/admin/matches/${m1}/cancel`, { csrf, reason: 'x'.repeat(501) });
	assert.equal(r.status, 422);
	assert.ok(r.text.includes(`>${'x'.repeat(501)}</textarea>`), 'the typed reason is kept');
	r = await c.post(`/sv/admin/matches/${m1}/cancel`, { csrf, reason: 'Fel par' });
	assert.equal(r.status, 303);
	assert.equal(matchState(m1), 'cancelled');
	assert.equal(one(`SELECT COUNT(*) FROM match_mails mm JOIN outbox o ON o.id = mm.outbox_id
		WHERE mm.match_id = ${m1} AND o.kind = 'match_cancelled';`), 2);
	r = await c.get(r.headers.get('location'));
	text = pageText(r.text);
	assert.ok(text.includes(tr('sv', 'Cancelled')));
	assert.ok(text.includes('Fel par'));
	assert.ok(text.includes(STAFF_EMAIL), 'who cancelled it');
	assert.ok(!r.text.includes(`/matches/${m1}/cancel"`), 'no cancel form on a cancelled match');
	assert.ok(r.text.includes(`/matches/${m1}/back"`));
	// Cancelling again: not open any more.
	r = await c.post(`/sv/admin/matches/${m1}/cancel`, { csrf, reason: 'Igen' });
	assert.equal(r.status, 409);

	// Back to the pool.
	r = await c.post(`/sv/admin/matches/${m1}/back`, { csrf, reason: '' });
	assert.equal(r.status, 422);
	r = await c.post(`/sv/admin/matches/${m1}/back`, { csrf, reason: 'Ge dem en ny chans' });
	assert.equal(r.status, 303);
	assert.equal(one(`SELECT COUNT(*) FROM match_events WHERE match_id = ${m1} AND kind = 'back_to_pool';`), 1);
	r = await c.get(`/sv/admin/matches/${m1}`);
	assert.ok(pageText(r.text).includes(tr('sv', 'Sent back to the pool')));

	// A match by hand: the form, prefilled from ?participant=.
	addPerson(dbFile, 'Ida Participant', { role: 'participant' });
	addPerson(dbFile, 'Jon Opener', { role: 'door_opener', capacity: 2 });
	r = await c.get(`/sv/admin/matches/new?participant=${reg.Ida}`);
	assert.equal(r.status, 200);
	assert.match(r.text, new RegExp(`<option value="${reg.Ida}" selected>Ida Participant`));
	assert.match(r.text, new RegExp(`<option value="${reg.Jon}">Jon Opener`));
	// A participant with an open match is not offered.
	const busy = one(`SELECT participant FROM matches WHERE id = ${m2};`);
	assert.ok(!r.text.includes(`<option value="${busy}"`));
	// Without a reason: the form again, with the choices kept.
	r = await c.post('/sv/admin/matches/new', { csrf, participant: String(reg.Ida), door_opener: String(reg.Jon), reason: '' });
	assert.equal(r.status, 422);
	assert.ok(pageText(r.text).includes(tr('sv', 'Write why you make this match by hand.')));
	assert.match(r.text, new RegExp(`<option value="${reg.Jon}" selected>`));
	// Refused for a registration that is not waiting.
	r = await c.post('/sv/admin/matches/new', { csrf, participant: String(busy), door_opener: String(reg.Jon), reason: 'Samma ort' });
	assert.equal(r.status, 409);
	assert.ok(pageText(r.text).includes(tr('sv', 'These two cannot be matched now. One of the registrations is no longer waiting, the door opener has no room left, they are the same person, or the two have already met or declined each other.')));
	assert.ok(r.text.includes('>Samma ort</textarea>'));
	// A door opener chosen as the participant.
	r = await c.post('/sv/admin/matches/new', { csrf, participant: String(reg.Jon), door_opener: String(reg.Jon), reason: 'x' });
	assert.equal(r.status, 422);
	assert.ok(pageText(r.text).includes(tr('sv', 'Choose a participant.')));
	// Made.
	r = await c.post('/sv/admin/matches/new', { csrf, participant: String(reg.Ida), door_opener: String(reg.Jon), reason: 'Samma ort' });
	assert.equal(r.status, 303);
	const m4 = Number(/\/sv\/admin\/matches\/(\d+)\?notice=created$/.exec(r.headers.get('location'))[1]);
	assert.equal(matchState(m4), 'introduced');
	assert.equal(sql(`SELECT origin FROM matches WHERE id = ${m4};`), 'manual');
	assert.equal(introMails(m4), 2);
	r = await c.get(r.headers.get('location'));
	text = pageText(r.text);
	assert.ok(text.includes(tr('sv', 'The match is made, and both got an introduction e-mail.')));
	assert.ok(text.includes(tr('sv', 'Made by hand')));
	assert.ok(text.includes('Samma ort'), 'the reason is in the history');
	r = await c.get('/sv/admin/matches?origin=manual');
	assert.match(r.text, new RegExp(`href="/sv/admin/matches/${m4}"`));
	assert.ok(!r.text.includes(`href="/sv/admin/matches/${m2}"`));

	// Unknown and malformed ids.
	for (const p of ['/sv/admin/matches/999999', '/sv/admin/matches/abc', '/sv/admin/matches/0', '/sv/admin/matches/-1'])
		assert.equal((await c.get(p)).status, 404, p);
	for (const a of ['cancel', 'back', 'resend', 'note'])
		assert.equal((await c.post(`/sv/admin/matches/999999/${a}`, { csrf, reason: 'x', note: 'x', side: 'participant' })).status, 404, a);
	assert.equal((await c.post('/sv/admin/matching/runs/999999/publish', { csrf, all: '1' })).status, 404);
	assert.equal((await c.post('/sv/admin/matching/runs/abc/publish', { csrf, all: '1' })).status, 404);

	// The audit log: every action, by id only, with its label.
	const actions = sql("SELECT action FROM audit_log WHERE action LIKE 'match%' ORDER BY id;").split('\n');
	for (const a of ['match_publish', 'match_note', 'match_resend', 'match_cancel', 'match_back', 'match_create'])
		assert.ok(actions.includes(a), a);
	assert.ok(!sql('SELECT detail FROM audit_log;').includes('Participant'), 'no names in the audit log');
	r = await c.get('/sv/admin/audit');
	assert.ok(pageText(r.text).includes(tr('sv', 'Published matching proposals')));
});

test('a discarded run cannot be published', async () => {
	addPerson(dbFile, 'Kim Participant', { role: 'participant' });
	addPerson(dbFile, 'Lea Opener', { role: 'door_opener' });
	const c = await staff(srv.url, 'en');
	let r = await c.get('/en/admin/matching');
	const csrf = csrfField(r.text);
	r = await c.post('/en/admin/matching/run', { csrf });
	const run = runOf(r.headers.get('location'));
	const pid = one(`SELECT id FROM match_proposals WHERE run_id = ${run} AND participant = ${reg.Kim};`);
	assert.ok(pid > 0);
	r = await c.post(`/en/admin/matching/runs/${run}/discard`, { csrf });
	assert.equal(r.status, 303);
	r = await c.get(`/en/admin/matching/runs/${run}`);
	assert.ok(!r.text.includes(`/runs/${run}/publish"`), 'no publish form on a discarded run');
	const before = one('SELECT COUNT(*) FROM matches;');
	for (const fields of [{ csrf, all: '1' }, [['csrf', csrf], ['p', String(pid)]]]) {
		r = await c.post(`/en/admin/matching/runs/${run}/publish`, fields);
		assert.equal(r.status, 409);
		assert.ok(pageText(r.text).includes(tr('en', 'This run is discarded, so its proposals cannot be published.')));
	}
	assert.equal(one('SELECT COUNT(*) FROM matches;'), before);
	assert.equal(sql(`SELECT COALESCE(published_at, '') FROM match_runs WHERE id = ${run};`), '');
});

test('with match_auto_publish a run is published at once', async () => {
	const auto = await startServer({ env: { OVI_MATCH_AUTO_PUBLISH: '1' } });
	try {
		const file = path.join(auto.dir, 'ovi.db');
		addPerson(file, 'Maja Participant', { role: 'participant' });
		addPerson(file, 'Nils Opener', { role: 'door_opener' });
		const c = await staff(auto.url, 'fi');
		let r = await c.get('/fi/admin/matching');
		r = await c.post('/fi/admin/matching/run', { csrf: csrfField(r.text) });
		assert.equal(r.status, 303);
		const loc = new URL(r.headers.get('location'), auto.url);
		assert.match(loc.search, /published=1&skipped=0/);
		assert.equal(Number(sqlOn(file, 'SELECT COUNT(*) FROM matches WHERE origin = \'run\' AND state = \'introduced\';')), 1);
		assert.equal(Number(sqlOn(file, 'SELECT COUNT(*) FROM outbox WHERE kind = \'match_intro\';')), 2);
		r = await c.get(loc.pathname + loc.search);
		assert.ok(pageText(r.text).includes(fill(tr('fi', '{n} introduced, {m} skipped'), { n: 1, m: 0 })));
		r = await c.get('/fi/admin/matches');
		assert.ok(pageText(r.text).includes(`${tr('fi', 'Introduced')} (1)`));
	} finally {
		assertCleanExit(await auto.stop());
	}
});
