/* Internet messages: headers (RFC 2047 encoding, folding), addresses,
 * quoted-printable, the whole multipart message, attachments (base64 in
 * multipart/mixed), and hostile input. Every
 * message built here is taken apart again and decoded, so the checks are
 * about what a mail client will read, not about exact bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "mail/mime.h"

static struct buf OUT;

static int setup(void **state)
{
	(void)state;
	buf_init(&OUT, MIME_MAX_MESSAGE + 1024);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	buf_free(&OUT);
	return 0;
}

/* ---- taking a message apart -------------------------------------------------------- */

/* Every line ends in CRLF, is 7-bit, has no NUL, and is at most `max`
 * characters (headers 78, bodies 76 + CRLF checked by the caller). */
static void assert_lines(const char *s, size_t n, size_t max)
{
	size_t col = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		assert_true(c != 0 && c < 0x80);
		if (c == '\r') {
			assert_true(i + 1 < n && s[i + 1] == '\n');
			i++;
			col = 0;
			continue;
		}
		assert_true(c != '\n');
		col++;
		if (col > max)
			fail_msg("line longer than %zu at byte %zu: %.80s", max, i, s + i + 1 - col);
	}
}

/* The unfolded value of header `name` in the header section, decoded with
 * mime_header_decode(), in a static buffer; NULL when absent. Asserts the
 * header occurs at most once. */
static const char *header(const char *msg, const char *name)
{
	static char value[4096];
	const char *end = strstr(msg, "\r\n\r\n");
	assert_non_null(end);
	size_t nl = strlen(name);
	const char *found = NULL;
	for (const char *p = msg; p < end;) {
		if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			assert_null(found);
			found = p + nl + 1;
		}
		p = strstr(p, "\r\n") + 2;
	}
	if (!found)
		return NULL;
	/* The value runs until a CRLF not followed by white space. */
	const char *q = found;
	while (!(q[0] == '\r' && q[1] == '\n' && q[2] != ' ' && q[2] != '\t'))
		q++;
	while (*found == ' ')
		found++;
	struct buf b = BUF_INIT(sizeof(value) - 1);
	assert_int_equal(mime_header_decode(found, (size_t)(q - found), &b), 0);
	memcpy(value, buf_str(&b), b.len + 1);
	buf_free(&b);
	return value;
}

/* Body part `index` (0, 1, ...) of a multipart/mixed message: its
 * headers and content, with the CRLF that precedes the next delimiter, in
 * a malloc()ed string; NULL when there is no such part. */
static char *mixed_part(const char *msg, int index)
{
	const char *ct = header(msg, "Content-Type");
	static const char pre[] = "multipart/mixed; boundary=\"";
	assert_int_equal(strncmp(ct, pre, sizeof(pre) - 1), 0);
	char bnd[80] = "\r\n--";
	const char *b = ct + sizeof(pre) - 1;
	size_t bl = strcspn(b, "\"");
	assert_true(bl < 70);
	memcpy(bnd + 4, b, bl);
	bnd[4 + bl] = '\0';
	const char *p = strstr(msg, bnd);
	for (int i = 0;; i++) {
		assert_non_null(p);
		p += strlen(bnd);
		if (strncmp(p, "--", 2) == 0) {
			/* The close delimiter ends the message. */
			assert_string_equal(p, "--\r\n");
			return NULL;
		}
		assert_memory_equal(p, "\r\n", 2);
		p += 2;
		const char *next = strstr(p, bnd);
		assert_non_null(next);
		if (i == index) {
			size_t n = (size_t)(next - p) + 2;
			char *r = malloc(n + 1);
			memcpy(r, p, n);
			r[n] = '\0';
			return r;
		}
		p = next;
	}
}

/* The decoded body of the part with Content-Type `type` (a prefix such as
 * "text/plain"), in a malloc()ed string. */
static char *part(const char *msg, const char *type)
{
	const char *ct = header(msg, "Content-Type");
	assert_non_null(ct);
	const char *body;
	size_t len;
	if (strncmp(ct, "multipart/mixed;", 16) == 0) {
		/* The text is the first part of the mix. */
		char *first = mixed_part(msg, 0);
		assert_non_null(first);
		char *r = part(first, type);
		free(first);
		return r;
	}
	if (strncmp(ct, "multipart/alternative; boundary=\"", 33) == 0) {
		char bnd[80] = "\r\n--";
		const char *b = ct + 33;
		size_t bl = strcspn(b, "\"");
		memcpy(bnd + 4, b, bl);
		bnd[4 + bl] = '\0';
		/* Find the part whose own header names the type. */
		const char *p = strstr(msg, bnd);
		for (;;) {
			assert_non_null(p);
			p += strlen(bnd);
			if (strncmp(p, "--", 2) == 0)
				fail_msg("no %s part", type);
			assert_memory_equal(p, "\r\n", 2);
			p += 2;
			const char *hend = strstr(p, "\r\n\r\n");
			char want[120];
			snprintf(want, sizeof(want), "Content-Type: %s; charset=utf-8\r\n"
						     "Content-Transfer-Encoding: quoted-printable", type);
			const char *next = strstr(hend, bnd);
			assert_non_null(next);
			if ((size_t)(hend - p) == strlen(want) && memcmp(p, want, strlen(want)) == 0) {
				body = hend + 4;
				len = (size_t)(next - body);
				break;
			}
			p = next;
		}
	} else {
		assert_string_equal(ct, "text/plain; charset=utf-8");
		assert_string_equal(type, "text/plain");
		assert_string_equal(header(msg, "Content-Transfer-Encoding"), "quoted-printable");
		body = strstr(msg, "\r\n\r\n") + 4;
		len = strlen(body);
		assert_true(len >= 2 && memcmp(body + len - 2, "\r\n", 2) == 0);
		len -= 2;
	}
	assert_lines(body, len, 76);
	struct buf b = BUF_INIT(MIME_MAX_MESSAGE);
	assert_int_equal(mime_qp_decode(body, len, &b), 0);
	return buf_detach(&b, NULL);
}

static void assert_headers_ok(const char *msg)
{
	const char *end = strstr(msg, "\r\n\r\n");
	assert_non_null(end);
	assert_lines(msg, (size_t)(end - msg) + 2, 78);
	assert_lines(msg, strlen(msg), 998);
}

static struct mime_msg sample(void)
{
	return (struct mime_msg){
		.from = "Ovi <noreply@ovi.example>",
		.to_email = "ada@example.org",
		.to_name = "Ada Lovelace",
		.reply_to = "",
		.subject = "Welcome",
		.text = "Hello Ada,\n\nwelcome.\n",
		.html = "<p>Hello Ada,</p>\n<p>welcome.</p>\n",
		.message_id = "<abc-DEF_123@ovi.example>",
		.date = 1795446000, /* 2026-11-23 15:00:00 UTC, a Monday */
	};
}

static const char *build(const struct mime_msg *m)
{
	buf_reset(&OUT);
	enum mime_status st = mime_build(m, &OUT);
	if (st)
		fail_msg("mime_build: %s", mime_status_str(st));
	assert_headers_ok(buf_str(&OUT));
	return buf_str(&OUT);
}

/* ---- attachments --------------------------------------------------------------------------- */

static const char ICS[] = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Ovi//Ovi//EN\r\nMETHOD:PUBLISH\r\n"
			  "BEGIN:VEVENT\r\nUID:match-12@ovi.example.org\r\nSUMMARY:Möte med Åsa\\, 🎉\r\n"
			  "DESCRIPTION:A line that is long enough to be folded by the writer of th\r\n"
			  " e calendar\\nand more\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
static const char ICS_TYPE[] = "text/calendar; charset=UTF-8; method=PUBLISH";

static struct mime_msg with_attachment(void)
{
	struct mime_msg m = sample();
	m.attach_name = "invite.ics";
	m.attach_type = ICS_TYPE;
	m.attach_data = ICS;
	return m;
}

/* The attachment (the second part of the mix): checks its headers against
 * the type and the file name, its lines, and returns its decoded content
 * (malloc()ed). */
static char *attachment(const char *msg, const char *type, const char *name)
{
	assert_null(mixed_part(msg, 2));
	char *p = mixed_part(msg, 1);
	assert_non_null(p);
	const char *end = strstr(p, "\r\n\r\n");
	assert_non_null(end);
	assert_lines(p, (size_t)(end - p) + 2, 78);
	char want[400];
	snprintf(want, sizeof(want), "%s; name=\"%s\"", type, name);
	assert_string_equal(header(p, "Content-Type"), want);
	snprintf(want, sizeof(want), "attachment; filename=\"%s\"", name);
	assert_string_equal(header(p, "Content-Disposition"), want);
	assert_string_equal(header(p, "Content-Transfer-Encoding"), "base64");
	/* Lines of exactly 76 characters but the last. */
	const char *body = end + 4;
	size_t len = strlen(body) - 2;
	for (const char *l = body; l < body + len;) {
		const char *e = strstr(l, "\r\n");
		size_t ll = e ? (size_t)(e - l) : (size_t)(body + len - l);
		if (e && e < body + len)
			assert_int_equal(ll, 76);
		assert_true(ll <= 76 && ll % 4 == 0);
		l += ll + 2;
	}
	struct buf d = BUF_INIT(MIME_MAX_ATTACH);
	assert_int_equal(mime_b64_decode(body, len, &d), 0);
	free(p);
	return buf_detach(&d, NULL);
}

static const char *boundary_of(const char *ct, char out[80])
{
	const char *b = strstr(ct, "boundary=\"");
	assert_non_null(b);
	b += 10;
	size_t n = strcspn(b, "\"");
	memcpy(out, b, n);
	out[n] = '\0';
	return out;
}

/* ---- tests ---------------------------------------------------------------------------------- */

static void test_basic(void **state)
{
	(void)state;
	struct mime_msg m = sample();
	const char *msg = build(&m);
	assert_string_equal(header(msg, "Date"), "Mon, 23 Nov 2026 15:00:00 +0000");
	assert_string_equal(header(msg, "From"), "Ovi <noreply@ovi.example>");
	assert_string_equal(header(msg, "To"), "Ada Lovelace <ada@example.org>");
	assert_null(header(msg, "Reply-To"));
	assert_string_equal(header(msg, "Subject"), "Welcome");
	assert_string_equal(header(msg, "Message-ID"), "<abc-DEF_123@ovi.example>");
	assert_string_equal(header(msg, "MIME-Version"), "1.0");
	assert_string_equal(header(msg, "Auto-Submitted"), "auto-generated");
	assert_non_null(strstr(header(msg, "Content-Type"), "multipart/alternative; boundary=\"=_ovi_"));
	char *t = part(msg, "text/plain"), *h = part(msg, "text/html");
	assert_string_equal(t, m.text);
	assert_string_equal(h, m.html);
	free(t);
	free(h);
	/* The message ends with the closing boundary. */
	assert_non_null(strstr(msg, "--\r\n"));
	assert_string_equal(msg + strlen(msg) - 4, "--\r\n");

	/* The same input gives the same bytes; another Message-ID another boundary. */
	char *first = strdup(msg);
	assert_string_equal(build(&m), first);
	m.message_id = "<other@ovi.example>";
	char *ct = strdup(header(build(&m), "Content-Type"));
	assert_string_not_equal(ct, header(first, "Content-Type"));
	free(ct);
	free(first);

	/* Text only. */
	m = sample();
	m.html = "";
	msg = build(&m);
	assert_string_equal(header(msg, "Content-Type"), "text/plain; charset=utf-8");
	t = part(msg, "text/plain");
	assert_string_equal(t, m.text);
	free(t);
	m.html = NULL;
	assert_string_equal(header(build(&m), "Content-Type"), "text/plain; charset=utf-8");

	/* Reply-To and a quoted From. */
	m = sample();
	m.reply_to = "Coordinator <coord@ovi.example>";
	m.from = "\"Ovi, the \\\"door\\\"\" <noreply@ovi.example>";
	msg = build(&m);
	assert_string_equal(header(msg, "Reply-To"), "Coordinator <coord@ovi.example>");
	assert_string_equal(header(msg, "From"), "\"Ovi, the \\\"door\\\"\" <noreply@ovi.example>");
	m.from = "noreply@ovi.example";
	assert_string_equal(header(build(&m), "From"), "<noreply@ovi.example>");
}

static void test_encoded_headers(void **state)
{
	(void)state;
	struct mime_msg m = sample();
	static const char *const subjects[] = {
		"Välkommen till Ovi – bekräfta din e-postadress",
		"Tervetuloa! Vahvista sähköpostiosoitteesi",
		"مرحبا بك في البرنامج",
		"Emoji 🎉🚪 and ÅÄÖ åäö",
		"=?UTF-8?B?SGVsbG8=?= is not an encoded word here",
		"Tabs\tand  double  spaces ",
		" leading space",
		"A very long subject line that has many words in it so that it must be folded over "
		"more than one line, and it goes on and on for a while, longer than any sane subject",
		"Averylongwordwithoutanyspacesthatcannotbefoldedatwhitespaceandthereforemustbeencodedinstead",
		"Lång ämnesrad på svenska med många ord så att den måste delas på flera rader, "
		"och varje kodat ord måste hålla hela tecken: åäöÅÄÖéü – ”citat” och 🎉🎉🎉🎉🎉🎉🎉🎉",
		"",
	};
	for (size_t i = 0; i < sizeof(subjects) / sizeof(*subjects); i++) {
		m.subject = subjects[i];
		const char *msg = build(&m);
		assert_string_equal(header(msg, "Subject"), subjects[i]);
	}
	/* A plain subject is written as it is; a non-ASCII one is encoded. */
	m.subject = "Welcome to Ovi";
	assert_non_null(strstr(build(&m), "\r\nSubject: Welcome to Ovi\r\n"));
	m.subject = "Välkommen";
	assert_non_null(strstr(build(&m), "\r\nSubject: =?UTF-8?Q?V=C3=A4lkommen?=\r\n"));
	m.subject = "ÅÄÖ";
	assert_non_null(strstr(build(&m), "\r\nSubject: =?UTF-8?B?w4XDhMOW?=\r\n"));

	static const char *const names[] = {
		"Åsa Öberg", "Mäkinen, Matti", "José \"Pepe\" García", "Ada L.", "O'Brien", "=?UTF-8?Q?x?=",
		"محمد", "Name, With Comma", "a\\b",
		"Ein sehr langer Name mit vielen Wörtern der über mehrere Zeilen gefaltet werden muss "
		"weil er so lang ist",
		"",
	};
	m = sample();
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		m.to_name = names[i];
		const char *msg = build(&m);
		const char *to = header(msg, "To");
		char want[600];
		if (!*names[i]) {
			assert_string_equal(to, "<ada@example.org>");
			continue;
		}
		/* ASCII names with specials are quoted; the rest decode to the name. */
		bool ascii = true;
		for (const char *p = names[i]; *p; p++)
			ascii = ascii && (unsigned char)*p < 0x80;
		if (ascii && strpbrk(names[i], ",.\"\\=?")) {
			char q[200];
			size_t o = 0;
			for (const char *p = names[i]; *p; p++) {
				if (*p == '"' || *p == '\\')
					q[o++] = '\\';
				q[o++] = *p;
			}
			q[o] = '\0';
			snprintf(want, sizeof(want), "\"%s\" <ada@example.org>", q);
		} else {
			snprintf(want, sizeof(want), "%s <ada@example.org>", names[i]);
		}
		assert_string_equal(to, want);
	}
	/* The encoded From of a non-ASCII mail_from setting. */
	m = sample();
	m.from = "Dörren – Ovi <noreply@ovi.example>";
	assert_string_equal(header(build(&m), "From"), "Dörren – Ovi <noreply@ovi.example>");
}

static void test_folding(void **state)
{
	(void)state;
	/* Header lines stay within 78 characters for every length of subject,
	 * ASCII or not, and decode to what went in. */
	char s[MIME_MAX_SUBJECT + 1];
	static const char *const pieces[] = { "word ", "ä", "🎉", "x", " ", "Ω" };
	for (size_t p = 0; p < sizeof(pieces) / sizeof(*pieces); p++) {
		size_t pl = strlen(pieces[p]);
		for (size_t n = 0; n + pl <= MIME_MAX_SUBJECT; n = n * 2 + pl) {
			size_t o = 0;
			while (o + pl <= n + pl && o + pl <= MIME_MAX_SUBJECT) {
				memcpy(s + o, pieces[p], pl);
				o += pl;
			}
			s[o] = '\0';
			struct buf b = BUF_INIT(1 << 16);
			assert_int_equal(mime_header(&b, "Subject", s, o), MIME_OK);
			assert_lines(buf_str(&b), b.len, 78);
			struct buf d = BUF_INIT(1 << 16);
			assert_int_equal(mime_header_decode(b.data + 9, b.len - 11, &d), 0);
			assert_string_equal(buf_str(&d), s);
			buf_free(&b);
			buf_free(&d);
		}
	}
}

static void test_hostile(void **state)
{
	(void)state;
	static const struct {
		const char *field, *value;
		enum mime_status want;
	} cases[] = {
		{ "subject", "Hi\r\nBcc: victim@example.org", MIME_BAD_HEADER },
		{ "subject", "Hi\nBcc: victim@example.org", MIME_BAD_HEADER },
		{ "subject", "Hi\rthere", MIME_BAD_HEADER },
		{ "subject", "bell\a", MIME_BAD_HEADER },
		{ "subject", "del\x7f", MIME_BAD_HEADER },
		{ "subject", "c1 \xc2\x85 next line", MIME_BAD_HEADER },
		{ "subject", "bad \xff utf-8", MIME_BAD_UTF8 },
		{ "subject", "overlong \xc0\xaf", MIME_BAD_UTF8 },
		{ "subject", "surrogate \xed\xa0\x80", MIME_BAD_UTF8 },
		{ "to_name", "Eve\r\nBcc: victim@example.org", MIME_BAD_HEADER },
		{ "to_name", "Eve\ttab", MIME_BAD_HEADER },
		{ "to_name", "Eve \xe2\x82", MIME_BAD_UTF8 },
		{ "to_email", "ada@example.org\r\nBcc: victim@example.org", MIME_BAD_HEADER },
		{ "to_email", "ada@example.org>, <victim@example.org", MIME_BAD_ADDRESS },
		{ "to_email", "ada@example.org, victim@example.org", MIME_BAD_ADDRESS },
		{ "to_email", "ada", MIME_BAD_ADDRESS },
		{ "to_email", "@example.org", MIME_BAD_ADDRESS },
		{ "to_email", "ada@", MIME_BAD_ADDRESS },
		{ "to_email", "ada@@example.org", MIME_BAD_ADDRESS },
		{ "to_email", "a da@example.org", MIME_BAD_ADDRESS },
		{ "to_email", "\"ada\"@example.org", MIME_BAD_ADDRESS },
		{ "to_email", "ada@exa mple.org", MIME_BAD_ADDRESS },
		{ "to_email", "ada@[127.0.0.1]", MIME_BAD_ADDRESS },
		{ "to_email", "åsa@example.org", MIME_BAD_ADDRESS },
		{ "to_email", ".ada@example.org", MIME_BAD_ADDRESS },
		{ "to_email", "a..da@example.org", MIME_BAD_ADDRESS },
		{ "to_email", "ada@example..org", MIME_BAD_ADDRESS },
		{ "to_email", "", MIME_BAD_ADDRESS },
		{ "from", "Ovi <noreply@ovi.example>\r\nBcc: victim@example.org", MIME_BAD_HEADER },
		{ "from", "Ovi\r\n <noreply@ovi.example>", MIME_BAD_HEADER },
		{ "from", "Ovi <noreply@ovi.example", MIME_BAD_ADDRESS },
		{ "from", "", MIME_BAD_ADDRESS },
		{ "reply_to", "x@example.org\nBcc: victim@example.org", MIME_BAD_HEADER },
		{ "reply_to", "<>", MIME_BAD_ADDRESS },
		{ "message_id", "<a@b>\r\nBcc: victim@example.org", MIME_BAD_HEADER },
		{ "message_id", "a@b", MIME_BAD_MSGID },
		{ "message_id", "<ab>", MIME_BAD_MSGID },
		{ "message_id", "<a@b@c>", MIME_BAD_MSGID },
		{ "message_id", "<a b@c>", MIME_BAD_MSGID },
		{ "message_id", "", MIME_BAD_MSGID },
		{ "text", "bad \xff", MIME_BAD_UTF8 },
		{ "html", "<p>\xc3</p>", MIME_BAD_UTF8 },
	};
	buf_reset(&OUT);
	buf_adds(&OUT, "keep");
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct mime_msg m = sample();
		const char **f = !strcmp(cases[i].field, "subject")	 ? &m.subject
				 : !strcmp(cases[i].field, "to_name")	 ? &m.to_name
				 : !strcmp(cases[i].field, "to_email")	 ? &m.to_email
				 : !strcmp(cases[i].field, "from")	 ? &m.from
				 : !strcmp(cases[i].field, "reply_to")	 ? &m.reply_to
				 : !strcmp(cases[i].field, "message_id") ? &m.message_id
				 : !strcmp(cases[i].field, "text")	 ? &m.text
									 : &m.html;
		*f = cases[i].value;
		enum mime_status st = mime_build(&m, &OUT);
		if (st != cases[i].want)
			fail_msg("case %zu (%s %s): %s", i, cases[i].field, cases[i].value, mime_status_str(st));
		/* Nothing was written. */
		assert_string_equal(buf_str(&OUT), "keep");
	}
	/* NUL inside a header value (given with its length). */
	struct buf b = BUF_INIT(4096);
	assert_int_equal(mime_header(&b, "Subject", "a\0b", 3), MIME_BAD_HEADER);
	assert_int_equal(mime_mailbox_header(&b, "To", "a\0b", 3, "x@example.org", 13), MIME_BAD_HEADER);
	assert_int_equal(mime_mailbox_header(&b, "To", "ab", 2, "x@example.org\0", 14), MIME_BAD_HEADER);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

static void test_limits(void **state)
{
	(void)state;
	struct mime_msg m = sample();
	char *big = malloc(MIME_MAX_BODY + 2);
	/* The largest body of the worst kind (every byte encoded) fits. */
	memset(big, '=', MIME_MAX_BODY);
	big[MIME_MAX_BODY] = '\0';
	m.text = big;
	m.html = big;
	buf_reset(&OUT);
	assert_int_equal(mime_build(&m, &OUT), MIME_OK);
	char *t = part(buf_str(&OUT), "text/plain");
	assert_string_equal(t, big);
	free(t);
	big[MIME_MAX_BODY] = '=';
	big[MIME_MAX_BODY + 1] = '\0';
	m.text = big;
	buf_reset(&OUT);
	assert_int_equal(mime_build(&m, &OUT), MIME_TOO_LONG);
	m = sample();
	m.html = big;
	assert_int_equal(mime_build(&m, &OUT), MIME_TOO_LONG);
	/* Subject and names. */
	m = sample();
	big[MIME_MAX_SUBJECT + 1] = '\0';
	memset(big, 'a', MIME_MAX_SUBJECT + 1);
	m.subject = big;
	assert_int_equal(mime_build(&m, &OUT), MIME_TOO_LONG);
	big[MIME_MAX_SUBJECT] = '\0';
	assert_int_equal(mime_build(&m, &OUT), MIME_OK);
	m = sample();
	big[MIME_MAX_NAME] = 'a';
	big[MIME_MAX_NAME + 1] = '\0';
	m.to_name = big;
	assert_int_equal(mime_build(&m, &OUT), MIME_TOO_LONG);
	big[MIME_MAX_NAME] = '\0';
	buf_reset(&OUT);
	assert_int_equal(mime_build(&m, &OUT), MIME_OK);
	assert_string_equal(strchr(header(buf_str(&OUT), "To"), '<'), "<ada@example.org>");
	/* The longest address. */
	m = sample();
	char addr[MIME_MAX_ADDR + 2];
	memset(addr, 'd', sizeof(addr));
	memcpy(addr, "local@", 6);
	addr[MIME_MAX_ADDR] = '\0';
	m.to_email = addr;
	buf_reset(&OUT);
	assert_int_equal(mime_build(&m, &OUT), MIME_OK);
	addr[MIME_MAX_ADDR] = 'd';
	addr[MIME_MAX_ADDR + 1] = '\0';
	assert_int_equal(mime_build(&m, &OUT), MIME_BAD_ADDRESS);
	/* The worst case of every limit at once, with an attachment, fits
	 * MIME_MAX_MESSAGE. */
	m = sample();
	char *att = malloc(MIME_MAX_ATTACH + 2);
	memset(att, 'x', MIME_MAX_ATTACH);
	att[MIME_MAX_ATTACH] = '\0';
	memset(big, '=', MIME_MAX_BODY);
	big[MIME_MAX_BODY] = '\0';
	char subject[MIME_MAX_SUBJECT + 1], name[MIME_MAX_NAME + 1];
	for (size_t i = 0; i + 2 <= MIME_MAX_SUBJECT; i += 2)
		memcpy(subject + i, "ä", 2);
	subject[MIME_MAX_SUBJECT] = '\0';
	for (size_t i = 0; i + 2 <= MIME_MAX_NAME; i += 2)
		memcpy(name + i, "ä", 2);
	name[MIME_MAX_NAME] = '\0';
	m.text = m.html = big;
	m.subject = subject;
	m.to_name = name;
	m.attach_name = "a-very-long-file-name-that-is-exactly-sixty-four-characters_.ics";
	m.attach_type = ICS_TYPE;
	m.attach_data = att;
	buf_reset(&OUT);
	assert_int_equal(mime_build(&m, &OUT), MIME_OK);
	assert_true(OUT.len <= MIME_MAX_MESSAGE);
	char *a = attachment(buf_str(&OUT), ICS_TYPE, m.attach_name);
	assert_string_equal(a, att);
	free(a);
	att[MIME_MAX_ATTACH] = 'x';
	att[MIME_MAX_ATTACH + 1] = '\0';
	assert_int_equal(mime_build(&m, &OUT), MIME_TOO_LONG);
	free(att);

	/* An output buffer that is too small: an error, and nothing written. */
	m = sample();
	struct buf small = BUF_INIT(100);
	assert_int_equal(mime_build(&m, &small), MIME_NOMEM);
	assert_int_equal(small.len, 0);
	buf_free(&small);
	free(big);
}

static void test_attachment(void **state)
{
	(void)state;
	struct mime_msg m = with_attachment();
	const char *msg = build(&m);
	const char *ct = header(msg, "Content-Type");
	assert_int_equal(strncmp(ct, "multipart/mixed; boundary=\"=_ovi_mixed_", 39), 0);
	char mixed[80], alt[80];
	boundary_of(ct, mixed);
	/* The first part is the alternative, with its own boundary. */
	char *first = mixed_part(msg, 0);
	boundary_of(header(first, "Content-Type"), alt);
	assert_int_equal(strncmp(header(first, "Content-Type"), "multipart/alternative;", 22), 0);
	assert_string_not_equal(mixed, alt);
	assert_true(strncmp(mixed, alt, strlen(alt)) && strncmp(alt, mixed, strlen(mixed)));
	free(first);
	char *t = part(msg, "text/plain"), *h = part(msg, "text/html"), *a = attachment(msg, ICS_TYPE, "invite.ics");
	assert_string_equal(t, m.text);
	assert_string_equal(h, m.html);
	assert_string_equal(a, ICS);
	free(t);
	free(h);
	free(a);
	/* The same bytes again. */
	char *copy = strdup(msg);
	assert_string_equal(build(&m), copy);
	free(copy);

	/* Text only, with an attachment: the text is the first part itself. */
	m.html = "";
	msg = build(&m);
	first = mixed_part(msg, 0);
	assert_string_equal(header(first, "Content-Type"), "text/plain; charset=utf-8");
	free(first);
	t = part(msg, "text/plain");
	assert_string_equal(t, m.text);
	free(t);
	a = attachment(msg, ICS_TYPE, "invite.ics");
	assert_string_equal(a, ICS);
	free(a);

	/* No data: no attachment, the message as without one. */
	m = sample();
	char *plain = strdup(build(&m));
	m.attach_name = "invite.ics";
	m.attach_type = ICS_TYPE;
	m.attach_data = "";
	assert_string_equal(build(&m), plain);
	m.attach_name = m.attach_type = NULL;
	m.attach_data = NULL;
	assert_string_equal(build(&m), plain);
	free(plain);

	/* A type with many parameters is folded, white space is tidied. */
	m = with_attachment();
	m.attach_type = "text/calendar ;charset=UTF-8;  method=PUBLISH; component=\"VEVENT, VTODO\"; "
			"x-a-rather-long-parameter-name=and-a-value-that-is-long-too; x-b=1";
	m.attach_name = "a-very-long-file-name-that-is-exactly-sixty-four-characters_.ics";
	assert_int_equal(strlen(m.attach_name), 64);
	msg = build(&m);
	a = attachment(msg, "text/calendar; charset=UTF-8; method=PUBLISH; component=\"VEVENT, VTODO\"; "
			    "x-a-rather-long-parameter-name=and-a-value-that-is-long-too; x-b=1", m.attach_name);
	free(a);

	/* Every size of content round-trips (base64 padding, line breaks). */
	char data[400];
	for (size_t n = 1; n < 240; n += (n < 64 ? 1 : 17)) {
		for (size_t i = 0; i < n; i++)
			data[i] = (char)('a' + i % 26);
		data[n] = '\0';
		m = with_attachment();
		m.attach_data = data;
		a = attachment(build(&m), ICS_TYPE, "invite.ics");
		assert_string_equal(a, data);
		free(a);
	}
}

static void test_attachment_hostile(void **state)
{
	(void)state;
	static const struct {
		const char *name, *type, *data;
		enum mime_status want;
	} cases[] = {
		{ "", NULL, NULL, MIME_BAD_ATTACH },
		{ "a b.ics", NULL, NULL, MIME_BAD_ATTACH },
		{ "../x.ics", NULL, NULL, MIME_BAD_ATTACH },
		{ "x\".ics", NULL, NULL, MIME_BAD_ATTACH },
		{ "x\r\nBcc: v@example.org", NULL, NULL, MIME_BAD_ATTACH },
		{ "möte.ics", NULL, NULL, MIME_BAD_ATTACH },
		{ "a;b.ics", NULL, NULL, MIME_BAD_ATTACH },
		{ "a-very-long-file-name-that-is-exactly-sixty-five-characters__.ics", NULL, NULL, MIME_BAD_ATTACH },
		{ NULL, "", NULL, MIME_BAD_ATTACH },
		{ NULL, "text", NULL, MIME_BAD_ATTACH },
		{ NULL, "text/", NULL, MIME_BAD_ATTACH },
		{ NULL, "/calendar", NULL, MIME_BAD_ATTACH },
		{ NULL, "text/calendar;", NULL, MIME_BAD_ATTACH },
		{ NULL, "text/calendar; charset", NULL, MIME_BAD_ATTACH },
		{ NULL, "text/calendar; charset=", NULL, MIME_BAD_ATTACH },
		{ NULL, "text/calendar; charset=a b", NULL, MIME_BAD_ATTACH },
		{ NULL, "text/calendar; Name=x.ics", NULL, MIME_BAD_ATTACH },
		{ NULL, "text/calendar\r\nBcc: v@example.org", NULL, MIME_BAD_ATTACH },
		{ NULL, "text/calendar; a=b\r\n c=d", NULL, MIME_BAD_ATTACH },
		{ NULL, "text/calendar; a=\"b", NULL, MIME_BAD_ATTACH },
		{ NULL, "text/calendar; a=\"b\\\"c\"", NULL, MIME_BAD_ATTACH },
		{ NULL, "text/calendar; a=\"b\rc\"", NULL, MIME_BAD_ATTACH },
		{ NULL, "text/calendar; charset=ä", NULL, MIME_BAD_ATTACH },
		{ NULL, "text/calendar\t; a=b", NULL, MIME_BAD_ATTACH },
		{ NULL, "text/calendar; a=b;; c=d", NULL, MIME_BAD_ATTACH },
		{ NULL, "text/calendar; x=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", NULL,
		  MIME_BAD_ATTACH },
		{ NULL, "text/calendar; a=1; b=1; c=1; d=1; e=1; f=1; g=1; h=1; i=1; j=1; k=1; l=1; m=1; n=1; o=1; p=1",
		  NULL, MIME_BAD_ATTACH },
		{ NULL, NULL, "bad \xff utf-8", MIME_BAD_UTF8 },
		{ NULL, NULL, "cut \xe2\x82", MIME_BAD_UTF8 },
	};
	buf_reset(&OUT);
	buf_adds(&OUT, "keep");
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct mime_msg m = with_attachment();
		if (cases[i].name)
			m.attach_name = cases[i].name;
		if (cases[i].type)
			m.attach_type = cases[i].type;
		if (cases[i].data)
			m.attach_data = cases[i].data;
		enum mime_status st = mime_build(&m, &OUT);
		if (st != cases[i].want)
			fail_msg("case %zu (%s | %s): %s", i, m.attach_name, m.attach_type, mime_status_str(st));
		assert_string_equal(buf_str(&OUT), "keep");
	}
	/* The longest piece of a type (70) and the longest type (200) are fine. */
	struct mime_msg m = with_attachment();
	m.attach_type = "text/calendar; x=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	char *a = attachment(build(&m), m.attach_type, "invite.ics");
	free(a);
	char type[256] = "text/calendar";
	while (strlen(type) + 25 <= 200)
		strcat(type, "; x-abcdef=ghijklmnopqrst");
	while (strlen(type) < 200)
		strcat(type, " ");
	assert_int_equal(strlen(type), 200);
	m.attach_type = type;
	assert_int_equal(mime_build(&m, &OUT), MIME_OK);
	strcat(type, " ");
	buf_reset(&OUT);
	assert_int_equal(mime_build(&m, &OUT), MIME_BAD_ATTACH);
	/* Data without a name or a type. */
	m = with_attachment();
	m.attach_name = NULL;
	assert_int_equal(mime_build(&m, &OUT), MIME_BAD_ATTACH);
	m = with_attachment();
	m.attach_type = "";
	assert_int_equal(mime_build(&m, &OUT), MIME_BAD_ATTACH);
	assert_int_equal(OUT.len, 0);
	assert_string_equal(mime_status_str(MIME_BAD_ATTACH), "bad attachment name or type");
}

static void test_b64_decode(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} ok[] = {
		{ "", "" }, { "YQ==", "a" }, { "YWI=", "ab" }, { "YWJj", "abc" }, { "YWJj\r\nZGVm\r\n", "abcdef" },
		{ "w6XDpMO2", "åäö" },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(*ok); i++) {
		struct buf d = BUF_INIT(1024);
		assert_int_equal(mime_b64_decode(ok[i].in, strlen(ok[i].in), &d), 0);
		assert_string_equal(buf_str(&d), ok[i].out);
		buf_free(&d);
	}
	static const char *const bad[] = { "Y", "YQ=", "YQ==YQ==", "YQ==\r\nYWJj", "YW\r\nJj", "YWJj\n", "YWJj\r",
					   "YW Jj", "YW*j", "Y===" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct buf d = BUF_INIT(1024);
		if (mime_b64_decode(bad[i], strlen(bad[i]), &d) != -1)
			fail_msg("accepted %s", bad[i]);
		buf_free(&d);
	}
}

static void test_qp(void **state)
{
	(void)state;
	static const char *const texts[] = {
		"",
		"plain",
		"line\n",
		"trailing space \nand tab\t\nend ",
		".\n..leading dots\n.",
		"From here\nFrom: not a from line\n>From",
		"a=b=c ==\n=",
		"crlf\r\nline\rcr\n",
		"åäö ÅÄÖ 🎉 — “quotes”",
		"a very long line that goes past the limit of seventy-six characters of quoted-printable "
		"and must be broken with soft line breaks, several of them in fact, because it is long",
		"==========================================================================================",
		"ääääääääääääääääääääääääääääääääääääääääääääääääääääääääääääääääääää",
		"........................................................................................",
		"\n\n\n",
		"ctl \x01\x02\x1b[31m esc",
	};
	for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++) {
		struct buf e = BUF_INIT(1 << 16), d = BUF_INIT(1 << 16);
		assert_int_equal(mime_qp_encode(&e, texts[i], strlen(texts[i])), MIME_OK);
		assert_lines(buf_str(&e), e.len, 76);
		/* No line starts with a dot or "From ". */
		const char *s = buf_str(&e);
		for (const char *p = s; *p;) {
			assert_true(*p != '.');
			assert_true(strncmp(p, "From ", 5) != 0);
			const char *nl = strstr(p, "\r\n");
			if (!nl)
				break;
			p = nl + 2;
		}
		/* No white space at the end of a line. */
		for (const char *p = strstr(s, "\r\n"); p; p = strstr(p + 2, "\r\n"))
			assert_true(p == s || (p[-1] != ' ' && p[-1] != '\t'));
		assert_int_equal(mime_qp_decode(e.data ? e.data : "", e.len, &d), 0);
		/* CR and CRLF line ends come back as LF. */
		char want[4096];
		size_t o = 0;
		for (const char *p = texts[i]; *p; p++) {
			if (*p == '\r') {
				want[o++] = '\n';
				if (p[1] == '\n')
					p++;
			} else {
				want[o++] = *p;
			}
		}
		want[o] = '\0';
		assert_string_equal(buf_str(&d), want);
		buf_free(&e);
		buf_free(&d);
	}
	/* The decoder is strict. */
	static const char *const bad[] = { "=", "=4", "=G0", "a\nb", "a\rb", "\x80", "x=\r" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct buf d = BUF_INIT(1024);
		assert_int_equal(mime_qp_decode(bad[i], strlen(bad[i]), &d), -1);
		buf_free(&d);
	}
}

static void test_header_decode(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain text", "plain text" },
		{ "=?UTF-8?Q?V=C3=A4lkommen_hem?=", "Välkommen hem" },
		{ "=?utf-8?b?w4XDhMOW?=", "ÅÄÖ" },
		{ "=?UTF-8?Q?a?= =?UTF-8?Q?b?=", "ab" },
		{ "=?UTF-8?Q?a?=\r\n =?UTF-8?Q?b?= c", "ab c" },
		{ "x =?UTF-8?Q?a?= y", "x a y" },
		{ "folded\r\n line", "folded line" },
		{ "=?ISO-8859-1?Q?a?=", "=?ISO-8859-1?Q?a?=" },
		{ "=?UTF-8?B?YQ==?=", "a" },
		{ "=?UTF-8?B?YWI=?=", "ab" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct buf d = BUF_INIT(1024);
		assert_int_equal(mime_header_decode(cases[i].in, strlen(cases[i].in), &d), 0);
		assert_string_equal(buf_str(&d), cases[i].out);
		buf_free(&d);
	}
	static const char *const bad[] = { "a\r\nb", "a\nb", "=?UTF-8?B?YQ=?=", "=?UTF-8?B?Y===?=",
					   "=?UTF-8?Q?=4?=", "=?UTF-8?B?YQ=a?=" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct buf d = BUF_INIT(1024);
		assert_int_equal(mime_header_decode(bad[i], strlen(bad[i]), &d), -1);
		buf_free(&d);
	}
}

static void test_mailbox_split(void **state)
{
	(void)state;
	static const struct {
		const char *in, *name, *addr;
	} ok[] = {
		{ "Ovi <noreply@ovi.example>", "Ovi", "noreply@ovi.example" },
		{ "  Ovi Demo   <noreply@ovi.example>  ", "Ovi Demo", "noreply@ovi.example" },
		{ "\"Ovi, \\\"the\\\" door\" <a@b.example>", "Ovi, \"the\" door", "a@b.example" },
		{ "a@b.example", "", "a@b.example" },
		{ "<a@b.example>", "", "a@b.example" },
		{ "Dörren <a@b.example>", "Dörren", "a@b.example" },
	};
	char name[MIME_MAX_NAME + 1], addr[MIME_MAX_ADDR + 1];
	for (size_t i = 0; i < sizeof(ok) / sizeof(*ok); i++) {
		assert_int_equal(mime_mailbox_split(ok[i].in, name, sizeof(name), addr, sizeof(addr)), 0);
		assert_string_equal(name, ok[i].name);
		assert_string_equal(addr, ok[i].addr);
	}
	static const char *const bad[] = { "", "Ovi", "Ovi <>", "Ovi <a@b", "Ovi <a@b> x", "a <b> <c@d.example>",
					   "Ovi <a b@c.example>", NULL };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_int_equal(mime_mailbox_split(bad[i], name, sizeof(name), addr, sizeof(addr)), -1);
	assert_int_equal(mime_mailbox_split("Ovi <a@b.example>", name, 3, addr, sizeof(addr)), -1);
	assert_int_equal(mime_mailbox_split("Ovi <a@b.example>", name, sizeof(name), addr, 5), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_basic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_encoded_headers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_folding, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attachment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attachment_hostile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_b64_decode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_qp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_decode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mailbox_split, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
