/* demo.c — a handful of appointments for `finestreta demo`, so the staff lists, the manage pages
 * and the figures have something to show. Booked through booking_create like any other. */
#include "booking/internal.h"

#include "auth/auth.h"
#include "base/arena.h"
#include "base/err.h"
#include "base/log.h"
#include "base/str.h"

#include <stdio.h>
#include <string.h>

static const char LETTERS[] = "TRWAGMYFPDXBNJZSQVHLCKE";

static const struct {
	const char *service, *channel, *office, *name, *id_type, *lang, *email, *phone;
	long number;
	bool by_informer, cancel;
	int confidence;
} DEMO[] = {
	{"volant-individual", "in_person", "centre", "Maria Puig Soler", "dni", "ca", "maria.puig@example.cat", "",
	 39740321, false, false, 4},
	{"cita-serveis", "phone", NULL, "Ahmed El Idrissi", "nie", "es", "", "612345678", 4431230, true, false, 2},
	{"padro-alta", "video", NULL, "Laura Gómez Ruiz", "dni", "es", "laura.gomez@example.cat", "", 52018832, false,
	 false, 0},
	{"certificat-empadronament", "in_person", "la-riera", "John Smith", "passport", "en", "john.smith@example.com",
	 "", 0, false, false, 5},
	{"ibi", "in_person", "hisenda", "Jordi Vidal Mas", "dni", "ca", "jordi.vidal@example.cat", "", 47715290, true,
	 true, 3},
};

int booking_demo_seed(db_conn_t *c, const config_t *cfg, int64_t now)
{
	int first = 0;
	int64_t informer = 0;
	auth_user_id_by_email(c, "informador@vilamar.example", &informer);
	for (size_t i = 0; i < sizeof DEMO / sizeof DEMO[0]; i++) {
		arena_t *a = arena_new();
		booking_ctx_t ctx = {.c = c, .a = a, .cfg = cfg, .now = now, .lang = DEMO[i].lang, .demo = true};
		if (DEMO[i].by_informer && informer) {
			ctx.staff = true;
			ctx.user_id = informer;
			ctx.user_email = "informador@vilamar.example";
		}
		char id[BOOKING_ID_MAX];
		if (str_eq(DEMO[i].id_type, "dni"))
			snprintf(id, sizeof id, "%08ld%c", DEMO[i].number, LETTERS[DEMO[i].number % 23]);
		else if (str_eq(DEMO[i].id_type, "nie"))
			snprintf(id, sizeof id, "X%07ld%c", DEMO[i].number, LETTERS[DEMO[i].number % 23]);
		else
			snprintf(id, sizeof id, "%s", "PA1234567");
		/* The first free time from the day after tomorrow on, so none is in the past soon. */
		char from[TZ_DATE_LEN];
		tz_local_t l;
		const tz_t *z = tz_get("Europe/Madrid");
		tz_local(z ? z : tz_utc(), now, &l);
		tz_date_format(l.day + 2, from);
		booking_query_t q = {DEMO[i].service, DEMO[i].channel, DEMO[i].office, from, NULL};
		booking_day_t *days;
		size_t nd;
		booking_err_t err = {0};
		int rc = booking_availability(&ctx, &q, &days, &nd, &err);
		if (!rc && nd > 0) {
			booking_input_t in = {
				.service = DEMO[i].service,
				.channel = DEMO[i].channel,
				.office = DEMO[i].office,
				.start = days[0].slots[days[0].nslots > 2 ? 2 : 0].start_iso,
				.name = DEMO[i].name,
				.id_type = DEMO[i].id_type,
				.id_number = id,
				.email = DEMO[i].email,
				.phone = DEMO[i].phone,
				.lang = DEMO[i].lang,
				.digital_confidence = DEMO[i].confidence,
			};
			booking_created_t out;
			rc = booking_create(&ctx, &in, &out, &err);
			if (!rc) {
				json_decref(out.model);
				if (DEMO[i].cancel)
					rc = booking_cancel(&ctx, out.code, out.token, NULL, &err);
			}
		}
		if (rc) {
			log_warn("demo: appointment %zu (%s) not booked: %s", i, DEMO[i].service,
				 err.code ? err.code : err_name(rc));
			if (!first)
				first = rc;
		}
		arena_free(a);
	}
	return first;
}
