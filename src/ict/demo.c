/* demo.c — the demo's digital accompaniment: three facilities, four agents and a few hundred past
 * sessions over the last ten months, drawn from a fixed seed so that every demo shows the same
 * picture, shaped like the programme's evaluation (most people start at a low or no level in
 * e-procedures; about four in ten of them leave it; e-mail use grows by about a third). */
#include "ict/internal.h"

#include "base/err.h"
#include "catalog/catalog.h"

#include <string.h>

#define DEMO_PEOPLE 160

static const char *const facilities[3] = {"biblioteca-josep-pla", "casal-sant-pere", "la-riera"};
static const char *const agents[4] = {"agent.tic@vilamar.example", "agent.tic2@vilamar.example",
				      "agent.tic3@vilamar.example", "agent.tic4@vilamar.example"};
static const char *const first[12] = {"Rosa",   "Josep", "Carme",  "Manuel", "Dolors", "Antonio",
				      "Fatima", "Pere",  "Teresa", "Ahmed",  "Montse", "Francesc"};
static const char *const last[12] = {"Garcia", "Martí",      "López", "Puig", "Sánchez", "Ferrer",
				     "Rovira", "El Idrissi", "Costa", "Pons", "Moreno",  "Vila"};
static const char *const needs[6] = {
	"Vol demanar el volant d'empadronament i no té certificat digital.",
	"Ha de renovar la prestació del SEPE i no sap entrar a la seu electrònica.",
	"Vol fer videotrucades amb la família i no sap fer servir el mòbil.",
	"Necessita la cita prèvia de la Seguretat Social.",
	"Ha rebut una notificació electrònica i no la sap obrir.",
	"Vol aprendre a fer servir el correu electrònic.",
};
static const char *const services[4] = {"volant-individual", "idcat-mobil", "cita-serveis", "enotum"};
static const char *const others[3] = {"SEPE: renovació de la demanda", "Seguretat Social: cita prèvia",
				      "Agència Tributària: renda"};

/* A fixed sequence (xorshift): the same demo every time. */
static uint32_t next_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static int pick(uint32_t *s, int n)
{
	return (int)(next_rand(s) % (uint32_t)n);
}

/* An assessment: before mostly 0–1; after one or two steps up for most people. */
static void levels(uint32_t *s, ict_session_t *x, const int *before, bool after)
{
	for (int k = 0; k < ICT_SKILLS; k++) {
		if (!after) {
			int r = pick(s, 100);
			x->levels[k] = k == 0 ? (r < 45   ? 0
						 : r < 82 ? 1
							  : 2)
					      : (r < 35   ? 0
						 : r < 62 ? 1
						 : r < 90 ? 2
							  : 3);
			continue;
		}
		/* E-procedures, the programme's aim, move most; the tools taught less. */
		int r = pick(s, 100), up = k == 0 ? (r < 50 ? 1 : r < 70 ? 2 : 0) : (r < 45 ? 1 : r < 50 ? 2 : 0);
		x->levels[k] = before[k] + up > 3 ? 3 : before[k] + up;
	}
}

/* Person i's sessions: the first at start (NULL: a random day of the last ten months), the
 * next ones a week to a month apart (moved off closed days when open is set), none at or after
 * until. */
int ict_demo_person(db_conn_t *c, arena_t *a, uint32_t *s, int i, const int64_t *office_ids, const int64_t *start,
		    int64_t until, bool (*open)(int64_t at), int64_t now)
{
	static const char letters[] = "TRWAGMYFPDXBNJZSQVHLCKE";
	int number = 30000000 + i * 7919;
	char id[16];
	snprintf(id, sizeof id, "%08d%c", number, letters[number % 23]);
	int nsessions = 1 + pick(s, 3), fac = pick(s, 3), before[ICT_SKILLS] = {0};
	int64_t at = start ? *start : now - (int64_t)(20 + pick(s, 280)) * 86400 - 3600 * (8 + pick(s, 10));
	static const char *const ages[5] = {"45_64", "65_74", "75_plus", "65_74", "25_44"};
	const char *age = ages[pick(s, 5)], *gender = pick(s, 100) < 62 ? "female" : "male";
	bool assessed_after = nsessions > 1 || pick(s, 100) < 45;
	const char *name = arena_printf(a, "%s %s", first[pick(s, 12)], last[pick(s, 12)]);
	const char *phone = pick(s, 100) < 80 ? arena_printf(a, "6%08d", 10000000 + i * 131) : NULL;
	if (i >= DEMO_PEOPLE) { /* the history's people (history.c): obviously fictitious, no phone */
		name = arena_printf(a, "Persona de prova %05d", i);
		snprintf(id, sizeof id, "DEMO%05d", i);
		phone = NULL;
	}
	for (int k = 0; k < nsessions; k++) {
		while (open && k > 0 && !open(at))
			at += 86400;
		if (at >= until)
			return 0;
		ict_session_t x = {.office_id = office_ids[fac],
				   .office = facilities[fac],
				   .agent = agents[(fac + k) % 4],
				   .lang = "ca",
				   .name = name,
				   .phone = phone,
				   .id_number = id,
				   .age_band = age,
				   .gender = gender,
				   .consent = true,
				   .needs = needs[pick(s, 6)],
				   .notes = "",
				   .minutes = 20 + 5 * pick(s, 9),
				   .at = at,
				   .appointment = "",
				   .moment = ""};
		bool last_one = k == nsessions - 1;
		x.next = last_one ? (pick(s, 3) ? "autonomous" : "course") : "booked";
		x.procs[x.nprocs++] = (ict_proc_t){services[pick(s, 4)], "", ict_modes[pick(s, 3)]};
		if (pick(s, 2))
			x.procs[x.nprocs++] = (ict_proc_t){"", others[pick(s, 3)], ict_modes[pick(s, 3)]};
		x.tools[x.ntools++] = ict_tools[pick(s, ICT_TOOLS)];
		if (k == 0) {
			x.moment = "before";
			levels(s, &x, NULL, false);
			memcpy(before, x.levels, sizeof before);
		} else if (last_one && assessed_after) {
			x.moment = "after";
			levels(s, &x, before, true);
		}
		if (nsessions == 1 && assessed_after && k == 0) {
			/* The follow-up call's assessment, without a session of its own: a short call. */
			fielderr_t e = {0};
			int rc = ict_record(c, a, &x, now, &e);
			if (rc)
				return rc;
			ict_session_t call = x;
			call.at = at + 45 * 86400;
			if (call.at >= until)
				return 0;
			call.minutes = 10;
			call.nprocs = call.ntools = 0;
			call.next = "autonomous";
			call.needs = "Trucada de seguiment.";
			call.moment = "after";
			levels(s, &call, before, true);
			return ict_record(c, a, &call, now, &e);
		}
		fielderr_t e = {0};
		int rc = ict_record(c, a, &x, now, &e);
		if (rc)
			return rc;
		at += (int64_t)(7 + pick(s, 21)) * 86400;
	}
	return 0;
}

/* Two learning sheets in the three languages. */
static const struct {
	const char *tool, *lang, *body;
} sheets[] = {
	{"email", "ca",
	 "# Què és\nEl correu electrònic us permet rebre avisos de l'Ajuntament i enviar documents.\n\n"
	 "# Com obrir un missatge\n- Obriu l'aplicació de correu del mòbil.\n- Toqueu el missatge.\n"
	 "- Els fitxers adjunts surten al final: toqueu-los per obrir-los.\n\n"
	 "# Recordeu\nNo doneu mai la contrasenya a ningú, tampoc per telèfon."},
	{"email", "es",
	 "# Qué es\nEl correo electrónico os permite recibir avisos del Ayuntamiento y enviar documentos.\n\n"
	 "# Cómo abrir un mensaje\n- Abrid la aplicación de correo del móvil.\n- Tocad el mensaje.\n"
	 "- Los archivos adjuntos salen al final: tocadlos para abrirlos.\n\n"
	 "# Recordad\nNo deis nunca la contraseña a nadie, tampoco por teléfono."},
	{"email", "en",
	 "# What it is\nE-mail lets you receive notices from the City Hall and send documents.\n\n"
	 "# Opening a message\n- Open the mail app on your phone.\n- Tap the message.\n"
	 "- Attachments are at the end: tap them to open them.\n\n"
	 "# Remember\nNever give your password to anyone, not even on the phone."},
	{"digital_id", "ca",
	 "# idCAT Mòbil\nUn codi que us arriba al mòbil per identificar-vos a les webs de l'administració.\n\n"
	 "# Com fer-lo servir\n- Trieu «idCAT Mòbil» a la pàgina del tràmit.\n- Escriviu el DNI i el mòbil.\n"
	 "- Escriviu el codi de l'SMS."},
	{"digital_id", "es",
	 "# idCAT Mòbil\nUn código que llega al móvil para identificaros en las webs de la administración.\n\n"
	 "# Cómo usarlo\n- Elegid «idCAT Mòbil» en la página del trámite.\n- Escribid el DNI y el móvil.\n"
	 "- Escribid el código del SMS."},
	{"digital_id", "en",
	 "# idCAT Mòbil\nA code sent to your phone to identify you on public administration websites.\n\n"
	 "# How to use it\n- Choose \"idCAT Mòbil\" on the procedure's page.\n- Enter your DNI and phone number.\n"
	 "- Enter the code from the SMS."},
};

int ict_demo_facilities(db_conn_t *c, arena_t *a, int64_t ids[3])
{
	int rc = 0;
	for (int i = 0; !rc && i < 3; i++) {
		catalog_office_t o;
		rc = catalog_office_by_code(c, a, facilities[i], &o);
		ids[i] = rc ? 0 : o.id;
	}
	return rc;
}

int ict_demo_seed(app_t *app, db_conn_t *c, int64_t now, FILE *out)
{
	arena_t *a = arena_new();
	int64_t ids[3];
	uint32_t s = 20260307u;
	int rc = ict_demo_facilities(c, a, ids);
	if (!rc)
		rc = db_begin(c);
	for (int i = 0; !rc && i < DEMO_PEOPLE; i++)
		rc = ict_demo_person(c, a, &s, i, ids, NULL, now, NULL, now);
	for (size_t i = 0; !rc && i < sizeof sheets / sizeof *sheets; i++)
		rc = ict_store_sheet_put(c, sheets[i].tool, sheets[i].lang, sheets[i].body,
					 "coordinacio@vilamar.example", now);
	if (!rc)
		rc = db_commit(c);
	else
		db_rollback(c);
	arena_free(a);
	return rc;
}
