/* internal.h — what the survey's files share (prefix sv_); other capabilities use survey.h. */
#ifndef FIN_SURVEY_INTERNAL_H
#define FIN_SURVEY_INTERNAL_H

#include "base/arena.h"
#include "core/cap.h"
#include "survey/survey.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define SV_COMMENT_MAX 2000 /* bytes */

typedef struct {
	int64_t id;
	const char *token, *kind, *ref, *office, *lang, *comment;
	int64_t created_at, answered_at; /* answered_at 0: not yet */
	int score;
} sv_survey_t;

/* store.c */
int sv_store_by_token(db_conn_t *c, arena_t *a, const char *token, sv_survey_t *out);
int sv_store_by_ref(db_conn_t *c, arena_t *a, const char *kind, const char *ref, sv_survey_t *out);
int sv_store_insert(db_conn_t *c, const survey_offer_t *o, const char *token, bool invited);
/* The answer, once: ERR_CONFLICT when it was answered already. */
int sv_store_answer(db_conn_t *c, const char *token, int score, const char *comment, int64_t now);

/* survey.c: the public URL the links start with (server.public_url, set at start). */
void sv_set_base(const char *public_url);
const char *sv_url(arena_t *a, const char *token);
/* The listeners registered at start (floor and booking). */
void sv_listen(void);

/* store_figures.c: what the surveys count for src/figures (cap_t.figures). */
extern const cap_figure_t sv_figures[];

/* history.c: demo.history_days of answered surveys (core/demo.h); a seed step. */
typedef struct {
	const char *kind, *office, *lang, *comment;
	char ref[32], token[65];
	int64_t created_at, answered_at;
	int score;
} sv_history_t;
int sv_history_seed(struct app *app, db_conn_t *c, int64_t now, FILE *out);
struct demo_batch *sv_store_history_batch(db_conn_t *c);
int sv_store_history_add(struct demo_batch *b, const sv_history_t *s);

#endif
