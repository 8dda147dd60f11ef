// The staff matching pages: a dry run over waiting registrations (written
// straight into the test server's database), its proposals with the reasons
// translated, pin, exclude, rerun around the pins, discard, the audit log,
// and that nobody but staff gets in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { startServer, assertCleanExit, STAFF_EMAIL, STAFF_PASSWORD } from '../lib/server.mjs';
import { Client, csrfField, h1Text, pageText } from '../lib/http.mjs';
import { tr } from '../lib/catalog.mjs';

let srv;
let dbFile;
const reg = {}; // name -> registration id

before(async () => {
	srv = await startServer();
	dbFile = path.join(srv.dir, 'ovi.db');
});
after(async () => { if (srv) assertCleanExit(await srv.stop()); });

/** Run SQL on the server's database; the rows of the last statement, '|'-separated. */
function sql(text) {
	return execFileSync('sqlite3', ['-cmd', '.timeout 5000', dbFile, text], { encoding: 'utf8' }).trim();
}
const one = (text) => Number(sql(text));

/** A confirmed ("waiting") registration, as after the e-mail confirmation. */
function addPerson(name, { role, occupation, municipality, mode = 'either', langs, capacity = 1, waited }) {
	const now = Math.floor(Date.now() / 1000);
	const at = now - waited * 86400;
	const [first, last] = name.split(' ');
	const pid = one(`INSERT INTO people (email, first_name, last_name, sector, occupation, municipality, meeting_mode,
		created_at, updated_at) VALUES ('${first.toLowerCase()}@example.org', '${first}', '${last}', 'ict',
		'${occupation}', '${municipality}', '${mode}', ${at}, ${at}) RETURNING id;`);
	for (const l of langs) sql(`INSERT INTO person_languages (person_id, lang) VALUES (${pid}, '${l}');`);
	reg[first] = one(`INSERT INTO registrations (person_id, role, status, capacity, created_at, confirmed_at, status_at)
		VALUES (${pid}, '${role}', 'waiting', ${capacity}, ${at}, ${at}, ${at}) RETURNING id;`);
	return pid;
}

async function staff(lang = 'sv') {
	const c = new Client(srv.url);
	const page = await c.get(`/${lang}/admin`);
	const r = await c.post(`/${lang}/admin/login`, { csrf: csrfField(page.text), email: STAFF_EMAIL, password: STAFF_PASSWORD });
	assert.equal(r.status, 303);
	return c;
}

const runOf = (location) => Number(/\/admin\/matching\/runs\/(\d+)$/.exec(new URL(location, srv.url).pathname)[1]);
const proposal = (run, participant) =>
	one(`SELECT id FROM match_proposals WHERE run_id = ${run} AND participant = ${reg[participant]};`);
const openerOf = (run, participant) =>
	one(`SELECT COALESCE((SELECT door_opener FROM match_proposals WHERE run_id = ${run} AND participant = ${reg[participant]}), 0);`);

test('only staff see or change matching', async () => {
	const c = new Client(srv.url);
	for (const p of ['/sv/admin/matching', '/fi/admin/matching/runs/1', '/en/admin/matching']) {
		const r = await c.get(p);
		assert.equal(r.status, 303, p);
		assert.match(r.headers.get('location'), /\/(sv|fi|en)\/admin$/);
	}
	const page = await c.get('/sv/admin');
	const csrf = csrfField(page.text);
	for (const p of ['/sv/admin/matching/run', '/sv/admin/matching/runs/1/discard', '/sv/admin/matching/runs/1/rerun',
		'/sv/admin/matching/runs/1/proposals/1/pin', '/sv/admin/matching/pins/1/remove']) {
		const r = await c.post(p, { csrf });
		assert.equal(r.status, 303, p);
		assert.match(r.headers.get('location'), /\/sv\/admin$/);
	}
	// Without a csrf token even staff are refused.
	const s = await staff('sv');
	assert.equal((await s.post('/sv/admin/matching/run', {})).status, 403);
	assert.equal(one('SELECT COUNT(*) FROM match_runs;'), 0);
});

test('a dry run, its proposals and reasons, pin, exclude, rerun and discard', async () => {
	addPerson('Aino Participant', { role: 'participant', occupation: '2512', municipality: 'FI-091', langs: ['fi', 'en'], waited: 100 });
	addPerson('Bo Participant', { role: 'participant', occupation: '2512', municipality: 'FI-049', langs: ['sv'], waited: 10 });
	addPerson('Carim Participant', { role: 'participant', occupation: '2512', municipality: 'FI-837', mode: 'in_person', langs: ['ar'], waited: 50 });
	addPerson('Dora Opener', { role: 'door_opener', occupation: '2512', municipality: 'FI-091', langs: ['fi', 'sv', 'en'], waited: 5 });
	addPerson('Eero Opener', { role: 'door_opener', occupation: '2514', municipality: 'FI-837', langs: ['sv', 'en'], waited: 5 });

	const c = await staff('sv');
	let r = await c.get('/sv/admin/matching');
	assert.equal(r.status, 200);
	assert.equal(h1Text(r.text), tr('sv', 'Matching'));
	assert.ok(pageText(r.text).includes(tr('sv', 'No runs yet.')));
	const csrf = csrfField(r.text);

	// The dry run.
	r = await c.post('/sv/admin/matching/run', { csrf });
	assert.equal(r.status, 303);
	const run1 = runOf(r.headers.get('location'));
	r = await c.get(`/sv/admin/matching/runs/${run1}`);
	assert.equal(r.status, 200);
	let text = pageText(r.text);
	assert.equal(h1Text(r.text), tr('sv', 'Run {id}').replace('{id}', String(run1)));
	for (const name of ['Aino Participant', 'Bo Participant', 'Dora Opener', 'Eero Opener', 'Carim Participant'])
		assert.ok(text.includes(name), name);
	assert.equal(openerOf(run1, 'Aino'), reg.Dora);
	assert.equal(openerOf(run1, 'Bo'), reg.Eero);
	for (const msgid of ['Same occupation unit group', 'Same municipality', 'Can meet in person',
		'Same occupation minor group', 'No door opener shares a meeting language'])
		assert.ok(text.includes(tr('sv', msgid)), msgid);
	assert.ok(text.includes(tr('sv', 'Waited {n} days').replace('{n}', '100')));
	assert.ok(/Engelska, Finska|Finska, Engelska/.test(text), 'shared languages by name'); // Aino and Dora
	assert.ok(text.includes(tr('sv', '{n} km').replace('{n}', '0')));
	assert.ok(text.includes(tr('sv', 'Verified: no other set of pairs scores higher')));

	// The history shows the run.
	r = await c.get('/sv/admin/matching');
	assert.match(r.text, new RegExp(`href="/sv/admin/matching/runs/${run1}"`));

	// Exclude Aino–Dora, rerun: Aino gets Eero, Bo gets Dora.
	r = await c.post(`/sv/admin/matching/runs/${run1}/proposals/${proposal(run1, 'Aino')}/exclude`, { csrf });
	assert.equal(r.status, 303);
	assert.match(r.headers.get('location'), new RegExp(`/sv/admin/matching/runs/${run1}#proposal-\\d+$`));
	r = await c.get(`/sv/admin/matching/runs/${run1}`);
	assert.ok(pageText(r.text).includes(tr('sv', 'Excluded from later runs')));
	r = await c.post(`/sv/admin/matching/runs/${run1}/rerun`, { csrf });
	assert.equal(r.status, 303);
	const run2 = runOf(r.headers.get('location'));
	assert.ok(run2 > run1);
	assert.equal(openerOf(run2, 'Aino'), reg.Eero);
	assert.equal(openerOf(run2, 'Bo'), reg.Dora);

	// Pin Bo–Dora, allow Aino–Dora again, rerun: the pin holds against the optimum.
	r = await c.post(`/sv/admin/matching/runs/${run2}/proposals/${proposal(run2, 'Bo')}/pin`, { csrf });
	assert.equal(r.status, 303);
	r = await c.get('/sv/admin/matching');
	text = pageText(r.text);
	assert.ok(text.includes('Bo Participant') && text.includes(tr('sv', 'Remove pin')));
	const removeExclusion = /action="(\/sv\/admin\/matching\/exclusions\/\d+\/\d+\/remove)"/.exec(r.text);
	assert.ok(removeExclusion, 'the exclusion is listed');
	r = await c.post(removeExclusion[1], { csrf });
	assert.equal(r.status, 303);
	assert.equal(one('SELECT COUNT(*) FROM match_exclusions;'), 0);
	r = await c.post(`/sv/admin/matching/runs/${run2}/rerun`, { csrf });
	const run3 = runOf(r.headers.get('location'));
	assert.equal(openerOf(run3, 'Bo'), reg.Dora);
	assert.equal(openerOf(run3, 'Aino'), reg.Eero);
	assert.equal(one(`SELECT pinned FROM match_proposals WHERE run_id = ${run3} AND participant = ${reg.Bo};`), 1);
	r = await c.get(`/sv/admin/matching/runs/${run3}`);
	assert.ok(pageText(r.text).includes(tr('sv', 'Pinned')));

	// Unpin from the proposal; the next run is the optimum again.
	r = await c.post(`/sv/admin/matching/runs/${run3}/proposals/${proposal(run3, 'Bo')}/unpin`, { csrf });
	assert.equal(r.status, 303);
	assert.equal(one('SELECT COUNT(*) FROM match_pins;'), 0);
	r = await c.post('/sv/admin/matching/run', { csrf });
	const run4 = runOf(r.headers.get('location'));
	assert.equal(openerOf(run4, 'Aino'), reg.Dora);

	// Discard (twice is harmless).
	for (let i = 0; i < 2; i++) {
		r = await c.post(`/sv/admin/matching/runs/${run1}/discard`, { csrf });
		assert.equal(r.status, 303);
	}
	assert.equal(sql(`SELECT status FROM match_runs WHERE id = ${run1};`), 'discarded');
	r = await c.get(`/sv/admin/matching/runs/${run1}`);
	text = pageText(r.text);
	assert.ok(text.includes(tr('sv', 'Discarded')));
	assert.ok(!r.text.includes(`/runs/${run1}/discard"`), 'no discard button on a discarded run');

	// Pinning a pair whose participant withdrew since the run is refused with a message.
	sql(`UPDATE registrations SET status = 'withdrawn' WHERE id = ${reg.Carim};`);
	sql(`UPDATE registrations SET status = 'withdrawn' WHERE id = ${reg.Aino};`);
	r = await c.post(`/sv/admin/matching/runs/${run4}/proposals/${proposal(run4, 'Aino')}/pin`, { csrf });
	assert.equal(r.status, 409);
	assert.ok(pageText(r.text).includes(tr('sv', 'This pair cannot be pinned: one of the registrations is no longer waiting.')));
	sql(`UPDATE registrations SET status = 'waiting' WHERE id IN (${reg.Aino}, ${reg.Carim});`);

	// Unknown runs and proposals of another run.
	assert.equal((await c.get('/sv/admin/matching/runs/999')).status, 404);
	assert.equal((await c.get('/sv/admin/matching/runs/abc')).status, 404);
	assert.equal((await c.post(`/sv/admin/matching/runs/${run1}/proposals/${proposal(run4, 'Aino')}/pin`, { csrf })).status, 404);
	assert.equal((await c.post('/sv/admin/matching/runs/999/discard', { csrf })).status, 404);

	// The audit log has every action, by id only.
	const actions = sql('SELECT action FROM audit_log WHERE action LIKE \'match%\' ORDER BY id;').split('\n');
	for (const a of ['match_run', 'match_exclude', 'match_pin', 'match_unexclude', 'match_unpin', 'match_discard'])
		assert.ok(actions.includes(a), a);
	assert.equal(actions.filter((a) => a === 'match_discard').length, 1);
	assert.ok(!sql('SELECT detail FROM audit_log;').includes('Participant'), 'no names in the audit log');
});

test('the run page in Finnish and English', async () => {
	for (const lang of ['fi', 'en']) {
		const c = await staff(lang);
		let r = await c.get(`/${lang}/admin/matching`);
		assert.equal(r.status, 200);
		r = await c.post(`/${lang}/admin/matching/run`, { csrf: csrfField(r.text) });
		assert.equal(r.status, 303);
		r = await c.get(new URL(r.headers.get('location'), srv.url).pathname);
		assert.equal(r.status, 200);
		const text = pageText(r.text);
		assert.ok(text.includes(tr(lang, 'Same occupation unit group')), lang);
		assert.ok(text.includes(tr(lang, 'Unmatched participants')), lang);
	}
});
