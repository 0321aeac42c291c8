/* cap.h — the capability table: how a capability describes itself to the core, once.
 *
 * A capability is a folder under src/ (auth, notify, catalog, schedule, booking, …) that owns its
 * tables, handlers, templates and translations. It describes itself in one `const cap_t` —
 * routes, configuration section, migrations, jobs, bus topics and who may subscribe, notification
 * kinds, demo seed steps, CLI sub-commands, start/stop hooks — and src/cli/capabilities.c lists
 * every capability in one table (as Redis lists its commands). The core walks that table and
 * never names a capability:
 *
 *   config   cap_declare()      declares each capability's config keys before config_new
 *   http     cap_register()     registers each capability's routes and bus topic rules
 *   db       cap_migrate()      applies migrations/NAME/NNN_*.sql, capability by capability in
 *                               table order, each folder in file-name order
 *   view     (by folder)        locale/NAME/{ca,es,en}.po and templates/NAME/ are loaded with
 *                               every other folder: nothing to register
 *   jobs     jobs/jobs.c        runs each capability's jobs every jobs.interval or its period
 *   notify   cap_notice_find()  the notification kinds a capability sends, with their templates
 *   demo     cap_seed()         every seed step, by order then table order
 *   cli      cap_cmd_find()     `finestreta CMD SUB …` runs the capability that declared it
 *   people   cap_timeline()     a person's timeline: every capability appends its own entries
 *            cap_erase()        data-protection erasure: every capability blanks its own fields
 *   figures  (src/figures)      walks each capability's figure providers (.figures)
 *
 * Adding a capability is a new folder whose cap.c defines `const cap_t NAME_cap = {…}` and one
 * line X(NAME) in src/cli/capabilities.c (CONTRIBUTING.md has the checklist; src/example/ is the
 * skeleton to copy).
 *
 * Everything a cap_t points to is static storage, read-only, shared by every thread. */
#ifndef FIN_CORE_CAP_H
#define FIN_CORE_CAP_H

#include "app.h"
#include "base/config.h"
#include "bus/bus.h"
#include "db/db.h"
#include "http/http.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Every list below ends with a zeroed entry ({0}), so a list may live in the file that owns it
 * (a route table beside its handlers) and still be named here. */
#define CAP_ROUTE_TABLES 8

/* A background task, run on the jobs thread with a connection outside any transaction. */
typedef struct {
	const char *name; /* for the log: "booking.housekeeping" */
	int period;       /* seconds between runs; 0 = every round (jobs.interval) */
	/* 0 or an error (logged with the connection's last message; the next round tries again). */
	int (*run)(struct app *app, db_conn_t *c, int64_t now);
} cap_job_t;

/* A notification kind a capability enqueues with notify_enqueue (notify/notify.h). */
enum {
	NOTICE_APPOINTMENT = 1 << 0, /* the model is an appointment (notify.h): details, .ics */
	NOTICE_CANCEL = 1 << 1,      /* the .ics is METHOD:CANCEL */
	NOTICE_FIRST = 1 << 2,       /* the .ics SEQUENCE is 0 when the model has none */
	NOTICE_SUPERSEDES = 1 << 3,  /* withdraws the waiting NOTICE_STALE messages of the same ref */
	NOTICE_STALE = 1 << 4,       /* withdrawn by a later NOTICE_SUPERSEDES message */
};
typedef struct cap_notice {
	const char *kind; /* the outbox's kind: "booking_confirmed" (unique across capabilities) */
	const char *tpl;  /* templates/TPL.txt (text part) and TPL.html (HTML part) */
	const char *subject_key, *intro_key, *sms_key; /* i18n keys */
	unsigned flags;                                /* NOTICE_* */
} cap_notice_t;

/* One step of `finestreta demo`, on a freshly migrated database. */
typedef struct {
	int order;        /* steps run by order, then by table order: auth 100, catalog 200,
	                   * schedule 300, booking 400; later capabilities pick their own */
	const char *name; /* for the log */
	/* 0 or an error, which stops the demo unless optional. May print to out (the logins). */
	int (*run)(struct app *app, db_conn_t *c, int64_t now, FILE *out);
	bool optional; /* a failure is logged, the demo goes on */
} cap_seed_t;

/* A card on the staff home page (/staff) that links to a capability's pages. */
typedef struct {
	unsigned roles;                   /* the role bits (http.h) that see it */
	const char *href;                 /* "/floor" */
	const char *title_key, *desc_key; /* i18n keys */
} cap_card_t;

/* A person's timeline (people/people.h): everything that happened with a person on every channel.
 * The people capability owns the person records; each capability that links its rows to a person
 * (appointments.person_id, chats.person_id, …) appends its own entries through its .timeline hook,
 * so people never names another capability. Entries and their strings live in tl->a. */
typedef struct cap_tl_entry {
	int64_t at;          /* when it happened (a booking: the appointment's start), Unix seconds */
	const char *kind;    /* "appointment" | "ticket" | "chat" | "request" | "ict_session" | "certificate" */
	const char *ref;     /* the capability's own reference: appointment code, chat id, request code */
	const char *status;  /* the entry's state in its capability's words ("booked", "closed"), or "" */
	const char *summary; /* one line in tl->lang, plain text (shown escaped) */
	const char *href;    /* the staff page of the entry ("/staff/cita/ABCD2345"), or "" */
	const char *detail;  /* tl->full only: the whole content as plain text (a chat's messages, a
	                      * request's text and answers) for the data-protection export; else NULL */
} cap_tl_entry_t;
typedef struct cap_tl {
	arena_t *a;
	const char *lang;   /* "ca" | "es" | "en": the language of summaries */
	const int64_t *ids; /* the person's record ids: the record and those merged into it */
	size_t nids;
	bool full;         /* fill detail too (export) */
	cap_tl_entry_t *v; /* what the hooks appended (cap_tl_add), any order */
	size_t n, cap;
} cap_tl_t;
/* A new zeroed entry at the end of tl->v (its strings: arena_strdup into tl->a). */
cap_tl_entry_t *cap_tl_add(cap_tl_t *tl);

/* What a CLI sub-command gets. */
typedef struct cap_cli {
	const struct cap_cmd *cmd;
	int argc;        /* the words after "CMD SUB" (after "CMD" when sub is NULL) with the */
	char **argv;     /* common options (--config, --db) taken out */
	struct app *app; /* settings and root always; with CAP_CMD_DB also db; with CAP_CMD_VIEW
	                   * also view (translations are loaded too) */
	db_conn_t *c;    /* CAP_CMD_DB: a connection of app->db, outside any transaction */
	FILE *out, *err;
} cap_cli_t;

enum {
	CAP_CMD_DB = 1 << 0,   /* open and migrate the database first, and lend a connection */
	CAP_CMD_VIEW = 1 << 1, /* load translations and templates first */
};
typedef struct cap_cmd {
	const char *cmd;     /* "import" */
	const char *sub;     /* "holidays"; NULL for a command without sub-commands */
	const char *summary; /* one line for `finestreta --help`: "Import public holidays" */
	const char *help;    /* `finestreta help CMD` (usage and options; ends with a newline) */
	unsigned needs;      /* CAP_CMD_* */
	/* The exit status: 0, 1 (failed), 2 (bad usage, said on x->err). */
	int (*run)(cap_cli_t *x);
} cap_cmd_t;

/* A figure a capability counts (src/figures walks the table and draws, compares and exports
 * them; docs/figures.md). The provider answers for a filter with rows of counts; it reads only
 * its own capability's tables. */
#define CAP_FIG_COLS 6
enum {
	CAP_FIG_SERIES = 1, /* rows per local day ("YYYY-MM-DD") × office code × channel */
	CAP_FIG_TABLE = 2,  /* rows per label, in the provider's order (top N, bands) */
};
enum {
	CAP_FIG_BY_OFFICE = 1 << 0, /* the filters the provider honours; a figure whose filter is */
	CAP_FIG_BY_ZONE = 1 << 1,   /* set and not honoured is left out (and said so) */
	CAP_FIG_BY_CHANNEL = 1 << 2,
	CAP_FIG_BY_PROCEDURE = 1 << 3,
	CAP_FIG_OPEN = 1 << 4,       /* a series of counts about no one: in the open-data export */
	CAP_FIG_LABEL_KEYS = 1 << 5, /* table labels are i18n keys */
	CAP_FIG_ADDITIVE = 1 << 6,   /* a table whose rows for a period are the sums of its rows for
				      * the period's days: its run answers out->days and f->sums (below),
				      * and the daily summary keeps its days (docs/figures.md) */
};
typedef struct cap_fig_filter {
	const char *from, *to;  /* local dates, both included */
	int64_t from_at, to_at; /* [from_at, to_at): local midnight of from and of the day after to */
	const char *office, *zone, *channel, *procedure; /* codes; "" = all */
	const char *lang;                                /* for labels: "ca" | "es" | "en" */
	int limit;                                       /* table rows wanted (top N) */
	/* CAP_FIG_ADDITIVE tables: when set, run reads nothing of its counts but writes, from these
	 * sums (one row per key: label the key, office and channel "", the sums of its out->days
	 * rows over the period's days), exactly what it answers counting: its order, its zero rows,
	 * its top limit, its labels in lang. */
	const struct cap_fig_out *sums;
} cap_fig_filter_t;
typedef struct cap_fig_row {
	const char *label, *office, *channel; /* series: the day, office code, channel */
	int64_t v[CAP_FIG_COLS];
	const char *day; /* out->days rows (cap_fig_row_day): the local day; NULL otherwise */
} cap_fig_row_t;
typedef struct cap_fig_out {
	struct arena *a;
	cap_fig_row_t *rows;
	size_t n, cap;
	/* CAP_FIG_ADDITIVE tables: when set, run answers for f rows per local day × key × office ×
	 * channel (cap_fig_row_day), the key independent of f->lang and f->limit (a band, a code),
	 * the day the one whose midnights bound the period run counts. */
	bool days;
} cap_fig_out_t;
typedef struct {
	const char *name, *key; /* "no_show" (CSV, JSON); i18n key */
} cap_fig_col_t;
typedef struct cap_figure {
	const char *name;          /* "booking.appointments": unique, the name in exports */
	const char *theme;         /* a theme of src/figures: attendance, capacity, people, procedures, … */
	const char *title_key;     /* i18n */
	unsigned kind;             /* CAP_FIG_SERIES or CAP_FIG_TABLE */
	unsigned flags;            /* CAP_FIG_BY_*, CAP_FIG_OPEN, CAP_FIG_LABEL_KEYS */
	const cap_fig_col_t *cols; /* at most CAP_FIG_COLS, ending with {0} */
	/* Fills out (cap_fig_row); 0 or an error. Runs on a request's connection, read-only. */
	int (*run)(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out);
	/* A series of the attendance theme may give one measure (stat_col) as the key stat of
	 * GET /api/v1/stats/attendance: "appointments", "tickets", "remote", "chats", "requests",
	 * "ict". NULL: none. */
	const char *stat, *stat_col;
} cap_figure_t;
/* The row of (label, office, channel), appended (zeroed) unless one of the last rows with that
 * label has it: a provider that fills rows in label order finds its rows in O(rows per label).
 * Its counts, CAP_FIG_COLS of them. office and channel may be NULL (""). Strings are copied. */
int64_t *cap_fig_row(cap_fig_out_t *o, const char *label, const char *office, const char *channel);
/* The same for the local day of instant at in zone tz (NULL or unknown: Europe/Madrid). */
int64_t *cap_fig_row_at(cap_fig_out_t *o, int64_t at, const char *tz, const char *office, const char *channel);
/* out->days' row of (day, key, office, channel), appended (zeroed) unless one of the last rows of
 * that day has it (a provider that fills rows in day order finds its rows in O(rows per day); a
 * row given twice is added up by the summary). Strings are copied. */
int64_t *cap_fig_row_day(cap_fig_out_t *o, const char *day, const char *key, const char *office, const char *channel);
/* f->sums' look-up: the sums of key (zeros when sums has no such row). */
const int64_t *cap_fig_sum(const cap_fig_out_t *sums, const char *key);
/* The same for the local day of instant at in zone tz (NULL or unknown: Europe/Madrid). */
int64_t *cap_fig_row_day_at(cap_fig_out_t *o, int64_t at, const char *tz, const char *key, const char *office,
			    const char *channel);

typedef struct cap {
	const char *name;    /* the folder: src/NAME, migrations/NAME, locale/NAME, templates/NAME */
	const char *summary; /* one line, for the docs and `finestreta help` */
	/* Route tables (pages, API…), each ending with {0}; the first match wins (http/router.h). */
	const http_route_t *routes[CAP_ROUTE_TABLES];
	const config_key_t *config; /* its sections (usually [NAME]), ending with {0} */
	const bus_topic_t *topics;  /* who may subscribe to the topics it publishes */
	const cap_job_t *jobs;
	const cap_notice_t *notices;
	const cap_seed_t *seeds;
	const cap_cmd_t *commands;
	const cap_card_t *cards; /* on the staff home page, after the cards of the first capabilities */
	/* A person's entries of this capability (rows linked to one of tl->ids), appended with
	 * cap_tl_add. Runs on the caller's connection, inside its transaction when there is one.
	 * 0 or a storage error. NULL: the capability links nothing to people. */
	int (*timeline)(struct app *app, db_conn_t *c, cap_tl_t *tl);
	/* Data-protection erasure, inside the caller's transaction: blank the personal fields of
	 * this capability's rows linked to ids[0..n) (names, ID numbers, contacts, free text), keep
	 * what statistics need (times, channels, outcomes). 0 or a storage error. */
	int (*erase)(struct app *app, db_conn_t *c, const int64_t *ids, size_t n, int64_t now);
	const cap_figure_t *figures; /* what it counts, for src/figures (docs/figures.md) */
	/* serve/demo: after storage, translations, templates and routes are ready, before the server
	 * listens (hooks into the core, caches, bus subscriptions). 0 or an error (logged). */
	int (*start)(struct app *app);
	/* serve/demo: the server has stopped accepting; end slow work soon (before the jobs stop). */
	void (*stop)(struct app *app);
	/* serve/demo: last, after the jobs thread ended: free what start made. */
	void (*finish)(struct app *app);
} cap_t;

/* The table (src/cli/capabilities.c), in dependency order: a capability comes after those whose
 * tables its migrations reference and whose headers it includes. */
extern const cap_t *const cap_table[];
extern const size_t cap_count;

/* Declares every capability's config keys (config_declare). Call before config_new; again is a
 * no-op. */
void cap_declare(void);
/* Registers the core routes, then every capability's routes and topic rules. Once per process. */
void cap_register(void);
/* Calls fn for every route in registration order, with its owner ("core" or the capability). */
void cap_routes_each(void (*fn)(const char *owner, const http_route_t *rt, void *ud), void *ud);
/* Applies the pending migrations of every capability (ROOT/migrations/NAME/, skipped when the
 * capability has no such folder). The number applied, or an error with a message in err. */
int cap_migrate(db_t *db, const char *root, char *err, size_t errlen);
/* serve/demo: every start hook in table order (0, or the first error: the started ones are
 * stopped and finished again), every stop hook, every finish hook in reverse order. */
int cap_start(struct app *app);
void cap_stop(struct app *app);
void cap_finish(struct app *app);
/* Runs every demo seed step (by order, then table order), each with its own connection use. 0 or
 * the first error of a step that is not optional. */
int cap_seed(struct app *app, db_conn_t *c, int64_t now, FILE *out);
/* The notification kind, or NULL. cap_notices(i) is the list of capability i (never NULL). */
const cap_notice_t *cap_notice_find(const char *kind);
const cap_notice_t *cap_notices(size_t i);
/* The sub-command `cmd sub` (sub NULL: a command without sub-commands), or NULL. */
const cap_cmd_t *cap_cmd_find(const char *cmd, const char *sub);
/* The options of a sub-command, ending with {0}: "--to V" or "--to=V" sets *value; a switch
 * ("--dry-run") sets *on. */
typedef struct {
	const char *flag;
	const char **value;
	bool *on;
} cap_opt_t;
/* Reads x->argv: options by opts, other words into args (at most max; *nargs counts them).
 * 0, or 2 (the exit status for bad usage) with the problem said on x->err. */
int cap_cli_opts(cap_cli_t *x, const cap_opt_t *opts, const char **args, size_t max, size_t *nargs);

/* Every capability's .timeline in table order, appending to tl (sorted by the caller). 0 or the
 * first error. */
int cap_timeline(struct app *app, db_conn_t *c, cap_tl_t *tl);
/* Every capability's .erase in table order. 0 or the first error. */
int cap_erase(struct app *app, db_conn_t *c, const int64_t *ids, size_t n, int64_t now);
/* For a capability's .erase that blanks its rows one person at a time: erase_person(c, id) for
 * each of ids[0..n). 0 or the first error. */
int cap_erase_each(db_conn_t *c, const int64_t *ids, size_t n, int (*erase_person)(db_conn_t *c, int64_t id));

/* The capability of that name, or NULL. */
const cap_t *cap_find(const char *name);

#endif
