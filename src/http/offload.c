/* offload.c — work that must not hold a worker thread (http_offload, http.h): the connection is
 * suspended, a small pool of threads runs the work, the connection is resumed and libmicrohttpd
 * calls the access handler again on the connection's own worker, where the handler's `then` step
 * replies.
 *
 * A job holds a copy of its data, never the request: the request and its arena live until
 * libmicrohttpd's completion callback, which normally comes after `then`, but may come while the
 * work runs (the daemon stopping). So a job has two owners, the request and the pool, counted under
 * one mutex: whichever lets go last frees it; a job whose request has gone resumes nothing. The
 * server stops the pool (running every queued job, resuming every connection still there) before
 * it stops libmicrohttpd, which refuses to stop with a connection suspended. */
#include "http/server.h"

#include "base/log.h"
#include "base/mem.h"

#include <microhttpd.h>
#include <pthread.h>
#include <sodium.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

struct offload_job {
	struct offload_job *next;
	http_work_fn work;
	http_then_fn then;
	struct MHD_Connection *conn;
	int owners; /* the request and the pool; under mu */
	bool done;  /* work has run */
	bool left;  /* the request is over: nothing to resume */
	size_t size;
	alignas(max_align_t) unsigned char data[];
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static offload_job_t *head, *tail;
static unsigned reserved, nthreads;
static pthread_t *threads;
static bool stopping;

void http_offload_reserve(unsigned n)
{
	pthread_mutex_lock(&mu);
	reserved += n;
	pthread_mutex_unlock(&mu);
}

/* One owner lets go. Under mu. */
static void let_go(offload_job_t *j)
{
	if (--j->owners > 0)
		return;
	sodium_memzero(j->data, j->size); /* a password, often */
	free(j);
}

static void *run(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&mu);
	for (;;) {
		while (!head && !stopping)
			pthread_cond_wait(&cv, &mu);
		offload_job_t *j = head;
		if (!j)
			break; /* stopping, and nothing left to run */
		head = j->next;
		if (!head)
			tail = NULL;
		pthread_mutex_unlock(&mu);
		j->work(j->data);
		pthread_mutex_lock(&mu);
		j->done = true;
		if (!j->left)
			MHD_resume_connection(j->conn);
		let_go(j);
	}
	pthread_mutex_unlock(&mu);
	return NULL;
}

int srv_offload_start(void)
{
	pthread_mutex_lock(&mu);
	stopping = false;
	unsigned n = reserved;
	threads = n ? xcalloc(n, sizeof *threads) : NULL;
	int rc = 0;
	for (nthreads = 0; nthreads < n; nthreads++)
		if (pthread_create(&threads[nthreads], NULL, run, NULL)) {
			rc = -1;
			break;
		}
	pthread_mutex_unlock(&mu);
	if (n)
		log_info("offload: %u threads for work that must not hold a worker", nthreads);
	return rc;
}

void srv_offload_stop(void)
{
	pthread_mutex_lock(&mu);
	stopping = true;
	pthread_cond_broadcast(&cv);
	unsigned n = nthreads;
	pthread_mutex_unlock(&mu);
	for (unsigned i = 0; i < n; i++)
		pthread_join(threads[i], NULL);
	pthread_mutex_lock(&mu);
	nthreads = 0;
	free(threads);
	threads = NULL;
	pthread_mutex_unlock(&mu);
}

void http_offload(http_req_t *r, http_work_fn work, const void *data, size_t size, http_then_fn then)
{
	ctx_t *x = srv_ctx(r);
	offload_job_t *j = xcalloc(1, sizeof *j + size);
	memcpy(j->data, data, size);
	j->size = size;
	j->work = work;
	j->then = then;
	j->conn = r->conn;
	j->owners = 2;
	pthread_mutex_lock(&mu);
	/* No pool (or it is stopping), or the watchdog has already answered: here and now. */
	bool here = !nthreads || stopping || !srv_body_in(x);
	if (!here) {
		x->job = j;
		/* A parked request holds no pooled database connection: `then` takes one again. */
		srv_release_db(x);
		/* Parked before the pool can see the job, so that its resume finds it parked. */
		MHD_suspend_connection(r->conn);
		if (tail)
			tail->next = j;
		else
			head = j;
		tail = j;
		pthread_cond_signal(&cv);
	}
	pthread_mutex_unlock(&mu);
	if (!here)
		return;
	work(j->data);
	then(r, j->data);
	pthread_mutex_lock(&mu);
	j->owners = 1;
	let_go(j);
	pthread_mutex_unlock(&mu);
}

void srv_offload_then(ctx_t *x)
{
	offload_job_t *j = x->job;
	x->job = NULL;
	j->then(&x->r, j->data); /* may offload again */
	pthread_mutex_lock(&mu);
	let_go(j);
	pthread_mutex_unlock(&mu);
}

void srv_offload_drop(ctx_t *x)
{
	offload_job_t *j = x->job;
	if (!j)
		return;
	x->job = NULL;
	pthread_mutex_lock(&mu);
	j->left = true;
	let_go(j);
	pthread_mutex_unlock(&mu);
}
