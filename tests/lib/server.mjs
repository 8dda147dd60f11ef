// Start and stop the real `ovi` binary for black-box tests.
//
// startServer() makes a fresh temporary directory with its own database,
// creates a staff account (STAFF_EMAIL / STAFF_PASSWORD), runs `ovi serve` on
// a free loopback port and returns { url, port, dir, stderr(), stop() }.
// stop() sends SIGTERM and resolves to { code, signal, stderr }: the server
// must exit with 0, and under ASan the leak checker runs at that exit, so
// assertCleanExit() on its result is the last check of every test file.
//
// rawRequest() writes raw bytes to the server over node:net and returns the
// raw response text, for requests that fetch() would refuse to send.
//
// For trying things out (the defaults are what `make check` uses):
//   OVI_TEST_BINARY=build/ovi      run the tests against another binary
//   OVI_TEST_LOCALE_DIR=/some/dir  other catalogues (server and tests/lib/catalog.mjs)
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const STAFF_EMAIL = 'staff@example.org';
export const STAFF_PASSWORD = 'Correct-Horse-7-Battery';
export const ORG_NAME = 'Testprogrammet Ovi';
export const LANGS = ['sv', 'fi', 'en'];
export const PUBLIC_PAGES = ['/', '/participants', '/door-openers', '/organisations', '/faq', '/privacy', '/contact'];

const START_TIMEOUT_MS = 30000;
const STOP_TIMEOUT_MS = 30000;

// Only OVI_* settings we choose reach the server: a developer's own
// OVI_CONFIG or OVI_PORT must not change what the tests see.
function baseEnv() {
	const env = {};
	for (const [k, v] of Object.entries(process.env))
		if (!k.startsWith('OVI_')) env[k] = v;
	env.ASAN_OPTIONS = process.env.ASAN_OPTIONS || 'abort_on_error=0:detect_leaks=1';
	env.UBSAN_OPTIONS = process.env.UBSAN_OPTIONS || 'print_stacktrace=1:halt_on_error=1';
	return env;
}

function run(binary, args, env) {
	return new Promise((resolve, reject) => {
		execFile(binary, args, { cwd: REPO, env, timeout: 60000 }, (err, stdout, stderr) => {
			if (err) reject(new Error(`${path.basename(binary)} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
			else resolve({ stdout, stderr });
		});
	});
}

/**
 * @param {{ env?: Record<string,string>, binary?: string, staff?: boolean }} opts
 * `binary` is relative to the repository (default build/ovi-asan, or the
 * OVI_TEST_BINARY environment variable); `env` adds or overrides OVI_*
 * settings; `staff: false` skips creating the staff account.
 */
export async function startServer({ env = {}, binary = process.env.OVI_TEST_BINARY || 'build/ovi-asan', staff = true } = {}) {
	const bin = path.resolve(REPO, binary);
	const dir = await mkdtemp(path.join(os.tmpdir(), 'ovi-test-'));
	const fullEnv = {
		...baseEnv(),
		OVI_DB: path.join(dir, 'ovi.db'),
		OVI_PORT: '0',
		OVI_LISTEN: '127.0.0.1',
		OVI_LOCALE_DIR: process.env.OVI_TEST_LOCALE_DIR || path.join(REPO, 'build/locale'),
		OVI_SHARE_DIR: REPO,
		OVI_ORG_NAME: ORG_NAME,
		OVI_THREADS: '2',
		...env,
	};
	let setupStderr = '';
	if (staff) {
		const r = await run(bin, ['staff', 'add', STAFF_EMAIL], { ...fullEnv, OVI_STAFF_PASSWORD: STAFF_PASSWORD });
		setupStderr = r.stderr;
	}

	const child = spawn(bin, ['serve'], { cwd: REPO, env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
	let stdout = '';
	let stderr = '';
	child.stdout.setEncoding('utf8');
	child.stderr.setEncoding('utf8');
	child.stderr.on('data', (d) => { stderr += d; });
	const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));

	const port = await new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`ovi serve did not start in time\nstdout: ${stdout}\nstderr: ${stderr}`));
		}, START_TIMEOUT_MS);
		child.stdout.on('data', (d) => {
			stdout += d;
			const m = /ovi: serving on http:\/\/127\.0\.0\.1:(\d+)\//.exec(stdout);
			if (m) {
				clearTimeout(timer);
				resolve(Number(m[1]));
			}
		});
		exited.then(({ code, signal }) => {
			clearTimeout(timer);
			reject(new Error(`ovi serve exited before serving (code ${code}, signal ${signal})\n${stderr}`));
		});
	});

	let stopped = null;
	async function stop() {
		if (stopped) return stopped;
		stopped = (async () => {
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
			const { code, signal } = await exited;
			clearTimeout(timer);
			await rm(dir, { recursive: true, force: true });
			return { code, signal, stderr, setupStderr };
		})();
		return stopped;
	}

	return {
		url: `http://127.0.0.1:${port}`,
		port,
		dir,
		pid: child.pid,
		stderr: () => stderr,
		stdout: () => stdout,
		stop,
	};
}

const SANITIZER_MARKS = ['ERROR: AddressSanitizer', 'runtime error:', 'LeakSanitizer', 'ERROR: ThreadSanitizer'];

/** The server stopped on SIGTERM with status 0 and no sanitizer report. */
export function assertCleanExit(result) {
	for (const mark of SANITIZER_MARKS)
		assert.ok(!result.stderr.includes(mark), `sanitizer report in the server log:\n${result.stderr.slice(-6000)}`);
	assert.equal(result.signal, null, `server killed by ${result.signal}:\n${result.stderr.slice(-3000)}`);
	assert.equal(result.code, 0, `server exit status ${result.code}:\n${result.stderr.slice(-3000)}`);
}

/** The server log must hold none of these strings (personal data, secrets). */
export function assertLogFree(log, secrets) {
	for (const s of secrets) {
		if (!s) continue;
		assert.ok(!log.includes(s), `the server log contains a secret (${JSON.stringify(s.slice(0, 12))}…)`);
	}
}

/**
 * Send raw bytes and return the raw response as text ('' when the server
 * closed without answering). Resolves when one complete response (by
 * Content-Length) has arrived, the server closes, or after `timeout` ms.
 */
export function rawRequest(port, bytes, { timeout = 10000 } = {}) {
	return new Promise((resolve, reject) => {
		const sock = net.connect({ host: '127.0.0.1', port });
		const chunks = [];
		let done = false;
		const finish = () => {
			if (done) return;
			done = true;
			clearTimeout(timer);
			sock.destroy();
			resolve(Buffer.concat(chunks).toString('latin1'));
		};
		const timer = setTimeout(finish, timeout);
		sock.on('data', (d) => {
			chunks.push(d);
			const text = Buffer.concat(chunks).toString('latin1');
			const end = text.indexOf('\r\n\r\n');
			if (end < 0) return;
			const m = /\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, end));
			if (m && Buffer.concat(chunks).length >= end + 4 + Number(m[1])) finish();
		});
		sock.on('end', finish);
		sock.on('close', finish);
		sock.on('error', (e) => {
			// A reset after the server answered (it may close while we
			// still send) still leaves a usable response.
			if (chunks.length) finish();
			else if (e.code === 'ECONNRESET' || e.code === 'EPIPE') finish();
			else if (!done) { done = true; clearTimeout(timer); reject(e); }
		});
		sock.on('connect', () => {
			const list = Array.isArray(bytes) ? bytes : [bytes];
			for (const b of list) sock.write(b);
		});
	});
}

/** Split a raw response into { status, headers (lower-case names, arrays), body }. */
export function parseRaw(text) {
	const end = text.indexOf('\r\n\r\n');
	const head = end < 0 ? text : text.slice(0, end);
	const body = end < 0 ? '' : text.slice(end + 4);
	const lines = head.split('\r\n');
	const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] || '');
	const headers = {};
	for (const line of lines.slice(1)) {
		const i = line.indexOf(':');
		if (i < 0) continue;
		const k = line.slice(0, i).trim().toLowerCase();
		(headers[k] ||= []).push(line.slice(i + 1).trim());
	}
	return { status: m ? Number(m[1]) : 0, headers, body: Buffer.from(body, 'latin1').toString('utf8') };
}
