/* Static files (stylesheet, images), read into memory once at start and
 * served with validators so browsers revalidate cheaply. Only plain names
 * directly in the folder are served: nothing can climb out of it. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/buf.h"
#include "core/log.h"
#include "web/app.h"

enum { STATIC_MAX_FILES = 64, STATIC_MAX_SIZE = 4 << 20 };

struct static_file {
	char name[128];
	char *data;
	size_t len;
	const char *type;
	char etag[48];
	char modified[40];
};

struct static_files {
	size_t n;
	struct static_file f[STATIC_MAX_FILES];
};

static const char *type_of(const char *name)
{
	static const struct { const char *ext, *type; } types[] = {
		{ ".css", "text/css; charset=utf-8" }, { ".svg", "image/svg+xml" },
		{ ".png", "image/png" },               { ".ico", "image/x-icon" },
		{ ".txt", "text/plain; charset=utf-8" }, { ".woff2", "font/woff2" },
	};
	const char *dot = strrchr(name, '.');
	for (size_t i = 0; dot && i < sizeof(types) / sizeof(*types); i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return NULL;
}

static bool safe_name(const char *s)
{
	if (!*s || *s == '.' || strlen(s) >= 128)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '.' || *s == '-' || *s == '_'))
			return false;
	return true;
}

struct static_files *static_load(const char *dir)
{
	struct static_files *s = calloc(1, sizeof(*s));
	DIR *d = s ? opendir(dir) : NULL;
	if (!d) {
		error("static: cannot open %s", dir);
		free(s);
		return NULL;
	}
	struct dirent *e;
	while ((e = readdir(d)) && s->n < STATIC_MAX_FILES) {
		if (!safe_name(e->d_name) || !type_of(e->d_name))
			continue;
		char path[2300];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		struct stat sb;
		FILE *fp = fopen(path, "rb");
		if (!fp)
			continue;
		if (fstat(fileno(fp), &sb) || !S_ISREG(sb.st_mode) || sb.st_size > STATIC_MAX_SIZE) {
			fclose(fp);
			continue;
		}
		struct static_file *f = &s->f[s->n];
		f->data = malloc((size_t)sb.st_size + 1);
		if (!f->data || fread(f->data, 1, (size_t)sb.st_size, fp) != (size_t)sb.st_size) {
			free(f->data);
			f->data = NULL;
			fclose(fp);
			continue;
		}
		fclose(fp);
		f->len = (size_t)sb.st_size;
		memcpy(f->name, e->d_name, strlen(e->d_name) + 1); /* safe_name: < 128 */
		f->type = type_of(e->d_name);
		snprintf(f->etag, sizeof(f->etag), "\"%llx-%llx\"", (unsigned long long)sb.st_mtime,
			 (unsigned long long)sb.st_size);
		struct tm tm;
		gmtime_r(&sb.st_mtime, &tm);
		strftime(f->modified, sizeof(f->modified), "%a, %d %b %Y %H:%M:%S GMT", &tm);
		s->n++;
	}
	closedir(d);
	return s;
}

void static_free(struct static_files *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->f[i].data);
	free(s);
}

bool static_serve(const struct static_files *s, struct http_req *req, struct http_resp *resp)
{
	const char *name = req->path + strlen("/static/");
	for (size_t i = 0; i < s->n; i++) {
		const struct static_file *f = &s->f[i];
		if (strcmp(f->name, name) != 0)
			continue;
		if (strcmp(req->method, "GET") && strcmp(req->method, "HEAD"))
			return false; /* let the router answer 405/404 */
		/* Replace the page default set by the caller. */
		for (size_t h = 0; h < resp->nheaders; h++)
			if (strcmp(resp->headers[h].name, "Cache-Control") == 0)
				resp->headers[h].value = "public, max-age=3600";
		http_resp_header(resp, "ETag", f->etag);
		http_resp_header(resp, "Last-Modified", f->modified);
		const char *inm = http_req_header(req, "If-None-Match");
		const char *ims = http_req_header(req, "If-Modified-Since");
		if ((inm && strstr(inm, f->etag)) || (!inm && ims && strcmp(ims, f->modified) == 0)) {
			resp->status = 304;
			return true;
		}
		resp->content_type = f->type;
		resp->fixed_body = f->data;
		resp->fixed_len = f->len;
		return true;
	}
	return false;
}
