/* ratelimit.c — see ratelimit.h. Open addressing over a power-of-two table with a short linear
 * probe; an entry is live while its window has not ended. */
#include "http/ratelimit.h"

#include "base/mem.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define PROBE 16

typedef struct {
	uint64_t h;   /* keyed hash of the key; 0 = empty */
	int64_t ends; /* the window ends at this instant */
	int32_t count;
} entry_t;

struct ratelimit {
	pthread_mutex_t mu;
	entry_t *e;
	size_t mask;
	size_t used;
	unsigned char key[crypto_shorthash_KEYBYTES];
};

ratelimit_t *ratelimit_new(size_t entries)
{
	size_t n = 64;
	while (n < entries && n < ((size_t)1 << 30))
		n <<= 1;
	ratelimit_t *rl = xcalloc(1, sizeof *rl);
	rl->e = xcalloc(n, sizeof *rl->e);
	rl->mask = n - 1;
	pthread_mutex_init(&rl->mu, NULL);
	/* A per-table key, so nobody can aim many addresses at one probe sequence. */
	randombytes_buf(rl->key, sizeof rl->key);
	return rl;
}

void ratelimit_free(ratelimit_t *rl)
{
	if (!rl)
		return;
	pthread_mutex_destroy(&rl->mu);
	free(rl->e);
	free(rl);
}

static uint64_t hash(const ratelimit_t *rl, const char *key)
{
	unsigned char out[crypto_shorthash_BYTES];
	crypto_shorthash(out, (const unsigned char *)key, strlen(key), rl->key);
	uint64_t h;
	memcpy(&h, out, sizeof h);
	return h ? h : 1;
}

bool ratelimit_hit(ratelimit_t *rl, const char *key, int limit, int window, int64_t now, int *retry_after)
{
	if (limit <= 0)
		return true;
	if (window < 1)
		window = 1;
	uint64_t h = hash(rl, key ? key : "");
	pthread_mutex_lock(&rl->mu);
	entry_t *found = NULL, *victim = NULL;
	for (size_t i = 0; i < PROBE; i++) {
		entry_t *e = &rl->e[(h + i) & rl->mask];
		if (e->h == h) {
			found = e;
			break;
		}
		/* Prefer an empty entry, then a dead one, then the oldest live one. */
		bool dead = e->h == 0 || e->ends <= now;
		if (!victim || (dead && !(victim->h == 0 || victim->ends <= now)) ||
		    (!dead && !(victim->h == 0 || victim->ends <= now) && e->ends < victim->ends) ||
		    (e->h == 0 && victim->h != 0))
			victim = e;
	}
	bool ok;
	if (found && found->ends > now) {
		ok = found->count < limit;
		if (ok)
			found->count++;
		else if (retry_after)
			*retry_after = (int)(found->ends - now) > 0 ? (int)(found->ends - now) : 1;
	} else {
		entry_t *e = found ? found : victim;
		if (e->h == 0)
			rl->used++;
		e->h = h;
		e->ends = now + window;
		e->count = 1;
		ok = true;
	}
	pthread_mutex_unlock(&rl->mu);
	return ok;
}

size_t ratelimit_size(ratelimit_t *rl)
{
	pthread_mutex_lock(&rl->mu);
	size_t n = rl->used;
	pthread_mutex_unlock(&rl->mu);
	return n;
}
