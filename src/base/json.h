/* json.h — checked JSON packing. jansson's json_pack returns NULL when an argument does not fit
 * its format (a NULL string for "s", above all), and json_array_append_new(a, NULL) or
 * json_object_set_new(o, k, NULL) then drop the value without a word: a page or an API answer
 * silently loses a field. jpack never returns NULL: a packing error is a programming error, so it
 * is logged with the caller's file and line and the process aborts (like a failed allocation).
 * Use "s?" for a string that may be NULL (it packs as null) and "s*" to leave such a member out
 * of an object.
 *
 * Ownership: as json_pack — a new reference. */
#ifndef FIN_BASE_JSON_H
#define FIN_BASE_JSON_H

#include <jansson.h>

#define jpack(...) jpack_at(__FILE__, __LINE__, __VA_ARGS__)
json_t *jpack_at(const char *file, int line, const char *fmt, ...);

#endif
