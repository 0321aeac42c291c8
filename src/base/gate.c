#include "base/gate.h"

#include "base/err.h"
#include "base/mem.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KEY_MAX 64

/* One place, waiting its turn in the queue or granted; made by gate_join, freed by gate_wait. */
struct gate_ticket {
	struct gate_ticket *next;
	char key[KEY_MAX];
	bool granted;
	struct timespec until; /* CLOCK_MONOTONIC */
};
typedef struct gate_ticket waiter_t;

struct gate {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned max_running, max_waiting, per_key;
	unsigned running, waiting, peak;
	uint64_t entered, refused;
	waiter_t *head, *tail; /* oldest first */
};

gate_t *gate_new(unsigned running, unsigned waiting, unsigned per_key)
{
	gate_t *g = xcalloc(1, sizeof *g);
	pthread_mutex_init(&g->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&g->cv, &ca);
	pthread_condattr_destroy(&ca);
	gate_set_limits(g, running, waiting, per_key);
	return g;
}

void gate_free(gate_t *g)
{
	if (!g)
		return;
	pthread_cond_destroy(&g->cv);
	pthread_mutex_destroy(&g->mu);
	free(g);
}

/* Hands free turns to the oldest waiters. Under mu. */
static void grant(gate_t *g)
{
	bool any = false;
	while (g->head && g->running < g->max_running) {
		waiter_t *w = g->head;
		g->head = w->next;
		if (!g->head)
			g->tail = NULL;
		w->granted = true;
		g->waiting--;
		g->running++;
		any = true;
	}
	if (g->running > g->peak)
		g->peak = g->running;
	if (any)
		pthread_cond_broadcast(&g->cv);
}

void gate_set_limits(gate_t *g, unsigned running, unsigned waiting, unsigned per_key)
{
	pthread_mutex_lock(&g->mu);
	g->max_running = running ? running : 1;
	g->max_waiting = waiting;
	g->per_key = per_key;
	grant(g);
	pthread_mutex_unlock(&g->mu);
}

static unsigned waiting_for(const gate_t *g, const char *key)
{
	unsigned n = 0;
	for (const waiter_t *w = g->head; w; w = w->next)
		n += strcmp(w->key, key) == 0;
	return n;
}

static void unlink_waiter(gate_t *g, waiter_t *me)
{
	waiter_t *prev = NULL;
	for (waiter_t *w = g->head; w; prev = w, w = w->next)
		if (w == me) {
			if (prev)
				prev->next = w->next;
			else
				g->head = w->next;
			if (g->tail == w)
				g->tail = prev;
			g->waiting--;
			return;
		}
}

int gate_join(gate_t *g, const char *key, int64_t wait_ms, gate_ticket_t **t)
{
	*t = NULL;
	waiter_t *me = xcalloc(1, sizeof *me);
	snprintf(me->key, sizeof me->key, "%s", key ? key : "");
	pthread_mutex_lock(&g->mu);
	if (!g->head && g->running < g->max_running) {
		g->running++;
		if (g->running > g->peak)
			g->peak = g->running;
		me->granted = true;
		pthread_mutex_unlock(&g->mu);
		*t = me;
		return 0;
	}
	if (wait_ms <= 0 || g->waiting >= g->max_waiting || waiting_for(g, me->key) >= g->per_key) {
		g->refused++;
		pthread_mutex_unlock(&g->mu);
		free(me);
		return ERR_BUSY;
	}
	if (g->tail)
		g->tail->next = me;
	else
		g->head = me;
	g->tail = me;
	g->waiting++;
	clock_gettime(CLOCK_MONOTONIC, &me->until);
	me->until.tv_sec += wait_ms / 1000;
	me->until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
	if (me->until.tv_nsec >= 1000000000L) {
		me->until.tv_sec++;
		me->until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_unlock(&g->mu);
	*t = me;
	return 0;
}

int gate_wait(gate_t *g, gate_ticket_t *me)
{
	pthread_mutex_lock(&g->mu);
	while (!me->granted)
		if (pthread_cond_timedwait(&g->cv, &g->mu, &me->until) == ETIMEDOUT)
			break;
	int rc = 0;
	if (me->granted) {
		g->entered++;
	} else {
		unlink_waiter(g, me);
		g->refused++;
		rc = ERR_BUSY;
	}
	pthread_mutex_unlock(&g->mu);
	free(me);
	return rc;
}

void gate_cancel(gate_t *g, gate_ticket_t *me)
{
	pthread_mutex_lock(&g->mu);
	if (me->granted) {
		if (g->running)
			g->running--;
		grant(g);
	} else {
		unlink_waiter(g, me);
	}
	pthread_mutex_unlock(&g->mu);
	free(me);
}

int gate_enter(gate_t *g, const char *key, int64_t wait_ms)
{
	gate_ticket_t *t;
	int rc = gate_join(g, key, wait_ms, &t);
	return rc ? rc : gate_wait(g, t);
}

void gate_leave(gate_t *g)
{
	pthread_mutex_lock(&g->mu);
	if (g->running)
		g->running--;
	grant(g);
	pthread_mutex_unlock(&g->mu);
}

void gate_stats(gate_t *g, gate_stats_t *out)
{
	pthread_mutex_lock(&g->mu);
	*out = (gate_stats_t){g->running, g->waiting, g->peak, g->entered, g->refused};
	pthread_mutex_unlock(&g->mu);
}
