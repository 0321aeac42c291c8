/* purge.c — what the remote attention keeps, and for how long: documents documents.retention_days
 * after their appointment's end (file and row, each removal logged and audited), files that no
 * row names (a crash between writing a file and committing its row), signalling messages after
 * an hour, and the call-back log and outcome of appointments past booking.retention_days. Also
 * the rotation of the documents' key (rm_rekey). */
#include "remote/internal.h"

#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PAGE 500
#define SIGNAL_KEEP 3600
#define ORPHAN_AGE 86400

/* The appointment of a document (the last one is kept: documents come in appointment order
 * often enough). */
typedef struct {
	booking_ctx_t ctx;
	int64_t id;
	booking_t b;
	int rc;
} appt_cache_t;

static int appt_of(appt_cache_t *k, int64_t id, const booking_t **out)
{
	if (k->id != id) {
		k->id = id;
		k->rc = booking_by_id(&k->ctx, id, &k->b);
	}
	*out = &k->b;
	return k->rc;
}

/* Removes one document: the row (and its audit record) in one transaction, then the file. */
static int remove_doc(db_conn_t *c, const char *dir, const rm_doc_t *d, const booking_t *b, int64_t now)
{
	int rc = db_begin(c);
	if (!rc)
		rc = rm_store_doc_delete(c, d->id);
	if (!rc) {
		char target[64], detail[160];
		snprintf(target, sizeof target, "appointment:%s", b->code);
		snprintf(detail, sizeof detail, "document %lld, %s, %lld bytes, past retention", (long long)d->id,
			 d->type, (long long)d->size);
		rc = rm_audit_job(c, now, "remote.document.purge", target, detail);
	}
	if (!rc)
		rc = db_commit(c);
	if (rc) {
		db_rollback(c);
		return rc;
	}
	int frc = rm_file_remove(dir, d->stored);
	log_info("remote: purged document %lld of appointment %s (%s, %lld bytes, uploaded %lld by %s)%s",
		 (long long)d->id, b->code, d->type, (long long)d->size, (long long)d->created_at, d->origin,
		 frc == ERR_NOT_FOUND ? "; its file was already gone" : "");
	return 0;
}

static int purge_docs(const config_t *cfg, db_conn_t *c, arena_t *a, int64_t now, int *removed)
{
	const char *dir = config_str(cfg, "documents.dir");
	int64_t keep = config_int(cfg, "documents.retention_days") * 86400;
	appt_cache_t k = {.ctx = {.c = c, .a = a, .cfg = cfg, .now = now, .lang = "ca", .staff = true}};
	int64_t after = 0;
	for (;;) {
		rm_doc_t *v;
		size_t n = 0;
		int rc = rm_store_docs_all(c, a, after, PAGE, &v, &n);
		if (rc)
			return rc;
		for (size_t i = 0; i < n; i++) {
			const booking_t *b;
			after = v[i].id;
			rc = appt_of(&k, v[i].appointment_id, &b);
			if (rc)
				return rc;
			if (b->end_at + keep >= now)
				continue;
			if ((rc = remove_doc(c, dir, &v[i], b, now)) != 0)
				return rc;
			(*removed)++;
		}
		if (n < PAGE)
			return 0;
	}
}

/* Files in dir that no row names, older than a day (never one being written now). */
static int sweep_orphans(const config_t *cfg, db_conn_t *c, int64_t now)
{
	const char *dir = config_str(cfg, "documents.dir");
	DIR *d = opendir(dir);
	if (!d)
		return 0; /* nothing stored yet */
	int rc = 0;
	struct dirent *e;
	while (!rc && (e = readdir(d))) {
		if (!rm_stored_valid(e->d_name))
			continue;
		char *path = xasprintf("%s/%s", dir, e->d_name);
		struct stat sb;
		bool old = stat(path, &sb) == 0 && sb.st_mtime < now - ORPHAN_AGE, known = true;
		if (old && !(rc = rm_store_stored_known(c, e->d_name, &known)) && !known &&
		    rm_file_remove(dir, e->d_name) == 0)
			log_info("remote: removed %s, a document file no record names", path);
		free(path);
	}
	closedir(d);
	return rc;
}

/* The call-back log and the outcome of appointments past booking.retention_days. */
static int forget_cases(const config_t *cfg, db_conn_t *c, arena_t *a, int64_t now)
{
	int64_t keep = config_int(cfg, "booking.retention_days") * 86400;
	appt_cache_t k = {.ctx = {.c = c, .a = a, .cfg = cfg, .now = now, .lang = "ca", .staff = true}};
	int64_t after = 0;
	int forgotten = 0;
	for (;;) {
		int64_t *ids;
		size_t n = 0;
		int rc = rm_store_case_ids(c, a, after, PAGE, &ids, &n);
		if (rc)
			return rc;
		for (size_t i = 0; i < n; i++) {
			const booking_t *b;
			after = ids[i];
			if ((rc = appt_of(&k, ids[i], &b)) != 0)
				return rc;
			if (b->end_at + keep >= now)
				continue;
			if ((rc = rm_store_forget(c, ids[i])) != 0)
				return rc;
			forgotten++;
		}
		if (n < PAGE)
			break;
	}
	if (forgotten)
		log_info("remote: forgot the call-back log and outcome of %d appointment(s) past retention", forgotten);
	return 0;
}

int rm_purge(const config_t *cfg, db_conn_t *c, int64_t now, int *removed)
{
	arena_t *a = arena_new();
	int n = 0;
	int rc = purge_docs(cfg, c, a, now, &n);
	if (!rc)
		rc = sweep_orphans(cfg, c, now);
	int64_t gone = 0;
	if (!rc)
		rc = rm_store_signals_purge(c, now - SIGNAL_KEEP, &gone);
	if (!rc)
		rc = forget_cases(cfg, c, a, now);
	arena_free(a);
	if (removed)
		*removed = n;
	return rc;
}

/* Seals one document again with the current key: a new file, the row re-pointed, the old file
 * removed once the row commits. */
static int rekey_one(const config_t *cfg, const rm_keyring_t *ring, db_conn_t *c, const rm_doc_t *d)
{
	const char *dir = config_str(cfg, "documents.dir");
	buf_t in, plain, out;
	size_t max = (size_t)config_int(cfg, "documents.max_bytes") * 2 + 65536;
	buf_init(&in, max);
	buf_init(&plain, max);
	buf_init(&out, max);
	char stored[RM_STORED_LEN];
	rm_stored_name(stored);
	int rc = rm_file_read(dir, d->stored, max, &in);
	if (!rc)
		rc = rm_doc_open(ring, d->stored, (const unsigned char *)in.data, in.len, &plain, NULL);
	if (!rc)
		rc = rm_doc_seal(ring, stored, (const unsigned char *)plain.data, plain.len, &out);
	if (!rc)
		rc = rm_file_write(dir, stored, out.data, out.len);
	bool written = !rc;
	if (!rc && !(rc = db_begin(c))) {
		rc = rm_store_doc_rekey(c, d->id, stored, ring->current);
		if (!rc)
			rc = db_commit(c);
		if (rc)
			db_rollback(c);
	}
	if (rc && written)
		(void)rm_file_remove(dir, stored);
	if (!rc)
		(void)rm_file_remove(dir, d->stored); /* the row names the new file now */
	buf_free(&in);
	buf_free(&plain);
	buf_free(&out);
	return rc;
}

int rm_rekey(const config_t *cfg, db_conn_t *c, int64_t now, int *count)
{
	const rm_keyring_t *ring = rm_keys();
	if (!ring)
		return ERR_UNAVAILABLE;
	arena_t *a = arena_new();
	int64_t after = 0;
	int done = 0, rc = 0;
	for (;;) {
		rm_doc_t *v;
		size_t n = 0;
		if ((rc = rm_store_docs_all(c, a, after, PAGE, &v, &n)) != 0)
			break;
		for (size_t i = 0; !rc && i < n; i++) {
			after = v[i].id;
			if (v[i].key_id == ring->current)
				continue;
			if ((rc = rekey_one(cfg, ring, c, &v[i])) != 0)
				log_error("remote: document %lld could not be sealed again (%s)", (long long)v[i].id,
					  err_name(rc));
			else
				done++;
		}
		if (rc || n < PAGE)
			break;
	}
	arena_free(a);
	if (count)
		*count = done;
	return rc;
}
