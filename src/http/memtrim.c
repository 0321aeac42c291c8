/* memtrim.c — heap memory given back after event streams close (server.h).
 *
 * Thousands of event streams (call displays, queue pages) open and close in waves. What each one
 * allocated is freed when it closes, but glibc keeps freed memory in its per-thread arenas, so the
 * process would stay at its high-water mark. When the open streams have fallen by TRIM_DROP since
 * the last trim, or to none, a thread of its own calls malloc_trim TRIM_DELAY_MS later (the
 * connection's own memory is freed by libmicrohttpd after the stream, and closes come in bursts),
 * at most once per TRIM_DELAY_MS. The thread is started on first use and lives with the process. */
#include "http/server.h"

#include "base/log.h"

#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <time.h>

#define TRIM_DROP 1000
#define TRIM_DELAY_MS 300

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int64_t peak; /* most streams open since the last trim was asked */
static bool pending, started;

static void *trimmer(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&mu);
	for (;;) {
		while (!pending)
			pthread_cond_wait(&cv, &mu);
		pthread_mutex_unlock(&mu);
		nanosleep(&(struct timespec){0, TRIM_DELAY_MS * 1000000L}, NULL);
		pthread_mutex_lock(&mu);
		pending = false;
		pthread_mutex_unlock(&mu);
		malloc_trim(0);
		pthread_mutex_lock(&mu);
	}
	return NULL;
}

void srv_streams_closed(int64_t open)
{
	pthread_mutex_lock(&mu);
	if (open > peak)
		peak = open;
	if (peak - open >= TRIM_DROP || (open == 0 && peak > 0)) {
		peak = open;
		pending = true;
		if (!started) {
			pthread_t t;
			started = pthread_create(&t, NULL, trimmer, NULL) == 0;
			if (started)
				pthread_detach(t);
			else
				log_warn("http: no thread to give memory back");
		}
		pthread_cond_signal(&cv);
	}
	pthread_mutex_unlock(&mu);
}
