/* check.c — validation of the catalogue's entities (see model.h). */
#include "catalog/model.h"

#include "base/str.h"
#include "base/text.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

const char *const cat_langs[CAT_NLANG] = {"ca", "es", "en"};
const char *const cat_office_kinds[3] = {"citizen_office", "neighbourhood_facility", "virtual_office"};
const char *const cat_zone_kinds[4] = {"welcome", "assisted", "self_service", "appointment"};
const char *const cat_channels[6] = {"in_person", "phone", "video", "chat", "kiosk", "deferred"};
const char *const cat_id_methods[5] = {"idcat_mobil", "clave_pin", "certificate", "dnie", "none"};

static const struct {
	const char *key, *en;
} reasons[] = {
	{"err_cat_required", "is required"},
	{"err_cat_code",
	 "must be 1-64 lower-case letters a-z, digits and single hyphens, starting and ending with a letter or digit"},
	{"err_cat_code_reserved", "is a reserved word"},
	{"err_cat_code_taken", "is already used by another item"},
	{"err_cat_duplicate", "appears more than once"},
	{"err_cat_too_long", "is too long"},
	{"err_cat_text",
	 "has characters that are not allowed (control characters, direction overrides or invalid UTF-8)"},
	{"err_cat_kind", "is not one of the allowed kinds"},
	{"err_cat_tz", "is not a known time zone (e.g. Europe/Madrid)"},
	{"err_cat_lat", "must be a latitude between -90 and 90"},
	{"err_cat_lon", "must be a longitude between -180 and 180"},
	{"err_cat_coords", "needs both latitude and longitude, or neither"},
	{"err_cat_phone", "must be a phone number (digits, spaces, + - ( ) .)"},
	{"err_cat_postcode", "must be a postcode (letters, digits, spaces, hyphens; at most 10)"},
	{"err_cat_colour", "must be a colour written #rrggbb"},
	{"err_cat_contrast", "is too light: white text on it has a contrast below 4.5:1"},
	{"err_cat_letter", "must be one or two capital letters A-Z"},
	{"err_cat_letter_taken", "is already the letter of another zone of this office"},
	{"err_cat_url", "must be a full https:// address"},
	{"err_cat_channels", "must list at least one of in_person, phone, video, chat, kiosk, deferred"},
	{"err_cat_id_methods", "must list only idcat_mobil, clave_pin, certificate, dnie or none (none alone)"},
	{"err_cat_duration", "must be a whole number of minutes from 1 to 480"},
	{"err_cat_documents", "must be at most 30 documents of at most 300 characters, without '|' or line breaks"},
	{"err_cat_office_unknown", "names an office that does not exist"},
	{"err_cat_org_unknown", "names an organisation that does not exist"},
	{"err_cat_zone_unknown", "names a zone that does not exist"},
	{"err_cat_bool", "must be true or false"},
	{"err_cat_number", "must be a number"},
	{"err_cat_type", "has the wrong type"},
	{"err_cat_unknown_field", "is not a known field"},
	{"err_cat_too_many", "has too many items"},
	{"err_cat_in_use", "is still in use"},
	{"err_cat_json", "is not valid JSON"},
	{"err_cat_conflict", "clashes with data already stored (a code or letter in use)"},
	{"err_cat_storage", "could not be written (storage error)"},
	{"err_cat_csv", "is not valid CSV"},
	{"err_cat_format", "is not a Finestreta catalogue"},
	{"err_cat_header", "is not a catalogue table header"},
	{"err_cat_column", "is not a column of this table"},
	{"err_cat_column_missing", "is a required column that is missing"},
	{"err_cat_columns", "has a different number of fields than the header"},
};

const char *cat_reason_en(const char *reason)
{
	for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
		if (strcmp(reasons[i].key, reason) == 0)
			return reasons[i].en;
	return reason;
}

bool cat_in(const char *s, const char *const *set, size_t n)
{
	if (!s)
		return false;
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, set[i]) == 0)
			return true;
	return false;
}

/* ---------------------------------------------------------------- single values */

bool cat_code_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > CAT_CODE_MAX || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return false;
		if (c == '-' && s[i + 1] == '-')
			return false;
	}
	return true;
}

bool cat_colour_valid(const char *s)
{
	if (!s || strlen(s) != 7 || s[0] != '#')
		return false;
	for (int i = 1; i < 7; i++)
		if (str_hexval(s[i]) < 0)
			return false;
	return true;
}

static double channel_lum(int v)
{
	double c = v / 255.0;
	return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

double cat_contrast_white(const char *colour)
{
	if (!cat_colour_valid(colour))
		return 0;
	int rgb[3];
	for (int i = 0; i < 3; i++)
		rgb[i] = str_hexval(colour[1 + 2 * i]) * 16 + str_hexval(colour[2 + 2 * i]);
	double l = 0.2126 * channel_lum(rgb[0]) + 0.7152 * channel_lum(rgb[1]) + 0.0722 * channel_lum(rgb[2]);
	return 1.05 / (l + 0.05);
}

bool cat_letter_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 1 || n > 2)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return false;
	return true;
}

bool cat_url_valid(const char *s)
{
	if (!s || !str_starts(s, "https://") || strlen(s) > CAT_URL_MAX)
		return false;
	const char *h = s + 8, *p = h;
	/* Host: labels of [a-z0-9-] separated by dots, at least one dot; no user info. */
	size_t label = 0, dots = 0;
	for (; *p && *p != '/' && *p != ':' && *p != '?' && *p != '#'; p++) {
		char c = *p;
		if (c == '.') {
			if (label == 0)
				return false;
			label = 0;
			dots++;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-') {
			label++;
		} else {
			return false;
		}
	}
	if (p == h || label == 0 || dots == 0)
		return false;
	if (*p == ':') {
		int digits = 0;
		for (p++; *p >= '0' && *p <= '9'; p++)
			digits++;
		if (digits < 1 || digits > 5)
			return false;
		if (*p && *p != '/' && *p != '?' && *p != '#')
			return false;
	}
	for (; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= ' ' || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\\' || c == '`' || c == '{' ||
		    c == '}' || c == '|' || c == '^')
			return false;
	}
	return true;
}

bool cat_tz_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 64 || s[0] == '/' || s[0] == '.' || strstr(s, ".."))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' ||
		      c == '_' || c == '-' || c == '+'))
			return false;
	}
	/* Real zone names only: the "posix/" and "right/" copies and the tables are not zones. */
	if (str_starts(s, "posix/") || str_starts(s, "right/") || strchr(s, '.'))
		return false;
	char path[128];
	snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", s);
	struct stat st;
	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return false;
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	char magic[4] = {0};
	size_t got = fread(magic, 1, 4, f);
	fclose(f);
	return got == 4 && memcmp(magic, "TZif", 4) == 0;
}

bool cat_phone_valid(const char *s)
{
	size_t n = strlen(s), digits = 0;
	if (n == 0)
		return true;
	if (n > 30)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= '0' && c <= '9')
			digits++;
		else if (!(c == ' ' || c == '+' || c == '-' || c == '(' || c == ')' || c == '.'))
			return false;
	}
	return digits >= 3;
}

bool cat_postcode_valid(const char *s)
{
	size_t n = strlen(s);
	if (n > 10)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' ||
		      c == '-'))
			return false;
	}
	return true;
}

static size_t utf8_count(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* One check for every text people type (base/text.h: no control characters, no bidirectional
 * overrides), and at most max characters. */
static bool cat_text_ok(const char *s, size_t max, bool multi)
{
	return s && text_ok(s, multi ? TEXT_MULTILINE : TEXT_LINE) && utf8_count(s) <= max;
}

bool cat_text_valid(const char *s, size_t max)
{
	return cat_text_ok(s, max, false);
}

bool cat_long_text_valid(const char *s, size_t max)
{
	return cat_text_ok(s, max, true);
}

bool cat_enum_list(const char *s, const char *const *set, size_t nset, char *out, size_t n)
{
	bool seen[16] = {false};
	if (nset > 16 || n == 0)
		return false;
	const char *p = s ? s : "";
	while (*p) {
		while (*p == ',' || *p == ' ' || *p == '|' || *p == '\t')
			p++;
		if (!*p)
			break;
		const char *start = p;
		while (*p && *p != ',' && *p != ' ' && *p != '|' && *p != '\t')
			p++;
		size_t len = (size_t)(p - start);
		size_t k;
		for (k = 0; k < nset; k++)
			if (strlen(set[k]) == len && strncmp(set[k], start, len) == 0)
				break;
		if (k == nset)
			return false;
		seen[k] = true;
	}
	size_t used = 0;
	out[0] = '\0';
	for (size_t k = 0; k < nset; k++) {
		if (!seen[k])
			continue;
		int w = snprintf(out + used, n - used, "%s%s", used ? "," : "", set[k]);
		if (w < 0 || (size_t)w >= n - used)
			return false;
		used += (size_t)w;
	}
	return true;
}

bool cat_list_has(const char *list, const char *name)
{
	size_t n = strlen(name);
	if (!list || !n)
		return false;
	for (const char *p = list; *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && strncmp(p, name, n) == 0)
			return true;
		if (!e)
			break;
		p = e + 1;
	}
	return false;
}

double cat_round6(double x)
{
	return round(x * 1e6) / 1e6;
}

/* ---------------------------------------------------------------- entities */

static const char *name_fields[CAT_NLANG] = {"name_ca", "name_es", "name_en"};

static void check_names(const char *const name[CAT_NLANG], fielderr_t *e)
{
	for (int l = 0; l < CAT_NLANG; l++) {
		if (!name[l] || !*name[l])
			fielderr_add(e, name_fields[l], "err_cat_required");
		else if (!cat_text_valid(name[l], CAT_NAME_MAX))
			fielderr_add(e, name_fields[l],
				     strlen(name[l]) > CAT_NAME_MAX ? "err_cat_too_long" : "err_cat_text");
	}
}

static void check_code(const char *code, fielderr_t *e)
{
	if (!code || !*code)
		fielderr_add(e, "code", "err_cat_required");
	else if (!cat_code_valid(code))
		fielderr_add(e, "code", "err_cat_code");
	else if (strcmp(code, "new") == 0)
		fielderr_add(e, "code", "err_cat_code_reserved");
}

static void check_text(const char *field, const char *s, size_t max, bool multi, fielderr_t *e)
{
	if (!s || !*s)
		return;
	if (!cat_text_ok(s, max, multi))
		fielderr_add(e, field,
			     str_valid_utf8(s, strlen(s)) && utf8_count(s) > max ? "err_cat_too_long" : "err_cat_text");
}

void cat_org_check(const cat_org_t *o, fielderr_t *e)
{
	check_code(o->code, e);
	check_names(o->name, e);
}

void cat_office_check(const cat_office_t *o, fielderr_t *e)
{
	static const char *access_fields[CAT_NLANG] = {"accessibility_ca", "accessibility_es", "accessibility_en"};
	check_code(o->code, e);
	if (!o->org || !*o->org)
		fielderr_add(e, "organisation", "err_cat_required");
	else if (!cat_code_valid(o->org))
		fielderr_add(e, "organisation", "err_cat_org_unknown");
	check_names(o->name, e);
	if (!o->kind || !*o->kind)
		fielderr_add(e, "kind", "err_cat_required");
	else if (!CAT_IN(o->kind, cat_office_kinds))
		fielderr_add(e, "kind", "err_cat_kind");
	check_text("address", o->address, CAT_ADDRESS_MAX, false, e);
	check_text("city", o->city, CAT_NAME_MAX, false, e);
	if (o->postcode && !cat_postcode_valid(o->postcode))
		fielderr_add(e, "postcode", "err_cat_postcode");
	if (o->phone && !cat_phone_valid(o->phone))
		fielderr_add(e, "phone", "err_cat_phone");
	for (int l = 0; l < CAT_NLANG; l++)
		check_text(access_fields[l], o->access[l], CAT_LONG_MAX, true, e);
	if (!o->tz || !*o->tz)
		fielderr_add(e, "tz", "err_cat_required");
	else if (!cat_tz_valid(o->tz))
		fielderr_add(e, "tz", "err_cat_tz");
	if (o->has_geo) {
		if (!isfinite(o->lat) || o->lat < -90 || o->lat > 90)
			fielderr_add(e, "lat", "err_cat_lat");
		if (!isfinite(o->lon) || o->lon < -180 || o->lon > 180)
			fielderr_add(e, "lon", "err_cat_lon");
	}
}

void cat_zone_check(const cat_zone_t *z, fielderr_t *e)
{
	check_code(z->code, e);
	if (!z->kind || !*z->kind)
		fielderr_add(e, "kind", "err_cat_required");
	else if (!CAT_IN(z->kind, cat_zone_kinds))
		fielderr_add(e, "kind", "err_cat_kind");
	check_names(z->name, e);
	if (!z->colour || !*z->colour)
		fielderr_add(e, "colour", "err_cat_required");
	else if (!cat_colour_valid(z->colour))
		fielderr_add(e, "colour", "err_cat_colour");
	else if (cat_contrast_white(z->colour) < 4.5)
		fielderr_add(e, "colour", "err_cat_contrast");
	if (!z->letter || !*z->letter)
		fielderr_add(e, "letter", "err_cat_required");
	else if (!cat_letter_valid(z->letter))
		fielderr_add(e, "letter", "err_cat_letter");
}

void cat_desk_check(const cat_desk_t *d, fielderr_t *e)
{
	check_code(d->code, e);
	if (!d->display_name || !*d->display_name)
		fielderr_add(e, "display_name", "err_cat_required");
	else if (!cat_text_valid(d->display_name, 60))
		fielderr_add(e, "display_name", strlen(d->display_name) > 60 ? "err_cat_too_long" : "err_cat_text");
}

static bool docs_ok(const cat_list_t *l)
{
	if (l->n > CAT_DOCS_MAX)
		return false;
	for (size_t i = 0; i < l->n; i++) {
		const char *d = l->v[i];
		if (!d || !*d || strchr(d, '|') || !cat_text_valid(d, CAT_DOC_MAX))
			return false;
	}
	return true;
}

void cat_proc_check(const cat_proc_t *p, fielderr_t *e)
{
	static const char *desc_fields[CAT_NLANG] = {"description_ca", "description_es", "description_en"};
	static const char *doc_fields[CAT_NLANG] = {"documents_ca", "documents_es", "documents_en"};
	check_code(p->code, e);
	check_names(p->name, e);
	if (!p->category || !*p->category)
		fielderr_add(e, "category", "err_cat_required");
	else if (!cat_code_valid(p->category))
		fielderr_add(e, "category", "err_cat_code");
	for (int l = 0; l < CAT_NLANG; l++) {
		check_text(desc_fields[l], p->desc[l], CAT_LONG_MAX, true, e);
		if (!docs_ok(&p->docs[l]))
			fielderr_add(e, doc_fields[l], "err_cat_documents");
	}
	char buf[128];
	if (!p->id_methods || !cat_enum_list(p->id_methods, cat_id_methods, 5, buf, sizeof buf) || !buf[0] ||
	    (cat_list_has(buf, "none") && strcmp(buf, "none") != 0))
		fielderr_add(e, "id_methods", "err_cat_id_methods");
	if (!p->channels || !cat_enum_list(p->channels, cat_channels, 6, buf, sizeof buf) || !buf[0])
		fielderr_add(e, "channels", "err_cat_channels");
	if (p->duration_min < 1 || p->duration_min > CAT_DURATION_MAX)
		fielderr_add(e, "duration_min", "err_cat_duration");
	if (p->online_url && *p->online_url && !cat_url_valid(p->online_url))
		fielderr_add(e, "online_url", "err_cat_url");
	for (size_t i = 0; i < p->offices.n; i++) {
		if (!cat_code_valid(p->offices.v[i])) {
			fielderr_add(e, "offices", "err_cat_office_unknown");
			break;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(p->offices.v[i], p->offices.v[j]) == 0) {
				fielderr_add(e, "offices", "err_cat_duplicate");
				i = p->offices.n;
				break;
			}
	}
}

/* ---------------------------------------------------------------- equality */

static bool s_eq(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

static bool names_eq(const char *const a[CAT_NLANG], const char *const b[CAT_NLANG])
{
	for (int l = 0; l < CAT_NLANG; l++)
		if (!s_eq(a[l], b[l]))
			return false;
	return true;
}

bool cat_org_same(const cat_org_t *a, const cat_org_t *b)
{
	return s_eq(a->code, b->code) && names_eq(a->name, b->name);
}

bool cat_office_same(const cat_office_t *a, const cat_office_t *b)
{
	if (a->has_geo != b->has_geo ||
	    (a->has_geo && (cat_round6(a->lat) != cat_round6(b->lat) || cat_round6(a->lon) != cat_round6(b->lon))))
		return false;
	return s_eq(a->code, b->code) && s_eq(a->org, b->org) && s_eq(a->kind, b->kind) &&
	       s_eq(a->address, b->address) && s_eq(a->postcode, b->postcode) && s_eq(a->city, b->city) &&
	       s_eq(a->phone, b->phone) && s_eq(a->tz, b->tz) && names_eq(a->name, b->name) &&
	       names_eq(a->access, b->access) && a->active == b->active;
}

bool cat_zone_same(const cat_zone_t *a, const cat_zone_t *b)
{
	return s_eq(a->code, b->code) && s_eq(a->kind, b->kind) && s_eq(a->letter, b->letter) &&
	       strcasecmp(a->colour ? a->colour : "", b->colour ? b->colour : "") == 0 && names_eq(a->name, b->name);
}

bool cat_desk_same(const cat_desk_t *a, const cat_desk_t *b)
{
	return s_eq(a->code, b->code) && s_eq(a->display_name, b->display_name) && a->active == b->active;
}

static bool list_eq(const cat_list_t *a, const cat_list_t *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (!s_eq(a->v[i], b->v[i]))
			return false;
	return true;
}

static bool set_eq(const cat_list_t *a, const cat_list_t *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		bool found = false;
		for (size_t j = 0; j < b->n && !found; j++)
			found = s_eq(a->v[i], b->v[j]);
		if (!found)
			return false;
	}
	return true;
}

bool cat_proc_same(const cat_proc_t *a, const cat_proc_t *b)
{
	for (int l = 0; l < CAT_NLANG; l++)
		if (!list_eq(&a->docs[l], &b->docs[l]))
			return false;
	return s_eq(a->code, b->code) && s_eq(a->category, b->category) && s_eq(a->online_url, b->online_url) &&
	       names_eq(a->name, b->name) && names_eq(a->desc, b->desc) && s_eq(a->id_methods, b->id_methods) &&
	       s_eq(a->channels, b->channels) && a->duration_min == b->duration_min && a->active == b->active &&
	       set_eq(&a->offices, &b->offices);
}
