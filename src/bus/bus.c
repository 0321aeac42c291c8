#include "bus/bus.h"

#include "base/buf.h"
#include "base/err.h"
#include "base/json.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/rand.h"
#include "db/db.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#define NBUCKETS 256
#define NOTIFY_CHANNEL "finestreta_events"
#define MAX_PAYLOAD 7600

struct bus_sub {
	char *topic;
	unsigned bucket;
	bus_fn fn;
	void *ud;
	bus_sub_t *next, *prev;
};

struct bus {
	pthread_rwlock_t lock;
	bus_sub_t *buckets[NBUCKETS];
	size_t nsubs;
	atomic_int_fast64_t next_id;
	char node[17]; /* random id telling this node's own notifications apart */
	db_t *db;
	pthread_t hb_thread;
	bool hb_running;
	pthread_mutex_t hb_mu;
	pthread_cond_t hb_cv;
	bool stopping;
	int hb_seconds;
};

static unsigned topic_hash(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % NBUCKETS;
}

bus_t *bus_new(void)
{
	bus_t *b = xcalloc(1, sizeof *b);
	pthread_rwlock_init(&b->lock, NULL);
	pthread_mutex_init(&b->hb_mu, NULL);
	pthread_cond_init(&b->hb_cv, NULL);
	atomic_store(&b->next_id, 1);
	char tok[RAND_TOKEN_HEX_LEN];
	rand_token_hex(tok);
	memcpy(b->node, tok, 16);
	b->node[16] = '\0';
	return b;
}

void bus_free(bus_t *b)
{
	if (!b)
		return;
	if (b->hb_running) {
		pthread_mutex_lock(&b->hb_mu);
		b->stopping = true;
		pthread_cond_signal(&b->hb_cv);
		pthread_mutex_unlock(&b->hb_mu);
		pthread_join(b->hb_thread, NULL);
	}
	for (unsigned i = 0; i < NBUCKETS; i++) {
		bus_sub_t *s = b->buckets[i];
		while (s) {
			bus_sub_t *n = s->next;
			free(s->topic);
			free(s);
			s = n;
		}
	}
	pthread_rwlock_destroy(&b->lock);
	pthread_mutex_destroy(&b->hb_mu);
	pthread_cond_destroy(&b->hb_cv);
	free(b);
}

int bus_topic_valid(const char *t)
{
	size_t n = 0;
	for (; t[n]; n++) {
		char c = t[n];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return 0;
		if (n >= 64)
			return 0;
	}
	return n > 0;
}

/* Delivers to local subscribers; data_json is already serialised. */
/* ---------------------------------------------------------------- who may subscribe */

#define MAX_TOPIC_TABLES 64

static struct {
	const bus_topic_t *rules;
	size_t n;
} topic_tables[MAX_TOPIC_TABLES];
static size_t ntopic_tables;

void bus_topics_add(const bus_topic_t *rules, size_t n)
{
	if (ntopic_tables == MAX_TOPIC_TABLES) {
		log_error("bus: more than %d tables of topic rules", MAX_TOPIC_TABLES);
		abort();
	}
	topic_tables[ntopic_tables].rules = rules;
	topic_tables[ntopic_tables].n = n;
	ntopic_tables++;
}

unsigned bus_topic_roles(const char *topic)
{
	const bus_topic_t *prefix = NULL;
	for (size_t t = 0; t < ntopic_tables; t++)
		for (size_t i = 0; i < topic_tables[t].n; i++) {
			const bus_topic_t *r = &topic_tables[t].rules[i];
			size_t n = strlen(r->topic);
			if (strcmp(r->topic, topic) == 0)
				return r->roles;
			if (!prefix && n && r->topic[n - 1] == '.' && strncmp(r->topic, topic, n) == 0)
				prefix = r;
		}
	return prefix ? prefix->roles : 0;
}

static void deliver(bus_t *b, const char *topic, const char *type, const char *data_json, int64_t *id_out)
{
	int64_t id = atomic_fetch_add(&b->next_id, 1);
	if (id_out)
		*id_out = id;
	buf_t f;
	buf_init(&f, MAX_PAYLOAD * 2 + 256);
	/* Cannot pass the cap: publish refused data past MAX_PAYLOAD and types past 64 bytes. */
	(void)buf_printf(&f, "id: %lld\nevent: %s\ndata: %s\n\n", (long long)id, type, data_json);
	bus_event_t ev = {BUS_EVENT, topic, buf_str(&f), f.len};
	unsigned h = topic_hash(topic);
	pthread_rwlock_rdlock(&b->lock);
	for (bus_sub_t *s = b->buckets[h]; s; s = s->next)
		if (strcmp(s->topic, topic) == 0)
			s->fn(s->ud, &ev);
	pthread_rwlock_unlock(&b->lock);
	buf_free(&f);
}

int bus_publish(bus_t *b, const char *topic, const char *type, json_t *data, int64_t *id_out)
{
	if (!bus_topic_valid(topic) || !bus_topic_valid(type))
		return ERR_INVALID;
	/* JSON_COMPACT keeps the frame on one "data:" line: jansson escapes newlines in strings. */
	char *json = json_dumps(data ? data : json_null(), JSON_COMPACT | JSON_ENCODE_ANY);
	if (!json)
		return ERR_INVALID;
	int rc = 0;
	if (strlen(json) > MAX_PAYLOAD) {
		free(json);
		return ERR_TOO_BIG;
	}
	deliver(b, topic, type, json, id_out);
	if (b->db) {
		json_t *env = jpack("{s:s,s:s,s:s,s:s}", "node", b->node, "topic", topic, "type", type, "data", json);
		char *payload = json_dumps(env, JSON_COMPACT);
		json_decref(env);
		db_conn_t *c = db_acquire(b->db);
		if (!c || db_notify(c, NOTIFY_CHANNEL, payload) < 0) {
			log_error("bus: relay of %s/%s failed", topic, type);
			rc = ERR_DB;
		}
		if (c)
			db_release(c);
		free(payload);
	}
	free(json);
	return rc;
}

static void on_notify(void *ud, const char *channel, const char *payload)
{
	bus_t *b = ud;
	json_error_t e;
	json_t *env = json_loads(payload, 0, &e);
	const char *node = NULL, *topic = NULL, *type = NULL, *data = NULL;
	if (!env ||
	    json_unpack(env, "{s:s,s:s,s:s,s:s}", "node", &node, "topic", &topic, "type", &type, "data", &data)) {
		log_warn("bus: ignoring a malformed notification on %s", channel);
	} else if (strcmp(node, b->node) != 0 && bus_topic_valid(topic) && bus_topic_valid(type)) {
		deliver(b, topic, type, data, NULL);
	}
	json_decref(env);
}

int bus_start_relay(bus_t *b, db_t *db)
{
	if (db_kind(db) != DB_POSTGRES)
		return 0;
	int rc = db_listen(db, NOTIFY_CHANNEL, on_notify, b);
	if (rc == 0)
		b->db = db;
	return rc;
}

bus_sub_t *bus_subscribe(bus_t *b, const char *topic, bus_fn fn, void *ud)
{
	bus_sub_t *s = xcalloc(1, sizeof *s);
	s->topic = xstrdup(topic);
	s->bucket = topic_hash(topic);
	s->fn = fn;
	s->ud = ud;
	pthread_rwlock_wrlock(&b->lock);
	s->next = b->buckets[s->bucket];
	if (s->next)
		s->next->prev = s;
	b->buckets[s->bucket] = s;
	b->nsubs++;
	pthread_rwlock_unlock(&b->lock);
	return s;
}

void bus_unsubscribe(bus_t *b, bus_sub_t *s)
{
	pthread_rwlock_wrlock(&b->lock);
	if (s->prev)
		s->prev->next = s->next;
	else
		b->buckets[s->bucket] = s->next;
	if (s->next)
		s->next->prev = s->prev;
	b->nsubs--;
	pthread_rwlock_unlock(&b->lock);
	free(s->topic);
	free(s);
}

size_t bus_subscriber_count(bus_t *b)
{
	pthread_rwlock_rdlock(&b->lock);
	size_t n = b->nsubs;
	pthread_rwlock_unlock(&b->lock);
	return n;
}

size_t bus_topic_subscriber_count(bus_t *b, const char *topic)
{
	size_t n = 0;
	unsigned h = topic_hash(topic);
	pthread_rwlock_rdlock(&b->lock);
	for (bus_sub_t *s = b->buckets[h]; s; s = s->next)
		n += strcmp(s->topic, topic) == 0;
	pthread_rwlock_unlock(&b->lock);
	return n;
}

static void broadcast(bus_t *b, bus_kind_t kind)
{
	bus_event_t ev = {kind, NULL, NULL, 0};
	pthread_rwlock_rdlock(&b->lock);
	for (unsigned i = 0; i < NBUCKETS; i++)
		for (bus_sub_t *s = b->buckets[i]; s; s = s->next)
			s->fn(s->ud, &ev);
	pthread_rwlock_unlock(&b->lock);
}

static void *heartbeat(void *arg)
{
	bus_t *b = arg;
	pthread_mutex_lock(&b->hb_mu);
	while (!b->stopping) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += b->hb_seconds;
		while (!b->stopping && pthread_cond_timedwait(&b->hb_cv, &b->hb_mu, &ts) == 0)
			;
		if (b->stopping)
			break;
		pthread_mutex_unlock(&b->hb_mu);
		broadcast(b, BUS_PING);
		pthread_mutex_lock(&b->hb_mu);
	}
	pthread_mutex_unlock(&b->hb_mu);
	return NULL;
}

void bus_start_heartbeat(bus_t *b, int seconds)
{
	b->hb_seconds = seconds > 0 ? seconds : 15;
	if (pthread_create(&b->hb_thread, NULL, heartbeat, b) == 0)
		b->hb_running = true;
}

void bus_close_all(bus_t *b)
{
	broadcast(b, BUS_CLOSE);
}
