/* capabilities.c — the capability table: every capability, once, one line each, in dependency
 * order (a capability comes after those whose tables its migrations reference and whose headers
 * it includes). The core walks this table (core/cap.h). Adding a capability NAME is one line
 * X(NAME) below: its folder src/NAME/ defines `const cap_t NAME_cap`. */
#include "core/cap.h"

#define CAPABILITIES(X)                                                                                                \
	X(auth)       /* staff accounts, sessions, tokens, audit, branding */                                          \
	X(notify)     /* the outbox: mail and SMS */                                                                   \
	X(catalog)    /* offices, zones, desks, procedures */                                                          \
	X(people)     /* the citizen record: one person across channels */                                             \
	X(schedule)   /* hours, holidays, shifts, rules, slots */                                                      \
	X(booking)    /* appointments */                                                                               \
	X(floor)      /* the office floor: tickets, desks, displays */                                                 \
	X(survey)     /* satisfaction surveys */                                                                       \
	X(requests)   /* deferred requests: web form, 010 line, work queue */                                          \
	X(chat)       /* the portal chat */                                                                            \
	X(remote)     /* remote attention: agenda, call-back, video call, documents */                                 \
	X(ict)        /* digital accompaniment: ICT-agent sessions, skills before and after */                         \
	X(padro)      /* certificates of the municipal register */                                                     \
	X(facilities) /* the facility finder */                                                                        \
	X(kiosk)      /* self-service kiosks */                                                                        \
	X(legal)      /* legal notice, privacy policy, accessibility statement */                                      \
	X(figures)    /* statistics of every channel, exports, open data */

#define DECLARE(name) extern const cap_t name##_cap;
CAPABILITIES(DECLARE)

#define ENTRY(name) &name##_cap,
const cap_t *const cap_table[] = {CAPABILITIES(ENTRY)};

const size_t cap_count = sizeof cap_table / sizeof cap_table[0];
