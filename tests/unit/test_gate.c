/* test_gate.c — the bounded pool of turns for costly work (base/gate.h): never more callers
 * inside than the limit, however many threads ask; a full queue, a key's used share and a wait
 * that runs out are refused; turns go to waiters in arrival order; a place joined without waiting
 * is waited for on another thread, or given up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/err.h"
#include "base/gate.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Waits (at most 5 s) until the gate holds `waiting` waiters. */
static void await_waiting(gate_t *g, unsigned waiting)
{
	gate_stats_t s;
	for (int i = 0; i < 5000; i++) {
		gate_stats(g, &s);
		if (s.waiting == waiting)
			return;
		usleep(1000);
	}
	gate_stats(g, &s);
	assert_int_equal(s.waiting, waiting);
}

/* ---------------------------------------------------------------- the limit under load */

#define LIMIT 3
#define THREADS 24
#define ROUNDS 40

static gate_t *load_gate;
static atomic_int inside, most_inside, load_refused;

static void *load_worker(void *arg)
{
	char key[32];
	snprintf(key, sizeof key, "10.0.0.%d", (int)(intptr_t)arg);
	for (int i = 0; i < ROUNDS; i++) {
		if (gate_enter(load_gate, key, 10000) != 0) {
			atomic_fetch_add(&load_refused, 1);
			continue;
		}
		int n = atomic_fetch_add(&inside, 1) + 1;
		for (int m = atomic_load(&most_inside); n > m && !atomic_compare_exchange_weak(&most_inside, &m, n);)
			;
		usleep(200);
		atomic_fetch_sub(&inside, 1);
		gate_leave(load_gate);
	}
	return NULL;
}

static void test_limit_holds_with_many_threads(void **state)
{
	(void)state;
	load_gate = gate_new(LIMIT, THREADS, 1);
	pthread_t t[THREADS];
	for (intptr_t i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, load_worker, (void *)i), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	gate_stats_t s;
	gate_stats(load_gate, &s);
	assert_int_equal(atomic_load(&load_refused), 0); /* a place in the queue for each thread */
	assert_int_equal(atomic_load(&most_inside), LIMIT);
	assert_int_equal(s.peak, LIMIT);
	assert_int_equal(s.entered, THREADS * ROUNDS);
	assert_int_equal(s.running, 0);
	assert_int_equal(s.waiting, 0);
	gate_free(load_gate);
}

/* ---------------------------------------------------------------- waiters */

typedef struct {
	gate_t *g;
	const char *key;
	int64_t wait_ms;
	int rc;
	int order; /* when it got in, counted from 1 */
	pthread_t t;
} caller_t;

static atomic_int arrivals;

static void *call(void *arg)
{
	caller_t *c = arg;
	c->rc = gate_enter(c->g, c->key, c->wait_ms);
	if (c->rc == 0) {
		c->order = atomic_fetch_add(&arrivals, 1) + 1;
		gate_leave(c->g);
	}
	return NULL;
}

static void start(caller_t *c, gate_t *g, const char *key, int64_t wait_ms)
{
	*c = (caller_t){.g = g, .key = key, .wait_ms = wait_ms};
	assert_int_equal(pthread_create(&c->t, NULL, call, c), 0);
}

static void test_full_queue_is_refused_at_once_and_waiters_go_in_order(void **state)
{
	(void)state;
	atomic_store(&arrivals, 0);
	gate_t *g = gate_new(1, 2, 1);
	assert_int_equal(gate_enter(g, "10.0.0.1", 0), 0);
	caller_t a, b;
	start(&a, g, "10.0.0.2", 10000);
	await_waiting(g, 1);
	start(&b, g, "10.0.0.3", 10000);
	await_waiting(g, 2);
	int64_t t0 = now_ms();
	assert_int_equal(gate_enter(g, "10.0.0.4", 10000), ERR_BUSY);
	assert_true(now_ms() - t0 < 1000); /* refused at once, not after the wait */
	gate_leave(g);
	pthread_join(a.t, NULL);
	pthread_join(b.t, NULL);
	assert_int_equal(a.rc, 0);
	assert_int_equal(b.rc, 0);
	assert_int_equal(a.order, 1);
	assert_int_equal(b.order, 2);
	gate_stats_t s;
	gate_stats(g, &s);
	assert_int_equal(s.refused, 1);
	assert_int_equal(s.entered, 3);
	assert_int_equal(s.peak, 1);
	gate_free(g);
}

static void test_one_key_holds_one_waiting_place(void **state)
{
	(void)state;
	gate_t *g = gate_new(1, 8, 1);
	assert_int_equal(gate_enter(g, "10.0.0.1", 0), 0);
	caller_t a, b;
	start(&a, g, "10.0.9.9", 10000);
	await_waiting(g, 1);
	/* The same address again: refused at once although the queue has room. */
	int64_t t0 = now_ms();
	assert_int_equal(gate_enter(g, "10.0.9.9", 10000), ERR_BUSY);
	assert_true(now_ms() - t0 < 1000);
	/* Another address still queues. */
	start(&b, g, "10.0.9.10", 10000);
	await_waiting(g, 2);
	gate_leave(g);
	pthread_join(a.t, NULL);
	pthread_join(b.t, NULL);
	assert_int_equal(a.rc, 0);
	assert_int_equal(b.rc, 0);
	gate_free(g);
}

static void test_a_wait_runs_out(void **state)
{
	(void)state;
	gate_t *g = gate_new(1, 4, 1);
	assert_int_equal(gate_enter(g, "10.0.0.1", 0), 0);
	/* No wait asked: refused at once. */
	assert_int_equal(gate_enter(g, "10.0.0.2", 0), ERR_BUSY);
	int64_t t0 = now_ms();
	assert_int_equal(gate_enter(g, "10.0.0.2", 150), ERR_BUSY);
	int64_t waited = now_ms() - t0;
	assert_true(waited >= 140 && waited < 3000);
	gate_stats_t s;
	gate_stats(g, &s);
	assert_int_equal(s.waiting, 0); /* the place it held is free again */
	assert_int_equal(s.refused, 2);
	gate_leave(g);
	assert_int_equal(gate_enter(g, "10.0.0.2", 0), 0);
	gate_leave(g);
	gate_free(g);
}

static void test_raised_limit_lets_waiters_in(void **state)
{
	(void)state;
	gate_t *g = gate_new(1, 4, 1);
	assert_int_equal(gate_enter(g, "10.0.0.1", 0), 0);
	caller_t a;
	start(&a, g, "10.0.0.2", 10000);
	await_waiting(g, 1);
	gate_set_limits(g, 2, 4, 1);
	pthread_join(a.t, NULL);
	assert_int_equal(a.rc, 0);
	gate_leave(g);
	gate_stats_t s;
	gate_stats(g, &s);
	assert_int_equal(s.running, 0);
	assert_int_equal(s.peak, 2);
	gate_free(g);
}

/* ---------------------------------------------------------------- join, then wait elsewhere */

typedef struct {
	gate_t *g;
	gate_ticket_t *t;
	int rc;
	pthread_t th;
} waiter_arg_t;

static void *wait_elsewhere(void *arg)
{
	waiter_arg_t *w = arg;
	w->rc = gate_wait(w->g, w->t);
	if (w->rc == 0)
		gate_leave(w->g);
	return NULL;
}

static void test_join_decides_at_once_and_the_wait_happens_elsewhere(void **state)
{
	(void)state;
	gate_t *g = gate_new(1, 2, 1);
	gate_ticket_t *first, *second, *third, *refused = (gate_ticket_t *)1;
	int64_t t0 = now_ms();
	assert_int_equal(gate_join(g, "10.0.0.1", 10000, &first), 0);          /* granted */
	assert_int_equal(gate_join(g, "10.0.0.2", 10000, &second), 0);         /* queued */
	assert_int_equal(gate_join(g, "10.0.0.3", 10000, &third), 0);          /* queued */
	assert_int_equal(gate_join(g, "10.0.0.4", 10000, &refused), ERR_BUSY); /* the queue is full */
	assert_null(refused);
	assert_true(now_ms() - t0 < 1000); /* nobody waited */
	gate_stats_t s;
	gate_stats(g, &s);
	assert_int_equal(s.running, 1);
	assert_int_equal(s.waiting, 2);
	/* The queued places are waited for on other threads, in the order they joined. */
	waiter_arg_t b = {.g = g, .t = second}, c = {.g = g, .t = third};
	assert_int_equal(pthread_create(&b.th, NULL, wait_elsewhere, &b), 0);
	assert_int_equal(pthread_create(&c.th, NULL, wait_elsewhere, &c), 0);
	assert_int_equal(gate_wait(g, first), 0); /* granted at the join: no wait */
	gate_leave(g);
	pthread_join(b.th, NULL);
	pthread_join(c.th, NULL);
	assert_int_equal(b.rc, 0);
	assert_int_equal(c.rc, 0);
	gate_stats(g, &s);
	assert_int_equal(s.running, 0);
	assert_int_equal(s.waiting, 0);
	assert_int_equal(s.entered, 3);
	assert_int_equal(s.peak, 1);
	gate_free(g);
}

static void test_a_joined_wait_counts_from_the_join(void **state)
{
	(void)state;
	gate_t *g = gate_new(1, 2, 1);
	assert_int_equal(gate_enter(g, "10.0.0.1", 0), 0);
	gate_ticket_t *t;
	assert_int_equal(gate_join(g, "10.0.0.2", 200, &t), 0);
	usleep(150 * 1000);
	int64_t t0 = now_ms();
	assert_int_equal(gate_wait(g, t), ERR_BUSY);
	assert_true(now_ms() - t0 < 150); /* what was left of 200 ms, not 200 more */
	gate_stats_t s;
	gate_stats(g, &s);
	assert_int_equal(s.waiting, 0);
	gate_leave(g);
	gate_free(g);
}

static void test_a_place_given_up_passes_its_turn_on(void **state)
{
	(void)state;
	gate_t *g = gate_new(1, 2, 1);
	gate_ticket_t *held, *queued, *next;
	assert_int_equal(gate_join(g, "10.0.0.1", 10000, &held), 0);
	assert_int_equal(gate_join(g, "10.0.0.2", 10000, &queued), 0);
	assert_int_equal(gate_join(g, "10.0.0.3", 10000, &next), 0);
	gate_cancel(g, queued); /* a queued place given up frees its place */
	gate_stats_t s;
	gate_stats(g, &s);
	assert_int_equal(s.waiting, 1);
	gate_cancel(g, held); /* a granted one hands its turn to the oldest waiter */
	gate_stats(g, &s);
	assert_int_equal(s.running, 1);
	assert_int_equal(s.waiting, 0);
	int64_t t0 = now_ms();
	assert_int_equal(gate_wait(g, next), 0);
	assert_true(now_ms() - t0 < 1000);
	gate_leave(g);
	gate_stats(g, &s);
	assert_int_equal(s.running, 0);
	gate_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_limit_holds_with_many_threads),
		cmocka_unit_test(test_full_queue_is_refused_at_once_and_waiters_go_in_order),
		cmocka_unit_test(test_one_key_holds_one_waiting_place),
		cmocka_unit_test(test_a_wait_runs_out),
		cmocka_unit_test(test_raised_limit_lets_waiters_in),
		cmocka_unit_test(test_join_decides_at_once_and_the_wait_happens_elsewhere),
		cmocka_unit_test(test_a_joined_wait_counts_from_the_join),
		cmocka_unit_test(test_a_place_given_up_passes_its_turn_on),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
