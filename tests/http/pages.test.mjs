// Public pages in three languages, language negotiation, error pages,
// security headers, static files and HEAD, against the real binary.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	startServer, assertCleanExit, assertLogFree, rawRequest, parseRaw, LANGS, PUBLIC_PAGES, ORG_NAME,
} from '../lib/server.mjs';
import { Client, htmlLang, h1Text, textRuns, assertSecurityHeaders, pageText } from '../lib/http.mjs';
import { tr } from '../lib/catalog.mjs';

const BASE_URL = 'http://ovi.example.test:8080';
// The English msgid of each page's h1.
const H1 = {
	'/': 'One hour that opens doors',
	'/participants': 'For participants',
	'/door-openers': 'For door openers',
	'/organisations': 'For organisations',
	'/faq': 'Questions and answers',
	'/privacy': 'Privacy notice',
	'/contact': 'Contact us',
};
const MARKER = 'zq-marker-7f3a9c';

let srv;
const bodies = {}; // bodies[lang][page]

before(async () => {
	srv = await startServer({ env: { OVI_BASE_URL: BASE_URL } });
});
after(async () => { if (srv) await srv.stop(); });

const get = (path, headers = {}) => new Client(srv.url).get(path, { headers });

test('every public page answers 200 in sv, fi and en with its language, h1 and alternates', async () => {
	for (const lang of LANGS) {
		bodies[lang] = {};
		for (const page of PUBLIC_PAGES) {
			const path = `/${lang}${page}`;
			const r = await get(path);
			assert.equal(r.status, 200, path);
			assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8', path);
			assert.equal(htmlLang(r.text), lang, `${path}: <html lang>`);
			assert.equal(h1Text(r.text), tr(lang, H1[page]), `${path}: h1`);
			assert.equal((r.text.match(/<h1[\s>]/g) || []).length, 1, `${path}: exactly one h1`);
			assert.ok(r.text.includes(ORG_NAME), `${path}: the programme name`);
			for (const alt of LANGS) {
				const href = `${BASE_URL}/${alt}${page}`;
				assert.ok(r.text.includes(`<link rel="alternate" hreflang="${alt}" href="${href}">`),
					`${path}: hreflang ${alt} → ${href}`);
				// The language switcher links to the same page in each language.
				assert.match(r.text, new RegExp(`<a href="/${alt}${page.replace(/\//g, '\\/')}" lang="${alt}" hreflang="${alt}"`),
					`${path}: switcher link to ${alt}`);
			}
			assert.match(r.text, /<a href="\/\w\w\/[^"]*" lang="\w\w" hreflang="\w\w" aria-current="true">/, `${path}: current language marked`);
			assert.ok(r.text.includes(`hreflang="${lang}" aria-current="true"`), `${path}: current is ${lang}`);
			bodies[lang][page] = r.text;
		}
	}
});

test('the h1 of every page is really translated in sv and fi', () => {
	for (const lang of ['sv', 'fi'])
		for (const page of PUBLIC_PAGES)
			assert.notEqual(tr(lang, H1[page]), H1[page], `${lang}: h1 of ${page} has no translation`);
});

test('sv and fi pages carry no English sentence of the en page', () => {
	for (const page of PUBLIC_PAGES) {
		const en = bodies.en[page];
		assert.ok(en, `no English body of ${page}`);
		// Sentences of three words or more; names (programme, languages,
		// e-mail address) are the same in every language.
		const english = new Set(textRuns(en).filter((s) => /[a-z]{3}/i.test(s) && s.split(' ').length >= 3 && !s.includes(ORG_NAME)));
		assert.ok(english.size > 5, `${page}: too few English sentences to compare (${english.size})`);
		for (const lang of ['sv', 'fi']) {
			const body = bodies[lang][page];
			assert.notEqual(body, en, `${lang}${page} is the English page`);
			const leftover = textRuns(body).filter((s) => english.has(s));
			assert.deepEqual(leftover, [], `${lang}${page}: untranslated English`);
			assert.notEqual(/<title>([^<]*)</.exec(body)[1], /<title>([^<]*)</.exec(en)[1], `${lang}${page}: title`);
		}
	}
	// sv and fi differ from each other too (not one catalogue for both).
	assert.notEqual(pageText(bodies.sv['/faq']), pageText(bodies.fi['/faq']));
});

test('a path without a language goes to the language of the cookie, then Accept-Language, then sv', async () => {
	const cases = [
		[{}, 'sv'],
		[{ Cookie: 'ovi_lang=fi' }, 'fi'],
		[{ Cookie: 'ovi_lang=en' }, 'en'],
		[{ 'Accept-Language': 'fi-FI,fi;q=0.9' }, 'fi'],
		[{ 'Accept-Language': 'en;q=0.8' }, 'en'],
		[{ 'Accept-Language': 'de' }, 'sv'],
		[{ 'Accept-Language': 'de-DE,de;q=0.9,en;q=0.5' }, 'en'],
		[{ 'Accept-Language': 'sv;q=0.2, fi;q=0.7' }, 'fi'],
		[{ Cookie: 'ovi_lang=en', 'Accept-Language': 'fi' }, 'en'],
		[{ Cookie: 'ovi_lang=de', 'Accept-Language': 'fi' }, 'fi'],
	];
	for (const path of ['/', '/faq', '/privacy']) {
		for (const [headers, lang] of cases) {
			// Raw requests: fetch() would add "Accept-Language: *" by itself.
			const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
			const r = parseRaw(await rawRequest(srv.port, `GET ${path} HTTP/1.1\r\nHost: localhost\r\n${lines}Connection: close\r\n\r\n`));
			const what = `${path} ${JSON.stringify(headers)}`;
			assert.equal(r.status, 302, what);
			assert.deepEqual(r.headers.location, [`/${lang}${path}`], what);
			assert.match((r.headers.vary || []).join(','), /Accept-Language/, `${what}: Vary on Accept-Language`);
			assert.ok(r.headers['content-security-policy'], `${what}: CSP on a redirect`);
			assert.deepEqual(r.headers['x-content-type-options'], ['nosniff']);
		}
	}
	// The same through fetch (which sends "Accept-Language: *").
	const r = await get('/contact', { 'Accept-Language': 'en-GB' });
	assert.equal(r.status, 302);
	assert.equal(r.headers.get('location'), '/en/contact');
	assertSecurityHeaders(r.headers, { what: 'redirect /contact' });
});

test('a visited language is remembered for the next visit to /', async () => {
	const c = new Client(srv.url);
	let r = await c.get('/fi/faq');
	assert.equal(r.status, 200);
	const lc = r.setCookies.find((x) => x.name === 'ovi_lang');
	assert.ok(lc, 'ovi_lang cookie set');
	assert.equal(lc.value, 'fi');
	assert.ok(Number(lc.attrs['max-age']) > 30 * 24 * 3600, 'remembered for long');
	r = await c.get('/', { headers: { 'Accept-Language': 'en' } });
	assert.equal(r.headers.get('location'), '/fi/');
	r = await c.get('/en/');
	r = await c.get('/');
	assert.equal(r.headers.get('location'), '/en/');
});

test('an unknown language prefix is a 404 page in the negotiated language', async () => {
	for (const [headers, lang] of [[{}, 'sv'], [{ 'Accept-Language': 'fi-FI,fi;q=0.9' }, 'fi'], [{ Cookie: 'ovi_lang=en' }, 'en']]) {
		const r = await get('/de/', headers);
		assert.equal(r.status, 404, JSON.stringify(headers));
		assert.equal(htmlLang(r.text), lang);
		assert.equal(h1Text(r.text), tr(lang, 'Page not found'));
		assertSecurityHeaders(r.headers, { what: '404 /de/' });
	}
});

test('an unknown page is a translated 404 page', async () => {
	for (const lang of LANGS) {
		const r = await get(`/${lang}/no-such-page`);
		assert.equal(r.status, 404);
		assert.equal(htmlLang(r.text), lang);
		assert.equal(h1Text(r.text), tr(lang, 'Page not found'));
		assert.ok(pageText(r.text).includes(tr(lang, 'We could not find this page. The address may be wrong, or the page may have moved.')));
		assert.ok(r.text.includes(`href="/${lang}/"`), 'a link home in the same language');
	}
	// The Swedish and Finnish words really are Swedish and Finnish.
	assert.notEqual(tr('sv', 'Page not found'), 'Page not found');
	assert.notEqual(tr('fi', 'Page not found'), 'Page not found');
	assert.notEqual(tr('sv', 'Page not found'), tr('fi', 'Page not found'));
	const r = await get('/zz-no-such-thing');
	assert.equal(r.status, 404);
	assert.equal(htmlLang(r.text), 'sv');
});

test('security headers on pages, errors and static files', async () => {
	const paths = ['/sv/', '/fi/faq', '/en/privacy', '/sv/admin', '/sv/nope', '/static/ovi.css', '/static/nope.css', '/sv/%zz'];
	for (const p of paths) {
		const r = await get(p);
		assert.ok([200, 400, 404].includes(r.status), `${p}: ${r.status}`);
		assertSecurityHeaders(r.headers, { what: p });
		assert.ok(r.headers.get('x-frame-options') === 'DENY' || /frame-ancestors 'none'/.test(r.headers.get('content-security-policy')));
	}
	// Pages are not cached by shared caches; cookies are HttpOnly and SameSite.
	const r = await get('/sv/');
	assert.match(r.headers.get('cache-control'), /private|no-store/);
	assert.ok(r.setCookies.length >= 1);
	for (const c of r.setCookies) {
		assert.equal(c.attrs.httponly, true, `${c.name} HttpOnly`);
		assert.equal(c.attrs.samesite, 'Lax', `${c.name} SameSite`);
		assert.equal(c.attrs.path, '/', `${c.name} Path`);
		assert.equal(c.attrs.secure, undefined, `${c.name}: no Secure over plain http`);
		assert.ok(!c.name.startsWith('__Host-'), `${c.name}: no __Host- over plain http`);
	}
	// Pages reference no inline script or style the CSP would block.
	for (const lang of LANGS) {
		const body = bodies.en ? bodies[lang]['/'] : (await get(`/${lang}/`)).text;
		assert.doesNotMatch(body, /<script|<style|\sstyle="|\son[a-z]+=/i, `${lang}: inline script or style`);
	}
});

test('the stylesheet is served with an ETag and revalidates with 304', async () => {
	const r = await get('/static/ovi.css');
	assert.equal(r.status, 200);
	assert.match(r.headers.get('content-type'), /^text\/css/);
	assert.ok(r.text.length > 500, 'the stylesheet has content');
	const etag = r.headers.get('etag');
	assert.match(etag || '', /^(W\/)?"[^"]+"$/);
	assert.match(r.headers.get('cache-control'), /max-age=\d+/);
	const r2 = await get('/static/ovi.css', { 'If-None-Match': etag });
	assert.equal(r2.status, 304);
	assert.equal(r2.text, '');
	assert.equal(r2.headers.get('etag'), etag);
	const r3 = await get('/static/ovi.css', { 'If-None-Match': '"something-else"' });
	assert.equal(r3.status, 200);
	assert.equal(r3.text, r.text);
	const lm = r.headers.get('last-modified');
	assert.ok(lm);
	const r4 = await get('/static/ovi.css', { 'If-Modified-Since': lm });
	assert.equal(r4.status, 304);
	// Nothing else is served from there.
	for (const p of ['/static/nope.css', '/static/', '/static/ovi.css/x']) {
		const x = await get(p);
		assert.equal(x.status, 404, p);
	}
});

test('HEAD answers like GET without a body', async () => {
	for (const p of ['/sv/', '/en/faq', '/static/ovi.css']) {
		const g = await get(p);
		const raw = await rawRequest(srv.port, `HEAD ${p} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
		const h = parseRaw(raw);
		assert.equal(h.status, 200, p);
		assert.equal(h.body, '', `${p}: HEAD has no body`);
		assert.equal(h.headers['content-type'][0], g.headers.get('content-type'));
		assert.equal(Number(h.headers['content-length'][0]), Buffer.byteLength(g.text), `${p}: Content-Length`);
		assert.ok(h.headers['content-security-policy'], `${p}: CSP on HEAD`);
	}
});

// Browsers ask for /favicon.ico on their own: today every first visit
// gets a 404 there (and a log line, and a console error in the browser).
test('there is a favicon', async () => {
	const home = (await get('/sv/')).text;
	const m = /<link rel="icon"[^>]* href="([^"]+)"/.exec(home);
	const r = await get(m ? m[1] : '/favicon.ico');
	assert.equal(r.status, 200);
	assert.match(r.headers.get('content-type') || '', /^image\//);
});

test('the log holds no path, query or cookie value', async () => {
	const c = new Client(srv.url);
	await c.get(`/sv/${MARKER}-path`);
	await c.get(`/fi/faq?q=${MARKER}-query`);
	await c.get('/en/', { headers: { Cookie: `ovi_lang=en; other=${MARKER}-cookie`, 'User-Agent': `${MARKER}-ua` } });
	const csrf = c.cookie('ovi_csrf');
	assert.ok(csrf);
	assertLogFree(srv.stderr(), [MARKER, csrf, 'no-such-page', 'de-DE', 'fi-FI', '127.0.0.1']);
	assert.match(srv.stderr(), /GET [a-z-]+ 404/, 'requests are logged');
});

test('the server stops cleanly (no sanitizer or leak report)', async () => {
	const r = await srv.stop();
	assertCleanExit(r);
});
