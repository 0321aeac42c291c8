/* internal.h — what the legal capability's files share (prefix lg_); other capabilities use
 * legal/legal.h. */
#ifndef FIN_LEGAL_INTERNAL_H
#define FIN_LEGAL_INTERNAL_H

#include "base/arena.h"
#include "db/db.h"
#include "legal/legal.h"

#include <stdbool.h>
#include <stdint.h>

/* The documents: their code (the table's doc), page path, and the keys of their title and of
 * the text that ships. */
typedef struct {
	const char *code, *path, *title_key, *default_key;
} lg_doc_t;
#define LG_NDOCS 3
extern const lg_doc_t lg_docs[LG_NDOCS];

/* store.c. The city's text of doc in lang (arena), ERR_NOT_FOUND when it has none. */
int lg_store_text(db_conn_t *c, arena_t *a, const char *doc, const char *lang, const char **body);
/* Writes (or, for an empty body, deletes) the text of doc in lang. */
int lg_store_save(db_conn_t *c, const char *doc, const char *lang, const char *body, const char *by, int64_t now);

#endif
