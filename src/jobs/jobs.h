/* jobs.h — the background thread: every jobs.interval seconds it runs the jobs the capabilities
 * declare (cap_t.jobs: outbox delivery, holds, no-shows, purges, slot materialisation), each at
 * most once per its period, on one storage connection. */
#ifndef FIN_JOBS_H
#define FIN_JOBS_H

struct app;
typedef struct jobs jobs_t;

/* Starts the thread; jobs_stop ends it (after the round in progress) and frees. */
jobs_t *jobs_start(struct app *app);
void jobs_stop(jobs_t *j);

#endif
