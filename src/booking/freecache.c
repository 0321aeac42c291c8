/* freecache.c — availability answers kept in memory per node (freecache.h says when one is
 * served). A fixed table of entries, each under its own lock, placed by the key's hash; a
 * newer answer for another key in the same place replaces the older one. */
#include "booking/freecache.h"

#include "app.h"
#include "base/log.h"
#include "base/mem.h"
#include "bus/bus.h"
#include "db/db.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define NENTRIES 1024
#define KEY_MAX 320

typedef struct {
	pthread_mutex_t mu;
	char key[KEY_MAX];
	int64_t now;
	uint64_t gen;
	char *body;
	size_t len;
} entry_t;

static entry_t table[NENTRIES];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;
static atomic_uint_fast64_t generation = 1;
static atomic_uint_fast64_t hits, misses;
/* Answers are kept only while changes are watched (between start and finish). */
static atomic_bool watching;

static void table_init(void)
{
	for (size_t i = 0; i < NENTRIES; i++)
		pthread_mutex_init(&table[i].mu, NULL);
}

static entry_t *place(const char *key)
{
	pthread_once(&table_once, table_init);
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return &table[h % NENTRIES];
}

const char *bk_freecache_key(arena_t *a, const booking_query_t *q, bool staff)
{
	const char *v[] = {q->service, q->channel, q->office, q->from, q->to};
	char *key = arena_printf(a, "%d", staff ? 1 : 0);
	for (size_t i = 0; i < sizeof v / sizeof *v; i++)
		key = arena_printf(a, "%s|%zu:%s", key, v[i] ? strlen(v[i]) : 0, v[i] ? v[i] : "");
	return key;
}

uint64_t bk_freecache_gen(void)
{
	return atomic_load(&generation);
}

void bk_freecache_drop(void)
{
	atomic_fetch_add(&generation, 1);
}

const char *bk_freecache_get(arena_t *a, const char *key, int64_t now, size_t *len)
{
	if (!atomic_load(&watching) || strlen(key) >= KEY_MAX)
		return NULL;
	entry_t *e = place(key);
	char *out = NULL;
	pthread_mutex_lock(&e->mu);
	if (e->body && e->now == now && e->gen == atomic_load(&generation) && strcmp(e->key, key) == 0) {
		out = arena_alloc(a, e->len + 1);
		memcpy(out, e->body, e->len);
		out[e->len] = '\0';
		*len = e->len;
	}
	pthread_mutex_unlock(&e->mu);
	atomic_fetch_add(out ? &hits : &misses, 1);
	return out;
}

void bk_freecache_put(const char *key, int64_t now, uint64_t gen, const char *body, size_t len)
{
	size_t klen = strlen(key);
	if (!atomic_load(&watching) || klen >= KEY_MAX || gen != atomic_load(&generation))
		return;
	char *copy = xmalloc(len + 1);
	memcpy(copy, body, len);
	copy[len] = '\0';
	entry_t *e = place(key);
	pthread_mutex_lock(&e->mu);
	char *old = e->body;
	memcpy(e->key, key, klen + 1);
	e->now = now;
	e->gen = gen;
	e->body = copy;
	e->len = len;
	pthread_mutex_unlock(&e->mu);
	free(old);
}

void bk_freecache_stats(uint64_t *h, uint64_t *m)
{
	*h = atomic_load(&hits);
	*m = atomic_load(&misses);
}

/* ---------------------------------------------------------------- watching changes */

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	bool running, stopping, pending;
	bus_sub_t *seats, *catalog;
	app_t *app;
} w = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

/* A touched commit on this node: drop, and (PostgreSQL) have the thread tell the others. The
 * committing thread holds a pool connection, so it does not publish itself. */
static void on_touch(void *ud)
{
	(void)ud;
	bk_freecache_drop();
	if (!w.running)
		return;
	pthread_mutex_lock(&w.mu);
	w.pending = true;
	pthread_cond_signal(&w.cv);
	pthread_mutex_unlock(&w.mu);
}

static void on_event(void *ud, const bus_event_t *ev)
{
	(void)ud;
	if (ev->kind == BUS_EVENT)
		bk_freecache_drop();
}

static void *relay(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&w.mu);
	while (!w.stopping) {
		if (!w.pending) {
			pthread_cond_wait(&w.cv, &w.mu);
			continue;
		}
		w.pending = false;
		pthread_mutex_unlock(&w.mu);
		if (bus_publish(w.app->bus, BK_FREECACHE_TOPIC, "changed", NULL, NULL))
			log_warn("booking: could not tell other nodes that seats changed");
		pthread_mutex_lock(&w.mu);
	}
	pthread_mutex_unlock(&w.mu);
	return NULL;
}

int bk_freecache_start(app_t *app)
{
	w.app = app;
	w.stopping = false;
	w.pending = false;
	if (app->bus) {
		w.seats = bus_subscribe(app->bus, BK_FREECACHE_TOPIC, on_event, NULL);
		w.catalog = bus_subscribe(app->bus, "catalog.changed", on_event, NULL);
		if (db_kind(app->db) == DB_POSTGRES && pthread_create(&w.thread, NULL, relay, NULL) == 0)
			w.running = true;
	}
	db_on_touch(app->db, on_touch, NULL);
	bk_freecache_drop(); /* nothing kept from before the watch */
	atomic_store(&watching, true);
	return 0;
}

void bk_freecache_finish(app_t *app)
{
	atomic_store(&watching, false);
	db_on_touch(app->db, NULL, NULL);
	if (w.running) {
		pthread_mutex_lock(&w.mu);
		w.stopping = true;
		pthread_cond_signal(&w.cv);
		pthread_mutex_unlock(&w.mu);
		pthread_join(w.thread, NULL);
		w.running = false;
	}
	if (w.seats)
		bus_unsubscribe(app->bus, w.seats);
	if (w.catalog)
		bus_unsubscribe(app->bus, w.catalog);
	w.seats = w.catalog = NULL;
	bk_freecache_drop();
}
