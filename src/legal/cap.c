/* cap.c — the legal capability's entry in the capability table (core/cap.h): its pages and its
 * card on the staff home page. */
#include "legal/internal.h"
#include "legal/web.h"

#include "app.h"
#include "core/cap.h"

static const cap_card_t cards[] = {
	{ROLE_ADMIN, "/admin/legal", "lg_admin_title", "lg_admin_card"},
	{0},
};

const cap_t legal_cap = {
	.name = "legal",
	.summary = "The legal notice, the privacy policy and the accessibility statement",
	.routes = {lg_page_routes},
	.cards = cards,
};
