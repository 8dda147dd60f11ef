// A real SMTP server on the loopback interface for the tests (npm
// smtp-server), with the little MIME parsing the tests need written here, so
// that what Ovi encodes is decoded by independent code.
//
//   const smtp = await startSmtp({ mode: 'ok' });
//   ... start ovi with OVI_SMTP_URL: smtp.url ...
//   const m = await smtp.waitFor((m) => m.to.includes('ada@example.org'));
//   m.subject, m.text, m.html, m.headers['message-id'][0], m.raw
//   m.attachments: [{ filename, contentType, type, content }] (content a UTF-8 string)
//   smtp.setMode('tempfail' | 'permfail' | 'down' | 'ok'); await smtp.stop();
//
// Modes: 'ok' accepts every message; 'tempfail' answers 450 to RCPT TO and
// 'permfail' 550 (counted in smtp.rejected); 'down' closes the listening
// socket (connections are refused) until another mode opens it again on the
// same port.
import { SMTPServer } from 'smtp-server';

/** RFC 2047 encoded-words (UTF-8, B or Q) in an unfolded header value. */
export function decodeWords(value) {
	const word = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/y;
	let out = '';
	let i = 0;
	let pendingSpace = '';
	let afterWord = false;
	while (i < value.length) {
		word.lastIndex = i;
		const m = word.exec(value);
		if (m) {
			if (!/^utf-8$/i.test(m[1])) throw new Error(`unexpected charset ${m[1]}`);
			if (!afterWord) out += pendingSpace;
			pendingSpace = '';
			let bytes;
			if (m[2] === 'B' || m[2] === 'b') {
				bytes = Buffer.from(m[3], 'base64');
			} else {
				const s = m[3].replace(/_/g, ' ');
				const parts = [];
				for (let k = 0; k < s.length; k++) {
					if (s[k] === '=') {
						parts.push(parseInt(s.slice(k + 1, k + 3), 16));
						k += 2;
					} else parts.push(s.charCodeAt(k));
				}
				bytes = Buffer.from(parts);
			}
			out += bytes.toString('utf8');
			afterWord = true;
			i = word.lastIndex;
			continue;
		}
		const c = value[i];
		if (c === ' ' || c === '\t') {
			pendingSpace += c;
			i++;
			continue;
		}
		out += pendingSpace + c;
		pendingSpace = '';
		afterWord = false;
		i++;
	}
	return out + pendingSpace;
}

/** Quoted-printable to a UTF-8 string (soft breaks removed, CRLF kept as LF). */
export function decodeQP(s) {
	const bytes = [];
	for (let i = 0; i < s.length; i++) {
		const c = s[i];
		if (c === '=') {
			if (s[i + 1] === '\r' && s[i + 2] === '\n') { i += 2; continue; }
			const h = s.slice(i + 1, i + 3);
			if (!/^[0-9A-Fa-f]{2}$/.test(h)) throw new Error(`bad quoted-printable at ${i}`);
			bytes.push(parseInt(h, 16));
			i += 2;
		} else if (c === '\r' && s[i + 1] === '\n') {
			bytes.push(10);
			i++;
		} else {
			bytes.push(s.charCodeAt(i));
		}
	}
	return Buffer.from(bytes).toString('utf8');
}

/** Header block → { name (lower case): [values, unfolded, as sent] }. */
function parseHeaders(block) {
	const headers = {};
	for (const line of block.replace(/\r\n(?=[ \t])/g, '').split('\r\n')) {
		const i = line.indexOf(':');
		if (i <= 0) continue;
		const k = line.slice(0, i).toLowerCase();
		(headers[k] ||= []).push(line.slice(i + 1).replace(/^[ \t]+/, ''));
	}
	return headers;
}

function decodeBody(headers, body) {
	const cte = (headers['content-transfer-encoding']?.[0] || '7bit').toLowerCase();
	if (cte === 'quoted-printable') return decodeQP(body);
	if (cte === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
	return Buffer.from(body, 'latin1').toString('utf8').replace(/\r\n/g, '\n');
}

/** A parameter of a header value such as `attachment; filename="invite.ics"` (quoted or a token). */
function headerParam(value, name) {
	const m = new RegExp(`;\\s*${name}=(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(value || '');
	return m ? (m[1] ?? m[2]) : undefined;
}

/** The leaf parts of an entity, depth first: multipart bodies (mixed, alternative) are opened. */
function leafParts(headers, body, out) {
	const ct = headers['content-type']?.[0] || 'text/plain';
	const m = /^multipart\/[a-z]+;\s*boundary="?([^";]+)"?/i.exec(ct);
	if (!m) {
		out.push({ headers, type: ct.split(';')[0].trim().toLowerCase(), body: decodeBody(headers, body) });
		return out;
	}
	const delim = `\r\n--${m[1]}`;
	const chunks = ('\r\n' + body).split(delim);
	// chunks[0] is the preamble; the last starts with "--" (the close).
	for (const chunk of chunks.slice(1)) {
		if (chunk.startsWith('--')) break;
		const c = chunk.replace(/^\r\n/, '');
		const e = c.indexOf('\r\n\r\n');
		leafParts(parseHeaders(e < 0 ? c : c.slice(0, e)), e < 0 ? '' : c.slice(e + 4), out);
	}
	return out;
}

/** A raw message (Buffer) → { raw, headers, subject, from, to, messageId, text, html, parts, attachments }.
 * parts are the leaf parts ({ headers, type, body }) in order; text and html are the first text/plain and
 * text/html parts that are not attachments; attachments are the parts with Content-Disposition: attachment,
 * as { filename, contentType (the whole header value, unfolded), type (e.g. 'text/calendar'), content }. */
export function parseMessage(raw) {
	const s = raw.toString('latin1');
	const end = s.indexOf('\r\n\r\n');
	const head = end < 0 ? s : s.slice(0, end);
	const body = end < 0 ? '' : s.slice(end + 4);
	const headers = parseHeaders(head);
	const msg = {
		raw: s,
		head,
		headers,
		subject: headers.subject ? decodeWords(headers.subject[0]) : undefined,
		from: headers.from ? decodeWords(headers.from[0]) : undefined,
		to: headers.to ? decodeWords(headers.to[0]) : undefined,
		messageId: headers['message-id']?.[0],
		parts: [],
		text: undefined,
		html: undefined,
		attachments: [],
	};
	const ct = headers['content-type']?.[0] || 'text/plain';
	// A single-part body ends with the CRLF of its last line; a part's ends before its delimiter.
	msg.parts = leafParts(headers, /^multipart\//i.test(ct) ? body : body.replace(/\r\n$/, ''), []);
	const isAttachment = (p) => /^attachment\b/i.test(p.headers['content-disposition']?.[0] || '');
	for (const p of msg.parts.filter(isAttachment)) {
		const pct = p.headers['content-type']?.[0] || '';
		msg.attachments.push({
			filename: headerParam(p.headers['content-disposition'][0], 'filename') ?? headerParam(pct, 'name'),
			contentType: pct,
			type: p.type,
			content: p.body,
		});
	}
	const inline = msg.parts.filter((p) => !isAttachment(p));
	msg.text = inline.find((p) => p.type === 'text/plain')?.body;
	msg.html = inline.find((p) => p.type === 'text/html')?.body;
	return msg;
}

/**
 * @param {{ mode?: 'ok'|'tempfail'|'permfail'|'down' }} opts
 * @returns {Promise<{ port: number, url: string, messages: object[], rejected: number,
 *   waitFor: (pred: (m: object) => boolean, timeoutMs?: number) => Promise<object>,
 *   setMode: (mode: string) => Promise<void>, stop: () => Promise<void> }>}
 */
export async function startSmtp({ mode = 'ok' } = {}) {
	const state = { mode, rejected: 0 };
	const messages = [];
	const waiters = new Set();

	function makeServer() {
		return new SMTPServer({
			logger: false,
			disabledCommands: ['AUTH', 'STARTTLS'],
			hideSTARTTLS: true,
			authOptional: true,
			size: 8 * 1024 * 1024,
			onRcptTo(address, session, cb) {
				if (state.mode === 'tempfail') {
					state.rejected++;
					const e = new Error('Mailbox busy, try again later');
					e.responseCode = 450;
					return cb(e);
				}
				if (state.mode === 'permfail') {
					state.rejected++;
					const e = new Error('No such user here');
					e.responseCode = 550;
					return cb(e);
				}
				cb();
			},
			onData(stream, session, cb) {
				const chunks = [];
				stream.on('data', (d) => chunks.push(d));
				stream.on('end', () => {
					const msg = parseMessage(Buffer.concat(chunks));
					msg.envelope = {
						from: session.envelope.mailFrom && session.envelope.mailFrom.address,
						to: session.envelope.rcptTo.map((r) => r.address),
					};
					messages.push(msg);
					for (const w of waiters) w();
					cb(null, 'Queued');
				});
			},
		});
	}

	let server = makeServer();
	let port = 0;
	const listen = () => new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => {
			server.removeListener('error', reject);
			port = server.server.address().port;
			resolve();
		});
	});
	const close = () => new Promise((resolve) => server.close(resolve));
	let listening = false;
	if (mode !== 'down') {
		await listen();
		listening = true;
	} else {
		// Reserve a port number: listen once, then close.
		await listen();
		await close();
		server = makeServer();
	}

	return {
		get port() { return port; },
		get url() { return `smtp://127.0.0.1:${port}`; },
		messages,
		get rejected() { return state.rejected; },
		/** The first message (already here or arriving) that satisfies pred. */
		waitFor(pred, timeoutMs = 10000) {
			const found = messages.find(pred);
			if (found) return Promise.resolve(found);
			return new Promise((resolve, reject) => {
				const check = () => {
					const m = messages.find(pred);
					if (m) { clearTimeout(timer); waiters.delete(check); resolve(m); }
				};
				const timer = setTimeout(() => {
					waiters.delete(check);
					reject(new Error(`no matching e-mail within ${timeoutMs} ms (${messages.length} received)`));
				}, timeoutMs);
				waiters.add(check);
			});
		},
		async setMode(m) {
			state.mode = m;
			if (m === 'down' && listening) {
				await close();
				server = makeServer();
				listening = false;
			} else if (m !== 'down' && !listening) {
				await listen();
				listening = true;
			}
		},
		async stop() {
			if (listening) await close();
			listening = false;
		},
	};
}
