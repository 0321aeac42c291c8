/* hash.c — password hashing under one process-wide limit.
 *
 * An argon2id check (libsodium's interactive limits) takes 64 MiB and about 0.1–0.3 s of a core.
 * Without a bound, a flood of sign-ins from many addresses (each within its own lock-out limits)
 * keeps every core hashing, and every other page waits. So every hash and every check takes a
 * turn from one gate (base/gate.h): at most auth.max_concurrent_hashes at once (by default one
 * fewer than the cores), a few more may wait up to auth.hash_wait_ms, one of them per client
 * address; the rest are refused at once (the sign-in answers 503 with Retry-After, and counts no
 * try).
 *
 * The pages' checks and hashes run off the HTTP worker threads (http_offload): the worker asks
 * for a place without waiting (auth_hash_join, refused at once when the queue is full), and an
 * offload thread waits for the turn and works. So a waiting sign-in holds no worker, and the
 * server reserves one offload thread per turn and per waiting place. */
#include "auth/internal.h"

#include "base/config.h"
#include "base/err.h"
#include "base/gate.h"
#include "base/log.h"

#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static gate_t *gate;
static pthread_once_t gate_once = PTHREAD_ONCE_INIT;
static atomic_int wait_ms;

static unsigned cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

/* Until the server starts (the command line, the demo's seeds): the default limit, no queue. */
static void gate_make(void)
{
	unsigned c = cores();
	gate = gate_new(c > 1 ? c - 1 : 1, 0, 1);
}

static gate_t *the_gate(void)
{
	pthread_once(&gate_once, gate_make);
	return gate;
}

unsigned auth_hash_setup(const config_t *cfg)
{
	unsigned c = cores();
	int64_t max = config_int(cfg, "auth.max_concurrent_hashes");
	int64_t running = max > 0 ? max : (c > 1 ? c - 1 : 1);
	int64_t queue = config_int(cfg, "auth.hash_queue");
	gate_set_limits(the_gate(), (unsigned)running, (unsigned)queue, 1);
	atomic_store(&wait_ms, (int)config_int(cfg, "auth.hash_wait_ms"));
	log_info("auth: at most %lld password hashes at once, %lld more may wait %d ms", (long long)running,
		 (long long)queue, atomic_load(&wait_ms));
	return (unsigned)(running + queue);
}

int auth_hash_enter(const char *key)
{
	return gate_enter(the_gate(), key, atomic_load(&wait_ms));
}

void auth_hash_leave(void)
{
	gate_leave(the_gate());
}

int auth_hash_join(const char *key, gate_ticket_t **t)
{
	return gate_join(the_gate(), key, atomic_load(&wait_ms), t);
}

int auth_hash_wait(gate_ticket_t *t)
{
	return gate_wait(the_gate(), t);
}

void auth_hash_cancel(gate_ticket_t *t)
{
	gate_cancel(the_gate(), t);
}

/* argon2id, within a turn the caller holds. */
static int hash_now(const char *password, char out[AUTH_HASH_LEN])
{
	if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return ERR_UNAVAILABLE;
	return 0;
}

_Static_assert(AUTH_HASH_LEN == crypto_pwhash_STRBYTES, "hash size");

int auth_hash_password(const char *key, const char *password, char out[AUTH_HASH_LEN])
{
	int rc = auth_hash_enter(key);
	if (rc)
		return rc;
	rc = hash_now(password, out);
	auth_hash_leave();
	return rc;
}

/* The hash an unknown account is checked against, so that it costs what a known one does. */
static char dummy[AUTH_HASH_LEN];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_make(void)
{
	if (hash_now("not-a-real-password", dummy))
		abort(); /* out of memory: as any allocation failure */
}

bool auth_password_matches(const char *hash, const char *password)
{
	if (hash)
		return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
	pthread_once(&dummy_once, dummy_make);
	int spent = crypto_pwhash_str_verify(dummy, password, strlen(password));
	(void)spent;
	return false;
}

void auth_check_work(void *data)
{
	auth_check_job_t *j = data;
	if (auth_hash_wait(j->turn)) {
		j->rc = ERR_BUSY;
		return;
	}
	j->rc = auth_password_matches(j->known ? j->hash : NULL, j->password) ? 1 : 0;
	auth_hash_leave();
}

void auth_hash_work(void *data)
{
	auth_hash_job_t *j = data;
	if (auth_hash_wait(j->turn)) {
		j->rc = ERR_BUSY;
		return;
	}
	j->rc = hash_now(j->password, j->hash);
	auth_hash_leave();
}
