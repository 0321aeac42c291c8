/* jobs.c — the background thread: every jobs.interval seconds, each capability's jobs (cap_t.jobs)
 * in table order, each on the same connection, each at most once per its period. */
#include "jobs/jobs.h"

#include "app.h"
#include "base/config.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "core/cap.h"
#include "db/db.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

struct jobs {
	app_t *app;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
	int64_t *last; /* when each job (flattened over the table) last ran; only this thread */
};

static void run_once(jobs_t *j)
{
	db_conn_t *c = db_acquire(j->app->db);
	if (!c)
		return;
	int64_t now = (int64_t)time(NULL);
	size_t k = 0;
	for (size_t i = 0; i < cap_count; i++)
		for (const cap_job_t *job = cap_table[i]->jobs; job && job->run; job++, k++) {
			if (job->period > 0 && j->last[k] && now - j->last[k] < job->period)
				continue;
			j->last[k] = now;
			int rc = job->run(j->app, c, now);
			if (rc && !db_conn_usable(c)) {
				/* The database is gone: one line, and the round's other jobs wait for the next. */
				log_warn("jobs: %s failed and the database connection is lost (%s); the other jobs "
					 "wait for the next round",
					 job->name, db_errmsg(c));
				goto done;
			}
			if (rc)
				log_warn("jobs: %s failed: %s (%s)", job->name, err_name(rc), db_errmsg(c));
		}
done:
	db_release(c);
}

static void *loop(void *arg)
{
	jobs_t *j = arg;
	pthread_mutex_lock(&j->mu);
	while (!j->stop) {
		pthread_mutex_unlock(&j->mu);
		run_once(j);
		pthread_mutex_lock(&j->mu);
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += config_int(j->app->cfg, "jobs.interval");
		while (!j->stop && pthread_cond_timedwait(&j->cv, &j->mu, &ts) == 0)
			;
	}
	pthread_mutex_unlock(&j->mu);
	return NULL;
}

jobs_t *jobs_start(app_t *app)
{
	jobs_t *j = xcalloc(1, sizeof *j);
	j->app = app;
	size_t n = 0;
	for (size_t i = 0; i < cap_count; i++)
		for (const cap_job_t *job = cap_table[i]->jobs; job && job->run; job++)
			n++;
	j->last = xcalloc(n ? n : 1, sizeof *j->last);
	pthread_mutex_init(&j->mu, NULL);
	pthread_cond_init(&j->cv, NULL);
	if (pthread_create(&j->thread, NULL, loop, j) != 0) {
		log_error("jobs: cannot start the background thread");
		pthread_mutex_destroy(&j->mu);
		pthread_cond_destroy(&j->cv);
		free(j->last);
		free(j);
		return NULL;
	}
	return j;
}

void jobs_stop(jobs_t *j)
{
	if (!j)
		return;
	pthread_mutex_lock(&j->mu);
	j->stop = true;
	pthread_cond_signal(&j->cv);
	pthread_mutex_unlock(&j->mu);
	pthread_join(j->thread, NULL);
	pthread_mutex_destroy(&j->mu);
	pthread_cond_destroy(&j->cv);
	free(j->last);
	free(j);
}
