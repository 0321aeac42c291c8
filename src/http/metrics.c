#include "http/metrics.h"

#include "base/mem.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

static const double bounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
#define NB (sizeof bounds / sizeof bounds[0])

typedef struct {
	const char *route, *method; /* route patterns and method names are static strings */
	int status;
	uint64_t count;
} counter_t;

typedef struct {
	const char *route;
	uint64_t buckets[NB];
	uint64_t count;
	double sum;
} histo_t;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static counter_t *counters;
static size_t ncounters, capcounters;
static histo_t *histos;
static size_t nhistos, caphistos;
static atomic_int_fast64_t sse_open;

void metrics_request(const char *route, const char *method, int status, double seconds)
{
	pthread_mutex_lock(&mu);
	size_t i;
	for (i = 0; i < ncounters; i++)
		if (counters[i].status == status && counters[i].route == route && counters[i].method == method)
			break;
	if (i == ncounters) {
		if (ncounters == capcounters) {
			capcounters = capcounters ? capcounters * 2 : 64;
			counters = xrealloc(counters, capcounters * sizeof *counters);
		}
		counters[ncounters++] = (counter_t){route, method, status, 0};
	}
	counters[i].count++;
	for (i = 0; i < nhistos; i++)
		if (histos[i].route == route)
			break;
	if (i == nhistos) {
		if (nhistos == caphistos) {
			caphistos = caphistos ? caphistos * 2 : 32;
			histos = xrealloc(histos, caphistos * sizeof *histos);
		}
		memset(&histos[nhistos], 0, sizeof histos[0]);
		histos[nhistos++].route = route;
	}
	histo_t *h = &histos[i];
	for (size_t b = 0; b < NB; b++)
		if (seconds <= bounds[b])
			h->buckets[b]++;
	h->count++;
	h->sum += seconds;
	pthread_mutex_unlock(&mu);
}

/* The reasons metrics_refused is given, with their counts. */
static const char *const refusals[] = {"header_timeout", "body_timeout", "connections_per_address",
				       "streams_per_address", "streams"};
#define NREFUSALS (sizeof refusals / sizeof refusals[0])
static atomic_uint_fast64_t refused[NREFUSALS];

void metrics_refused(const char *reason)
{
	for (size_t i = 0; i < NREFUSALS; i++)
		if (strcmp(reason, refusals[i]) == 0)
			atomic_fetch_add(&refused[i], 1);
}

void metrics_sse_open(int delta)
{
	atomic_fetch_add(&sse_open, delta);
}

bool metrics_sse_try_open(int64_t max)
{
	int_fast64_t n = atomic_load(&sse_open);
	do {
		if (max >= 0 && n >= max)
			return false;
	} while (!atomic_compare_exchange_weak(&sse_open, &n, n + 1));
	return true;
}

int64_t metrics_sse_count(void)
{
	return atomic_load(&sse_open);
}

int metrics_write(buf_t *out, uint64_t db_errors)
{
	int rc = 0;
	pthread_mutex_lock(&mu);
	rc = rc ? rc
		: buf_puts(out, "# HELP finestreta_http_requests_total HTTP requests by route, method and status.\n"
				"# TYPE finestreta_http_requests_total counter\n");
	for (size_t i = 0; i < ncounters; i++)
		rc = rc ? rc
			: buf_printf(out,
				     "finestreta_http_requests_total{route=\"%s\",method=\"%s\",status=\"%d\"} %llu\n",
				     counters[i].route, counters[i].method, counters[i].status,
				     (unsigned long long)counters[i].count);
	rc = rc ? rc
		: buf_puts(out, "# HELP finestreta_http_request_duration_seconds Time to answer a request.\n"
				"# TYPE finestreta_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i < nhistos; i++) {
		const histo_t *h = &histos[i];
		for (size_t b = 0; b < NB; b++)
			rc = rc ? rc
				: buf_printf(out,
					     "finestreta_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} "
					     "%llu\n",
					     h->route, bounds[b], (unsigned long long)h->buckets[b]);
		rc = rc ? rc
			: buf_printf(out,
				     "finestreta_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n",
				     h->route, (unsigned long long)h->count);
		rc = rc ? rc
			: buf_printf(out, "finestreta_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n", h->route,
				     h->sum);
		rc = rc ? rc
			: buf_printf(out, "finestreta_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
				     h->route, (unsigned long long)h->count);
	}
	pthread_mutex_unlock(&mu);
	rc = rc ? rc
		: buf_printf(out,
			     "# HELP finestreta_sse_streams_open Server-Sent Event streams open now.\n"
			     "# TYPE finestreta_sse_streams_open gauge\nfinestreta_sse_streams_open %lld\n",
			     (long long)atomic_load(&sse_open));
	rc = rc ? rc
		: buf_puts(out, "# HELP finestreta_http_refused_total Connections and requests refused or cut by the "
				"server's limits.\n# TYPE finestreta_http_refused_total counter\n");
	for (size_t i = 0; i < NREFUSALS; i++)
		rc = rc ? rc
			: buf_printf(out, "finestreta_http_refused_total{reason=\"%s\"} %llu\n", refusals[i],
				     (unsigned long long)atomic_load(&refused[i]));
	rc = rc ? rc
		: buf_printf(out,
			     "# HELP finestreta_db_errors_total Storage errors since start.\n"
			     "# TYPE finestreta_db_errors_total counter\nfinestreta_db_errors_total %llu\n",
			     (unsigned long long)db_errors);
	return rc;
}
