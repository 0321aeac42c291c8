/* floor.c — the office floor's rules: issuing a ticket (numbering, quotas, closed zones), the
 * state machine of a ticket at the desks (one table, MOVES), the appointment that follows its
 * ticket, the listeners told when an attention ends, and the job that ends yesterday's tickets.
 * SQL lives in store.c, the calling order in order.c. */
#include "floor/internal.h"

#include "base/contact.h"
#include "base/err.h"
#include "base/log.h"
#include "base/rand.h"
#include "base/str.h"
#include "base/text.h"
#include "base/tz.h"
#include "people/people.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- errors */

int fl_err_status(const fl_err_t *e)
{
	static const struct {
		const char *code;
		int status;
	} map[] = {
		{"invalid", 422},   {"quota_reached", 409}, {"issuing_closed", 409},
		{"bad_state", 409}, {"not_found", 404},
	};
	for (size_t i = 0; e && e->code && i < sizeof map / sizeof map[0]; i++)
		if (str_eq(e->code, map[i].code))
			return map[i].status;
	return 500;
}

void fl_err_set(fl_err_t *e, const char *code, const char *key)
{
	if (e && !e->code) {
		e->code = code;
		e->key = key;
	}
}

void fl_err_field(fl_err_t *e, const char *field, const char *key)
{
	if (!e)
		return;
	fl_err_set(e, "invalid", "fl_err_invalid");
	if (!fielderr_has(&e->fields, field))
		fielderr_add(&e->fields, field, key);
}

/* ---------------------------------------------------------------- the state machine */

#define MAX_FROM 5
static const struct {
	const char *name;
	const char *from[MAX_FROM];
	const char *to;
} MOVES[FL_NACTIONS] = {
	[FL_CALL] = {"call", {"waiting", "transferred"}, "called"},
	[FL_RECALL] = {"recall", {"called"}, "called"},
	[FL_START] = {"start", {"called"}, "in_service"},
	[FL_PARK] = {"park", {"called", "in_service"}, "parked"},
	[FL_RESUME] = {"resume", {"parked"}, "called"},
	[FL_TRANSFER] = {"transfer", {"waiting", "transferred", "called", "in_service", "parked"}, "transferred"},
	[FL_FINISH] = {"finish", {"in_service"}, "done"},
	[FL_NO_SHOW] = {"no_show", {"called"}, "no_show"},
	[FL_EXPIRE] = {"expire", {"waiting", "transferred", "called", "in_service", "parked"}, "no_show"},
};

const char *fl_action_name(fl_action_t a)
{
	return a >= 0 && a < FL_NACTIONS ? MOVES[a].name : "";
}

int fl_action_from_name(const char *name)
{
	for (int i = 0; i < FL_NACTIONS; i++)
		if (str_eq(MOVES[i].name, name))
			return i;
	return -1;
}

const char *fl_move_to(fl_action_t a, const char *from)
{
	if (a < 0 || a >= FL_NACTIONS)
		return NULL;
	for (size_t i = 0; i < MAX_FROM && MOVES[a].from[i]; i++)
		if (str_eq(MOVES[a].from[i], from))
			return MOVES[a].to;
	return NULL;
}

/* ---------------------------------------------------------------- listeners (floor.h) */

#define MAX_LISTENERS 4
static floor_listener_fn listeners[MAX_LISTENERS];
static size_t nlisteners;
static floor_board_fn board_cards[MAX_LISTENERS];
static size_t nboard_cards;

/* Adds the function pointer at fn (size bytes) to the array v of *n, at most MAX_LISTENERS (once). */
static void registry_add(void *v, size_t *n, const void *fn, size_t size, const char *what)
{
	for (size_t i = 0; i < *n; i++)
		if (memcmp((char *)v + i * size, fn, size) == 0)
			return;
	if (*n == MAX_LISTENERS) {
		log_error("floor: more than %d %s", MAX_LISTENERS, what);
		abort();
	}
	memcpy((char *)v + (*n)++ * size, fn, size);
}

void floor_listen(floor_listener_fn fn)
{
	registry_add(listeners, &nlisteners, &fn, sizeof fn, "listeners");
}

void floor_board_card(floor_board_fn fn)
{
	registry_add(board_cards, &nboard_cards, &fn, sizeof fn, "board cards");
}

size_t fl_board_cards(fl_ctx_t *ctx, const char *lang, floor_board_card_t *out, size_t max)
{
	size_t k = 0;
	for (size_t i = 0; i < nboard_cards && k < max; i++) {
		memset(&out[k], 0, sizeof out[k]);
		if (board_cards[i](ctx->c, ctx->a, lang, ctx->now, &out[k]) == 0)
			k++;
		else
			log_warn("floor: a board card could not be read");
	}
	return k;
}

/* ---------------------------------------------------------------- issuing */

static const char *const AGE_BANDS[] = {"under_30", "30_50", "over_50"};
static const char *const GENDERS[] = {"woman", "man", "other", "not_stated"};
static const char *const PRIORITIES[] = {"reduced_mobility", "disability", "pregnancy", "advanced_age", "other"};
static const char *const CHANNELS[] = {"welcome", "kiosk", "api", "check_in"};

static bool one_of(const char *s, const char *const *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (str_eq(s, set[i]))
			return true;
	return false;
}
#define ONE_OF(s, set) one_of((s), (set), sizeof(set) / sizeof((set)[0]))

static bool lang_ok(const char *l)
{
	return str_eq(l, "ca") || str_eq(l, "es") || str_eq(l, "en");
}

/* Checks the person's details into t; field errors into err. */
static void issue_fields(fl_ctx_t *ctx, const fl_issue_t *in, fl_ticket_t *t, fl_err_t *err)
{
	t->age_band = in->age_band ? in->age_band : "";
	if (*t->age_band && !ONE_OF(t->age_band, AGE_BANDS))
		fl_err_field(err, "age_band", "fl_err_age_band");
	t->gender = in->gender ? in->gender : "";
	if (*t->gender && !ONE_OF(t->gender, GENDERS))
		fl_err_field(err, "gender", "fl_err_gender");
	t->autonomous = in->autonomous;
	if (t->autonomous < -1 || t->autonomous > 1)
		fl_err_field(err, "autonomous", "fl_err_autonomous");
	t->lang = in->lang && *in->lang ? in->lang : ctx->lang;
	if (!lang_ok(t->lang))
		fl_err_field(err, "lang", "fl_err_lang");
	t->channel = in->channel && *in->channel ? in->channel : "api";
	if (!ONE_OF(t->channel, CHANNELS))
		fl_err_field(err, "channel", "fl_err_channel");
	char norm[128];
	if (!cat_enum_list(in->priority ? in->priority : "", PRIORITIES, 5, norm, sizeof norm))
		fl_err_field(err, "priority", "fl_err_priority");
	else
		t->priority = arena_strdup(ctx->a, norm);
	char idn[PEOPLE_ID_MAX];
	if (in->id_number && *in->id_number && !people_norm_id(in->id_number, idn, NULL))
		fl_err_field(err, "id_number", "fl_err_id_number");
	if (in->email && *in->email && !contact_email_normalise(ctx->a, in->email))
		fl_err_field(err, "email", "fl_err_email");
	if (in->phone && *in->phone && !contact_phone_default(ctx->a, in->phone))
		fl_err_field(err, "phone", "fl_err_phone");
	if (in->name && (strlen(in->name) > 200 || !text_ok(in->name, TEXT_LINE)))
		fl_err_field(err, "name", "fl_err_name");
}

/* Links the new ticket to its person's citizen record: the one its details name (found or
 * created), or its appointment's. Nobody named: no link. */
static int link_person(fl_ctx_t *ctx, const fl_issue_t *in, fl_ticket_t *t)
{
	int64_t person = 0;
	int rc = 0;
	if (t->appointment_id > 0) {
		booking_ctx_t b = {.c = ctx->c, .a = ctx->a, .cfg = ctx->cfg, .now = ctx->now, .lang = ctx->lang};
		person = booking_person_of(&b, t->appointment_id);
	} else {
		people_input_t p = {in->name, in->id_number, in->email, in->phone, t->lang};
		rc = people_link(ctx->c, ctx->a, &p, ctx->now, &person);
	}
	if (!rc && person)
		rc = fl_store_ticket_person(ctx->c, t->id, person);
	return rc;
}

/* The zone's issuing for a walk-in: closed by a coordinator, or its quota used up. */
static int zone_open(const fl_office_t *f, const cat_zone_t *z, int64_t walk_ins, fl_err_t *err)
{
	size_t i = (size_t)(z - f->o.zones);
	if (f->closed[i]) {
		fl_err_set(err, "issuing_closed", "fl_err_issuing_closed");
		return ERR_CONFLICT;
	}
	if (f->quota[i] > 0 && walk_ins > f->quota[i]) {
		fl_err_set(err, "quota_reached", "fl_err_quota_reached");
		return ERR_CONFLICT;
	}
	return 0;
}

int fl_issue(fl_ctx_t *ctx, const fl_issue_t *in, fl_ticket_t *out, char token[65], fl_err_t *err)
{
	fl_office_t f;
	int rc = fl_office_load(ctx, in->office, &f);
	if (rc == ERR_NOT_FOUND) {
		memset(err, 0, sizeof *err);
		fl_err_set(err, "not_found", "fl_err_office");
	}
	if (rc)
		return rc;
	fl_ticket_t t = {.office_id = f.o.id, .status = "waiting", .arrived_at = ctx->now, .issued_at = ctx->now};
	const cat_zone_t *z = fl_zone(&f, in->zone);
	if (!z)
		fl_err_field(err, "zone", "fl_err_zone");
	if (in->service && *in->service) {
		catalog_procedure_t p;
		rc = catalog_procedure_by_code(ctx->c, ctx->a, in->service, &p);
		if (rc && rc != ERR_NOT_FOUND)
			return rc;
		if (rc || !p.active)
			fl_err_field(err, "service", "fl_err_service");
		else
			t.procedure_id = p.id;
	}
	issue_fields(ctx, in, &t, err);
	if (err->code || !z)
		return ERR_INVALID;
	bool walk_in = in->appointment_id <= 0;
	int64_t walk_ins = 0;
	rc = fl_store_next_seq(ctx->c, f.o.id, z->id, f.day, walk_in, &t.seq, &walk_ins);
	if (rc)
		return rc;
	if (walk_in && (rc = zone_open(&f, z, walk_ins, err)) != 0)
		return rc; /* the caller rolls back: the number is not spent */
	t.number_zone_id = t.zone_id = z->id;
	t.day = f.day;
	t.number = arena_printf(ctx->a, "%s%03lld", z->letter, (long long)t.seq);
	t.appointment_id = in->appointment_id;
	t.appointment_at = in->appointment_at;
	t.issued_by = ctx->user_id;
	char hash[RAND_TOKEN_HEX_LEN];
	rand_token_hex(token);
	rand_token_hash(token, hash);
	rc = fl_store_ticket_insert(ctx->c, &t, hash, &t.id);
	if (!rc)
		rc = fl_store_event_add(ctx->c, t.id, ctx->now, "issue", "", "waiting", ctx->actor, 0, z->id,
					t.channel);
	if (!rc)
		rc = link_person(ctx, in, &t);
	if (!rc)
		rc = fl_store_ticket(ctx->c, ctx->a, t.id, out);
	return rc;
}

/* ---------------------------------------------------------------- the appointment follows */

/* The appointment's state for a ticket's (NULL: no change). */
static const char *appointment_state(const char *ticket_state)
{
	static const char *const map[][2] = {
		{"called", "called"},   {"in_service", "in_service"},  {"done", "done"},
		{"no_show", "no_show"}, {"transferred", "checked_in"},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (str_eq(map[i][0], ticket_state))
			return map[i][1];
	return NULL;
}

/* Moves the ticket's appointment along, inside the transaction. A move booking's table does not
 * allow (staff moved the appointment on another screen) is left alone; a finish passes through
 * in_service when the appointment was only called. */
static int follow_appointment(fl_ctx_t *ctx, const fl_ticket_t *t)
{
	const char *to = t->appointment_id > 0 ? appointment_state(t->status) : NULL;
	if (!to)
		return 0;
	booking_ctx_t b = {.c = ctx->c,
			   .a = ctx->a,
			   .cfg = ctx->cfg,
			   .now = ctx->now,
			   .lang = ctx->lang,
			   .user_id = ctx->user_id,
			   .user_email = ctx->actor,
			   .staff = true};
	int rc = 0;
	if (str_eq(to, "done") || str_eq(to, "in_service"))
		rc = booking_move(&b, t->appointment_id, "called", ctx->actor);
	if (str_eq(to, "done") && (!rc || rc == ERR_CONFLICT))
		rc = booking_move(&b, t->appointment_id, "in_service", ctx->actor);
	if (!rc || rc == ERR_CONFLICT)
		rc = booking_move(&b, t->appointment_id, to, ctx->actor);
	return rc == ERR_CONFLICT || rc == ERR_NOT_FOUND ? 0 : rc;
}

/* ---------------------------------------------------------------- acting on a ticket */

/* Writes the move (status still `from`), its history row, the call a display shows, and the
 * appointment; fills the change. */
static int commit_move(fl_ctx_t *ctx, fl_ticket_t *t, const char *from, fl_action_t a, const char *detail, bool call,
		       fl_change_t *ch)
{
	int rc = fl_store_ticket_update(ctx->c, t, from);
	if (!rc)
		rc = fl_store_event_add(ctx->c, t->id, ctx->now, fl_action_name(a), from, t->status, ctx->actor,
					t->desk_id, t->zone_id, detail);
	if (!rc && call) {
		int64_t id;
		rc = fl_store_call_add(ctx->c, t->office_id, t->id, t->number, t->desk_code, t->zone_code, ctx->now,
				       &id);
	}
	if (!rc)
		rc = follow_appointment(ctx, t);
	if (rc)
		return rc;
	ch->office_id = t->office_id;
	ch->office_code = t->office_code;
	ch->call = call;
	if (ch->nzones < 4)
		ch->zones[ch->nzones++] = t->zone_id;
	ch->t = *t;
	return 0;
}

/* The desk is free: nobody called or in service there. */
static int desk_free(fl_ctx_t *ctx, int64_t desk_id, fl_err_t *err)
{
	fl_ticket_t cur;
	int rc = fl_store_desk_current(ctx->c, ctx->a, desk_id, &cur);
	if (rc == ERR_NOT_FOUND)
		return 0;
	if (!rc) {
		fl_err_set(err, "bad_state", "fl_err_desk_busy");
		rc = ERR_CONFLICT;
	}
	return rc;
}

/* The zones the actor's session at this desk serves; a session is opened (serving the desk's
 * zone) when they have none there. */
static int desk_zones(fl_ctx_t *ctx, int64_t office_id, const cat_desk_t *d, const cat_zone_t *dz, int64_t **zones,
		      size_t *nz)
{
	fl_session_t s;
	int rc = ctx->user_id ? fl_store_session_of(ctx->c, ctx->a, ctx->user_id, &s) : ERR_NOT_FOUND;
	if (rc && rc != ERR_NOT_FOUND)
		return rc;
	const char *list;
	if (!rc && s.desk_id == d->id) {
		list = s.zones;
	} else {
		/* One person per desk, one desk per person. */
		list = arena_printf(ctx->a, "%lld", (long long)dz->id);
		int64_t id;
		if ((rc = fl_store_session_close(ctx->c, ctx->user_id, d->id, ctx->now)) != 0)
			return rc;
		rc = fl_store_session_open(ctx->c, office_id, d->id, ctx->user_id, ctx->actor, list, ctx->now, &id);
		if (rc)
			return rc;
	}
	size_t cap = 0;
	*zones = NULL;
	*nz = 0;
	for (const char *p = list; *p;) {
		char *end;
		long long v = strtoll(p, &end, 10);
		if (end == p)
			break;
		*ARENA_PUSH(ctx->a, *zones, *nz, cap) = v;
		p = *end == ',' ? end + 1 : end;
	}
	return 0;
}

/* The ticket becomes called at desk d (a call or a resume). */
static void set_called(fl_ctx_t *ctx, fl_ticket_t *t, const cat_desk_t *d)
{
	t->status = "called";
	t->desk_id = d->id;
	t->desk_code = d->code;
	if (!t->called_at)
		t->called_at = ctx->now;
	t->last_called_at = ctx->now;
	t->served_by = ctx->user_id;
	t->target_desk_id = 0;
	t->target_desk_code = "";
}

int fl_call(fl_ctx_t *ctx, const char *office, const char *desk, int64_t ticket_id, fl_change_t *ch, fl_err_t *err)
{
	fl_office_t f;
	int rc = fl_office_load(ctx, office, &f);
	const cat_zone_t *dz = NULL;
	const cat_desk_t *d = rc ? NULL : fl_desk(&f, desk, &dz);
	if (rc == ERR_NOT_FOUND || (!rc && !d)) {
		fl_err_set(err, "not_found", rc ? "fl_err_office" : "fl_err_desk");
		return ERR_NOT_FOUND;
	}
	if (rc || (rc = desk_free(ctx, d->id, err)) != 0)
		return rc;
	int64_t *zones;
	size_t nz;
	if ((rc = desk_zones(ctx, f.o.id, d, dz, &zones, &nz)) != 0)
		return rc;
	fl_ticket_t t;
	if (ticket_id) {
		rc = fl_store_ticket(ctx->c, ctx->a, ticket_id, &t);
		if (!rc && t.office_id != f.o.id)
			rc = ERR_NOT_FOUND;
		if (rc == ERR_NOT_FOUND)
			fl_err_set(err, "not_found", "fl_err_ticket");
		if (rc)
			return rc;
		if (!fl_move_to(FL_CALL, t.status)) {
			fl_err_set(err, "bad_state", "fl_err_bad_state");
			return ERR_CONFLICT;
		}
	} else {
		if ((rc = fl_next(ctx, &f, d->id, zones, nz, &t)) != 0)
			return rc; /* ERR_NOT_FOUND: nobody waits, err stays empty */
	}
	for (int tries = 1;; tries++) {
		const char *from = t.status;
		t.recalls = 0;
		set_called(ctx, &t, d);
		rc = commit_move(ctx, &t, from, FL_CALL, NULL, true, ch);
		if (rc != ERR_CONFLICT)
			return rc;
		/* Another desk called it between the read and the write (PostgreSQL lets both read it;
		 * the second write waits for the first and then finds it called): call-next takes the
		 * next one, a call by number is refused as it would be a moment later. */
		if (ticket_id || tries == 8) {
			fl_err_set(err, "bad_state", "fl_err_bad_state");
			return ERR_CONFLICT;
		}
		if ((rc = fl_next(ctx, &f, d->id, zones, nz, &t)) != 0)
			return rc;
	}
}

/* ---------------------------------------------------------------- the other actions */

static int act_transfer(fl_ctx_t *ctx, const fl_office_t *f, fl_ticket_t *t, const fl_act_in_t *in, fl_err_t *err)
{
	const cat_zone_t *z = NULL;
	const cat_desk_t *d = NULL;
	if (in->to_desk && *in->to_desk) {
		d = fl_desk(f, in->to_desk, &z);
		if (!d)
			fl_err_field(err, "desk", "fl_err_desk");
	} else if (in->to_zone && *in->to_zone) {
		z = fl_zone(f, in->to_zone);
		if (!z)
			fl_err_field(err, "zone", "fl_err_zone");
	} else {
		fl_err_field(err, "zone", "fl_err_transfer_to");
	}
	const char *note = in->note ? in->note : "";
	if (*note && !cat_long_text_valid(note, FL_TEXT_MAX))
		fl_err_field(err, "note", "fl_err_text");
	if (err->code || !z)
		return ERR_INVALID;
	t->zone_id = z->id;
	t->zone_code = z->code;
	t->target_desk_id = d ? d->id : 0;
	t->target_desk_code = d ? d->code : "";
	t->desk_id = 0;
	t->desk_code = "";
	t->note = note;
	return 0;
}

static int act_finish(fl_ctx_t *ctx, fl_ticket_t *t, const fl_act_in_t *in, fl_err_t *err)
{
	int64_t *procs = arena_alloc(ctx->a, (in->nprocedures + 1) * sizeof *procs);
	if (in->nprocedures > FL_PROCS_MAX)
		fl_err_field(err, "procedures", "fl_err_procedures");
	for (size_t i = 0; i < in->nprocedures && i <= FL_PROCS_MAX; i++) {
		catalog_procedure_t p;
		int rc = catalog_procedure_by_code(ctx->c, ctx->a, in->procedures[i], &p);
		if (rc && rc != ERR_NOT_FOUND)
			return rc;
		if (rc)
			fl_err_field(err, "procedures", "fl_err_procedures");
		else
			procs[i] = p.id;
	}
	t->mode = in->mode ? in->mode : "";
	if (*t->mode && !str_eq(t->mode, "for") && !str_eq(t->mode, "with"))
		fl_err_field(err, "mode", "fl_err_mode");
	t->idcat = in->idcat;
	if (t->idcat < -1 || t->idcat > 1)
		fl_err_field(err, "idcat", "fl_err_idcat");
	t->referred = in->referred ? in->referred : "";
	if (*t->referred && !cat_text_valid(t->referred, 300))
		fl_err_field(err, "referred", "fl_err_text");
	t->outcome_notes = in->notes ? in->notes : "";
	if (*t->outcome_notes && !cat_long_text_valid(t->outcome_notes, FL_TEXT_MAX))
		fl_err_field(err, "notes", "fl_err_text");
	if (err->code)
		return ERR_INVALID;
	return fl_store_ticket_procs(ctx->c, t->id, procs, in->nprocedures);
}

/* Tells the listeners that the attention ended and keeps the survey token one of them gives. */
static int attention_ended(fl_ctx_t *ctx, fl_ticket_t *t)
{
	floor_attention_t at = {.kind = "ticket",
				.ref = arena_printf(ctx->a, "%lld", (long long)t->id),
				.office = t->office_code,
				.lang = t->lang,
				.at = ctx->now};
	if (t->appointment_id > 0) {
		booking_ctx_t b =
			{.c = ctx->c, .a = ctx->a, .cfg = ctx->cfg, .now = ctx->now, .lang = ctx->lang, .staff = true};
		booking_t appt;
		int rc = booking_by_id(&b, t->appointment_id, &appt);
		if (rc && rc != ERR_NOT_FOUND)
			return rc;
		if (!rc) {
			at.kind = "appointment";
			at.ref = appt.code;
			at.lang = appt.lang;
			at.email = appt.email && *appt.email ? appt.email : NULL;
		}
	}
	char token[65] = "";
	for (size_t i = 0; i < nlisteners; i++) {
		int rc = listeners[i](ctx->c, &at, token);
		if (rc)
			return rc;
	}
	if (!*token)
		return 0;
	t->survey_token = arena_strdup(ctx->a, token);
	return fl_store_set_survey(ctx->c, t->id, t->survey_token);
}

/* The step of one action on t (already in a state the table allows), before it is written. */
static int act_step(fl_ctx_t *ctx, const fl_office_t *f, fl_ticket_t *t, fl_action_t a, const fl_act_in_t *in,
		    bool *call, const char **detail, fl_err_t *err)
{
	switch (a) {
	case FL_RECALL:
		t->recalls++;
		if (t->recalls > fl_cfg(ctx, "floor.max_recalls", 2)) {
			t->status = "no_show";
			t->finished_at = ctx->now;
			*detail = "max_recalls";
			return 0;
		}
		t->last_called_at = ctx->now;
		*call = true;
		return 0;
	case FL_START:
		t->started_at = ctx->now;
		t->served_by = ctx->user_id;
		return 0;
	case FL_RESUME: {
		const cat_desk_t *d =
			in->desk && *in->desk ? fl_desk(f, in->desk, NULL) : fl_desk_id(f, t->desk_id, NULL);
		if (!d) {
			fl_err_field(err, "desk", "fl_err_desk");
			return ERR_INVALID;
		}
		int rc = desk_free(ctx, d->id, err);
		if (rc)
			return rc;
		set_called(ctx, t, d);
		*call = true;
		return 0;
	}
	case FL_TRANSFER: *detail = in->note; return act_transfer(ctx, f, t, in, err);
	case FL_FINISH: t->finished_at = ctx->now; return act_finish(ctx, t, in, err);
	case FL_NO_SHOW:
	case FL_EXPIRE: t->finished_at = ctx->now; return 0;
	default: return 0;
	}
}

int fl_act(fl_ctx_t *ctx, int64_t ticket_id, fl_action_t a, const fl_act_in_t *in, fl_change_t *ch, fl_err_t *err)
{
	static const fl_act_in_t none = {.idcat = -1};
	if (!in)
		in = &none;
	fl_ticket_t t;
	fl_office_t f;
	int rc = fl_store_ticket(ctx->c, ctx->a, ticket_id, &t);
	if (rc == ERR_NOT_FOUND)
		fl_err_set(err, "not_found", "fl_err_ticket");
	if (!rc)
		rc = fl_office_load_id(ctx, t.office_id, &f);
	if (rc)
		return rc;
	const char *from = t.status, *to = a == FL_CALL ? NULL : fl_move_to(a, from);
	if (!to) {
		fl_err_set(err, "bad_state", "fl_err_bad_state");
		return ERR_CONFLICT;
	}
	const cat_zone_t *old_zone = fl_zone_id(&f, t.zone_id);
	t.status = to;
	if (a == FL_EXPIRE && str_eq(from, "in_service"))
		t.status = "done";
	bool call = false;
	const char *detail = NULL;
	if ((rc = act_step(ctx, &f, &t, a, in, &call, &detail, err)) != 0)
		return rc;
	if (a == FL_FINISH && (rc = attention_ended(ctx, &t)) != 0)
		return rc;
	if (old_zone && old_zone->id != t.zone_id)
		ch->zones[ch->nzones++] = old_zone->id;
	return commit_move(ctx, &t, from, a, detail, call, ch);
}

/* ---------------------------------------------------------------- the job */

int fl_expire(fl_ctx_t *ctx, int *n)
{
	int ended = 0;
	const tz_t *z = tz_get("Europe/Madrid");
	tz_local_t l;
	tz_local(z ? z : tz_utc(), ctx->now, &l);
	char today[TZ_DATE_LEN];
	tz_date_format(l.day, today);
	int64_t *ids;
	size_t nids = 0;
	int rc = fl_store_stale(ctx->c, ctx->a, today, &ids, &nids);
	for (size_t i = 0; !rc && i < nids; i++) {
		fl_change_t ch = {0};
		fl_err_t err = {0};
		if ((rc = db_begin(ctx->c)) != 0)
			break;
		rc = fl_act(ctx, ids[i], FL_EXPIRE, NULL, &ch, &err);
		if (rc == ERR_CONFLICT) /* a desk ended it meanwhile */
			rc = 0, db_rollback(ctx->c);
		else if (!rc && !(rc = db_commit(ctx->c)))
			ended++;
		if (rc)
			db_rollback(ctx->c);
	}
	/* A desk left open is closed when its person has surely gone home. */
	if (!rc && (rc = db_begin(ctx->c)) == 0) {
		rc = fl_store_sessions_close_before(ctx->c, ctx->now - 16 * 3600);
		rc = rc ? rc : db_commit(ctx->c);
		if (rc)
			db_rollback(ctx->c);
	}
	if (n)
		*n = ended;
	return rc;
}
