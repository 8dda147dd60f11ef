#include "mail/mime.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/buf.h"
#include "core/utf8.h"

static const char HEX[] = "0123456789ABCDEF";

const char *mime_status_str(enum mime_status s)
{
	switch (s) {
	case MIME_OK:
		return "ok";
	case MIME_BAD_HEADER:
		return "control character in a header";
	case MIME_BAD_ADDRESS:
		return "bad address";
	case MIME_BAD_MSGID:
		return "bad Message-ID";
	case MIME_BAD_UTF8:
		return "invalid UTF-8";
	case MIME_TOO_LONG:
		return "too long";
	case MIME_NOMEM:
		return "message too large";
	case MIME_BAD_ATTACH:
		return "bad attachment name or type";
	}
	return "?";
}

/* ---- small helpers ----------------------------------------------------------- */

static bool is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* RFC 5322 atext. */
static bool is_atext(unsigned char c)
{
	return is_alnum(c) || (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

static int add(struct buf *b, const char *s, size_t n)
{
	return buf_add(b, s, n);
}

/* Bytes in the UTF-8 sequence that starts with c (valid input only). */
static size_t seq_len(unsigned char c)
{
	return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

static bool has_bytes(const char *s, size_t n, const char *bad)
{
	for (size_t i = 0; i < n; i++)
		if (strchr(bad, s[i]) && s[i])
			return true;
	return memchr(s, '\0', n) != NULL;
}

/* A header value: valid UTF-8 without CR, LF, NUL or other controls (tab
 * only when allowed). */
static enum mime_status check_value(const char *s, size_t n, bool tab_ok)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && !(c == '\t' && tab_ok)) || c == 0x7f)
			return MIME_BAD_HEADER;
	}
	if (!utf8_valid(s, n))
		return MIME_BAD_UTF8;
	if (utf8_has_ctl(s, n)) /* C1 controls */
		return MIME_BAD_HEADER;
	return MIME_OK;
}

/* ---- folding header writer ------------------------------------------------------ */

struct hdr {
	struct buf *out;
	size_t col; /* characters on the current line */
};

static int hdr_start(struct hdr *h, struct buf *out, const char *name)
{
	h->out = out;
	h->col = strlen(name) + 1;
	return buf_adds(out, name) || buf_addc(out, ':');
}

/* A token preceded by a space, on a new folded line when it would not fit. */
static int hdr_token(struct hdr *h, const char *s, size_t n)
{
	if (h->col + 1 + n > MIME_LINE_MAX && h->col > 1) {
		if (add(h->out, "\r\n", 2))
			return -1;
		h->col = 0;
	}
	h->col += 1 + n;
	return buf_addc(h->out, ' ') || add(h->out, s, n);
}

static int hdr_end(struct hdr *h)
{
	return add(h->out, "\r\n", 2);
}

/* ---- RFC 2047 encoded-words --------------------------------------------------------- */

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static size_t b64_len(size_t n)
{
	return (n + 2) / 3 * 4;
}

static int b64_encode(struct buf *out, const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)s[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		char q[4] = { B64[v >> 18 & 63], B64[v >> 12 & 63], i + 1 < n ? B64[v >> 6 & 63] : '=',
			      i + 2 < n ? B64[v & 63] : '=' };
		if (add(out, q, 4))
			return -1;
	}
	return 0;
}

/* Characters that stand for themselves in a Q encoded-word: a set that is
 * safe in every place an encoded-word may appear (RFC 2047 5(3)). */
static bool q_literal(unsigned char c)
{
	return is_alnum(c) || c == '!' || c == '*' || c == '+' || c == '-' || c == '/';
}

static size_t q_len1(unsigned char c)
{
	return q_literal(c) || c == ' ' ? 1 : 3;
}

enum { EW_OVERHEAD = 12, EW_MAX = 75 }; /* "=?UTF-8?Q?" "?=" ; longest encoded-word */

/* Write s[0..n) (valid UTF-8) as encoded-words, each a whole number of
 * characters and at most EW_MAX long, folding between words. */
static int put_words(struct hdr *h, const char *s, size_t n)
{
	size_t qlen = 0;
	for (size_t i = 0; i < n; i++)
		qlen += q_len1((unsigned char)s[i]);
	bool b = b64_len(n) < qlen;
	size_t i = 0;
	while (i < n) {
		/* Room on this line, or on a fresh one. */
		size_t room = MIME_LINE_MAX - h->col - 1;
		if (room > EW_MAX)
			room = EW_MAX;
		if (room < EW_OVERHEAD + 12)
			room = EW_MAX; /* hdr_token folds first */
		size_t cap = room - EW_OVERHEAD, take = 0, enc = 0;
		while (i + take < n) {
			size_t k = seq_len((unsigned char)s[i + take]);
			size_t e = 0;
			if (b) {
				e = b64_len(take + k);
			} else {
				for (size_t j = 0; j < k; j++)
					e += q_len1((unsigned char)s[i + take + j]);
				e += enc;
			}
			if (e > cap)
				break;
			take += k;
			enc = e;
		}
		if (take == 0) /* cannot happen: one character encodes in 12 bytes */
			return -1;
		char word[EW_MAX + 1];
		struct buf w = BUF_INIT(EW_MAX);
		int rc = add(&w, b ? "=?UTF-8?B?" : "=?UTF-8?Q?", 10);
		if (b) {
			rc = rc || b64_encode(&w, (const unsigned char *)s + i, take);
		} else {
			for (size_t j = 0; j < take && !rc; j++) {
				unsigned char c = (unsigned char)s[i + j];
				if (c == ' ')
					rc = buf_addc(&w, '_');
				else if (q_literal(c))
					rc = buf_addc(&w, (char)c);
				else
					rc = add(&w, (char[3]){ '=', HEX[c >> 4], HEX[c & 15] }, 3);
			}
		}
		rc = rc || add(&w, "?=", 2);
		size_t wl = w.len;
		if (!rc)
			memcpy(word, w.data, wl);
		buf_free(&w);
		if (rc || hdr_token(h, word, wl))
			return -1;
		i += take;
	}
	return 0;
}

/* Plain ASCII words separated by single spaces, each short enough to fold:
 * such a value may be written as it is. */
static bool plain_words(const char *s, size_t n, bool atoms_only)
{
	if (n == 0)
		return true;
	if (s[0] == ' ' || s[n - 1] == ' ')
		return false;
	size_t word = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ') {
			if (word == 0)
				return false; /* two spaces */
			word = 0;
			continue;
		}
		if (c < 0x21 || c > 0x7e || (atoms_only && !is_atext(c)))
			return false;
		if (c == '=' && i + 1 < n && s[i + 1] == '?')
			return false;
		if (++word > MIME_LINE_MAX - 12)
			return false;
	}
	return true;
}

static int put_plain(struct hdr *h, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t j = i;
		while (j < n && s[j] != ' ')
			j++;
		if (hdr_token(h, s + i, j - i))
			return -1;
		i = j + 1;
	}
	return 0;
}

enum mime_status mime_header(struct buf *out, const char *name, const char *value, size_t n)
{
	if (n > MIME_MAX_SUBJECT)
		return MIME_TOO_LONG;
	enum mime_status st = check_value(value, n, true);
	if (st)
		return st;
	struct hdr h;
	size_t mark = out->len;
	int rc = hdr_start(&h, out, name);
	if (!rc && n)
		rc = plain_words(value, n, false) ? put_plain(&h, value, n) : put_words(&h, value, n);
	if (rc || hdr_end(&h)) {
		out->len = mark;
		if (out->data)
			out->data[mark] = '\0';
		return MIME_NOMEM;
	}
	return MIME_OK;
}

/* ---- addresses -------------------------------------------------------------------------------- */

int mime_addr_ok(const char *s, size_t n)
{
	if (n == 0 || n > MIME_MAX_ADDR)
		return 0;
	const char *at = memchr(s, '@', n);
	if (!at || at == s || at == s + n - 1 || memchr(at + 1, '@', (size_t)(s + n - at - 1)))
		return 0;
	size_t ln = (size_t)(at - s), dn = n - ln - 1;
	const char *d = at + 1;
	if (ln > 64 || s[0] == '.' || s[ln - 1] == '.' || d[0] == '.' || d[dn - 1] == '.' || d[0] == '-')
		return 0;
	for (size_t i = 0; i < ln; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!(is_atext(c) || c == '.') || (c == '.' && s[i + 1] == '.'))
			return 0;
	}
	for (size_t i = 0; i < dn; i++) {
		unsigned char c = (unsigned char)d[i];
		if (!(is_alnum(c) || c == '-' || c == '.') || (c == '.' && d[i + 1] == '.'))
			return 0;
	}
	return 1;
}

static void trim(const char **s, size_t *n)
{
	while (*n && ((*s)[0] == ' ' || (*s)[0] == '\t'))
		(*s)++, (*n)--;
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

int mime_mailbox_split(const char *s, char *name, size_t name_size, char *addr, size_t addr_size)
{
	size_t n = s ? strlen(s) : 0;
	trim(&s, &n);
	const char *lt = n && s[n - 1] == '>' ? memchr(s, '<', n) : NULL;
	const char *a = s, *dn = "";
	size_t an = n, dl = 0;
	if (lt) {
		a = lt + 1;
		an = (size_t)(s + n - 1 - a);
		dn = s;
		dl = (size_t)(lt - s);
		trim(&dn, &dl);
	}
	if (!mime_addr_ok(a, an) || an >= addr_size)
		return -1;
	/* An unquoted name is taken as it is; a quoted one loses its quotes
	 * and backslash escapes. */
	size_t o = 0;
	if (dl >= 2 && dn[0] == '"' && dn[dl - 1] == '"') {
		for (size_t i = 1; i + 1 < dl; i++) {
			if (dn[i] == '\\' && i + 2 < dl)
				i++;
			if (o + 1 >= name_size)
				return -1;
			name[o++] = dn[i];
		}
	} else {
		if (dl >= name_size || memchr(dn, '<', dl) || memchr(dn, '>', dl))
			return -1;
		memcpy(name, dn, dl);
		o = dl;
	}
	name[o] = '\0';
	memcpy(addr, a, an);
	addr[an] = '\0';
	return 0;
}

enum mime_status mime_mailbox_header(struct buf *out, const char *name, const char *display, size_t dn,
				     const char *addr, size_t an)
{
	if (dn > MIME_MAX_NAME)
		return MIME_TOO_LONG;
	enum mime_status st = check_value(display, dn, false);
	if (st)
		return st;
	if (has_bytes(addr, an, "\r\n"))
		return MIME_BAD_HEADER;
	if (!mime_addr_ok(addr, an))
		return MIME_BAD_ADDRESS;
	trim(&display, &dn);
	struct hdr h;
	size_t mark = out->len;
	int rc = hdr_start(&h, out, name);
	if (!rc && dn) {
		bool ascii = true;
		for (size_t i = 0; i < dn; i++)
			ascii = ascii && (unsigned char)display[i] >= 0x20 && (unsigned char)display[i] < 0x7f;
		/* A short ASCII name with specials becomes a quoted-string
		 * (where "=?" is not decoded); anything else encoded-words. */
		char q[2 * MIME_MAX_NAME + 2];
		size_t o = 0;
		if (ascii) {
			q[o++] = '"';
			for (size_t i = 0; i < dn; i++) {
				if (display[i] == '"' || display[i] == '\\')
					q[o++] = '\\';
				q[o++] = display[i];
			}
			q[o++] = '"';
		}
		if (plain_words(display, dn, true))
			rc = put_plain(&h, display, dn);
		else if (ascii && o <= MIME_LINE_MAX - 12)
			rc = hdr_token(&h, q, o);
		else
			rc = put_words(&h, display, dn);
	}
	if (!rc) {
		char a[MIME_MAX_ADDR + 2];
		a[0] = '<';
		memcpy(a + 1, addr, an);
		a[an + 1] = '>';
		rc = hdr_token(&h, a, an + 2);
	}
	if (rc || hdr_end(&h)) {
		out->len = mark;
		if (out->data)
			out->data[mark] = '\0';
		return MIME_NOMEM;
	}
	return MIME_OK;
}

/* <left@right>: both sides of printable ASCII without specials or spaces. */
static bool msgid_ok(const char *s, size_t n)
{
	if (n < 5 || n > MIME_MAX_MSGID || s[0] != '<' || s[n - 1] != '>')
		return false;
	size_t ats = 0;
	for (size_t i = 1; i + 1 < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '@')
			ats++;
		else if (!(is_atext(c) || c == '.'))
			return false;
	}
	const char *at = memchr(s, '@', n);
	return ats == 1 && at > s + 1 && at < s + n - 2;
}

/* ---- quoted-printable ------------------------------------------------------------------------------ */

enum { QP_LINE = 76 };

enum mime_status mime_qp_encode(struct buf *out, const char *s, size_t n)
{
	size_t i = 0;
	while (i <= n) {
		/* One input line: s[i..e), ended by LF, CRLF, CR or the end. */
		size_t e = i;
		while (e < n && s[e] != '\n' && s[e] != '\r')
			e++;
		size_t col = 0;
		bool from = e - i >= 5 && memcmp(s + i, "From ", 5) == 0;
		for (size_t k = i; k < e; k++) {
			unsigned char c = (unsigned char)s[k];
			bool lit = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && k + 1 < e);
			/* A dot or "From " starting a line is encoded: some
			 * transports treat them specially. */
			if (col == 0 && (c == '.' || (c == 'F' && from && k == i)))
				lit = false;
			size_t w = lit ? 1 : 3;
			if (col + w > QP_LINE - 1) {
				if (add(out, "=\r\n", 3))
					return MIME_NOMEM;
				col = 0;
				if (c == '.')
					lit = false, w = 3;
			}
			int rc = lit ? buf_addc(out, (char)c) : add(out, (char[3]){ '=', HEX[c >> 4], HEX[c & 15] }, 3);
			if (rc)
				return MIME_NOMEM;
			col += w;
		}
		if (e == n)
			break;
		if (add(out, "\r\n", 2))
			return MIME_NOMEM;
		i = e + (s[e] == '\r' && e + 1 < n && s[e + 1] == '\n' ? 2 : 1);
	}
	return MIME_OK;
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int mime_qp_decode(const char *s, size_t n, struct buf *out)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int rc;
		if (c == '=') {
			if (i + 2 < n && s[i + 1] == '\r' && s[i + 2] == '\n') {
				i += 2;
				continue;
			}
			int hi = i + 2 < n ? hexval((unsigned char)s[i + 1]) : -1;
			int lo = hi >= 0 ? hexval((unsigned char)s[i + 2]) : -1;
			if (lo < 0)
				return -1;
			rc = buf_addc(out, (char)(hi << 4 | lo));
			i += 2;
		} else if (c == '\r') {
			if (i + 1 >= n || s[i + 1] != '\n')
				return -1;
			rc = buf_addc(out, '\n');
			i++;
		} else if (c == '\n' || (c < 0x20 && c != '\t') || c > 0x7e) {
			return -1;
		} else {
			rc = buf_addc(out, (char)c);
		}
		if (rc)
			return -1;
	}
	return 0;
}

/* ---- header decoding (for tests and the fuzzer) -------------------------------------------------- */

static int b64val(unsigned char c)
{
	const char *p = c ? strchr(B64, c) : NULL;
	return p ? (int)(p - B64) : -1;
}

/* Decode the text of one encoded-word. */
static int word_decode(char enc, const char *t, size_t n, struct buf *out)
{
	if (enc == 'Q' || enc == 'q') {
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)t[i];
			int rc;
			if (c == '_') {
				rc = buf_addc(out, ' ');
			} else if (c == '=') {
				int hi = i + 2 < n ? hexval((unsigned char)t[i + 1]) : -1;
				int lo = hi >= 0 ? hexval((unsigned char)t[i + 2]) : -1;
				if (lo < 0)
					return -1;
				rc = buf_addc(out, (char)(hi << 4 | lo));
				i += 2;
			} else if (c > 0x20 && c < 0x7f && c != '?') {
				rc = buf_addc(out, (char)c);
			} else {
				return -1;
			}
			if (rc)
				return -1;
		}
		return 0;
	}
	if (n % 4)
		return -1;
	for (size_t i = 0; i < n; i += 4) {
		int v[4];
		for (int k = 0; k < 4; k++)
			v[k] = t[i + k] == '=' && i + 4 == n && k >= 2 ? -2 : b64val((unsigned char)t[i + k]);
		if (v[0] < 0 || v[1] < 0 || v[2] == -1 || v[3] == -1 || (v[2] == -2 && v[3] != -2))
			return -1;
		unsigned x = (unsigned)v[0] << 18 | (unsigned)v[1] << 12 | (unsigned)(v[2] < 0 ? 0 : v[2]) << 6 |
			     (unsigned)(v[3] < 0 ? 0 : v[3]);
		if (buf_addc(out, (char)(x >> 16)) || (v[2] >= 0 && buf_addc(out, (char)(x >> 8 & 255))) ||
		    (v[3] >= 0 && buf_addc(out, (char)(x & 255))))
			return -1;
	}
	return 0;
}

int mime_b64_decode(const char *s, size_t n, struct buf *out)
{
	/* Lines of whole groups, each ended by CRLF (the last one may not be);
	 * padding only at the very end. */
	struct buf t = BUF_INIT(n + 1);
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		if (s[i] == '\r') {
			if (i + 1 >= n || s[i + 1] != '\n' || t.len % 4)
				rc = -1;
			i++;
		} else if (t.len && t.data[t.len - 1] == '=' && s[i] != '=') {
			rc = -1; /* data after the padding */
		} else {
			rc = buf_addc(&t, s[i]);
		}
	}
	if (!rc && t.len)
		rc = word_decode('B', t.data, t.len, out);
	buf_free(&t);
	return rc ? -1 : 0;
}

/* If s[0..n) starts with an encoded-word, its length, else 0. */
static size_t word_at(const char *s, size_t n, char *enc, const char **text, size_t *tn)
{
	static const char pre[] = "=?UTF-8?";
	if (n < 12 || strncasecmp(s, pre, 8) != 0 || !strchr("BbQq", s[8]) || s[9] != '?')
		return 0;
	for (size_t i = 10; i + 1 < n; i++) {
		if (s[i] == ' ' || s[i] == '\t')
			return 0;
		if (s[i] == '?' && s[i + 1] == '=') {
			*enc = s[8];
			*text = s + 10;
			*tn = i - 10;
			return i + 2;
		}
	}
	return 0;
}

int mime_header_decode(const char *s, size_t n, struct buf *out)
{
	struct buf u = BUF_INIT(n + 1);
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		if (s[i] == '\r') {
			if (i + 2 < n && s[i + 1] == '\n' && (s[i + 2] == ' ' || s[i + 2] == '\t')) {
				i++;
				continue;
			}
			rc = -1;
		} else if (s[i] == '\n' || s[i] == '\0') {
			rc = -1;
		} else {
			rc = buf_addc(&u, s[i]);
		}
	}
	const char *p = u.data ? u.data : "";
	size_t len = u.len, pending = 0; /* whitespace after an encoded-word, not yet written */
	bool after_word = false;
	for (size_t i = 0; i < len && !rc;) {
		char enc;
		const char *t;
		size_t tn, w = word_at(p + i, len - i, &enc, &t, &tn);
		if (w) {
			if (!after_word && pending)
				rc = add(out, p + i - pending, pending);
			rc = rc || word_decode(enc, t, tn, out);
			after_word = true;
			pending = 0;
			i += w;
			continue;
		}
		if (p[i] == ' ' || p[i] == '\t') {
			pending++;
			i++;
			continue;
		}
		if (pending)
			rc = add(out, p + i - pending, pending);
		pending = 0;
		after_word = false;
		/* A quoted-string is copied as it is: no encoded-words inside.
		 * (An unpaired quote, as in a Subject, is just a character.) */
		size_t k = 1;
		if (p[i] == '"') {
			while (i + k < len && p[i + k] != '"')
				k += p[i + k] == '\\' && i + k + 1 < len ? 2 : 1;
			k = i + k < len ? k + 1 : 1;
		}
		rc = rc || add(out, p + i, k);
		i += k;
	}
	if (!rc && pending)
		rc = add(out, p + len - pending, pending);
	buf_free(&u);
	return rc ? -1 : 0;
}

/* ---- the whole message ------------------------------------------------------------------------------- */

static int put_date(struct buf *out, int64_t t)
{
	static const char days[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) || tm.tm_year < 70 || tm.tm_year > 9999 - 1900)
		return -1;
	return buf_printf(out, "Date: %s, %d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday], tm.tm_mday,
			  months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* A boundary that cannot occur in quoted-printable text ("=_" is never an
 * escape) nor in base64, derived from the Message-ID so the message is
 * reproducible: "=_ovi_<hash>" for the alternative part, "=_ovi_mixed_<hash>"
 * around an attachment (neither is a prefix of the other). */
static void boundary(const char *msgid, const char *tag, char out[40])
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (const char *p = msgid; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	size_t o = (size_t)snprintf(out, 40, "=_ovi_%s", tag);
	for (int i = 0; i < 16; i++)
		out[o + (size_t)i] = HEX[h >> (60 - 4 * i) & 15];
	out[o + 16] = '\0';
}

static enum mime_status put_mailbox(struct buf *out, const char *hname, const char *mailbox)
{
	char name[MIME_MAX_NAME + 1], addr[MIME_MAX_ADDR + 1];
	if (has_bytes(mailbox, strlen(mailbox), "\r\n"))
		return MIME_BAD_HEADER;
	if (mime_mailbox_split(mailbox, name, sizeof(name), addr, sizeof(addr)))
		return MIME_BAD_ADDRESS;
	return mime_mailbox_header(out, hname, name, strlen(name), addr, strlen(addr));
}

static enum mime_status put_part(struct buf *out, const char *bnd, const char *type, const char *body, size_t n)
{
	if (buf_printf(out, "--%s\r\nContent-Type: %s; charset=utf-8\r\n"
			    "Content-Transfer-Encoding: quoted-printable\r\n\r\n", bnd, type))
		return MIME_NOMEM;
	enum mime_status st = mime_qp_encode(out, body, n);
	return st ? st : add(out, "\r\n", 2) ? MIME_NOMEM : MIME_OK;
}

/* ---- the attachment -------------------------------------------------------------------------- */

enum {
	ATTACH_NAME_MAX = 64,
	ATTACH_TYPE_MAX = 200,
	ATTACH_PIECE_MAX = 70, /* "type/subtype" or "attribute=value": one folded line */
	ATTACH_PIECES = 16,
	B64_LINE_BYTES = 57,   /* 76 characters of base64 */
};

/* RFC 2045 token characters. */
static bool is_tchar(unsigned char c)
{
	return c > 0x20 && c < 0x7f && !strchr("()<>@,;:\\\"/[]?=", c);
}

static size_t token_len(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && is_tchar((unsigned char)s[i]))
		i++;
	return i;
}

static bool attach_name_ok(const char *s, size_t n)
{
	if (n == 0 || n > ATTACH_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_alnum((unsigned char)s[i]) && !strchr("._-", s[i]))
			return false;
	return true;
}

struct piece {
	const char *s;
	size_t n;
};

/* Split "type/subtype; attribute=value; ..." into its pieces (white space
 * around the semicolons dropped). A value is a token or a quoted-string
 * without backslashes; a "name" parameter is ours to add. Returns how
 * many pieces, or -1. */
static int type_pieces(const char *s, size_t n, struct piece p[ATTACH_PIECES])
{
	if (n > ATTACH_TYPE_MAX)
		return -1;
	size_t t = token_len(s, n);
	if (t == 0 || t == n || s[t] != '/')
		return -1;
	size_t st = token_len(s + t + 1, n - t - 1);
	if (st == 0)
		return -1;
	size_t i = t + 1 + st;
	int k = 0;
	p[k++] = (struct piece){ s, i };
	for (;;) {
		while (i < n && s[i] == ' ')
			i++;
		if (i == n)
			break;
		if (s[i] != ';' || k == ATTACH_PIECES)
			return -1;
		i++;
		while (i < n && s[i] == ' ')
			i++;
		size_t start = i, a = token_len(s + i, n - i);
		if (a == 0 || i + a >= n || s[i + a] != '=' || (a == 4 && strncasecmp(s + i, "name", 4) == 0))
			return -1;
		i += a + 1;
		if (i < n && s[i] == '"') {
			size_t q = i + 1;
			while (q < n && s[q] != '"' && s[q] != '\\' && (unsigned char)s[q] >= 0x20 && (unsigned char)s[q] < 0x7f)
				q++;
			if (q >= n || s[q] != '"')
				return -1;
			i = q + 1;
		} else {
			size_t v = token_len(s + i, n - i);
			if (v == 0)
				return -1;
			i += v;
		}
		p[k++] = (struct piece){ s + start, i - start };
	}
	for (int j = 0; j < k; j++)
		if (p[j].n > ATTACH_PIECE_MAX)
			return -1;
	return k;
}

/* The attachment's headers and its content in base64, lines of 76. */
static enum mime_status put_attachment(struct buf *out, const char *name, const char *type, const char *data,
				       size_t n)
{
	struct piece p[ATTACH_PIECES];
	int k = type_pieces(type, strlen(type), p);
	size_t nn = strlen(name);
	if (k < 0 || !attach_name_ok(name, nn))
		return MIME_BAD_ATTACH;
	struct hdr h;
	char tok[ATTACH_PIECE_MAX + 16];
	int rc = hdr_start(&h, out, "Content-Type");
	for (int j = 0; j < k && !rc; j++) {
		memcpy(tok, p[j].s, p[j].n);
		tok[p[j].n] = ';';
		rc = hdr_token(&h, tok, p[j].n + 1);
	}
	int tl = snprintf(tok, sizeof(tok), "name=\"%s\"", name);
	rc = rc || hdr_token(&h, tok, (size_t)tl) || hdr_end(&h) || hdr_start(&h, out, "Content-Disposition") ||
	     hdr_token(&h, "attachment;", 11);
	tl = snprintf(tok, sizeof(tok), "filename=\"%s\"", name);
	rc = rc || hdr_token(&h, tok, (size_t)tl) || hdr_end(&h) ||
	     buf_adds(out, "Content-Transfer-Encoding: base64\r\n\r\n");
	for (size_t i = 0; i < n && !rc; i += B64_LINE_BYTES) {
		size_t m = n - i < B64_LINE_BYTES ? n - i : B64_LINE_BYTES;
		rc = b64_encode(out, (const unsigned char *)data + i, m) || add(out, "\r\n", 2);
	}
	return rc ? MIME_NOMEM : MIME_OK;
}

#define S(x) ((x) ? (x) : "")

/* The text, or the text and HTML as multipart/alternative, with the
 * Content-Type header that introduces it (a whole body or a body part). */
static enum mime_status put_text(struct buf *b, const char *msgid, const char *text, size_t tn, const char *html,
				 size_t hn, bool preamble)
{
	enum mime_status st = MIME_OK;
	if (!hn) {
		if (buf_adds(b, "Content-Type: text/plain; charset=utf-8\r\n"
				"Content-Transfer-Encoding: quoted-printable\r\n\r\n"))
			return MIME_NOMEM;
		st = mime_qp_encode(b, text, tn);
		return st ? st : buf_adds(b, "\r\n") ? MIME_NOMEM : MIME_OK;
	}
	char bnd[40];
	boundary(msgid, "", bnd);
	if (buf_printf(b, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n%s", bnd,
		       preamble ? "This is a message in MIME format: a text and an HTML version.\r\n\r\n" : ""))
		return MIME_NOMEM;
	st = put_part(b, bnd, "text/plain", text, tn);
	if (!st)
		st = put_part(b, bnd, "text/html", html, hn);
	if (!st && buf_printf(b, "--%s--\r\n", bnd))
		st = MIME_NOMEM;
	return st;
}

enum mime_status mime_build(const struct mime_msg *m, struct buf *out)
{
	const char *text = S(m->text), *html = S(m->html), *msgid = S(m->message_id);
	const char *to = S(m->to_email), *to_name = S(m->to_name), *subject = S(m->subject);
	const char *adata = S(m->attach_data);
	size_t tn = strlen(text), hn = strlen(html), an = strlen(adata);
	if (tn > MIME_MAX_BODY || hn > MIME_MAX_BODY || an > MIME_MAX_ATTACH)
		return MIME_TOO_LONG;
	if (!utf8_valid(text, tn) || !utf8_valid(html, hn) || !utf8_valid(adata, an))
		return MIME_BAD_UTF8;
	if (has_bytes(msgid, strlen(msgid), "\r\n"))
		return MIME_BAD_HEADER;
	if (!msgid_ok(msgid, strlen(msgid)))
		return MIME_BAD_MSGID;

	struct buf b = BUF_INIT(MIME_MAX_MESSAGE);
	enum mime_status st = MIME_OK;
	if (put_date(&b, m->date))
		st = MIME_NOMEM;
	if (!st)
		st = put_mailbox(&b, "From", S(m->from));
	if (!st) {
		size_t nn = strlen(to_name);
		st = nn > MIME_MAX_NAME ? MIME_TOO_LONG : mime_mailbox_header(&b, "To", to_name, nn, to, strlen(to));
	}
	if (!st && *S(m->reply_to))
		st = put_mailbox(&b, "Reply-To", m->reply_to);
	if (!st)
		st = mime_header(&b, "Subject", subject, strlen(subject));
	if (!st && buf_printf(&b, "Message-ID: %s\r\nMIME-Version: 1.0\r\nAuto-Submitted: auto-generated\r\n", msgid))
		st = MIME_NOMEM;
	if (!st && !an) {
		st = put_text(&b, msgid, text, tn, html, hn, true);
	} else if (!st) {
		/* multipart/mixed: the text (alternative) part, then the file. */
		char bnd[40];
		boundary(msgid, "mixed_", bnd);
		if (buf_printf(&b, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n"
				   "This is a message in MIME format with an attachment.\r\n\r\n--%s\r\n", bnd, bnd))
			st = MIME_NOMEM;
		if (!st)
			st = put_text(&b, msgid, text, tn, html, hn, false);
		if (!st && buf_printf(&b, "--%s\r\n", bnd))
			st = MIME_NOMEM;
		if (!st)
			st = put_attachment(&b, S(m->attach_name), S(m->attach_type), adata, an);
		if (!st && buf_printf(&b, "--%s--\r\n", bnd))
			st = MIME_NOMEM;
	}
	if (!st && add(out, b.data, b.len))
		st = MIME_NOMEM;
	buf_free(&b);
	return st;
}
