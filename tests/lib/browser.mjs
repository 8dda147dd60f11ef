// Debian's chromium driven by playwright-core, the same way in every browser
// test: headless, a fresh profile folder, the flags that keep it off the
// network, and a record of everything that went wrong in a page that the
// test did not ask for (console errors, page errors, failed requests, 4xx/5xx
// answers to anything but the page itself, whose status the tests check).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.OVI_TEST_CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
	'--disable-component-update', '--disable-sync'];

/**
 * Open a browser. `acceptDownloads` for tests that download; `downloads`:
 * URL substrings whose navigations end as downloads (Chromium reports them
 * as aborted requests, which is not a problem).
 * Returns { ctx, problems, freshPage(), close() }.
 */
export async function openBrowser({ acceptDownloads = false, downloads = [] } = {}) {
	const profile = await mkdtemp(path.join(os.tmpdir(), 'ovi-chromium-'));
	const ctx = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1280, height: 900 },
		locale: 'en-GB', timeout: 60000, acceptDownloads,
	});
	ctx.setDefaultTimeout(15000);
	const problems = [];
	const watch = (page) => {
		page.on('console', (m) => {
			if (m.type() !== 'error') return;
			const where = m.location()?.url || '';
			// The browser's own favicon request, and the status of the page
			// itself (403, 422, 410: the tests check those).
			if (m.text().startsWith('Failed to load resource') && (where.endsWith('/favicon.ico') || where === page.url())) return;
			problems.push(`${page.url()}: console: ${m.text()} (${where})`);
		});
		page.on('response', (r) => {
			if (r.status() >= 400 && r.request().resourceType() !== 'document')
				problems.push(`${r.url()}: ${r.status()} for a ${r.request().resourceType()}`);
		});
		page.on('pageerror', (e) => problems.push(`${page.url()}: page error: ${e.message}`));
		page.on('requestfailed', (r) => {
			if (downloads.some((d) => r.url().includes(d))) return;
			problems.push(`${r.url()}: request failed: ${r.failure()?.errorText}`);
		});
	};
	ctx.on('page', watch);
	for (const p of ctx.pages()) watch(p);
	return {
		ctx,
		problems,
		/** A fresh tab with no cookies of earlier tests. */
		async freshPage() {
			await ctx.clearCookies();
			for (const p of ctx.pages()) await p.close();
			return ctx.newPage();
		},
		async close() {
			await ctx.close().catch(() => {});
			await rm(profile, { recursive: true, force: true });
		},
	};
}
