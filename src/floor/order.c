/* order.c — the calling order, in one place (internal.h, fl_order_class): callable appointments
 * first by their time, then priority walk-ins, then everybody else first come first served, and
 * appointments not yet callable last. Pure functions over tickets already read: the queue page,
 * the live page's position, call-next and the estimates all sort with these. */
#include "floor/internal.h"

#include "base/str.h"

#include <stdlib.h>
#include <string.h>

bool fl_waiting(const char *status)
{
	return str_eq(status, "waiting") || str_eq(status, "transferred");
}

fl_class_t fl_order_class(const fl_ticket_t *t, int64_t now, int64_t window)
{
	if (t->appointment_id > 0)
		return now >= t->appointment_at - window ? FL_APPOINTMENT : FL_EARLY;
	return t->priority && *t->priority ? FL_PRIORITY : FL_REGULAR;
}

static int cmp_i64(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

int fl_order_cmp(const fl_ticket_t *a, const fl_ticket_t *b, int64_t now, int64_t window)
{
	fl_class_t ca = fl_order_class(a, now, window), cb = fl_order_class(b, now, window);
	if (ca != cb)
		return ca < cb ? -1 : 1;
	int r = 0;
	if (ca == FL_APPOINTMENT || ca == FL_EARLY)
		r = cmp_i64(a->appointment_at, b->appointment_at);
	if (!r)
		r = cmp_i64(a->arrived_at, b->arrived_at);
	if (!r)
		r = cmp_i64(a->id, b->id);
	return r;
}

/* Insertion into a merge buffer keeps equal keys in order; the keys never tie for different
 * tickets anyway (the id breaks every tie), so any sort would do, but a stable one costs
 * nothing here and keeps the result independent of the library's qsort. */
void fl_order_sort(fl_ticket_t *v, size_t n, int64_t now, int64_t window)
{
	if (n < 2)
		return;
	fl_ticket_t *tmp = malloc(n * sizeof *tmp);
	if (!tmp)
		abort();
	for (size_t width = 1; width < n; width *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * width) {
			size_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
			size_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi)
				tmp[k++] = fl_order_cmp(&v[j], &v[i], now, window) < 0 ? v[j++] : v[i++];
			while (i < mid)
				tmp[k++] = v[i++];
			while (j < hi)
				tmp[k++] = v[j++];
		}
		memcpy(v, tmp, n * sizeof *v);
	}
	free(tmp);
}

long fl_order_next(const fl_ticket_t *v, size_t n, int64_t desk_id, const int64_t *zones, size_t nzones, int64_t now,
		   int64_t window)
{
	for (size_t i = 0; i < n; i++) {
		const fl_ticket_t *t = &v[i];
		if (!fl_waiting(t->status) || fl_order_class(t, now, window) == FL_EARLY)
			continue;
		if (t->target_desk_id && t->target_desk_id != desk_id)
			continue;
		bool served = false;
		for (size_t z = 0; z < nzones && !served; z++)
			served = zones[z] == t->zone_id;
		/* A ticket sent to this desk is its own, whatever zones it serves. */
		if (served || (t->target_desk_id && t->target_desk_id == desk_id))
			return (long)i;
	}
	return -1;
}

int64_t fl_ahead(const fl_ticket_t *q, size_t n, const fl_ticket_t *t)
{
	if (!fl_waiting(t->status))
		return 0;
	int64_t ahead = 0;
	for (size_t i = 0; i < n && q[i].id != t->id; i++)
		if (q[i].zone_id == t->zone_id && fl_waiting(q[i].status))
			ahead++;
	return ahead;
}

int64_t fl_wait_min(const fl_estimate_t *e, int64_t ahead, const fl_ticket_t *t, int64_t now, int64_t window)
{
	int64_t desks = e->desks > 0 ? e->desks : 1;
	int64_t secs = (ahead * e->service_s + desks - 1) / desks;
	if (t && t->appointment_id > 0 && t->appointment_at - window - now > secs)
		secs = t->appointment_at - window - now;
	return secs > 0 ? (secs + 59) / 60 : 0;
}
