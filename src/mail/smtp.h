/* Delivering one message over SMTP with libcurl, and what the answer means.
 *
 * smtp://host:port upgrades with STARTTLS when the server offers it (and
 * requires it when credentials are set and the host is not the loopback
 * address, so a password never crosses a network in clear); smtps://
 * speaks TLS from the start. Certificates are verified. The result says
 * what the outbox should do: mark the message sent, try again later, or
 * give up. The error text never holds personal data (no addresses, no
 * server text): only the SMTP status code and libcurl's description. */
#ifndef OVI_SMTP_H
#define OVI_SMTP_H
#include <stddef.h>

enum smtp_result {
	SMTP_SENT = 0,     /* the server took the message (250 after DATA) */
	SMTP_TEMPFAIL = 1, /* try again: no connection, timeout, TLS or login failure, 4xx */
	SMTP_PERMFAIL = 2, /* the server refused this message for good: 5xx */
};

struct smtp_opts {
	const char *url;          /* smtp://host[:port] or smtps://host[:port] */
	const char *user;         /* "" or NULL: no authentication */
	const char *password;
	long connect_timeout_s;   /* 0: 10 s */
	long timeout_s;           /* the whole transaction; 0: 60 s */
};

/* Call once before any thread uses smtp_send (libcurl's global set-up),
 * and smtp_cleanup() once at the end. 0 or -1. */
int smtp_init(void);
void smtp_cleanup(void);

/* Send msg[0..n) (a complete RFC 5322 message with CRLF line ends) from the
 * envelope sender `from` to the one recipient `to` (plain addresses).
 * err (may be NULL) gets a short reason on failure, e.g.
 * "550: Failed sending data to the peer". */
enum smtp_result smtp_send(const struct smtp_opts *o, const char *from, const char *to, const char *msg,
			   size_t n, char *err, size_t err_size);

/* The classification on its own: libcurl's result code and the last SMTP
 * status code (0 when there was none). Exported for tests. */
enum smtp_result smtp_classify(int curl_code, long smtp_code);

#endif
