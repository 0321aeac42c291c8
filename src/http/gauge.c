/* gauge.c — see gauge.h. Chained hashing over a fixed bucket array; nodes are freed when their
 * count returns to zero. */
#include "http/gauge.h"

#include "base/mem.h"
#include "base/netaddr.h"

#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUCKETS 1024

typedef struct node {
	struct node *next;
	int count;
	char key[NETADDR_KEY_MAX];
} node_t;

struct gauge {
	pthread_mutex_t mu;
	node_t *b[BUCKETS];
	unsigned char seed[crypto_shorthash_KEYBYTES];
};

gauge_t *gauge_new(void)
{
	gauge_t *g = xcalloc(1, sizeof *g);
	pthread_mutex_init(&g->mu, NULL);
	/* A per-table key, so that nobody can aim many addresses at one bucket. */
	randombytes_buf(g->seed, sizeof g->seed);
	return g;
}

void gauge_free(gauge_t *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < BUCKETS; i++) {
		node_t *n = g->b[i];
		while (n) {
			node_t *next = n->next;
			free(n);
			n = next;
		}
	}
	pthread_mutex_destroy(&g->mu);
	free(g);
}

/* Keys are client keys and fit; a longer one is cut the same way every time. */
static node_t **slot(gauge_t *g, const char *full)
{
	char key[NETADDR_KEY_MAX];
	snprintf(key, sizeof key, "%s", full);
	unsigned char h[crypto_shorthash_BYTES];
	crypto_shorthash(h, (const unsigned char *)key, strlen(key), g->seed);
	uint64_t v;
	memcpy(&v, h, sizeof v);
	node_t **p = &g->b[v % BUCKETS];
	while (*p && strcmp((*p)->key, key) != 0)
		p = &(*p)->next;
	return p;
}

bool gauge_take(gauge_t *g, const char *key, int max)
{
	pthread_mutex_lock(&g->mu);
	node_t **p = slot(g, key);
	bool ok = !*p || max <= 0 || (*p)->count < max;
	if (ok) {
		if (!*p) {
			*p = xcalloc(1, sizeof **p);
			snprintf((*p)->key, sizeof(*p)->key, "%s", key);
		}
		(*p)->count++;
	}
	pthread_mutex_unlock(&g->mu);
	return ok;
}

void gauge_give(gauge_t *g, const char *key)
{
	pthread_mutex_lock(&g->mu);
	node_t **p = slot(g, key);
	node_t *n = *p;
	if (n && --n->count <= 0) {
		*p = n->next;
		free(n);
	}
	pthread_mutex_unlock(&g->mu);
}

int gauge_count(gauge_t *g, const char *key)
{
	pthread_mutex_lock(&g->mu);
	node_t **p = slot(g, key);
	int n = *p ? (*p)->count : 0;
	pthread_mutex_unlock(&g->mu);
	return n;
}
