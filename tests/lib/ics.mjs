// A small iCalendar (RFC 5545) reader for the tests, written independently
// of libical so that what Ovi writes is read by other code.
//
//   import { parseIcs, localStart } from '../lib/ics.mjs';
//   const cal = parseIcs(m.attachments[0].content);   // or the body of invite.ics
//   cal.method                      // 'PUBLISH' or 'CANCEL'
//   cal.timezones                   // ['Europe/Helsinki'] (the TZIDs of the VTIMEZONEs)
//   const ev = cal.events[0];
//   ev.uid, ev.sequence (a number), ev.summary, ev.description, ev.location, ev.url,
//   ev.status ('CONFIRMED' | 'CANCELLED'), ev.duration ('PT1H'),
//   ev.dtstart                      // { value: '20261123T170000', tzid: 'Europe/Helsinki' }
//   localStart(ev)                  // '2026-11-23T17:00', the wall-clock time as written
//
// It also checks the form: every line must end in CRLF and be at most 75
// octets (RFC 5545 3.1), BEGIN and END must pair up; it throws otherwise.
// TEXT values are unescaped (\n \N \, \; \\); properties that are not there
// are undefined.

/** Unescape a TEXT value. */
export function unescapeText(v) {
	return v.replace(/\\([nN,;\\])/g, (_, c) => (c === 'n' || c === 'N' ? '\n' : c));
}

/** One unfolded content line → { name (upper case), params: { NAME: value }, value (raw) }. */
export function parseLine(line) {
	// The value starts at the first ':' outside a quoted parameter value.
	let i = 0;
	let quoted = false;
	for (; i < line.length; i++) {
		const c = line[i];
		if (c === '"') quoted = !quoted;
		else if (c === ':' && !quoted) break;
	}
	if (i === line.length) throw new Error(`no ':' in line: ${line}`);
	const [name, ...params] = line.slice(0, i).match(/(?:[^;"]|"[^"]*")+/g);
	const p = {};
	for (const kv of params) {
		const e = kv.indexOf('=');
		if (e <= 0) throw new Error(`bad parameter ${kv} in line: ${line}`);
		p[kv.slice(0, e).toUpperCase()] = kv.slice(e + 1).replace(/^"(.*)"$/, '$1');
	}
	return { name: name.toUpperCase(), params: p, value: line.slice(i + 1) };
}

/** Read a calendar (a string); see the top of this file. */
export function parseIcs(text) {
	if (!text.endsWith('\r\n')) throw new Error('the calendar does not end in CRLF');
	const physical = text.slice(0, -2).split('\r\n');
	for (const l of physical) {
		if (l.includes('\n') || l.includes('\r')) throw new Error(`a bare CR or LF in: ${JSON.stringify(l)}`);
		if (Buffer.byteLength(l, 'utf8') > 75) throw new Error(`a line longer than 75 octets: ${l}`);
	}
	// Unfold: a line that starts with a space or a tab continues the one before.
	const lines = [];
	for (const l of physical) {
		if ((l[0] === ' ' || l[0] === '\t') && lines.length) lines[lines.length - 1] += l.slice(1);
		else lines.push(l);
	}
	const cal = { method: undefined, events: [], timezones: [] };
	const stack = [];
	let ev = null;
	for (const line of lines) {
		if (line === '') continue;
		const { name, params, value } = parseLine(line);
		if (name === 'BEGIN') {
			stack.push(value.toUpperCase());
			if (value.toUpperCase() === 'VEVENT') ev = {};
			continue;
		}
		if (name === 'END') {
			const open = stack.pop();
			if (open !== value.toUpperCase()) throw new Error(`END:${value} closes ${open}`);
			if (open === 'VEVENT') {
				cal.events.push(ev);
				ev = null;
			}
			continue;
		}
		const where = stack[stack.length - 1];
		if (where === 'VCALENDAR' && name === 'METHOD') cal.method = value;
		else if (where === 'VTIMEZONE' && name === 'TZID') cal.timezones.push(value);
		else if (where === 'VEVENT') {
			switch (name) {
			case 'UID': ev.uid = unescapeText(value); break;
			case 'SEQUENCE': ev.sequence = Number(value); break;
			case 'DTSTART': ev.dtstart = { value, tzid: params.TZID }; break;
			case 'DURATION': ev.duration = value; break;
			case 'SUMMARY': ev.summary = unescapeText(value); break;
			case 'DESCRIPTION': ev.description = unescapeText(value); break;
			case 'LOCATION': ev.location = unescapeText(value); break;
			case 'URL': ev.url = value; break;
			case 'STATUS': ev.status = value; break;
			default: break;
			}
		}
	}
	if (stack.length) throw new Error(`BEGIN:${stack[stack.length - 1]} is not closed`);
	return cal;
}

/** The event's start as written (local to its TZID, or UTC with a Z): 'YYYY-MM-DDTHH:MM'. */
export function localStart(ev) {
	const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})\d{2}Z?$/.exec(ev.dtstart?.value || '');
	if (!m) throw new Error(`DTSTART is not a date-time: ${ev.dtstart?.value}`);
	return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}`;
}
