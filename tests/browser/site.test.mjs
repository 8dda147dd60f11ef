// The site in a real browser (Debian's chromium through playwright-core)
// against the real server built with ASan+UBSan: every public page in every
// language, the language switcher, the skip link, the staff login, logout,
// a form without its CSRF field and a form with errors. Screenshots of the
// home page go to build/screenshots/ (not committed).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { openBrowser } from '../lib/browser.mjs';
import { startServer, assertCleanExit, REPO, LANGS, PUBLIC_PAGES, STAFF_EMAIL, STAFF_PASSWORD, ORG_NAME } from '../lib/server.mjs';
import { tr } from '../lib/catalog.mjs';

const LANG_NAMES = { sv: 'Svenska', fi: 'Suomi', en: 'English' };

let srv, browser, ctx, problems;

before(async () => {
	srv = await startServer();
	browser = await openBrowser();
	({ ctx, problems } = browser);
});

after(async () => {
	if (browser) await browser.close();
	if (srv) await srv.stop();
});


const freshPage = () => browser.freshPage();

function takeProblems() {
	return problems.splice(0, problems.length);
}

test('every public page in every language has one h1, a main landmark and its language', async () => {
	const page = await freshPage();
	for (const lang of LANGS) {
		for (const p of PUBLIC_PAGES) {
			const url = `${srv.url}/${lang}${p}`;
			const res = await page.goto(url);
			assert.equal(res.status(), 200, url);
			assert.equal(await page.getAttribute('html', 'lang'), lang, url);
			assert.equal(await page.locator('h1').count(), 1, `${url}: exactly one h1`);
			const h1 = (await page.locator('h1').innerText()).trim();
			assert.ok(h1.length > 2, `${url}: h1 has text`);
			assert.equal(await page.getByRole('main').count(), 1, `${url}: one main landmark`);
			assert.equal(await page.getByRole('navigation').count() >= 2, true, `${url}: menus`);
			assert.ok((await page.title()).endsWith(ORG_NAME), `${url}: title`);
			// The stylesheet applied (it hides the skip link until focused).
			const top = await page.locator('.skip-link').evaluate((e) => e.getBoundingClientRect().bottom);
			assert.ok(top <= 0, `${url}: the stylesheet hides the skip link`);
		}
	}
	assert.deepEqual(takeProblems(), [], 'no console errors, CSP violations or failed requests');
});

test('the language switcher keeps the page: Suomi, then English', async () => {
	const page = await freshPage();
	await page.goto(`${srv.url}/sv/faq`);
	const sw = page.getByRole('navigation', { name: tr('sv', 'Choose language') });
	assert.equal(await sw.getByRole('link').count(), 3);
	assert.equal(await sw.getByRole('link', { name: 'Svenska' }).getAttribute('aria-current'), 'true');
	await sw.getByRole('link', { name: LANG_NAMES.fi }).click();
	await page.waitForURL(`${srv.url}/fi/faq`);
	assert.equal(await page.getAttribute('html', 'lang'), 'fi');
	assert.equal((await page.locator('h1').innerText()).trim(), tr('fi', 'Questions and answers'));
	await page.getByRole('navigation', { name: tr('fi', 'Choose language') }).getByRole('link', { name: LANG_NAMES.en }).click();
	await page.waitForURL(`${srv.url}/en/faq`);
	assert.equal(await page.getAttribute('html', 'lang'), 'en');
	assert.equal((await page.locator('h1').innerText()).trim(), 'Questions and answers');
	// The choice is remembered: the bare address now opens the English site.
	await page.goto(`${srv.url}/`);
	assert.equal(page.url(), `${srv.url}/en/`);
	assert.deepEqual(takeProblems(), []);
});

test('the first Tab reaches the skip link, which shows itself and moves focus to main', async () => {
	const page = await freshPage();
	await page.goto(`${srv.url}/sv/participants`);
	await page.keyboard.press('Tab');
	const focused = await page.evaluate(() => ({
		cls: document.activeElement.className, text: document.activeElement.textContent.trim(),
		bottom: document.activeElement.getBoundingClientRect().bottom,
	}));
	assert.equal(focused.cls, 'skip-link');
	assert.equal(focused.text, tr('sv', 'Skip to main content'));
	assert.ok(focused.bottom > 0, 'the focused skip link is visible');
	await page.keyboard.press('Enter');
	await page.waitForURL(/#main$/);
	assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
	// The next Tab goes into the content, not back to the header.
	await page.keyboard.press('Tab');
	const inside = await page.evaluate(() => !!document.activeElement.closest('main'));
	assert.ok(inside, 'focus continues inside main');
	assert.deepEqual(takeProblems(), []);
});

test('staff log in, open the audit log and log out', async () => {
	const page = await freshPage();
	await page.goto(`${srv.url}/sv/admin`);
	assert.equal((await page.locator('h1').innerText()).trim(), tr('sv', 'Staff login'));
	await page.getByLabel(tr('sv', 'E-mail address')).fill(STAFF_EMAIL);
	await page.getByLabel(tr('sv', 'Password')).fill(STAFF_PASSWORD);
	const [res] = await Promise.all([
		page.waitForResponse((r) => r.url().endsWith('/sv/admin/login')),
		page.getByRole('button', { name: tr('sv', 'Log in') }).click(),
	]);
	assert.equal(res.status(), 303);
	await page.waitForURL(`${srv.url}/sv/admin`);
	assert.equal((await page.locator('h1').innerText()).trim(), tr('sv', 'Admin'));
	assert.ok((await page.locator('main').innerText()).includes(STAFF_EMAIL));
	const cookies = await ctx.cookies(srv.url);
	const session = cookies.find((c) => c.name === 'ovi_session');
	assert.ok(session, 'a session cookie');
	assert.equal(session.httpOnly, true);
	assert.equal(session.sameSite, 'Lax');
	assert.equal(await page.evaluate(() => document.cookie), '', 'no cookie is readable from script');

	await page.getByRole('main').getByRole('link', { name: tr('sv', 'Audit log') }).click();
	await page.waitForURL(`${srv.url}/sv/admin/audit`);
	assert.equal((await page.locator('h1').innerText()).trim(), tr('sv', 'Audit log'));
	const first = page.locator('tbody tr').first();
	assert.equal((await first.locator('td').nth(1).innerText()).trim(), STAFF_EMAIL);
	assert.equal((await first.locator('td').nth(2).innerText()).trim(), tr('sv', 'Logged in'));

	await page.getByRole('button', { name: tr('sv', 'Log out') }).click();
	await page.waitForURL(`${srv.url}/sv/`);
	assert.equal(await page.getByRole('button', { name: tr('sv', 'Log out') }).count(), 0, 'the staff bar is gone');
	assert.equal((await ctx.cookies(srv.url)).find((c) => c.name === 'ovi_session'), undefined);
	await page.goto(`${srv.url}/sv/admin/audit`);
	assert.equal(page.url(), `${srv.url}/sv/admin`);
	assert.equal((await page.locator('h1').innerText()).trim(), tr('sv', 'Staff login'));
	assert.deepEqual(takeProblems(), []);
});

test('a form sent without its csrf field gets the 403 page in the page language', async () => {
	const page = await freshPage();
	await page.goto(`${srv.url}/fi/admin`);
	await page.getByLabel(tr('fi', 'E-mail address')).fill(STAFF_EMAIL);
	await page.getByLabel(tr('fi', 'Password')).fill(STAFF_PASSWORD);
	const removed = await page.evaluate(() => {
		const f = document.querySelector('form[action$="/admin/login"] input[name="csrf"]');
		if (f) f.remove();
		return !!f;
	});
	assert.ok(removed, 'the form had a csrf field');
	const [res] = await Promise.all([
		page.waitForResponse((r) => r.url().endsWith('/fi/admin/login')),
		page.getByRole('button', { name: tr('fi', 'Log in') }).click(),
	]);
	assert.equal(res.status(), 403);
	await page.waitForLoadState();
	assert.equal(await page.getAttribute('html', 'lang'), 'fi');
	assert.equal((await page.locator('h1').innerText()).trim(), tr('fi', 'The form has expired'));
	assert.notEqual(tr('fi', 'The form has expired'), 'The form has expired');
	assert.equal((await ctx.cookies(srv.url)).find((c) => c.name === 'ovi_session'), undefined, 'not logged in');
	takeProblems(); // chromium logs the 403 itself as a console error
});

test('a login with an empty or invalid e-mail shows an error summary that links to the field', async () => {
	const page = await freshPage();
	await page.goto(`${srv.url}/en/admin`);
	await page.getByLabel('Password').fill('typed-password-123');
	await page.getByRole('button', { name: 'Log in' }).click();
	await page.waitForLoadState();
	const summary = page.locator('.error-summary');
	assert.equal(await summary.count(), 1);
	assert.equal(await summary.getAttribute('role'), 'alert');
	const link = summary.getByRole('link', { name: 'Enter the e-mail address of your staff account.' });
	assert.equal(await link.getAttribute('href'), '#email');
	assert.equal(await page.getByLabel('E-mail address').getAttribute('aria-invalid'), 'true');
	assert.equal(await page.getByLabel('Password').inputValue(), '', 'a password is never sent back');
	await link.click();
	assert.equal(await page.evaluate(() => document.activeElement.id), 'email', 'the link focuses the field');

	// An address without "@" is kept in the field, with the same error.
	await page.getByLabel('E-mail address').fill('staff.example.org');
	await page.getByLabel('Password').fill('typed-password-123');
	await page.getByRole('button', { name: 'Log in' }).click();
	await page.waitForLoadState();
	assert.equal(await page.getByLabel('E-mail address').inputValue(), 'staff.example.org');
	assert.equal(await page.locator('.error-summary a[href="#email"]').count(), 1);
	// A missing password names the password field and keeps the e-mail.
	await page.getByLabel('E-mail address').fill(STAFF_EMAIL);
	await page.getByRole('button', { name: 'Log in' }).click();
	await page.waitForLoadState();
	assert.equal(await page.getByLabel('E-mail address').inputValue(), STAFF_EMAIL);
	assert.equal(await page.locator('.error-summary a[href="#password"]').count(), 1);
	takeProblems(); // chromium logs the 422 answers as console errors
});

test('screenshots of the home page in each language', async () => {
	const dir = path.join(REPO, 'build/screenshots');
	await mkdir(dir, { recursive: true });
	const page = await freshPage();
	for (const lang of LANGS) {
		await page.goto(`${srv.url}/${lang}/`);
		const file = path.join(dir, `home-${lang}.png`);
		await page.screenshot({ path: file, fullPage: true });
		// Nothing sticks out sideways at desktop width.
		const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
		assert.ok(wide <= 0, `${lang}: horizontal scrolling (${wide}px)`);
	}
	// A phone-sized window has no horizontal scrolling either.
	await page.setViewportSize({ width: 360, height: 740 });
	for (const lang of LANGS) {
		await page.goto(`${srv.url}/${lang}/privacy`);
		const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
		assert.ok(wide <= 0, `${lang} on a phone: horizontal scrolling (${wide}px)`);
	}
	await page.screenshot({ path: path.join(dir, 'privacy-en-phone.png'), fullPage: false });
	assert.deepEqual(takeProblems(), []);
});

test('the server stops cleanly (no sanitizer or leak report)', async () => {
	await ctx.close();
	ctx = null;
	assertCleanExit(await srv.stop());
});
