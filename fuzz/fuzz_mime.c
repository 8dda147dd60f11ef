/* Fuzz the message builder and its encoders.
 *
 * The input is split at 0x01 bytes into up to eight fields: subject,
 * display name, address, text, HTML, From, attachment data and attachment
 * type. Whatever they hold, mime_build() must either refuse them (writing
 * nothing) or write a message whose lines are CRLF-ended, 7-bit and at most
 * 998 characters (78 in the header section unless an address is long),
 * whose Subject decodes to the input, whose parts decode to the input text
 * (line ends made LF) and whose attachment decodes to the input data, byte
 * for byte. The header encoder, quoted-printable and the decoders also get
 * the raw input, NUL bytes included. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "mail/mime.h"

#define CHECK(x) \
	do { \
		if (!(x)) \
			abort(); \
	} while (0)

static void check_lines(const char *s, size_t n, size_t max)
{
	size_t col = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		CHECK(c && c < 0x80 && c != '\n');
		if (c == '\r') {
			CHECK(i + 1 < n && s[i + 1] == '\n');
			i++;
			col = 0;
			continue;
		}
		CHECK(++col <= max);
	}
}

/* s with CRLF and CR made LF, in a malloc()ed string. */
static char *lf(const char *s)
{
	size_t n = strlen(s), o = 0;
	char *r = malloc(n + 1);
	CHECK(r);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\r') {
			r[o++] = '\n';
			if (i + 1 < n && s[i + 1] == '\n')
				i++;
		} else {
			r[o++] = s[i];
		}
	}
	r[o] = '\0';
	return r;
}

/* The decoded value of a header (which must be there once). */
static void check_header(const char *msg, const char *end, const char *name, const char *want)
{
	size_t nl = strlen(name);
	const char *v = NULL;
	for (const char *p = msg; p < end; p = strstr(p, "\r\n") + 2)
		if (strncmp(p, name, nl) == 0 && p[nl] == ':') {
			CHECK(!v);
			v = p + nl + 1;
		}
	CHECK(v);
	const char *q = v;
	while (!(q[0] == '\r' && q[1] == '\n' && q[2] != ' '))
		q++;
	if (*v == ' ')
		v++;
	struct buf d = BUF_INIT(1 << 16);
	CHECK(mime_header_decode(v, (size_t)(q - v), &d) == 0);
	CHECK(strcmp(buf_str(&d), want) == 0);
	buf_free(&d);
}

/* The part after the header block "Content-Type: <type>; ..." decodes to want. */
static void check_part(const char *msg, const char *type, const char *bnd, const char *want)
{
	char h[160];
	snprintf(h, sizeof(h), "Content-Type: %s; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n",
		 type);
	const char *p = strstr(msg, h);
	CHECK(p);
	p += strlen(h);
	const char *e;
	if (bnd) {
		char b[64];
		snprintf(b, sizeof(b), "\r\n--%s", bnd);
		e = strstr(p, b);
	} else {
		e = p + strlen(p) - 2;
	}
	CHECK(e && e >= p);
	check_lines(p, (size_t)(e - p), 76);
	struct buf d = BUF_INIT(MIME_MAX_MESSAGE);
	CHECK(mime_qp_decode(p, (size_t)(e - p), &d) == 0);
	char *w = lf(want);
	CHECK(strcmp(buf_str(&d), w) == 0);
	free(w);
	buf_free(&d);
}

/* The message is multipart/mixed; its second and last part is the
 * attachment with the given type, whose base64 decodes to want. Returns
 * where the first part's content ends plus CRLF (the delimiter before the
 * attachment), for check_part. */
static const char *check_attachment(const char *msg, const char *end, const char *type, const char *want)
{
	static const char ct[] = "\r\nContent-Type: multipart/mixed; boundary=\"";
	const char *b0 = strstr(msg, ct);
	CHECK(b0 && b0 < end);
	b0 += sizeof(ct) - 1;
	size_t bl = strcspn(b0, "\"");
	CHECK(bl < 40);
	char delim[48], close[52];
	snprintf(delim, sizeof(delim), "\r\n--%.*s\r\n", (int)bl, b0);
	snprintf(close, sizeof(close), "\r\n--%.*s--\r\n", (int)bl, b0);
	/* Exactly two delimiters and the close at the very end. */
	const char *d1 = strstr(end, delim);
	CHECK(d1);
	const char *d2 = strstr(d1 + 1, delim);
	CHECK(d2 && !strstr(d2 + 1, delim));
	size_t ml = strlen(msg), cl = strlen(close);
	CHECK(ml > cl && strcmp(msg + ml - cl, close) == 0);
	/* The attachment's headers: the type as it was given (white space
	 * aside) with the name, the disposition, base64. */
	const char *h = d2 + strlen(delim);
	const char *hend = strstr(h, "\r\n\r\n");
	static const char tail[] = "\r\nContent-Disposition: attachment; filename=\"invite.ics\"\r\n"
				   "Content-Transfer-Encoding: base64";
	size_t tl = sizeof(tail) - 1;
	CHECK(hend && strncmp(h, "Content-Type: ", 14) == 0 && (size_t)(hend - h) > 14 + tl &&
	      memcmp(hend - tl, tail, tl) == 0);
	check_lines(h, (size_t)(hend - h) + 2, 78);
	struct buf v = BUF_INIT(4096);
	CHECK(mime_header_decode(h + 14, (size_t)(hend - tl - h - 14), &v) == 0);
	const char *got = buf_str(&v);
	for (const char *t = type; *t; t++) {
		if (*t == ' ')
			continue;
		while (*got == ' ')
			got++;
		CHECK(*got == *t);
		got++;
	}
	CHECK(strcmp(got, "; name=\"invite.ics\"") == 0);
	buf_free(&v);
	const char *body = hend + 4, *bend = msg + ml - cl;
	check_lines(body, (size_t)(bend - body), 76);
	struct buf d = BUF_INIT(MIME_MAX_ATTACH + 4);
	CHECK(mime_b64_decode(body, (size_t)(bend - body), &d) == 0);
	CHECK(d.len == strlen(want) && memcmp(buf_str(&d), want, d.len) == 0);
	buf_free(&d);
	return d2 + 2;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 16)
		return 0;
	/* The raw bytes through the pieces. */
	struct buf b = BUF_INIT(1 << 20), d = BUF_INIT(1 << 20);
	if (mime_header(&b, "Subject", (const char *)data, size) == MIME_OK) {
		check_lines(b.data, b.len, 78);
		size_t skip = size ? 9 : 8; /* "Subject: " or "Subject:" */
		CHECK(mime_header_decode(b.data + skip, b.len - skip - 2, &d) == 0);
		CHECK(d.len == size && memcmp(d.data ? d.data : "", data, size) == 0);
	}
	buf_reset(&b);
	buf_reset(&d);
	if (mime_qp_encode(&b, (const char *)data, size) == MIME_OK) {
		check_lines(buf_str(&b), b.len, 76);
		CHECK(mime_qp_decode(buf_str(&b), b.len, &d) == 0);
	}
	buf_reset(&d);
	(void)mime_header_decode((const char *)data, size, &d);
	(void)mime_qp_decode((const char *)data, size, &d);
	(void)mime_b64_decode((const char *)data, size, &d);
	buf_free(&b);
	buf_free(&d);

	/* Fields for a whole message. */
	char *copy = malloc(size + 1);
	CHECK(copy);
	memcpy(copy, data, size);
	copy[size] = '\0';
	const char *f[8] = { "", "", "ada@example.org", "", "", "Ovi <noreply@ovi.example>", "",
			     "text/calendar; charset=UTF-8; method=PUBLISH" };
	char *p = copy;
	for (int i = 0; i < 8 && p; i++) {
		char *sep = strchr(p, '\x01');
		if (sep)
			*sep = '\0';
		if ((i < 5 || i == 6) || *p)
			f[i] = p;
		p = sep ? sep + 1 : NULL;
	}
	struct mime_msg m = {
		.subject = f[0], .to_name = f[1], .to_email = f[2], .text = f[3], .html = f[4], .from = f[5],
		.message_id = "<fuzz@ovi.example>", .date = 1795446000,
		.attach_name = "invite.ics", .attach_data = f[6], .attach_type = f[7],
	};
	struct buf out = BUF_INIT(MIME_MAX_MESSAGE);
	buf_adds(&out, "x");
	enum mime_status st = mime_build(&m, &out);
	if (st != MIME_OK) {
		CHECK(out.len == 1);
	} else {
		const char *msg = buf_str(&out) + 1;
		const char *end = strstr(msg, "\r\n\r\n");
		CHECK(end);
		check_lines(msg, strlen(msg), 998);
		if (strlen(m.to_email) < 60 && strlen(m.from) < 60)
			check_lines(msg, (size_t)(end - msg) + 2, 78);
		check_header(msg, end, "Subject", m.subject);
		const char *text_end = NULL; /* where the text part ends: the end, or the attachment */
		if (*m.attach_data)
			text_end = check_attachment(msg, end, m.attach_type, m.attach_data);
		if (*m.html) {
			static const char ct[] = "\r\nContent-Type: multipart/alternative; boundary=\"";
			const char *b0 = strstr(msg, ct);
			CHECK(b0 && (*m.attach_data ? b0 > end : b0 < end));
			char bnd[32];
			b0 += sizeof(ct) - 1;
			size_t bl = strcspn(b0, "\"");
			CHECK(bl < sizeof(bnd));
			memcpy(bnd, b0, bl);
			bnd[bl] = '\0';
			check_part(end, "text/plain", bnd, m.text);
			check_part(end, "text/html", bnd, m.html);
		} else if (text_end) {
			/* The text part ends where the mixed delimiter starts. */
			char *t = strndup(msg, (size_t)(text_end - msg));
			CHECK(t);
			check_part(t, "text/plain", NULL, m.text);
			free(t);
		} else {
			check_part(msg, "text/plain", NULL, m.text);
		}
	}
	buf_free(&out);
	free(copy);
	return 0;
}
