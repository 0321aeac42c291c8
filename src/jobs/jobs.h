/* jobs.h — the background thread: periodic housekeeping (expired sessions, old login attempts).
 * Later capabilities add their tasks here (outbox delivery, reminders, no-shows, purges). */
#ifndef FIN_JOBS_H
#define FIN_JOBS_H

struct app;
typedef struct jobs jobs_t;

/* Starts the thread; jobs_stop ends it and frees. */
jobs_t *jobs_start(struct app *app);
void jobs_stop(jobs_t *j);

#endif
