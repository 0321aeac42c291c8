#include "jobs/jobs.h"

#include "app.h"
#include "auth/auth.h"
#include "base/log.h"
#include "base/mem.h"
#include "booking/booking.h"
#include "db/db.h"
#include "notify/notify.h"
#include "schedule/schedule.h"

#include <pthread.h>
#include <stdlib.h>
#include <stdbool.h>
#include <time.h>

struct jobs {
	app_t *app;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
};

/* schedule: the slots' horizon moves a day at local midnight; once an hour is plenty. Only the
 * jobs thread reads or writes this. */
#define SCHEDULE_PERIOD_S 3600
static int64_t schedule_last_run;

static void run_once(app_t *app)
{
	db_conn_t *c = db_acquire(app->db);
	if (!c)
		return;
	if (auth_purge(c))
		log_warn("jobs: purge of expired sessions failed: %s", db_errmsg(c));
	int64_t now = (int64_t)time(NULL);
	if (now - schedule_last_run >= SCHEDULE_PERIOD_S) {
		schedule_last_run = now;
		if (schedule_job(c, now))
			log_warn("jobs: slot materialisation failed for some office (see above)");
	}
	/* booking: expired holds, delayed seat returns, no-shows (it logs its own failures). */
	booking_job(c, app->cfg, now, NULL);
	/* notify: deliver due mails and SMS (retries keep their own backoff in the outbox), and
	 * purge old messages once an hour. */
	if (notify_job(c, now))
		log_warn("jobs: outbox delivery failed: %s", db_errmsg(c));
	db_release(c);
}

static void *loop(void *arg)
{
	jobs_t *j = arg;
	pthread_mutex_lock(&j->mu);
	while (!j->stop) {
		pthread_mutex_unlock(&j->mu);
		run_once(j->app);
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
	pthread_mutex_init(&j->mu, NULL);
	pthread_cond_init(&j->cv, NULL);
	if (pthread_create(&j->thread, NULL, loop, j) != 0) {
		log_error("jobs: cannot start the background thread");
		pthread_mutex_destroy(&j->mu);
		pthread_cond_destroy(&j->cv);
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
	free(j);
}
