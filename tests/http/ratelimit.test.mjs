// The per-address login limit: after 20 failed logins from one address in
// ten minutes, even the right password is refused with 429. A server of its
// own, so the other tests' failed logins do not count.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertCleanExit, assertLogFree, STAFF_EMAIL, STAFF_PASSWORD } from '../lib/server.mjs';
import { Client, csrfField, h1Text, pageText } from '../lib/http.mjs';
import { tr } from '../lib/catalog.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { if (srv) await srv.stop(); });

test('20 wrong passwords from one address, then even the right one gets 429', async () => {
	const c = new Client(srv.url);
	const csrf = csrfField((await c.get('/sv/admin')).text);
	// Before the limit the right password works (and does not count).
	const ok = await c.post('/sv/admin/login', { csrf, email: STAFF_EMAIL, password: STAFF_PASSWORD });
	assert.equal(ok.status, 303);
	c.jar.delete('ovi_session');
	const csrf2 = csrfField((await c.get('/sv/admin')).text);
	for (let i = 0; i < 20; i++) {
		// Different accounts: the limit is per address, not per account.
		const email = i % 2 ? STAFF_EMAIL : `other${i}@example.org`;
		const r = await c.post('/sv/admin/login', { csrf: csrf2, email, password: `Wrong-Password-${i}-x` });
		assert.equal(r.status, 422, `attempt ${i + 1}`);
	}
	const r = await c.post('/sv/admin/login', { csrf: csrf2, email: STAFF_EMAIL, password: STAFF_PASSWORD });
	assert.equal(r.status, 429);
	assert.equal(h1Text(r.text), tr('sv', 'Staff login'));
	assert.ok(pageText(r.text).includes(tr('sv', 'Too many failed attempts. Wait ten minutes and try again.')));
	assert.ok(r.text.includes(`value="${STAFF_EMAIL}"`));
	assert.equal(r.setCookies.find((x) => x.name === 'ovi_session'), undefined, 'no session');
	// A new visitor (new cookies) from the same address is refused too.
	const d = new Client(srv.url);
	const t = csrfField((await d.get('/fi/admin')).text);
	const r2 = await d.post('/fi/admin/login', { csrf: t, email: STAFF_EMAIL, password: STAFF_PASSWORD });
	assert.equal(r2.status, 429);
	assert.ok(pageText(r2.text).includes(tr('fi', 'Too many failed attempts. Wait ten minutes and try again.')));
	// Pages still work.
	assert.equal((await d.get('/fi/')).status, 200);
	assertLogFree(srv.stderr(), [STAFF_EMAIL, STAFF_PASSWORD, 'Wrong-Password', 'example.org']);
});

test('the server stops cleanly (no sanitizer or leak report)', async () => {
	assertCleanExit(await srv.stop());
});
