/* survey.h — satisfaction surveys: after an attention ends, the person rates it 0–10 with an
 * optional comment, once, on a page of its own (/survey/TOKEN, no JavaScript, no sign-in), which
 * the ticket's live page links to and an invitation mail carries when there is an address.
 * Answers are stored for the figures (survey_figures).
 *
 * To offer a survey when an attention ends, call survey_offer inside the transaction that ends
 * it. It is idempotent per attention (kind, ref): a second offer gives the same token and sends
 * no second mail, so two paths that end one attention (the office floor's ticket and its
 * appointment) may both call it. The office floor and booking are told through their listeners
 * (floor_listen, booking_listen), which this capability registers when it starts; a capability
 * later in the table calls survey_offer itself, e.g. when a video call ends:
 *
 *	survey_offer_t o = {.kind = "remote", .ref = appointment_code, .office = office_code,
 *			    .lang = "es", .email = "persona@example.cat", .now = now};
 *	char token[SURVEY_TOKEN_LEN];
 *	int rc = survey_offer(c, &o, token);   // then link PUBLIC/survey/TOKEN
 *
 * Ownership: everything is borrowed for the call. Errors: 0 or a negative code from base/err.h. */
#ifndef FIN_SURVEY_H
#define FIN_SURVEY_H

#include "db/db.h"

#include <stdint.h>

#define SURVEY_TOKEN_LEN 65 /* 64 hex + NUL */

typedef struct {
	const char *kind;   /* "ticket", "appointment", "remote", …: [a-z_]{1,32} */
	const char *ref;    /* the attention within its kind (a ticket id, an appointment code), ≤ 64 */
	const char *office; /* office code, or NULL */
	const char *lang;   /* "ca" | "es" | "en" (anything else: "ca") */
	const char *email;  /* when given and the survey is new: an invitation mail (notify outbox) */
	int64_t now;
} survey_offer_t;

/* The survey of this attention, made now when it has none; token gets its token. Inside the
 * caller's transaction (the mail is enqueued in it). ERR_INVALID for a bad kind or ref. */
int survey_offer(db_conn_t *c, const survey_offer_t *o, char token[SURVEY_TOKEN_LEN]);

/* Answers of an office (code; NULL or "" for all) between two instants: how many, and the sum of
 * the scores (the mean is sum / n). */
int survey_figures(db_conn_t *c, const char *office, int64_t from, int64_t to, int64_t *n, int64_t *sum);

#endif
