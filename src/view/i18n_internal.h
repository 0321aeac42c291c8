/* i18n_internal.h — what the files of the translations share: the table of languages (i18n.c
 * owns it; i18n_load.c fills in each one's catalogue) and the .po parser (i18n_po.c) with the
 * name of the file it reads. Nothing outside src/view/ (and its tests) includes this file. */
#ifndef FIN_I18N_INTERNAL_H
#define FIN_I18N_INTERNAL_H

#include "view/i18n.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* The longest string of a .po entry. */
#define I18N_MAX_PO_STRING (64 * 1024)

typedef struct {
	char code[8];
	json_t *cat;            /* merged catalogue, fallbacks filled in */
	json_t *fbforms;        /* its plural entries from the fallback (which keep the fallback's rule) */
	char name[64], tag[24]; /* lang_name, lang_tag of its own catalogue (else the code) */
	bool rtl;               /* lang_dir "rtl" */
} i18n_slot_t;

/* i18n_slots[0..2] are ca, es, en (i18n_langs order); further languages follow, up to
 * i18n_nslots. Set by i18n_configure, read-only once the catalogues are loaded. */
extern i18n_slot_t i18n_slots[I18N_MAX_LANGS];
extern int i18n_nslots;
/* Where a further language's missing keys come from: an index into i18n_langs. */
extern int i18n_fallback;

/* The slot of language code, or -1. */
int i18n_slot_of(const char *code);
/* The code of slot l. Static storage. */
const char *i18n_slot_code(int l);

/* i18n_parse_po, with name (the file) in messages as "NAME:LINE: message"; NULL name gives
 * "line N: message". */
json_t *i18n_po_parse(const char *name, const char *src, size_t len, char *err, size_t errlen);

#endif
