/* Internet messages (RFC 5322 + MIME): what the sender hands to SMTP.
 *
 * mime_build() writes a complete message with CRLF line ends, 7-bit clean:
 * Date, From, To, Reply-To, Subject, Message-ID, MIME-Version,
 * Auto-Submitted, then a multipart/alternative body with a text/plain and
 * a text/html part (or text/plain alone when there is no HTML), both UTF-8
 * in quoted-printable. With an attachment the body is multipart/mixed: that
 * text (or alternative) part first, then the file in base64. Display names and the subject are RFC 2047
 * encoded-words (Q or B, whichever is shorter) when they are not plain
 * ASCII; header lines are folded to at most 78 characters (only an address
 * longer than that makes a longer line, never past 998).
 *
 * Nothing hostile gets through: CR, LF or NUL in a header value, an
 * address that is not a plain addr-spec, invalid UTF-8 and oversized
 * values are refused with a status, and nothing is written then. The same
 * input always gives the same bytes (the boundaries are derived from the
 * Message-ID), so a retried message is the message that was queued. */
#ifndef OVI_MIME_H
#define OVI_MIME_H
#include <stddef.h>
#include <stdint.h>

struct buf;

enum {
	MIME_MAX_ADDR = 254,          /* an addr-spec (RFC 5321 path limit) */
	MIME_MAX_NAME = 256,          /* a display name, in bytes */
	MIME_MAX_SUBJECT = 1000,      /* the subject, in bytes */
	MIME_MAX_MSGID = 250,         /* a Message-ID with its <> */
	MIME_MAX_BODY = 256 * 1024,   /* each of the text and HTML parts, in bytes */
	MIME_MAX_ATTACH = 256 * 1024, /* the attachment, in bytes */
	/* The whole message. The worst case of the limits above fits: two
	 * bodies of bytes that all need "=XX" (3 characters each, 78 per 25
	 * bytes with the soft breaks: 818 KB each), the attachment in base64
	 * (78 per 57 bytes: 359 KB) and the headers (under 8 KB) come to about
	 * 2.0 MB of the 2.1; test_mime checks it. */
	MIME_MAX_MESSAGE = 2 << 20,
	MIME_LINE_MAX = 78,           /* folded header lines and body lines (QP: 76) */
};

enum mime_status {
	MIME_OK = 0,
	MIME_BAD_HEADER,  /* CR, LF, NUL or another control character in a header value */
	MIME_BAD_ADDRESS, /* not an addr-spec we send to */
	MIME_BAD_MSGID,   /* not <left@right> */
	MIME_BAD_UTF8,    /* a header value or body is not valid UTF-8 */
	MIME_TOO_LONG,    /* past one of the limits above */
	MIME_NOMEM,       /* the output buffer's limit or memory */
	MIME_BAD_ATTACH,  /* an attachment with a bad (or no) file name or MIME type */
};

/* One message. Strings are NUL-terminated UTF-8; NULL counts as "". */
struct mime_msg {
	const char *from;       /* "Name <addr>", "\"Name\" <addr>" or "addr" (the mail_from setting) */
	const char *to_email;   /* addr-spec */
	const char *to_name;    /* display name, may be empty */
	const char *reply_to;   /* empty for none, else like from */
	const char *subject;    /* one line */
	const char *text;       /* the text/plain part; required */
	const char *html;       /* the text/html part; empty for a text-only message */
	const char *message_id; /* "<random@host>" */
	int64_t date;           /* Unix time of the Date header */
	/* One optional attachment (empty attach_data: none): the body becomes
	 * multipart/mixed with the alternative part first, then this part:
	 *   Content-Type: <attach_type>; name="<attach_name>"
	 *   Content-Disposition: attachment; filename="<attach_name>"
	 *   Content-Transfer-Encoding: base64
	 * attach_type is a MIME type with optional parameters, e.g.
	 * "text/calendar; charset=UTF-8; method=PUBLISH": type/subtype tokens,
	 * then "; attribute=value" with a token or a quoted-string (no
	 * backslash) as the value, no "name" parameter (it is added), each
	 * piece at most 70 characters, at most 200 in all. attach_name is a
	 * plain ASCII file name ([A-Za-z0-9._-], 1 to 64). Either is refused
	 * with MIME_BAD_ATTACH. The data is text: valid UTF-8, sent as it is
	 * (its line ends are not changed). */
	const char *attach_name;
	const char *attach_type;
	const char *attach_data;  /* at most MIME_MAX_ATTACH bytes */
};

/* Append the whole message to out. On any error nothing is appended. */
enum mime_status mime_build(const struct mime_msg *m, struct buf *out);

/* Short English description of a status (for logs and last_error). */
const char *mime_status_str(enum mime_status s);

/* ---- pieces, exported for tests, the fuzzer and the outbox page --------- */

/* Whether s[0..n) is an addr-spec we send to: ASCII local@domain, local
 * part of atext and dots, domain of letters, digits, '-' and dots, at most
 * MIME_MAX_ADDR bytes. */
int mime_addr_ok(const char *s, size_t n);

/* Split a mailbox "Name <addr>" / "\"Name\" <addr>" / "addr" into its
 * display name (unquoted, may be empty) and address, copied into the given
 * arrays. 0, or -1 when it does not parse or does not fit. */
int mime_mailbox_split(const char *s, char *name, size_t name_size, char *addr, size_t addr_size);

/* Append "Name: value\r\n" for an unstructured header (Subject), folded:
 * the value as it is when it is printable ASCII without "=?" and folds at
 * single spaces, else as encoded-words. Refuses CR, LF, NUL and other
 * control characters (tab is allowed), and invalid UTF-8. */
enum mime_status mime_header(struct buf *out, const char *name, const char *value, size_t n);

/* Append "Name: display <addr>\r\n" (From, To, Reply-To): the display name
 * as atoms, a quoted-string or encoded-words, whichever is needed; no
 * display name when dn == 0. Refuses control characters (tab too) in the
 * display name, invalid UTF-8 and a bad address. */
enum mime_status mime_mailbox_header(struct buf *out, const char *name, const char *display, size_t dn,
				     const char *addr, size_t an);

/* Append s[0..n) as quoted-printable with CRLF line ends (LF, CR and CRLF
 * in the input all end a line); lines are at most 76 characters. */
enum mime_status mime_qp_encode(struct buf *out, const char *s, size_t n);

/* Decoders, strict, for checking what the encoders wrote:
 * quoted-printable (CRLF line ends become LF; soft breaks vanish), and a
 * header value (unfolded; encoded-words in UTF-8, B or Q, decoded, and the
 * whitespace between two adjacent encoded-words dropped; quoted-strings
 * are copied as they are). 0 or -1. */
int mime_qp_decode(const char *s, size_t n, struct buf *out);
int mime_header_decode(const char *s, size_t n, struct buf *out);
/* Base64 in lines of whole 4-character groups, each ended by CRLF (the last
 * one may not be), padding only at the end. 0 or -1. */
int mime_b64_decode(const char *s, size_t n, struct buf *out);

#endif
