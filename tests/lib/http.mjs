// A small HTTP client for the black-box tests: fetch without following
// redirects, a cookie jar, form posts, and helpers to read pages.
import assert from 'node:assert/strict';

/** Cookies by name; Set-Cookie with Max-Age=0 or an empty value removes one. */
export class CookieJar {
	constructor() { this.cookies = new Map(); }

	/** Take every Set-Cookie of a fetch Response; returns the parsed ones. */
	take(res) {
		const set = res.headers.getSetCookie();
		const parsed = set.map(parseSetCookie);
		for (const c of parsed) {
			if (c.value === '' || c.attrs['max-age'] === '0') this.cookies.delete(c.name);
			else this.cookies.set(c.name, c.value);
		}
		return parsed;
	}

	get(name) { return this.cookies.get(name); }
	set(name, value) { this.cookies.set(name, value); }
	delete(name) { this.cookies.delete(name); }
	header() { return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '); }
}

/** "a=b; Path=/; HttpOnly" → { name, value, attrs: { path: '/', httponly: true } } */
export function parseSetCookie(line) {
	const [pair, ...rest] = line.split(';');
	const i = pair.indexOf('=');
	const attrs = {};
	for (const a of rest) {
		const j = a.indexOf('=');
		const k = (j < 0 ? a : a.slice(0, j)).trim().toLowerCase();
		attrs[k] = j < 0 ? true : a.slice(j + 1).trim();
	}
	return { name: pair.slice(0, i).trim(), value: pair.slice(i + 1).trim(), attrs, raw: line };
}

/** One visitor: a base URL and a cookie jar. Every response body is read. */
export class Client {
	constructor(base, { prefix = '' } = {}) {
		this.base = base;
		this.jar = new CookieJar();
		// Under https the server names its cookies __Host-ovi_csrf etc.
		this.prefix = prefix;
	}

	cookie(name) { return this.jar.get(this.prefix + name); }

	async request(method, path, { headers = {}, body, cookies = true } = {}) {
		const h = { ...headers };
		if (cookies && this.jar.cookies.size && !('Cookie' in h)) h.Cookie = this.jar.header();
		const res = await fetch(this.base + path, { method, headers: h, body, redirect: 'manual' });
		const setCookies = this.jar.take(res);
		const text = method === 'HEAD' ? '' : await res.text();
		return { status: res.status, headers: res.headers, text, setCookies, res };
	}

	get(path, opts) { return this.request('GET', path, opts); }

	/** POST application/x-www-form-urlencoded; `fields` is an object or [k, v] pairs. */
	post(path, fields, { headers = {}, ...opts } = {}) {
		const body = new URLSearchParams(fields).toString();
		return this.request('POST', path, {
			...opts, body, headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
		});
	}
}

/** The value of the hidden csrf field of the first form of a page. */
export function csrfField(html) {
	const m = /<input type="hidden" name="csrf" value="([^"]*)">/.exec(html);
	assert.ok(m, 'the page has no csrf field');
	return m[1];
}

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
export function decodeEntities(s) {
	return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, e) => {
		if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
		return ENTITIES[e.toLowerCase()] ?? all;
	});
}

/** The visible text of a page (body only), whitespace collapsed. */
export function pageText(html) {
	const body = html.replace(/^[\s\S]*?<body[^>]*>/i, '');
	return decodeEntities(body.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
}

/** Text runs between tags, decoded and trimmed (for "is this English?" checks). */
export function textRuns(html) {
	const body = html.replace(/^[\s\S]*?<body[^>]*>/i, '');
	return body.split(/<[^>]*>/).map((s) => decodeEntities(s).replace(/\s+/g, ' ').trim()).filter(Boolean);
}

/** The text of the first h1 (tags removed). */
export function h1Text(html) {
	const m = /<h1[^>]*>([\s\S]*?)<\/h1>/.exec(html);
	return m ? decodeEntities(m[1].replace(/<[^>]*>/g, '')).trim() : null;
}

export function htmlLang(html) {
	const m = /<html lang="([^"]*)"/.exec(html);
	return m ? m[1] : null;
}

/** Assert the common security headers of an answer made by the application. */
export function assertSecurityHeaders(headers, { https = false, what = '' } = {}) {
	const csp = headers.get('content-security-policy');
	assert.ok(csp, `${what}: no Content-Security-Policy`);
	assert.ok(!csp.includes('unsafe-inline'), `${what}: CSP allows unsafe-inline: ${csp}`);
	assert.ok(!csp.includes('unsafe-eval'), `${what}: CSP allows unsafe-eval: ${csp}`);
	assert.match(csp, /default-src 'none'/, `${what}: CSP default-src`);
	assert.match(csp, /frame-ancestors 'none'/, `${what}: CSP frame-ancestors`);
	assert.equal(headers.get('x-content-type-options'), 'nosniff', `${what}: nosniff`);
	assert.ok(headers.get('referrer-policy'), `${what}: no Referrer-Policy`);
	assert.match(headers.get('referrer-policy'), /^(same-origin|no-referrer|strict-origin(-when-cross-origin)?)$/, `${what}: Referrer-Policy`);
	const hsts = headers.get('strict-transport-security');
	if (https) assert.match(hsts || '', /max-age=\d{7,}/, `${what}: HSTS under https`);
	else assert.equal(hsts, null, `${what}: HSTS over plain http`);
}
