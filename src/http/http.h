/* The HTTP request and response as the rest of Ovi sees them.
 *
 * The server adapter (server.c) fills a struct http_req from libmicrohttpd,
 * calls one handler, and sends the struct http_resp it filled. Everything in
 * a request is allocated from req->a, which is freed when the request ends.
 * Problems found before the handler runs (oversized body, bad path encoding)
 * are passed in req->error so the application can answer with its own
 * translated error page: one mechanism for every error response. */
#ifndef OVI_HTTP_H
#define OVI_HTTP_H
#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/buf.h"
#include "http/form.h"

struct http_req {
	struct arena *a;
	const char *method;     /* "GET", "HEAD", "POST", ... */
	const char *path;       /* percent-decoded, valid UTF-8, begins with '/' */
	const char *raw_path;   /* as received (for redirects that keep the path) */
	struct form query;      /* decoded query arguments, in order */
	struct form cookies;
	struct form body_form;  /* decoded application/x-www-form-urlencoded body */
	const char *body;       /* raw body, NUL-terminated, body_len bytes */
	size_t body_len;
	int error;              /* 0, or the 4xx status the request earned */
	const char *client_addr; /* for rate limiting only: never log it */
	void *conn;             /* the server's connection, for http_req_header */
};

/* A request header, or NULL. Names are case-insensitive. */
const char *http_req_header(const struct http_req *req, const char *name);

enum { HTTP_MAX_HEADERS = 24 };

struct http_resp {
	int status;
	const char *content_type;   /* default "text/html; charset=utf-8" */
	struct buf body;            /* the handler writes here */
	const void *fixed_body;     /* or points here (static data owned elsewhere) */
	size_t fixed_len;
	size_t nheaders;
	struct { const char *name, *value; } headers[HTTP_MAX_HEADERS];
};

/* Add a response header (both strings must outlive the request: use the
 * arena). Refuses names or values with CR, LF or NUL, and a full table. */
int http_resp_header(struct http_resp *resp, const char *name, const char *value);

/* 303 See Other (after POST) or 302 Found, to a local path. */
void http_redirect(struct http_resp *resp, int status, const char *location);

typedef void (*http_handler_fn)(void *app, struct http_req *req, struct http_resp *resp);

#endif
