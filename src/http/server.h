/* The HTTP server: libmicrohttpd with a thread pool on epoll, hardened with
 * timeouts, per-connection memory limits, a connection cap and a body cap. */
#ifndef OVI_SERVER_H
#define OVI_SERVER_H
#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"

struct http_server_opts {
	const char *addr;          /* IPv4 or IPv6 literal, e.g. "127.0.0.1" */
	unsigned port;             /* 0 = any free port (see http_server_port) */
	unsigned threads;          /* worker threads */
	unsigned max_connections;  /* total */
	unsigned per_ip_connections;
	unsigned timeout_s;        /* idle connection timeout */
	size_t conn_memory;        /* per-connection memory for headers (MHD) */
	size_t body_max;           /* larger bodies get 413 */
	size_t resp_max;           /* largest response body a handler may build */
	size_t arena_max;          /* per-request arena limit */
	bool trust_proxy;          /* take the client address from X-Forwarded-For */
	http_handler_fn handler;
	void *app;
	/* Called in each worker thread before its first request and at its end
	 * (e.g. to open and close a per-thread database connection). */
};

struct http_server;

struct http_server *http_server_start(const struct http_server_opts *opts);
unsigned http_server_port(const struct http_server *s);
void http_server_stop(struct http_server *s);

#endif
