// Read the compiled catalogues (build/locale/xx.mo) the server loads, so a
// test can say "the Swedish 404 page shows the Swedish for 'Page not found'"
// without copying translations into the tests.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO } from './server.mjs';

const cache = new Map();

/** msgid → msgstr of one language ({} when the catalogue has nothing). */
export function catalog(lang) {
	if (cache.has(lang)) return cache.get(lang);
	const dir = process.env.OVI_TEST_LOCALE_DIR || path.join(REPO, 'build/locale');
	const buf = readFileSync(path.join(dir, `${lang}.mo`));
	let le = true;
	if (buf.readUInt32LE(0) !== 0x950412de) {
		if (buf.readUInt32BE(0) !== 0x950412de) throw new Error(`${lang}.mo is not a .mo file`);
		le = false;
	}
	const u32 = (o) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
	const n = u32(8), origs = u32(12), trans = u32(16);
	const map = new Map();
	for (let i = 0; i < n; i++) {
		const ol = u32(origs + 8 * i), oo = u32(origs + 8 * i + 4);
		const tl = u32(trans + 8 * i), to = u32(trans + 8 * i + 4);
		const id = buf.toString('utf8', oo, oo + ol);
		if (id === '') continue; // the header
		// Plural entries: "one\0other"; keep the singular.
		map.set(id.split('\0')[0], buf.toString('utf8', to, to + tl).split('\0')[0]);
	}
	cache.set(lang, map);
	return map;
}

/** The translation the server would show (the msgid when there is none). */
export function tr(lang, msgid) {
	const s = catalog(lang).get(msgid);
	return s ? s : msgid;
}
