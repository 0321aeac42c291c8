/* internal.h — what the ict capability's files share (prefix ict_, as the capability's name is
 * short); other capabilities use ict/ict.h. No HTTP here. */
#ifndef FIN_ICT_INTERNAL_H
#define FIN_ICT_INTERNAL_H

#include "app.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/fielderr.h"
#include "core/cap.h"
#include "db/db.h"
#include "ict/ict.h"

#include <jansson.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ICT_PROCS_MAX 10
#define ICT_TEXT_MAX 2000
#define ICT_CONSENT_WHAT "ict_followup"

typedef struct {
	const char *service, *other, *mode; /* service: a catalogue code, or other: free text */
} ict_proc_t;

/* A session as recorded (the input, then what was stored). Strings borrowed or arena. */
typedef struct {
	int64_t id, office_id, person_id;
	const char *office, *agent, *appointment, *lang;
	/* The person: found or created in the citizen record from these. */
	const char *name, *id_number, *email, *phone, *age_band, *gender;
	bool consent;
	bool consent_known; /* ict_record: the consent was on record already (not added again) */
	const char *needs, *notes, *next;
	ict_proc_t procs[ICT_PROCS_MAX];
	size_t nprocs;
	const char *tools[ICT_TOOLS];
	size_t ntools;
	int minutes;
	const char *date; /* the input: "" for now, or the local date of a session recorded later */
	int64_t at;
	const char *moment;     /* "" (no assessment), "before" or "after" */
	int levels[ICT_SKILLS]; /* 0..3, -1 not asked (eprocedures is required with a moment) */
} ict_session_t;

/* ict.c: the rules. Checks and normalises s (service codes against the catalogue, office active
 * and not virtual), fills errs (field → key); ERR_INVALID when anything is wrong, or a storage
 * error. */
int ict_check(db_conn_t *c, arena_t *a, ict_session_t *s, fielderr_t *errs);
/* In the caller's transaction: links the person (people_link; the consent with its wording unless
 * one is in force already), then
 * writes the session, its procedures, tools and assessment. ERR_INVALID (errs "person") when the
 * input names nobody or several people. */
int ict_record(db_conn_t *c, arena_t *a, ict_session_t *s, int64_t now, fielderr_t *errs);

/* One assessment row for the evaluation: whose, when, which moment, levels. */
typedef struct {
	int64_t person_id, at;
	bool after;
	int levels[ICT_SKILLS];
} ict_assess_t;

/* The evaluation's before → after figures. */
typedef struct {
	int64_t with_both;                 /* people with a "before" and an "after" */
	int64_t low_before, low_after;     /* of them, at level 0–1 in e-procedures */
	int64_t email_before, email_after; /* of them, using e-mail (level 2–3) */
	double low_before_pct, low_after_pct, low_change_pct, email_before_pct, email_after_pct;
	double email_change_pct;
	/* Per skill: the average level before and after over the people asked both times. */
	double avg_before[ICT_SKILLS], avg_after[ICT_SKILLS];
	int64_t asked[ICT_SKILLS];
} ict_pairs_t;
/* From the assessments sorted by person then time: each person's first "before" and last "after"
 * (taken after it); people with only one of them are left out. */
void ict_pairs(const ict_assess_t *v, size_t n, ict_pairs_t *out);

/* The evaluation of a period [from, to) at an office (0 every office) by an agent ("" every). */
typedef struct {
	int64_t from, to, office_id;
	const char *agent;
} ict_filter_t;
typedef struct {
	const char *key;
	int64_t n;
} ict_count_t;
typedef struct {
	int64_t people, sessions, new_people, minutes;
	int64_t modes[ICT_MODES];
	int64_t tools[ICT_TOOLS];
	ict_count_t *profile; /* "age_band gender" → people, arena */
	size_t nprofile;
	ict_pairs_t pairs;
} ict_eval_t;
int ict_evaluate(db_conn_t *c, arena_t *a, const ict_filter_t *f, ict_eval_t *out);

/* store.c */
int ict_store_session_add(db_conn_t *c, const ict_session_t *s, int64_t now, int64_t *id);
int ict_store_assessments(db_conn_t *c, arena_t *a, const ict_filter_t *f, ict_assess_t **out, size_t *n);
int ict_store_counts(db_conn_t *c, const ict_filter_t *f, int64_t *people, int64_t *sessions, int64_t *new_people,
		     int64_t *minutes);
int ict_store_modes(db_conn_t *c, arena_t *a, const ict_filter_t *f, ict_count_t **out, size_t *n);
int ict_store_tools(db_conn_t *c, arena_t *a, const ict_filter_t *f, ict_count_t **out, size_t *n);
int ict_store_profile(db_conn_t *c, arena_t *a, const ict_filter_t *f, ict_count_t **out, size_t *n);
/* The sessions for the anonymised export, oldest first. */
typedef struct {
	int64_t person_id, at;
	int minutes;
	const char *office, *age_band, *gender, *next, *tools, *modes, *moment;
	int levels[ICT_SKILLS];
} ict_row_t;
int ict_store_rows(db_conn_t *c, arena_t *a, const ict_filter_t *f, ict_row_t **out, size_t *n);
/* xlsx.c: the export's columns (CSV header and workbook), a moment's local date (Europe/Madrid),
 * and the export as a workbook: a "sessions" sheet (row i of v under the pseudonym who[i]) and an
 * "evaluation" sheet with every number of ev (ict_eval_json). 0, or buf_from_temp's error
 * (ERR_TOO_BIG past out's cap). */
#define ICT_EXPORT_COLS 15
extern const char *const ict_export_head[ICT_EXPORT_COLS];
int32_t ict_local_day(int64_t at);
int ict_xlsx(buf_t *out, const ict_row_t *v, size_t n, const char *const *who, const json_t *ev);
/* A person's sessions (the timeline): newest first. */
typedef struct {
	int64_t id, at, person_id;
	int minutes;
	const char *office, *agent, *needs, *notes, *next, *moment;
} ict_item_t;
int ict_store_by_person(db_conn_t *c, arena_t *a, int64_t person_id, ict_item_t **out, size_t *n);
/* An agent's latest sessions, the last recorded first. */
int ict_store_recent(db_conn_t *c, arena_t *a, const char *agent, int limit, ict_item_t **out, size_t *n);
int ict_store_erase_person(db_conn_t *c, int64_t person_id);
/* The follow-up list: people who agreed to be contacted, whose first "before" assessment was taken
 * before `due` and who have no "after" since; the longest waiting first, at most limit. */
typedef struct {
	int64_t person_id, before_at, last_at;
} ict_due_t;
int ict_store_due(db_conn_t *c, arena_t *a, int64_t due, int limit, ict_due_t **out, size_t *n);

/* sheet.c: a learning sheet's text (at most ICT_SHEET_MAX code points) as render/pdf.h's
 * document model {"title","sections":[{"heading","paragraphs"}]} (new reference in *out).
 * ERR_INVALID when the text is empty, too long or not UTF-8. */
#define ICT_SHEET_MAX 6000
int ict_sheet_doc(arena_t *a, const char *title, const char *body, json_t **out);
/* store.c: one sheet's text (ERR_NOT_FOUND when none), and writing it (insert or replace). */
int ict_store_sheet_get(db_conn_t *c, arena_t *a, const char *tool, const char *lang, const char **body);
int ict_store_sheet_put(db_conn_t *c, const char *tool, const char *lang, const char *body, const char *by,
			int64_t now);

/* The sheets there are, as "TOOL LANG" keys (n unused), by tool then language. */
int ict_store_sheets(db_conn_t *c, arena_t *a, ict_count_t **out, size_t *n);

/* cap hooks (ict.c) and the demo (demo.c). */
int ict_timeline(app_t *app, db_conn_t *c, cap_tl_t *tl);
int ict_erase(app_t *app, db_conn_t *c, const int64_t *ids, size_t n, int64_t now);
int ict_demo_seed(app_t *app, db_conn_t *c, int64_t now, FILE *out);
/* The demo's facilities (ids of its three ICT points) and one person's sessions (demo.c), which
 * history.c shares. */
int ict_demo_facilities(db_conn_t *c, arena_t *a, int64_t ids[3]);
int ict_demo_person(db_conn_t *c, arena_t *a, uint32_t *s, int i, const int64_t *office_ids, const int64_t *start,
		    int64_t until, bool (*open)(int64_t at), int64_t now);
/* history.c: demo.history_days of sessions (core/demo.h); a seed step. */
int ict_history_seed(app_t *app, db_conn_t *c, int64_t now, FILE *out);

/* store_figures.c: what digital accompaniment counts for src/figures (cap_t.figures). */
extern const cap_figure_t ict_figures[];

#endif
