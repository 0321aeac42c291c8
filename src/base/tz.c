/* tz.c — TZif reader, POSIX TZ footer rules, local ↔ UTC (civil dates are tz_civil.c). See tz.h
 * and docs/internals/tz.md. */
#include "base/tz.h"
#include "base/tz_internal.h"

#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_TIMES 2000 /* glibc's TZ_MAX_TIMES */
#define MAX_TYPES 256  /* indices are one byte */
#define MAX_CHARS 512
#define MAX_OFFSET (26 * 3600)
#define MAX_FILE (256 * 1024)
#define MAX_FOOTER 256
#define MAX_CACHE 512
#define DAY 86400
/* Instants beyond ±2^47 s (4.4 million years) are clamped first, so rule arithmetic on civil
 * years and day numbers (int32) cannot overflow. */
#define T_LIMIT ((int64_t)1 << 47)

/* ---------------------------------------------------------------- zone structure */

typedef struct {
	char kind; /* 'J' (1..365, no Feb 29), 'N' (0..365), 'M' (month.week.weekday) */
	int n, m, w, d;
	int32_t time; /* seconds after local midnight; may be negative or past 24 h (RFC 8536) */
} rdate_t;

typedef struct {
	char std_abbr[TZ_ABBR_MAX], dst_abbr[TZ_ABBR_MAX];
	int32_t std_off, dst_off; /* seconds east of UTC */
	bool has_dst;
	rdate_t start, end;
} rule_t;

typedef struct {
	int32_t off;
	bool dst;
	uint16_t abbr; /* index into chars */
} ttype_t;

struct tz {
	char *name;
	size_t ntrans;
	int64_t *trans;
	uint8_t *idx;
	size_t ntypes;
	ttype_t *types;
	char *chars;
	bool has_rule;
	rule_t rule;
};

/* ---------------------------------------------------------------- POSIX TZ rules */

/* A designation: <...> with letters, digits, + and -, or 3+ letters. */
static int parse_abbr(const char **sp, char out[TZ_ABBR_MAX])
{
	const char *s = *sp;
	size_t n = 0;
	if (*s == '<') {
		s++;
		while (*s && *s != '>') {
			char c = *s;
			if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
			      c == '-'))
				return ERR_INVALID;
			if (n + 1 >= TZ_ABBR_MAX)
				return ERR_INVALID;
			out[n++] = c;
			s++;
		}
		if (*s != '>')
			return ERR_INVALID;
		s++;
	} else {
		while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')) {
			if (n + 1 >= TZ_ABBR_MAX)
				return ERR_INVALID;
			out[n++] = *s++;
		}
	}
	if (n < 3)
		return ERR_INVALID;
	out[n] = '\0';
	*sp = s;
	return 0;
}

static int parse_num(const char **sp, int max, int *out)
{
	const char *s = *sp;
	int v = 0, n = 0;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (*s - '0');
		if (v > max || ++n > 3)
			return ERR_INVALID;
		s++;
	}
	if (n == 0)
		return ERR_INVALID;
	*out = v;
	*sp = s;
	return 0;
}

/* [+-]hh[:mm[:ss]] with hh up to max_h; the value in seconds, signed. */
static int parse_hms(const char **sp, int max_h, int32_t *out)
{
	const char *s = *sp;
	int sign = 1, h, m = 0, sec = 0;
	if (*s == '+' || *s == '-') {
		sign = *s == '-' ? -1 : 1;
		s++;
	}
	if (parse_num(&s, max_h, &h))
		return ERR_INVALID;
	if (*s == ':') {
		s++;
		if (parse_num(&s, 59, &m))
			return ERR_INVALID;
		if (*s == ':') {
			s++;
			if (parse_num(&s, 59, &sec))
				return ERR_INVALID;
		}
	}
	*out = sign * (h * 3600 + m * 60 + sec);
	*sp = s;
	return 0;
}

static int parse_rdate(const char **sp, rdate_t *r)
{
	const char *s = *sp;
	memset(r, 0, sizeof *r);
	if (*s == 'J') {
		s++;
		r->kind = 'J';
		if (parse_num(&s, 365, &r->n) || r->n < 1)
			return ERR_INVALID;
	} else if (*s == 'M') {
		s++;
		r->kind = 'M';
		if (parse_num(&s, 12, &r->m) || r->m < 1 || *s++ != '.' || parse_num(&s, 5, &r->w) || r->w < 1 ||
		    *s++ != '.' || parse_num(&s, 6, &r->d))
			return ERR_INVALID;
	} else {
		r->kind = 'N';
		if (parse_num(&s, 365, &r->n))
			return ERR_INVALID;
	}
	r->time = 2 * 3600;
	if (*s == '/') {
		s++;
		/* RFC 8536 §3.3.1: the hour may be -167..167. */
		if (parse_hms(&s, 167, &r->time))
			return ERR_INVALID;
	}
	*sp = s;
	return 0;
}

/* "std offset [dst [offset] ,start[/time],end[/time]]" (POSIX; offsets are west-positive). */
static int parse_posix(const char *s, rule_t *r)
{
	memset(r, 0, sizeof *r);
	int32_t off;
	if (parse_abbr(&s, r->std_abbr) || parse_hms(&s, 24, &off))
		return ERR_INVALID;
	r->std_off = -off;
	if (*s == '\0')
		return 0;
	if (parse_abbr(&s, r->dst_abbr))
		return ERR_INVALID;
	r->has_dst = true;
	r->dst_off = r->std_off + 3600;
	if (*s != ',' && *s != '\0') {
		if (parse_hms(&s, 24, &off))
			return ERR_INVALID;
		r->dst_off = -off;
	}
	/* A DST name without a rule leaves the dates to the implementation; TZif footers never do
	 * that, so refuse rather than guess. */
	if (*s++ != ',' || parse_rdate(&s, &r->start) || *s++ != ',' || parse_rdate(&s, &r->end) || *s != '\0')
		return ERR_INVALID;
	return 0;
}

/* The day number of a rule date in year y. */
static int64_t rdate_day(const rdate_t *r, int64_t y)
{
	int64_t jan1 = days_from_civil64(y, 1, 1);
	switch (r->kind) {
	case 'J': return jan1 + r->n - 1 + (tz_leap_year(y) && r->n >= 60);
	case 'N': return jan1 + r->n;
	default: {
		int64_t first = days_from_civil64(y, r->m, 1);
		/* POSIX weekday d: 0 = Sunday. ISO weekday of first: 1..7 (7 = Sunday). */
		int wd_first = (int)floor_mod(first + 4, 7); /* 0 = Sunday */
		int64_t day = first + (r->d - wd_first + 7) % 7 + (int64_t)(r->w - 1) * 7;
		int dim = tz_days_in_month(y, r->m);
		while (day >= first + dim)
			day -= 7;
		return day;
	}
	}
}

/* DST start and end of year y as instants. */
static void rule_year(const rule_t *r, int64_t y, int64_t *start, int64_t *end)
{
	*start = rdate_day(&r->start, y) * DAY + r->start.time - r->std_off;
	*end = rdate_day(&r->end, y) * DAY + r->end.time - r->dst_off;
}

static int64_t clamp_t(int64_t t)
{
	return t < -T_LIMIT ? -T_LIMIT : t > T_LIMIT ? T_LIMIT : t;
}

static int64_t year_of(int64_t t)
{
	int64_t y;
	int m, d;
	civil_from_days64(floor_div(t, DAY), &y, &m, &d);
	return y;
}

static bool rule_is_dst(const rule_t *r, int64_t t)
{
	if (!r->has_dst)
		return false;
	t = clamp_t(t);
	int64_t s, e;
	rule_year(r, year_of(t + r->std_off), &s, &e);
	if (s < e)
		return t >= s && t < e;
	return !(t >= e && t < s);
}

/* ---------------------------------------------------------------- TZif */

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

typedef struct {
	uint32_t isut, isstd, leap, time, type, chars;
} counts_t;

static int read_header(const unsigned char *p, size_t len, char *version, counts_t *c)
{
	if (len < 44 || memcmp(p, "TZif", 4) != 0)
		return ERR_INVALID;
	*version = (char)p[4];
	if (*version != 0 && *version != '2' && *version != '3' && *version != '4')
		return ERR_INVALID;
	c->isut = be32(p + 20);
	c->isstd = be32(p + 24);
	c->leap = be32(p + 28);
	c->time = be32(p + 32);
	c->type = be32(p + 36);
	c->chars = be32(p + 40);
	if (c->type == 0 || c->type > MAX_TYPES || c->time > MAX_TIMES || c->chars == 0 || c->chars > MAX_CHARS ||
	    (c->isut != 0 && c->isut != c->type) || (c->isstd != 0 && c->isstd != c->type))
		return ERR_INVALID;
	/* Unix time has no leap seconds; "right/" zones would be off by half a minute. */
	if (c->leap != 0)
		return ERR_INVALID;
	return 0;
}

static size_t block_size(const counts_t *c, size_t tsize)
{
	return (size_t)c->time * (tsize + 1) + (size_t)c->type * 6 + c->chars + (size_t)c->leap * (tsize + 4) +
	       c->isstd + c->isut;
}

/* The footer of a version 2+ file at pos: "\n" TZ-string "\n", and nothing after it. 0 (the rule,
 * if any, into z) or ERR_INVALID. */
static int read_footer(const unsigned char *p, size_t len, size_t pos, tz_t *z)
{
	if (pos >= len || p[pos] != '\n')
		return ERR_INVALID;
	const unsigned char *nl = memchr(p + pos + 1, '\n', len - pos - 1);
	if (!nl || (size_t)(nl - p) != len - 1)
		return ERR_INVALID;
	size_t flen = (size_t)(nl - (p + pos + 1));
	if (flen > MAX_FOOTER)
		return ERR_INVALID;
	if (flen == 0)
		return 0;
	char footer[MAX_FOOTER + 1];
	memcpy(footer, p + pos + 1, flen);
	footer[flen] = '\0';
	if (memchr(footer, '\0', flen) || parse_posix(footer, &z->rule))
		return ERR_INVALID;
	z->has_rule = true;
	return 0;
}

int tz_parse(const void *data, size_t len, const char *name, tz_t **out)
{
	const unsigned char *p = data;
	char version;
	counts_t c;
	if (!p || read_header(p, len, &version, &c))
		return ERR_INVALID;
	size_t pos = 44, tsize = 4;
	if (version != 0) {
		/* Skip the 32-bit block; the 64-bit one follows with its own header. */
		pos += block_size(&c, 4);
		char v2;
		if (pos > len || read_header(p + pos, len - pos, &v2, &c) || v2 != version)
			return ERR_INVALID;
		pos += 44;
		tsize = 8;
	}
	size_t need = block_size(&c, tsize);
	if (need > len - pos)
		return ERR_INVALID;
	const unsigned char *times = p + pos, *idx = times + (size_t)c.time * tsize, *types = idx + c.time,
			    *chars = types + (size_t)c.type * 6;
	tz_t *z = xcalloc(1, sizeof *z);
	z->name = xstrdup(name ? name : "");
	z->ntrans = c.time;
	z->trans = xcalloc(c.time ? c.time : 1, sizeof *z->trans);
	z->idx = xcalloc(c.time ? c.time : 1, 1);
	z->ntypes = c.type;
	z->types = xcalloc(c.type, sizeof *z->types);
	z->chars = xmalloc(c.chars);
	int rc = ERR_INVALID;
	for (size_t i = 0; i < c.time; i++) {
		z->trans[i] = tsize == 8 ? be64(times + i * 8) : (int64_t)(int32_t)be32(times + i * 4);
		if (i > 0 && z->trans[i] <= z->trans[i - 1])
			goto fail;
		z->idx[i] = idx[i];
		if (idx[i] >= c.type)
			goto fail;
	}
	memcpy(z->chars, chars, c.chars);
	if (z->chars[c.chars - 1] != '\0')
		goto fail;
	for (size_t i = 0; i < c.type; i++) {
		const unsigned char *t = types + i * 6;
		int32_t off = (int32_t)be32(t);
		if (off < -MAX_OFFSET || off > MAX_OFFSET || t[4] > 1 || t[5] >= c.chars)
			goto fail;
		z->types[i] = (ttype_t){off, t[4] == 1, t[5]};
	}
	/* Standard/wall and UT/local indicators only matter for POSIX-style rules without a
	 * footer; check they are booleans and move on. */
	const unsigned char *ind = chars + c.chars + (size_t)c.leap * (tsize + 4);
	for (size_t i = 0; i < (size_t)c.isstd + c.isut; i++)
		if (ind[i] > 1)
			goto fail;
	pos += need;
	if (version != 0 ? read_footer(p, len, pos, z) : pos != len)
		goto fail;
	*out = z;
	return 0;
fail:
	tz_free(z);
	return rc;
}

void tz_free(tz_t *z)
{
	if (!z)
		return;
	free(z->name);
	free(z->trans);
	free(z->idx);
	free(z->types);
	free(z->chars);
	free(z);
}

const char *tz_name(const tz_t *z)
{
	return z->name;
}

/* ---------------------------------------------------------------- lookup */

typedef struct {
	int32_t off;
	bool dst;
	const char *abbr;
} info_t;

/* The type in effect before the first transition: RFC 8536 says type 0. */
static info_t type_info(const tz_t *z, size_t type)
{
	const ttype_t *t = &z->types[type];
	return (info_t){t->off, t->dst, z->chars + t->abbr};
}

static info_t rule_info(const tz_t *z, int64_t t)
{
	const rule_t *r = &z->rule;
	if (rule_is_dst(r, t))
		return (info_t){r->dst_off, true, r->dst_abbr};
	return (info_t){r->std_off, false, r->std_abbr};
}

/* Index of the last transition <= t, or -1. */
static ptrdiff_t find_trans(const tz_t *z, int64_t t)
{
	ptrdiff_t lo = 0, hi = (ptrdiff_t)z->ntrans - 1, found = -1;
	while (lo <= hi) {
		ptrdiff_t mid = lo + (hi - lo) / 2;
		if (z->trans[mid] <= t) {
			found = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	return found;
}

static info_t lookup(const tz_t *z, int64_t t)
{
	if (z->ntrans == 0)
		return z->has_rule ? rule_info(z, t) : type_info(z, 0);
	if (t < z->trans[0])
		return type_info(z, 0);
	if (t >= z->trans[z->ntrans - 1] && z->has_rule)
		return rule_info(z, t);
	return type_info(z, z->idx[find_trans(z, t)]);
}

int32_t tz_offset(const tz_t *z, int64_t t)
{
	return lookup(z, t).off;
}

void tz_local(const tz_t *z, int64_t t, tz_local_t *out)
{
	info_t i = lookup(z, t);
	int64_t l = clamp_t(t) + i.off;
	int64_t day = floor_div(l, DAY);
	int64_t sec = l - day * DAY;
	out->day = (int32_t)(day < INT32_MIN ? INT32_MIN : day > INT32_MAX ? INT32_MAX : day);
	out->second = (int)sec;
	out->minute = (int)(sec / 60);
	out->offset = i.off;
	out->is_dst = i.dst;
	out->abbr = i.abbr;
}

/* Every offset that can be in effect in [lo, hi]: the one at lo and the one after each
 * transition inside. */
static size_t offsets_between(const tz_t *z, int64_t lo, int64_t hi, int32_t *offs, size_t max)
{
	size_t n = 0;
#define ADD(o)                                                                                                         \
	do {                                                                                                           \
		int32_t o_ = (o);                                                                                      \
		bool dup_ = false;                                                                                     \
		for (size_t k_ = 0; k_ < n; k_++)                                                                      \
			dup_ |= offs[k_] == o_;                                                                        \
		if (!dup_ && n < max)                                                                                  \
			offs[n++] = o_;                                                                                \
	} while (0)
	ADD(lookup(z, lo).off);
	if (z->ntrans > 0) {
		ptrdiff_t i = find_trans(z, lo) + 1;
		/* lookup() may answer the footer rule's offset from the last transition on, rather
		 * than that transition's type: offer both. */
		for (; i < (ptrdiff_t)z->ntrans && z->trans[i] <= hi; i++) {
			ADD(z->types[z->idx[i]].off);
			ADD(lookup(z, z->trans[i]).off);
		}
	}
	if (z->has_rule && z->rule.has_dst) {
		int64_t from = z->ntrans ? z->trans[z->ntrans - 1] : INT64_MIN;
		for (int64_t y = year_of(lo) - 1; y <= year_of(hi) + 1; y++) {
			int64_t s, e;
			rule_year(&z->rule, y, &s, &e);
			if (s >= from && s > lo && s <= hi)
				ADD(lookup(z, s).off);
			if (e >= from && e > lo && e <= hi)
				ADD(lookup(z, e).off);
		}
	}
#undef ADD
	return n;
}

static bool rdate_odd(const rdate_t *r)
{
	if (r->time < 0 || r->time >= 86400)
		return true;
	return (r->kind == 'J' && (r->n <= 1 || r->n >= 365)) || (r->kind == 'N' && (r->n <= 0 || r->n >= 364));
}

static bool rule_odd(const tz_t *z)
{
	return z->has_rule && z->rule.has_dst && (rdate_odd(&z->rule.start) || rdate_odd(&z->rule.end));
}

/* Adds the offsets in force every 15 minutes across the window around local instant l. */
static void add_sampled(const tz_t *z, int64_t l, int32_t *offs, size_t *n)
{
	for (int64_t t = l - MAX_OFFSET - DAY; t <= l + MAX_OFFSET + DAY && *n < 64; t += 900) {
		int32_t o = lookup(z, t).off;
		bool dup = false;
		for (size_t k = 0; k < *n; k++)
			dup |= offs[k] == o;
		if (!dup)
			offs[(*n)++] = o;
	}
}

int tz_to_utc(const tz_t *z, int32_t day, int minute, unsigned flags, int64_t *out)
{
	if (minute < 0 || minute > 1440)
		return ERR_INVALID;
	int64_t l = (int64_t)day * DAY + (int64_t)minute * 60;
	l = clamp_t(l);
	/* Every solution t = l - off lies within ±MAX_OFFSET of l. */
	int32_t offs[64];
	size_t n = offsets_between(z, l - MAX_OFFSET - DAY, l + MAX_OFFSET + DAY, offs, 16);
	/* Close the set under "the offset in force at l - o": cheap, and it catches offsets an odd
	 * footer rule hides from the transition list (each solution t = l - o has lookup(t) = o). */
	for (size_t i = 0; i <= n && n < 32; i++) {
		int32_t o = lookup(z, l - (i < n ? offs[i] : 0)).off;
		bool dup = false;
		for (size_t k = 0; k < n; k++)
			dup |= offs[k] == o;
		if (!dup)
			offs[n++] = o;
	}
	bool found = false, shifted = false;
	int64_t best = 0, shift = 0;
	/* A footer rule whose transitions may land in the next or previous year (times past
	 * 24 h or before 0, days at the year's ends) can hide offsets from the lists above even
	 * when another candidate fits: sample up front for those. No real zone needs it often. */
	bool sampled = rule_odd(z);
	if (sampled)
		add_sampled(z, l, offs, &n);
again:
	for (size_t i = 0; i < n; i++) {
		int64_t t = l - offs[i];
		int32_t actual = lookup(z, t).off;
		if (actual == offs[i]) {
			if (!found || t < best)
				best = t;
			found = true;
		} else if (actual > offs[i]) {
			/* t lies past a spring-forward: wall time l + (actual - offs[i]). */
			if (!shifted || t < shift)
				shift = t;
			shifted = true;
		}
	}
	if (!found && !sampled) {
		/* No candidate fits: a real gap, or an offset the lists above missed. Gaps are
		 * rare, so here it is affordable to sample the window. */
		sampled = true;
		size_t before = n;
		add_sampled(z, l, offs, &n);
		if (n > before)
			goto again;
	}
	if (found) {
		*out = best;
		return 0;
	}
	if ((flags & TZ_GAP_SHIFT) && shifted) {
		*out = shift;
		return 0;
	}
	return ERR_NOT_FOUND;
}

int64_t tz_day_start(const tz_t *z, int32_t day)
{
	int64_t t;
	if (tz_to_utc(z, day, 0, TZ_GAP_SHIFT, &t) == 0)
		return t;
	return (int64_t)day * DAY - tz_offset(z, (int64_t)day * DAY);
}

void tz_format_iso(const tz_t *z, int64_t t, char out[TZ_ISO_LEN])
{
	int32_t off = lookup(z, t).off;
	off = off / 60 * 60; /* whole minutes, toward zero */
	int64_t l = clamp_t(t) + off;
	int64_t day = floor_div(l, DAY), sec = l - day * DAY;
	char date[TZ_DATE_LEN];
	tz_date_format((int32_t)(day < INT32_MIN ? INT32_MIN : day > INT32_MAX ? INT32_MAX : day), date);
	int a = off < 0 ? -off : off;
	char tmp[64];
	snprintf(tmp, sizeof tmp, "%sT%02d:%02d:%02d%c%02d:%02d", date, (int)(sec / 3600), (int)(sec / 60 % 60),
		 (int)(sec % 60), off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
	/* Always 25 characters: the hour is < 24 and |offset| <= 26 h. */
	snprintf(out, TZ_ISO_LEN, "%.25s", tmp);
}

/* ---------------------------------------------------------------- the cache */

static tz_t utc_zone = {
	.name = "UTC",
	.ntrans = 0,
	.ntypes = 1,
	.types = (ttype_t[]){{0, false, 0}},
	.chars = "UTC",
};

const tz_t *tz_utc(void)
{
	return &utc_zone;
}

static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
	char *name;
	tz_t *zone; /* NULL: known bad (not retried, logged once) */
} cache[MAX_CACHE];
static size_t ncache;
static char *zone_dir;
static bool cache_full_logged;

void tz_set_dir(const char *dir)
{
	pthread_mutex_lock(&cache_mu);
	for (size_t i = 0; i < ncache; i++) {
		free(cache[i].name);
		tz_free(cache[i].zone);
	}
	ncache = 0;
	free(zone_dir);
	zone_dir = dir ? xstrdup(dir) : NULL;
	pthread_mutex_unlock(&cache_mu);
}

bool tz_name_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (n == 0 || n > 128 || name[0] == '/')
		return false;
	const char *seg = name;
	for (const char *p = name;; p++) {
		if (*p == '/' || *p == '\0') {
			size_t len = (size_t)(p - seg);
			if (len == 0 || (len == 1 && seg[0] == '.') || (len == 2 && seg[0] == '.' && seg[1] == '.'))
				return false;
			if (*p == '\0')
				return true;
			seg = p + 1;
			continue;
		}
		char c = *p;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
		      c == '-' || c == '+' || c == '.'))
			return false;
	}
}

static tz_t *load_file(const char *dir, const char *name)
{
	char path[1024];
	if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
		return NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	tz_t *z = NULL;
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 && st.st_size <= MAX_FILE) {
		size_t len = (size_t)st.st_size, got = 0;
		unsigned char *buf = xmalloc(len);
		while (got < len) {
			ssize_t r = read(fd, buf + got, len - got);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			got += (size_t)r;
		}
		if (got == len && tz_parse(buf, len, name, &z) != 0)
			z = NULL;
		free(buf);
	}
	close(fd);
	return z;
}

const tz_t *tz_get(const char *name)
{
	if (!tz_name_valid(name))
		return NULL;
	pthread_mutex_lock(&cache_mu);
	const tz_t *found = NULL;
	bool hit = false;
	for (size_t i = 0; i < ncache; i++)
		if (strcmp(cache[i].name, name) == 0) {
			found = cache[i].zone;
			hit = true;
			break;
		}
	if (!hit) {
		/* Loading under the lock keeps one copy per name; it happens once per zone. */
		const char *dir = zone_dir ? zone_dir : getenv("TZDIR");
		tz_t *z = load_file(dir && *dir ? dir : "/usr/share/zoneinfo", name);
		if (!z && (strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0)) {
			z = xcalloc(1, sizeof *z);
			z->name = xstrdup(name);
			z->ntypes = 1;
			z->types = xcalloc(1, sizeof *z->types);
			z->chars = xstrdup("UTC");
			z->trans = NULL;
			z->idx = NULL;
		}
		if (!z)
			log_warn("time zone %s: missing or not a valid TZif file", name);
		if (ncache < MAX_CACHE) {
			cache[ncache].name = xstrdup(name);
			cache[ncache].zone = z;
			ncache++;
		} else {
			if (!cache_full_logged)
				log_error("time zone cache full (%d names); not loading %s", MAX_CACHE, name);
			cache_full_logged = true;
			tz_free(z);
			z = NULL;
		}
		found = z;
	}
	pthread_mutex_unlock(&cache_mu);
	return found;
}
