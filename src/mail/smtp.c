#include "mail/smtp.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/log.h"

int smtp_init(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return error("smtp: libcurl could not be initialised");
	return 0;
}

void smtp_cleanup(void)
{
	curl_global_cleanup();
}

struct reader {
	const char *p;
	size_t n, pos;
};

static size_t read_cb(char *dst, size_t size, size_t nitems, void *userdata)
{
	struct reader *r = userdata;
	size_t room = size * nitems, left = r->n - r->pos;
	size_t k = left < room ? left : room;
	memcpy(dst, r->p + r->pos, k);
	r->pos += k;
	return k;
}

enum smtp_result smtp_classify(int curl_code, long smtp_code)
{
	if (curl_code == CURLE_OK)
		return SMTP_SENT;
	/* A refused login is a problem of the settings, not of the message:
	 * keep the message until they are fixed. */
	if (curl_code == CURLE_LOGIN_DENIED || smtp_code == 530 || smtp_code == 534 || smtp_code == 535 ||
	    smtp_code == 538)
		return SMTP_TEMPFAIL;
	if (smtp_code >= 500 && smtp_code <= 599)
		return SMTP_PERMFAIL;
	return SMTP_TEMPFAIL;
}

/* The host part of an smtp(s):// URL is a loopback address. */
static bool loopback(const char *url)
{
	const char *h = strstr(url, "://");
	h = h ? h + 3 : url;
	static const char *const names[] = { "127.", "localhost:", "localhost/", "[::1]" };
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (strncasecmp(h, names[i], strlen(names[i])) == 0)
			return true;
	return strcasecmp(h, "localhost") == 0;
}

static void set_err(char *err, size_t size, long code, CURLcode rc)
{
	if (!err || !size)
		return;
	if (code)
		snprintf(err, size, "%ld: %s", code, curl_easy_strerror(rc));
	else
		snprintf(err, size, "%s", curl_easy_strerror(rc));
}

enum smtp_result smtp_send(const struct smtp_opts *o, const char *from, const char *to, const char *msg,
			   size_t n, char *err, size_t err_size)
{
	if (err && err_size)
		err[0] = '\0';
	const char *url = o->url ? o->url : "";
	bool smtps = strncasecmp(url, "smtps://", 8) == 0;
	if (!smtps && strncasecmp(url, "smtp://", 7) != 0) {
		if (err)
			snprintf(err, err_size, "smtp_url must start with smtp:// or smtps://");
		return SMTP_TEMPFAIL;
	}
	CURL *h = curl_easy_init();
	if (!h) {
		if (err)
			snprintf(err, err_size, "out of memory");
		return SMTP_TEMPFAIL;
	}
	char env_from[300], env_to[300];
	snprintf(env_from, sizeof(env_from), "<%s>", from);
	snprintf(env_to, sizeof(env_to), "<%s>", to);
	struct curl_slist *rcpt = curl_slist_append(NULL, env_to);
	struct reader r = { msg, n, 0 };
	bool auth = o->user && *o->user;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, o->connect_timeout_s > 0 ? o->connect_timeout_s : 10L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, o->timeout_s > 0 ? o->timeout_s : 60L);
	if (!smtps)
		curl_easy_setopt(h, CURLOPT_USE_SSL, auth && !loopback(url) ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_TRY);
	if (auth) {
		curl_easy_setopt(h, CURLOPT_USERNAME, o->user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, o->password ? o->password : "");
	}
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, env_from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(h, CURLOPT_READDATA, &r);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)n);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	CURLcode rc = rcpt ? curl_easy_perform(h) : CURLE_OUT_OF_MEMORY;
	long code = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	enum smtp_result res = smtp_classify(rc, code);
	if (res != SMTP_SENT)
		set_err(err, err_size, code, rc);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(h);
	return res;
}
