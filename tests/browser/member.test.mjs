// The member area in a real browser (Debian's chromium through
// playwright-core) against the real server (ASan build) and a real SMTP
// server on loopback. In each language a registered person logs in by
// e-mail link (the mail is read from the SMTP server), sees their
// registration, edits their profile, downloads their data (the browser's
// download, parsed as JSON) and deletes their account.
//
// The person is put into the server's database with the sqlite3 tool, so
// this file does not depend on the registration forms; the profile page
// (/xx/member/profile) belongs to the registration work.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { openBrowser } from '../lib/browser.mjs';
import { startServer, assertCleanExit, LANGS } from '../lib/server.mjs';
import { tr } from '../lib/catalog.mjs';
import { startSmtp } from '../lib/smtp.mjs';


let srv, smtp, browser, ctx, problems;

before(async () => {
	smtp = await startSmtp({ mode: 'ok' });
	srv = await startServer({ env: { OVI_SMTP_URL: `smtp://127.0.0.1:${smtp.port}` } });
	browser = await openBrowser({ acceptDownloads: true, downloads: ['/member/export'] });
	({ ctx, problems } = browser);
});

after(async () => {
	if (browser) await browser.close();
	if (srv) await srv.stop();
	if (smtp) await smtp.stop();
});


const freshPage = () => browser.freshPage();

function sql(query) {
	return new Promise((resolve, reject) => {
		execFile('sqlite3', ['-cmd', '.timeout 5000', path.join(srv.dir, 'ovi.db'), query], (err, stdout, stderr) => {
			if (err) reject(new Error(`sqlite3: ${err.message}\n${stderr}`));
			else resolve(stdout.trim());
		});
	});
}

const q = (s) => `'${String(s).replace(/'/g, "''")}'`;

/** A confirmed participant waiting for a match; returns { id, email, first }. */
async function addPerson(lang) {
	const email = `browser.${lang}.${Date.now()}@example.org`;
	const first = { sv: 'Åsa', fi: 'Päivi', en: 'Grace' }[lang];
	const now = Math.floor(Date.now() / 1000);
	const id = await sql(`
		INSERT INTO people (email, first_name, last_name, phone, mail_lang, sector, occupation, job_title,
			experience_years, education, municipality, meeting_mode, intro, created_at, updated_at)
		VALUES (${q(email)}, ${q(first)}, 'Testinen', '', ${q(lang)}, 'ict', '2512', 'Developer', 5, 'master',
			'FI-091', 'either', 'I build web services.', ${now}, ${now});
		INSERT INTO person_languages (person_id, lang) VALUES (last_insert_rowid(), ${q(lang)});
		INSERT INTO registrations (person_id, role, status, created_at, confirmed_at, status_at)
			SELECT id, 'participant', 'waiting', ${now}, ${now}, ${now} FROM people WHERE email = ${q(email)};
		INSERT INTO consents (person_id, registration_id, notice_version, lang, at)
			SELECT person_id, id, '2026-11-23', ${q(lang)}, ${now} FROM registrations
			WHERE person_id = (SELECT id FROM people WHERE email = ${q(email)});
		SELECT id FROM people WHERE email = ${q(email)};`);
	return { id: Number(id), email, first };
}

const isTo = (m, email) => [].concat(m.to).map((t) => (typeof t === 'string' ? t : t?.address || JSON.stringify(t)))
	.join(' ').toLowerCase().includes(email.toLowerCase());

async function mailedLinkPath(email, lang, since) {
	const re = new RegExp(`https?://[^\\s"<>]*(/${lang}/login/[A-Za-z0-9_-]{43})`);
	const end = Date.now() + 10000;
	for (;;) {
		const m = smtp.messages.slice(since).find((x) => isTo(x, email) && re.test(x.text));
		if (m) return re.exec(m.text)[1];
		if (Date.now() > end) throw new Error(`no login e-mail for ${lang}`);
		await new Promise((res) => setTimeout(res, 50));
	}
}

const h1 = async (page) => (await page.locator('h1').innerText()).trim();

for (const lang of LANGS) {
	test(`${lang}: log in by e-mail link, see the registration, edit the profile, download the data, delete the account`, async () => {
		const person = await addPerson(lang);
		const page = await freshPage();

		// Ask for a link (the form is sent with the keyboard).
		await page.goto(`${srv.url}/${lang}/login`);
		assert.equal(await h1(page), tr(lang, 'Log in'));
		const since = smtp.messages.length;
		await page.getByLabel(tr(lang, 'E-mail address')).fill(person.email);
		await page.getByLabel(tr(lang, 'E-mail address')).press('Enter');
		await page.waitForURL(`${srv.url}/${lang}/login/sent`);
		assert.equal(await h1(page), tr(lang, 'Check your e-mail'));

		// Follow the link from the e-mail: a page with a button; the button logs in.
		const linkPath = await mailedLinkPath(person.email, lang, since);
		await page.goto(`${srv.url}${linkPath}`);
		assert.equal(await h1(page), tr(lang, 'Log in'));
		assert.equal((await ctx.cookies(srv.url)).find((c) => c.name === 'ovi_member'), undefined, 'opening the link does not log in');
		await page.getByRole('main').getByRole('button', { name: tr(lang, 'Log in') }).click();
		await page.waitForURL(`${srv.url}/${lang}/member`);
		assert.equal(await h1(page), tr(lang, 'Your page'));
		const member = (await ctx.cookies(srv.url)).find((c) => c.name === 'ovi_member');
		assert.ok(member && member.httpOnly && member.sameSite === 'Lax');

		// The registration and its status, in this language.
		const row = page.locator('main tbody tr');
		assert.equal(await row.count(), 1);
		assert.equal((await row.locator('td').nth(0).innerText()).trim(), tr(lang, 'Participant'));
		assert.equal((await row.locator('td').nth(2).innerText()).trim(), tr(lang, 'Waiting for a match'));

		// Edit the profile (the registration work's page).
		const probe = await page.request.get(`${srv.url}/${lang}/member/profile`, { maxRedirects: 0 });
		let edited = false;
		if (probe.status() !== 404) {
			await page.getByRole('link', { name: tr(lang, 'Edit your profile') }).click();
			await page.waitForURL(`${srv.url}/${lang}/member/profile`);
			const firstName = page.locator('main input[name="first_name"]');
			assert.equal(await firstName.count(), 1, 'the profile form has the first name');
			assert.equal(await firstName.inputValue(), person.first);
			await firstName.fill(`${person.first}-Edited`);
			await Promise.all([
				page.waitForNavigation(),
				page.locator('main form:has(input[name="first_name"]) button[type="submit"]').last().click(),
			]);
			const stored = await sql(`SELECT first_name FROM people WHERE id = ${person.id}`);
			assert.equal(stored, `${person.first}-Edited`, `the profile was saved (page: ${page.url()})`);
			edited = true;
			await page.goto(`${srv.url}/${lang}/member`);
		} else {
			// eslint-disable-next-line no-console
			console.log(`# ${lang}: /member/profile does not exist yet; profile editing not tested`);
		}

		// Download the data: a real download, parsed as JSON.
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			page.getByRole('link', { name: tr(lang, 'Download your data (JSON)') }).click(),
		]);
		assert.match(download.suggestedFilename(), /^my-data-\d{4}-\d{2}-\d{2}\.json$/);
		const data = JSON.parse(await readFile(await download.path(), 'utf8'));
		assert.equal(data.person.email, person.email);
		assert.equal(data.person.first_name, edited ? `${person.first}-Edited` : person.first);
		assert.equal(data.person.mail_lang, lang);
		assert.equal(data.registrations.length, 1);
		assert.equal(data.registrations[0].status, 'waiting');
		assert.equal(data.consents[0].lang, lang);
		assert.ok(data.emails.some((m) => m.kind === 'login'), 'the login e-mail is listed');

		// Delete the account.
		await page.getByRole('link', { name: tr(lang, 'Delete your account') }).click();
		await page.waitForURL(`${srv.url}/${lang}/member/delete`);
		assert.equal(await h1(page), tr(lang, 'Delete your account'));
		await page.getByRole('button', { name: tr(lang, 'Delete my account') }).click();
		await page.waitForURL(`${srv.url}/${lang}/member/deleted`);
		assert.equal(await h1(page), tr(lang, 'Your account has been deleted'));
		assert.equal((await ctx.cookies(srv.url)).find((c) => c.name === 'ovi_member'), undefined, 'logged out');
		await page.goto(`${srv.url}/${lang}/member`);
		assert.equal(page.url(), `${srv.url}/${lang}/login`);
		assert.equal(await sql(`SELECT COALESCE(email, 'gone') || '|' || first_name || '|' || sector FROM people WHERE id = ${person.id}`),
			'gone||ict');

		assert.deepEqual(problems.splice(0), [], 'no console errors, CSP violations or failed requests');
	});
}

test('an expired link shows a clear page that asks for a new one', async () => {
	const person = await addPerson('sv');
	const page = await freshPage();
	await page.goto(`${srv.url}/sv/login`);
	const since = smtp.messages.length;
	await page.getByLabel(tr('sv', 'E-mail address')).fill(person.email);
	await page.getByRole('button', { name: tr('sv', 'Send me a login link') }).click();
	await page.waitForURL(`${srv.url}/sv/login/sent`);
	const linkPath = await mailedLinkPath(person.email, 'sv', since);
	await sql(`UPDATE email_tokens SET expires_at = created_at - 1 WHERE person_id = ${person.id}`);
	await page.goto(`${srv.url}${linkPath}`);
	assert.equal(await h1(page), tr('sv', 'This link does not work any more'));
	// The form on that page sends a new link.
	const since2 = smtp.messages.length;
	await page.getByLabel(tr('sv', 'E-mail address')).fill(person.email);
	await page.getByRole('button', { name: tr('sv', 'Send me a login link') }).click();
	await page.waitForURL(`${srv.url}/sv/login/sent`);
	await mailedLinkPath(person.email, 'sv', since2);
	problems.splice(0); // chromium logs the 410 as a console error
});

test('the server stops cleanly (no sanitizer or leak report)', async () => {
	await ctx.close();
	ctx = null;
	assertCleanExit(await srv.stop());
});
