#include "http/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "core/log.h"
#include "http/cookie.h"
#include "http/path.h"

struct http_server {
	struct MHD_Daemon *d;
	struct http_server_opts o;
};

/* Per-request state, kept in MHD's con_cls between calls. */
struct reqstate {
	struct http_req req;
	struct buf body;
	bool too_large;
};

const char *http_req_header(const struct http_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

int http_resp_header(struct http_resp *resp, const char *name, const char *value)
{
	if (resp->nheaders >= HTTP_MAX_HEADERS || strpbrk(name, "\r\n:") || strpbrk(value, "\r\n"))
		return -1;
	resp->headers[resp->nheaders].name = name;
	resp->headers[resp->nheaders].value = value;
	resp->nheaders++;
	return 0;
}

void http_redirect(struct http_resp *resp, int status, const char *location)
{
	resp->status = status;
	buf_reset(&resp->body);
	if (http_resp_header(resp, "Location", location))
		resp->status = 500;
}

/* MHD decodes paths and arguments itself unless told otherwise; we keep
 * them raw and decode with our own strict parsers. */
static size_t keep_raw(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);
}

/* The query, rebuilt from MHD's raw arguments; `overflow` when it did not fit. */
struct query_buf {
	struct buf b;
	bool overflow;
};

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	struct query_buf *q = cls;
	if ((q->b.len && buf_addc(&q->b, '&')) || buf_adds(&q->b, key) ||
	    (value && (buf_addc(&q->b, '=') || buf_adds(&q->b, value)))) {
		q->overflow = true;
		return MHD_NO;
	}
	return MHD_YES;
}

static bool is_form_type(const char *ct)
{
	static const char form[] = "application/x-www-form-urlencoded";
	size_t n = sizeof(form) - 1;
	return strncasecmp(ct, form, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ' || ct[n] == '\t');
}

static void client_address(struct MHD_Connection *c, struct http_req *req, bool trust_proxy)
{
	char host[INET6_ADDRSTRLEN] = "";
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, host, sizeof(host));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, host, sizeof(host));
	}
	if (trust_proxy) {
		/* nginx appends the real peer last. */
		const char *xff = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For");
		if (xff) {
			const char *last = strrchr(xff, ',');
			last = last ? last + 1 : xff;
			while (*last == ' ')
				last++;
			if (strlen(last) < sizeof(host))
				snprintf(host, sizeof(host), "%s", last);
		}
	}
	req->client_addr = arena_strdup(req->a, host);
}

/* Fill req from the connection; sets req->error on bad input. */
static void build_request(struct http_server *s, struct MHD_Connection *c, struct reqstate *st,
			  const char *url, const char *method)
{
	struct http_req *req = &st->req;
	req->conn = c;
	req->method = arena_strdup(req->a, method);
	req->raw_path = arena_strdup(req->a, url);
	client_address(c, req, s->o.trust_proxy);
	req->path = path_decode(req->a, url, strlen(url));
	if (!req->path) {
		req->path = "/";
		req->error = 400;
	}

	struct query_buf q = { BUF_INIT(8192), false };
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_arg, &q);
	const struct form_limits lim = FORM_LIMITS_DEFAULT;
	if (q.overflow || form_parse(req->a, buf_str(&q.b), q.b.len, &lim, &req->query) != FORM_OK) {
		req->query.n = 0;
		if (!req->error)
			req->error = q.overflow ? 414 : 400;
	}
	buf_free(&q.b);

	const char *cookie = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Cookie");
	if (cookie && cookie_parse(req->a, cookie, strlen(cookie), &req->cookies) != FORM_OK)
		req->cookies.n = 0; /* a broken cookie header is not the visitor's fault */

	req->body = buf_str(&st->body);
	req->body_len = st->body.len;
	if (st->too_large && !req->error)
		req->error = 413;
	const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	if (!req->error && st->body.len && ct && is_form_type(ct)) {
		if (form_parse(req->a, req->body, req->body_len, &lim, &req->body_form) != FORM_OK) {
			req->body_form.n = 0;
			req->error = 400;
		}
	} else if (!req->error && st->body.len && strcmp(method, "POST") == 0) {
		req->error = 415;
	}
}

static enum MHD_Result send_response(struct MHD_Connection *c, struct http_resp *resp)
{
	struct MHD_Response *r;
	if (resp->fixed_body)
		r = MHD_create_response_from_buffer(resp->fixed_len, (void *)resp->fixed_body,
						    MHD_RESPMEM_PERSISTENT);
	else
		r = MHD_create_response_from_buffer(resp->body.len, resp->body.data ? resp->body.data : "",
						    MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type",
				resp->content_type ? resp->content_type : "text/html; charset=utf-8");
	for (size_t i = 0; i < resp->nheaders; i++)
		MHD_add_response_header(r, resp->headers[i].name, resp->headers[i].value);
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)resp->status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	(void)version;
	struct http_server *s = cls;
	struct reqstate *st = *con_cls;
	if (!st) {
		st = calloc(1, sizeof(*st));
		if (!st)
			return MHD_NO;
		st->req.a = arena_new(s->o.arena_max);
		if (!st->req.a) {
			free(st);
			return MHD_NO;
		}
		buf_init(&st->body, s->o.body_max);
		*con_cls = st;
		/* Refuse a declared oversized body before reading it. */
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
		if (cl && strtoull(cl, NULL, 10) > s->o.body_max)
			st->too_large = true;
		return MHD_YES;
	}
	if (*upload_size) {
		if (!st->too_large && buf_add(&st->body, upload, *upload_size))
			st->too_large = true;
		*upload_size = 0;
		return MHD_YES;
	}

	build_request(s, c, st, url, method);
	struct http_resp resp = { .status = 200 };
	buf_init(&resp.body, s->o.resp_max);
	s->o.handler(s->o.app, &st->req, &resp);
	enum MHD_Result ret = send_response(c, &resp);
	buf_free(&resp.body);
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	struct reqstate *st = *con_cls;
	if (!st)
		return;
	buf_free(&st->body);
	arena_free(st->req.a);
	free(st);
	*con_cls = NULL;
}

/* MHD's own messages can quote request data; log only the fixed text. */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	(void)ap;
	char line[256];
	snprintf(line, sizeof(line), "%s", fmt);
	line[strcspn(line, "\n")] = '\0';
	log_warn("http: %s", line);
}

struct http_server *http_server_start(const struct http_server_opts *o)
{
	struct http_server *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->o = *o;

	struct sockaddr_storage ss = { 0 };
	socklen_t sl;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, o->addr, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)o->port);
		sl = sizeof(*in4);
	} else if (inet_pton(AF_INET6, o->addr, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)o->port);
		sl = sizeof(*in6);
		flags |= MHD_USE_IPv6;
	} else {
		free(s);
		error("http: listen address is not an IP address");
		return NULL;
	}
	(void)sl;
	if (MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES)
		flags |= MHD_USE_EPOLL;
	else
		flags |= MHD_USE_POLL;

	s->d = MHD_start_daemon(flags, (uint16_t)o->port, NULL, NULL, on_request, s,
				MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				MHD_OPTION_THREAD_POOL_SIZE, (unsigned)o->threads,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)o->max_connections,
				MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)o->per_ip_connections,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)o->timeout_s,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)o->conn_memory,
				MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
				MHD_OPTION_UNESCAPE_CALLBACK, keep_raw, NULL,
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
				MHD_OPTION_END);
	if (!s->d) {
		free(s);
		error("http: cannot listen on the configured address and port");
		return NULL;
	}
	return s;
}

unsigned http_server_port(const struct http_server *s)
{
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	return i ? i->port : 0;
}

void http_server_stop(struct http_server *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->d);
	free(s);
}
