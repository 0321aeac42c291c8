/* cap.c — the kiosk capability's entry in the capability table (core/cap.h): its routes, the
 * [kiosk] settings, the bus topic of calls for help and who may listen, and the staff cards. */
#include "kiosk/web.h"

#include "core/cap.h"

static const config_key_t config[] = {
	CONFIG_KEY_INT("kiosk", "idle_seconds", "90", 15, 3600,
		       "Seconds without a touch after which a kiosk warns that it will clear the screen."),
	CONFIG_KEY_INT("kiosk", "warn_seconds", "20", 5, 300,
		       "Seconds the warning stays before the kiosk clears the screen and goes back to the start."),
	CONFIG_KEY_INT("kiosk", "help_every", "20", 1, 600,
		       "Seconds between two calls for help from one kiosk (a second press in that time is not sent)."),
	CONFIG_KEY_INT("kiosk", "scans_per_second", "4", 1, 30,
		       "Camera frames a second one kiosk may send to be read for a QR code (POST /kiosk/scan)."),
	CONFIG_KEY_STR("kiosk", "idcat_procedure", "", NULL, NULL,
		       "The procedure code a ticket for staff help with idCAT Mòbil records as its need (empty: "
		       "none)."),
	{0},
};

static const bus_topic_t topics[] = {
	{KIOSK_HELP_TOPIC, KS_HELPERS},
	{0},
};

static const cap_card_t cards[] = {
	{ROLE_KIOSK, "/kiosk", "ks_card_open", "ks_card_open_desc"},
	{KS_HELPERS, "/kiosk/alerts", "ks_alerts_title", "ks_card_alerts_desc"},
	{0},
};

const cap_t kiosk_cap = {
	.name = "kiosk",
	.summary = "Self-service kiosks: the touch screens' frame, idle wipe, call for help, idCAT Mòbil help",
	.routes = {ks_routes, ks_idcat_routes, ks_floor_routes},
	.config = config,
	.topics = topics,
	.cards = cards,
};
