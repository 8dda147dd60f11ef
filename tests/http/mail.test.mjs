// E-mail, end to end: a staff member sends the test message from the outbox
// page and it arrives at a real SMTP server on loopback (tests/lib/smtp.mjs)
// with the right headers and both parts; the sender survives a server that
// answers 4xx (retried, then delivered), 5xx (failed, shown to staff, then
// "retry now") and a server that is down (delivered once it is back); and
// no message is ever delivered twice.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertCleanExit, assertLogFree, STAFF_EMAIL, STAFF_PASSWORD } from '../lib/server.mjs';
import { Client, csrfField, decodeEntities, h1Text, pageText } from '../lib/http.mjs';
import { tr } from '../lib/catalog.mjs';
import { startSmtp } from '../lib/smtp.mjs';

// Non-ASCII and "&" in the programme's name: the subject must be RFC 2047
// encoded, the text part must not be HTML-escaped, the HTML part must be.
const ORG = 'Dörren & Ovi – test';
let smtp, srv, staff;

before(async () => {
	smtp = await startSmtp({ mode: 'ok' });
	srv = await startServer({
		env: {
			OVI_SMTP_URL: smtp.url,
			OVI_ORG_NAME: ORG,
			OVI_MAIL_RETRY_BASE: '1',
			// A long poll: quick delivery then shows that queueing wakes the sender.
			OVI_MAIL_POLL_MS: '5000',
		},
	});
	staff = await login('sv');
});

after(async () => {
	if (srv) {
		const r = await srv.stop();
		assertLogFree(r.stderr, [STAFF_EMAIL, STAFF_PASSWORD]);
		assertCleanExit(r);
	}
	if (smtp) await smtp.stop();
});

async function login(lang) {
	const c = new Client(srv.url);
	const page = await c.get(`/${lang}/admin`);
	const r = await c.post(`/${lang}/admin/login`, { csrf: csrfField(page.text), email: STAFF_EMAIL, password: STAFF_PASSWORD });
	assert.equal(r.status, 303);
	return c;
}

function fill(msg, values) {
	return msg.replace(/\{(\w+)\}/g, (all, k) => (k in values ? values[k] : all));
}

/** POST the "send a test message to myself" form; returns { id, path, t0 }. */
async function sendTest(c, lang = 'sv') {
	const page = await c.get(`/${lang}/admin/outbox`);
	assert.equal(page.status, 200);
	const t0 = Date.now();
	const r = await c.post(`/${lang}/admin/outbox/test`, { csrf: csrfField(page.text) });
	assert.equal(r.status, 303, r.text.slice(0, 500));
	const loc = r.headers.get('location');
	const m = /^\/sv\/admin\/outbox\/(\d+)\?notice=test$/.exec(loc.replace(`/${lang}/`, '/sv/'));
	assert.ok(m, `redirect to the message: ${loc}`);
	return { id: Number(m[1]), path: `/${lang}/admin/outbox/${m[1]}`, t0 };
}

/** The message page: { status label, Message-ID, page }. */
async function messagePage(c, path) {
	const r = await c.get(path);
	assert.equal(r.status, 200);
	const mid = /<code>(&lt;[^<]*&gt;)<\/code>/.exec(r.text);
	assert.ok(mid, 'the page shows the Message-ID');
	const st = /<dt>[^<]*<\/dt><dd>([^<–]*)/.exec(r.text);
	return { text: r.text, messageId: decodeEntities(mid[1]), status: st ? decodeEntities(st[1]).trim() : '' };
}

async function until(what, fn, timeoutMs = 15000) {
	const end = Date.now() + timeoutMs;
	for (;;) {
		const v = await fn();
		if (v) return v;
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 150));
	}
}

function countById(id) {
	return smtp.messages.filter((m) => m.messageId === id).length;
}

test('staff only: the outbox pages and forms need a staff login', async () => {
	const c = new Client(srv.url);
	for (const path of ['/sv/admin/outbox', '/sv/admin/outbox/1']) {
		const r = await c.get(path);
		assert.equal(r.status, 303);
		assert.equal(r.headers.get('location'), '/sv/admin');
	}
	const page = await c.get('/sv/admin');
	const csrf = csrfField(page.text);
	const before = smtp.messages.length;
	for (const path of ['/sv/admin/outbox/test', '/sv/admin/outbox/1/retry']) {
		const r = await c.post(path, { csrf });
		assert.equal(r.status, 303);
		assert.equal(r.headers.get('location'), '/sv/admin');
	}
	// Without a csrf token even staff are refused.
	const r = await staff.post('/sv/admin/outbox/test', {});
	assert.equal(r.status, 403);
	// Bad ids.
	for (const id of ['0', 'abc', '99999999', '1x', '-1', '12345678901234567890']) {
		assert.equal((await staff.get(`/sv/admin/outbox/${id}`)).status, 404, id);
	}
	await new Promise((res) => setTimeout(res, 300));
	assert.equal(smtp.messages.length, before, 'nothing was sent');
});

test('a staff member sends the test message to themselves and it arrives, well formed', async () => {
	const { path, t0 } = await sendTest(staff, 'sv');
	const m = await smtp.waitFor((x) => x.envelope.to.includes(STAFF_EMAIL), 10000);
	const elapsed = Date.now() - t0;
	assert.ok(elapsed < 3000, `delivered ${elapsed} ms after queueing (the sender is woken, not polled)`);

	// Envelope and headers.
	assert.deepEqual(m.envelope, { from: 'noreply@ovi.invalid', to: [STAFF_EMAIL] });
	const subject = fill(tr('sv', 'Test message from {org}'), { org: ORG });
	assert.equal(m.subject, subject);
	assert.match(m.headers.subject[0], /^=\?UTF-8\?[BQ]\?/, 'the non-ASCII subject is RFC 2047 encoded');
	assert.equal(m.to, `<${STAFF_EMAIL}>`);
	assert.equal(m.from, 'Ovi <noreply@ovi.invalid>');
	assert.match(m.messageId, /^<[A-Za-z0-9_-]{43}@localhost>$/);
	assert.match(m.headers.date[0], /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d \+0000$/);
	assert.equal(m.headers['mime-version'][0], '1.0');
	assert.match(m.headers['content-type'][0], /^multipart\/alternative; boundary="/);
	for (const h of ['from', 'to', 'subject', 'date', 'message-id', 'mime-version', 'content-type'])
		assert.equal(m.headers[h].length, 1, `one ${h} header`);
	for (const line of m.head.split('\r\n'))
		assert.ok(line.length <= 78, `header line of ${line.length} characters: ${line}`);
	for (const line of m.raw.split('\r\n'))
		assert.ok(line.length <= 998 && /^[\x20-\x7e\t]*$/.test(line), 'every line is 7-bit and short');

	// Both parts, in Swedish; the text part is plain text, the HTML part escaped.
	assert.deepEqual(m.parts.map((p) => p.type), ['text/plain', 'text/html']);
	assert.ok(m.text.includes(tr('sv', 'Hello,')));
	assert.ok(m.text.includes(STAFF_EMAIL));
	assert.ok(m.text.includes(`/sv/admin/outbox`));
	assert.ok(m.text.includes(ORG), 'the text part has the name as it is');
	assert.ok(!m.text.includes('&amp;') && !m.text.includes('<p'), 'the text part is not HTML');
	assert.ok(m.text.includes('\n-- \n'), 'the text part ends with a signature');
	assert.match(m.html, /<html lang="sv">/);
	assert.ok(m.html.includes('Dörren &amp; Ovi'), 'the HTML part is escaped');
	assert.ok(m.html.includes(`<title>${subject.replace('&', '&amp;')}</title>`));

	// The outbox shows it as sent, with its headers and both bodies as text.
	const p = await until('the message marked sent', async () => {
		const x = await messagePage(staff, path);
		return x.status === tr('sv', 'Sent') ? x : null;
	});
	assert.equal(p.messageId, m.messageId);
	assert.equal(h1Text(p.text), fill(tr('sv', 'E-mail {id}'), { id: path.split('/').pop() }));
	assert.equal((p.text.match(/<html/g) || []).length, 1, 'the mail\'s HTML is not rendered into the page');
	assert.ok(p.text.includes('&lt;html lang=&quot;sv&quot;&gt;'), 'the HTML part is shown as escaped source');
	assert.ok(p.text.includes('Subject: =?UTF-8?'), 'the headers as sent');
	assert.ok(pageText(p.text).includes(STAFF_EMAIL));
	const list = await staff.get('/sv/admin/outbox');
	assert.ok(pageText(list.text).includes(subject));
	assert.ok(list.text.includes(`href="${path}"`));
	const sentOnly = await staff.get('/sv/admin/outbox?status=sent');
	assert.ok(sentOnly.text.includes(`href="${path}"`));
	const failedOnly = await staff.get('/sv/admin/outbox?status=failed');
	assert.ok(!failedOnly.text.includes(`href="${path}"`));
	assert.equal((await staff.get('/sv/admin/outbox?status=bogus&before=x')).status, 200);
	assert.equal(countById(m.messageId), 1);
});

test('a test message in English, from the English page', async () => {
	const en = await login('en');
	const { path } = await sendTest(en, 'en');
	const { messageId } = await messagePage(en, path);
	const m = await smtp.waitFor((x) => x.messageId === messageId);
	assert.equal(m.subject, fill(tr('en', 'Test message from {org}'), { org: ORG }));
	assert.match(m.html, /<html lang="en">/);
	assert.ok(m.text.includes('/en/admin/outbox'));
});

test('a server answering 4xx: the message is retried and delivered once it answers OK', async () => {
	await smtp.setMode('tempfail');
	const rejected0 = smtp.rejected;
	const { path } = await sendTest(staff);
	// Retried with backoff (1 s, 2 s, ... in this test).
	await until('two refusals', () => smtp.rejected - rejected0 >= 2);
	const p = await messagePage(staff, path);
	assert.equal(p.status, tr('sv', 'Queued'));
	assert.match(p.text, /450/, 'the reason is shown');
	assert.equal(countById(p.messageId), 0);
	await smtp.setMode('ok');
	const m = await smtp.waitFor((x) => x.messageId === p.messageId, 15000);
	assert.ok(m.text);
	await until('marked sent', async () => (await messagePage(staff, path)).status === tr('sv', 'Sent'));
	assert.equal(countById(p.messageId), 1);
});

test('a server answering 5xx: the message fails, staff see it, and "retry now" sends it', async () => {
	await smtp.setMode('permfail');
	const rejected0 = smtp.rejected;
	const { path } = await sendTest(staff);
	const p = await until('the message marked failed', async () => {
		const x = await messagePage(staff, path);
		return x.status === tr('sv', 'Failed') ? x : null;
	});
	assert.equal(smtp.rejected - rejected0, 1, 'a permanent failure is not retried');
	assert.match(p.text, /550/);
	assert.ok(p.text.includes(`action="${path}/retry"`), 'a retry button');
	const failed = await staff.get('/sv/admin/outbox?status=failed');
	assert.ok(failed.text.includes(`href="${path}"`), 'listed under failed');
	await new Promise((r) => setTimeout(r, 1500));
	assert.equal(smtp.rejected - rejected0, 1, 'still not retried');

	// The server is fixed; staff retry.
	await smtp.setMode('ok');
	const r = await staff.post(`${path}/retry`, { csrf: csrfField(p.text) });
	assert.equal(r.status, 303);
	assert.equal(r.headers.get('location'), `${path}?notice=retry`);
	await smtp.waitFor((x) => x.messageId === p.messageId);
	const after = await until('marked sent', async () => {
		const x = await messagePage(staff, path);
		return x.status === tr('sv', 'Sent') ? x : null;
	});
	assert.ok(!after.text.includes(`action="${path}/retry"`), 'no retry for a sent message');
	// Retrying a sent message does nothing.
	const again = await staff.post(`${path}/retry`, { csrf: csrfField(after.text) });
	assert.equal(again.headers.get('location'), `${path}?notice=not-failed`);
	await new Promise((res) => setTimeout(res, 1000));
	assert.equal(countById(p.messageId), 1);
});

test('a server that is down: the message waits and is delivered once it is back', async () => {
	await smtp.setMode('down');
	const { path } = await sendTest(staff);
	const p = await until('a failed attempt', async () => {
		const x = await messagePage(staff, path);
		return x.status === tr('sv', 'Queued') && /connect/i.test(x.text) ? x : null;
	});
	await new Promise((r) => setTimeout(r, 1000));
	assert.equal(countById(p.messageId), 0);
	await smtp.setMode('ok');
	await smtp.waitFor((x) => x.messageId === p.messageId, 20000);
	await until('marked sent', async () => (await messagePage(staff, path)).status === tr('sv', 'Sent'));
});

test('no message was delivered twice', async () => {
	await new Promise((r) => setTimeout(r, 1500));
	const ids = smtp.messages.map((m) => m.messageId);
	assert.ok(ids.length >= 5);
	assert.equal(new Set(ids).size, ids.length, `duplicates among ${ids.join(' ')}`);
	// And everything queued was delivered: nothing is left in the outbox.
	const q = await staff.get('/sv/admin/outbox?status=queued');
	assert.ok(pageText(q.text).includes(tr('sv', 'No messages.')));
});
