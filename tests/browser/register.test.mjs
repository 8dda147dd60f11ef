// Registration in a real browser (Debian's chromium through playwright-core)
// against the real server (ASan+UBSan) and a real SMTP server on loopback.
// In each language a participant and a door opener fill in the form with
// the keyboard only (typing, Space on checkboxes and radios, type-ahead in
// the long selects, Enter on the button), the confirmation e-mail is read
// from the SMTP server, its link is opened and confirmed. Also: a form with
// errors keeps every value and its summary links to the fields; a third
// participant registration is refused with the kind page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { openBrowser } from '../lib/browser.mjs';
import { startServer, assertCleanExit, REPO, LANGS } from '../lib/server.mjs';
import { Client, csrfField } from '../lib/http.mjs';
import { tr } from '../lib/catalog.mjs';
import { startSmtp } from '../lib/smtp.mjs';


let srv, smtp, browser, ctx, problems;

before(async () => {
	smtp = await startSmtp({ mode: 'ok' });
	srv = await startServer({ env: { OVI_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, OVI_PARTICIPANT_MAX_REGISTRATIONS: '2' } });
	browser = await openBrowser();
	({ ctx, problems } = browser);
});

after(async () => {
	if (browser) await browser.close();
	if (srv) await srv.stop();
	if (smtp) await smtp.stop();
});


const freshPage = () => browser.freshPage();

function assertNoProblems() {
	const list = problems.splice(0, problems.length);
	assert.deepEqual(list, [], 'no console errors, page errors or failed requests');
}

// ---- mail ------------------------------------------------------------------

const isTo = (m, email) => [].concat(m.to).map((t) => (typeof t === 'string' ? t : t?.address || JSON.stringify(t)))
	.join(' ').toLowerCase().includes(email.toLowerCase());

/** The path of the confirmation link in the n-th e-mail to `email` (waits). */
async function confirmPath(email, n = 1) {
	const end = Date.now() + 15000;
	for (;;) {
		const list = smtp.messages.filter((m) => isTo(m, email));
		if (list.length >= n) {
			const m = /https?:\/\/[^\s"<>]*(\/(sv|fi|en)\/confirm\/[A-Za-z0-9_-]{43})/.exec(list[n - 1].text);
			assert.ok(m, 'the e-mail has a confirmation link');
			return { path: m[1], lang: m[2], message: list[n - 1] };
		}
		if (Date.now() > end) throw new Error(`no e-mail number ${n} to the address`);
		await new Promise((res) => setTimeout(res, 50));
	}
}

// ---- the keyboard ----------------------------------------------------------

async function typeInto(page, id, text) {
	await page.focus(`#${id}`);
	await page.keyboard.press('Control+A');
	await page.keyboard.press('Delete');
	await page.keyboard.type(text);
}

/** Tick a checkbox or choose a radio with Space. */
async function press(page, id) {
	await page.focus(`#${id}`);
	await page.keyboard.press('Space');
	assert.ok(await page.isChecked(`#${id}`), `#${id} is checked`);
}

/** Choose an option of a select with the keyboard: type the start of its
 * text (type-ahead; ASCII only, since the browser does not deliver other
 * characters to a closed select), then the arrow keys to the exact option. */
async function choose(page, id, value) {
	const { text, target } = await page.$eval(`#${id}`, (s, v) => {
		const opts = [...s.options];
		const i = opts.findIndex((o) => o.value === v);
		return { text: i >= 0 ? opts[i].textContent : '', target: i };
	}, value);
	assert.ok(target >= 0, `#${id} offers ${value}`);
	await page.focus(`#${id}`);
	const prefix = /^[A-Za-z ]*/.exec(text)[0].trimEnd();
	if (prefix) await page.keyboard.type(prefix, { delay: 20 });
	for (let n = 0; n < 2000; n++) {
		const at = await page.$eval(`#${id}`, (s) => s.selectedIndex);
		if (at === target) break;
		await page.keyboard.press(at < target ? 'ArrowDown' : 'ArrowUp');
	}
	assert.equal(await page.inputValue(`#${id}`), value, `#${id}: chose "${text}"`);
}

/** A sector that has occupations, and its first occupation: { sector, occupation }. */
async function fieldChoice(page, which = 0) {
	return page.evaluate((k) => {
		const sectors = [...document.querySelectorAll('#sector option')].filter((o) => o.value);
		const groups = [...document.querySelectorAll('#occupation optgroup')];
		const usable = sectors.filter((s) => groups.some((g) => g.label === s.textContent && g.querySelector('option')));
		const s = usable[k % usable.length];
		const g = groups.find((x) => x.label === s.textContent);
		// An occupation whose name is unique in the list, so type-ahead finds this one.
		const all = [...document.querySelectorAll('#occupation option')];
		const o = [...g.querySelectorAll('option')].find((x) => all.filter((y) => y.textContent === x.textContent).length === 1
			|| all.find((y) => y.textContent === x.textContent).value === x.value);
		return { sector: s.value, occupation: o.value };
	}, which);
}

/** Fill the whole form with the keyboard. */
async function fill(page, role, d) {
	await typeInto(page, 'first_name', d.first);
	await typeInto(page, 'last_name', d.last);
	await typeInto(page, 'email', d.email);
	if (d.phone) {
		await typeInto(page, 'phone', d.phone);
		await press(page, 'phone_shared');
	}
	await press(page, `mail_lang-${d.mailLang}`);
	for (const l of d.languages) await press(page, `lang-${l}`);
	if (d.other) await choose(page, 'other_languages', d.other);
	const f = await fieldChoice(page, d.field || 0);
	await choose(page, 'sector', f.sector);
	await choose(page, 'occupation', f.occupation);
	await typeInto(page, 'job_title', d.title);
	await typeInto(page, 'experience_years', d.years);
	const edu = await page.$eval('#education option:nth-child(3)', (o) => o.value);
	await choose(page, 'education', edu);
	if (role === 'door-opener' && d.employer) await typeInto(page, 'employer', d.employer);
	const muni = await page.$eval('#municipality optgroup option', (o) => o.value);
	await choose(page, 'municipality', muni);
	await press(page, `meeting_mode-${d.mode}`);
	await typeInto(page, 'intro', d.intro);
	if (d.link) await typeInto(page, 'link', d.link);
	if (d.birthYear) await typeInto(page, 'birth_year', d.birthYear);
	if (role === 'door-opener') {
		await page.focus('#capacity');
		await page.keyboard.press('ArrowDown'); // 1 -> 2
	}
	for (const id of await page.$$eval('input[name="eligibility"]', (l) => l.map((x) => x.id))) await press(page, id);
	await press(page, 'privacy');
	return f;
}

/** The error summary's text, for assertion messages. */
async function summaryText(page) {
	const s = page.locator('.error-summary');
	return (await s.count()) ? `errors: ${await s.innerText()}` : '';
}

async function submit(page) {
	await page.focus('form.form button[type="submit"]');
	const nav = page.waitForNavigation();
	await page.keyboard.press('Enter');
	return nav;
}

const PEOPLE = {
	sv: { first: 'Åsa', last: 'Öberg', mailLang: 'sv', languages: ['sv', 'en'], other: 'ar', mode: 'either', title: 'Ingenjör' },
	fi: { first: 'Äijä', last: 'Mäkelä', mailLang: 'fi', languages: ['fi'], other: 'so', mode: 'online', title: 'Insinööri' },
	en: { first: 'Zoë', last: 'Nguyễn', mailLang: 'en', languages: ['en', 'fi'], other: 'vi', mode: 'in_person', title: 'Engineer' },
};

for (const lang of LANGS) {
	test(`${lang}: a participant and a door opener register with the keyboard and confirm by the e-mailed link`, async () => {
		for (const [role, field] of [['participant', 0], ['door-opener', 1]]) {
			const page = await freshPage();
			// From the public page to the form.
			await page.goto(`${srv.url}/${lang}/${role === 'participant' ? 'participants' : 'door-openers'}`);
			await page.click(`a[href="/${lang}/register/${role}"]`);
			assert.equal(await page.locator('h1').innerText(),
				tr(lang, role === 'participant' ? 'Register as a participant' : 'Register as a door opener'));
			const email = `${role}.${lang}.${Date.now()}@example.org`;
			const d = {
				...PEOPLE[lang], email, years: '7', intro: `${PEOPLE[lang].first}: ${tr(lang, 'Your field')}.\nRad två.`,
				phone: '+46 70 123 45 67', link: 'https://www.linkedin.com/in/example', birthYear: '1984',
				employer: 'Ovi Oy', field,
			};
			await fill(page, role, d);
			const res = await submit(page);
			assert.equal(res.status(), 200, await summaryText(page));
			assert.equal(new URL(page.url()).pathname, `/${lang}/register/${role}/sent`);
			assert.equal(await page.locator('h1').innerText(), tr(lang, 'Check your e-mail'));

			// The e-mail, in the chosen language, with the link.
			const link = await confirmPath(email);
			assert.equal(link.lang, d.mailLang);
			await page.goto(`${srv.url}${link.path}`);
			assert.equal(await page.locator('h1').innerText(), tr(lang, 'Confirm your registration'));
			await page.focus('main form button[type="submit"]');
			const nav = page.waitForNavigation();
			await page.keyboard.press('Enter');
			await nav;
			assert.equal(new URL(page.url()).pathname, `/${lang}/register/${role}/confirmed`);
			assert.equal(await page.locator('h1').innerText(), tr(lang, 'Your registration is confirmed'));
			// The link works once.
			const again = await page.goto(`${srv.url}${link.path}`);
			assert.equal(again.status(), 410);
			assert.equal(await page.locator('h1').innerText(), tr(lang, 'This link has already been used'));
		}
		assertNoProblems();
	});
}

test('a form with errors keeps every value, and the summary links to the fields', async () => {
	const page = await freshPage();
	await page.goto(`${srv.url}/fi/register/door-opener`);
	const d = { ...PEOPLE.fi, email: 'not-an-address', years: '99', intro: 'Rivi 1\nRivi 2 <b>&</b>', phone: '040 123 4567',
		employer: 'Yritys', field: 2 };
	const f = await fill(page, 'door-opener', d);
	const res = await submit(page);
	assert.equal(res.status(), 422);
	const summary = page.locator('.error-summary');
	assert.equal(await summary.count(), 1);
	const links = await summary.locator('a').evaluateAll((l) => l.map((a) => a.getAttribute('href')));
	assert.deepEqual(links, ['#email', '#experience_years']);
	assert.equal(await page.inputValue('#first_name'), d.first);
	assert.equal(await page.inputValue('#email'), 'not-an-address');
	assert.equal(await page.inputValue('#phone'), '040 123 4567');
	assert.ok(await page.isChecked('#phone_shared'));
	assert.ok(await page.isChecked('#mail_lang-fi'));
	assert.ok(await page.isChecked('#lang-fi'));
	assert.deepEqual(await page.$eval('#other_languages', (s) => [...s.selectedOptions].map((o) => o.value)), ['so']);
	assert.equal(await page.inputValue('#sector'), f.sector);
	assert.equal(await page.inputValue('#occupation'), f.occupation);
	assert.equal(await page.inputValue('#intro'), d.intro);
	assert.equal(await page.inputValue('#experience_years'), '99');
	assert.equal(await page.inputValue('#employer'), 'Yritys');
	assert.equal(await page.inputValue('#capacity'), '2');
	assert.ok(await page.isChecked('#meeting_mode-online'));
	assert.ok(await page.isChecked('#privacy'));
	for (const id of await page.$$eval('input[name="eligibility"]', (l) => l.map((x) => x.id)))
		assert.ok(await page.isChecked(`#${id}`));
	// The messages sit beside their fields, translated.
	assert.equal(await page.locator('#email-error').innerText(), tr('fi', 'Enter the e-mail address in the form name@example.com.'));
	assert.equal(await page.getAttribute('#email', 'aria-invalid'), 'true');
	// Following a summary link moves focus to the field.
	await summary.locator('a[href="#experience_years"]').click();
	assert.equal(await page.evaluate(() => document.activeElement.id), 'experience_years');
	// Correct the two fields and send: accepted.
	await typeInto(page, 'email', `fixed.${Date.now()}@example.org`);
	await typeInto(page, 'experience_years', '9');
	const ok = await submit(page);
	assert.equal(ok.status(), 200, await summaryText(page));
	assert.equal(new URL(page.url()).pathname, '/fi/register/door-opener/sent');
	assertNoProblems();
});

test('a third participant registration is refused with a kind page, in the page language', async () => {
	const email = `third.${Date.now()}@example.org`;
	// Two confirmed registrations (the links confirmed over HTTP).
	for (let i = 1; i <= 2; i++) {
		const page = await freshPage();
		await page.goto(`${srv.url}/sv/register/participant`);
		await fill(page, 'participant', { ...PEOPLE.sv, email, years: '3', intro: `Gång ${i}` });
		assert.equal((await submit(page)).status(), 200, await summaryText(page));
		const link = await confirmPath(email, i);
		const c = new Client(srv.url);
		const r = await c.get(link.path);
		assert.equal((await c.post(link.path, { csrf: csrfField(r.text) })).status, 303);
	}
	const mails = smtp.messages.length;
	const page = await freshPage();
	await page.goto(`${srv.url}/en/register/participant`);
	await fill(page, 'participant', { ...PEOPLE.en, email, years: '3', intro: 'Third time' });
	const res = await submit(page);
	assert.equal(res.status(), 200, await summaryText(page));
	assert.equal(await page.locator('h1').innerText(), tr('en', 'You have used all your registrations'));
	const text = await page.locator('main').innerText();
	assert.ok(text.includes(tr('en', 'We did not save anything from the form you sent.')));
	assert.ok(text.includes(tr('en', 'Where else to find help')));
	assert.ok(text.includes('Arbetsförmedlingen'));
	await page.waitForTimeout(1000);
	assert.equal(smtp.messages.length, mails, 'no e-mail was sent');
	await mkdir(path.join(REPO, 'build/screenshots'), { recursive: true });
	await page.screenshot({ path: path.join(REPO, 'build/screenshots/register-limit-en.png'), fullPage: true });
	assertNoProblems();
});

test('the server stops cleanly (no sanitizer or leak report)', async () => {
	await ctx.close();
	ctx = null;
	assertCleanExit(await srv.stop());
});
