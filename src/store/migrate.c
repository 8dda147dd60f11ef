#include "store/migrate.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/log.h"

enum { MAX_MIGRATIONS = 1000, MAX_SQL = 1 << 20 };

static int ensure_table(struct db *db)
{
	return db_exec(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
			   " version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
}

int migrate_version(struct db *db)
{
	if (ensure_table(db))
		return -1;
	return (int)db_int(db, 0, "SELECT MAX(version) FROM schema_migrations", "");
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int read_file(const char *path, struct buf *out)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return error("migrate: cannot read %s", path);
	char chunk[4096];
	size_t n;
	int r = 0;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(out, chunk, n)) {
			r = error("migrate: %s is too large", path);
			break;
		}
	fclose(f);
	return r;
}

int migrate_apply(struct db *db, const char *dir)
{
	int current = migrate_version(db);
	if (current < 0)
		return -1;
	DIR *d = opendir(dir);
	if (!d)
		return error("migrate: cannot open folder %s", dir);
	char *names[MAX_MIGRATIONS];
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < MAX_MIGRATIONS) {
		size_t len = strlen(e->d_name);
		if (len > 4 && strcmp(e->d_name + len - 4, ".sql") == 0 && e->d_name[0] >= '0' && e->d_name[0] <= '9')
			names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_names);

	int applied = 0;
	for (size_t i = 0; i < n; i++) {
		int v = atoi(names[i]);
		if (v <= current || applied < 0)
			continue;
		struct buf sql = BUF_INIT(MAX_SQL);
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (read_file(path, &sql) || db_begin(db)) {
			buf_free(&sql);
			applied = -1;
			continue;
		}
		if (db_exec(db, buf_str(&sql)) ||
		    db_run(db, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", "ii",
			   (int64_t)v, (int64_t)time(NULL)) ||
		    db_commit(db)) {
			db_rollback(db);
			error("migrate: %s failed; nothing of it was applied", names[i]);
			applied = -1;
		} else {
			log_info("migrate: applied %s", names[i]);
			applied++;
		}
		buf_free(&sql);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	return applied;
}
