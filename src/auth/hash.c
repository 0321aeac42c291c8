/* hash.c — password hashing under one process-wide limit.
 *
 * An argon2id check (libsodium's interactive limits) takes 64 MiB and about 0.1–0.3 s of a core,
 * and runs on the HTTP worker thread that serves the sign-in. Without a bound, a flood of
 * sign-ins from many addresses (each within its own lock-out limits) keeps every worker and
 * every core hashing, and every other page waits. So every hash and every check takes a turn
 * from one gate (base/gate.h): at most auth.max_concurrent_hashes at once (by default one fewer
 * than the cores), a few more may wait up to auth.hash_wait_ms, one of them per client address;
 * the rest are refused at once (the sign-in answers 503 with Retry-After, and counts no try).
 *
 * A waiting sign-in holds its worker thread, so the queue never takes the last worker: running
 * plus waiting stays below server.threads, and one worker is always free for everyone else. */
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
#include <time.h>
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

void auth_hash_setup(const config_t *cfg)
{
	unsigned c = cores();
	int64_t max = config_int(cfg, "auth.max_concurrent_hashes");
	int64_t running = max > 0 ? max : (c > 1 ? c - 1 : 1);
	int64_t threads = config_int(cfg, "server.threads");
	if (threads == 0)
		threads = c;
	int64_t room = threads - 1 - running, queue = config_int(cfg, "auth.hash_queue");
	if (queue > room)
		queue = room > 0 ? room : 0;
	gate_set_limits(the_gate(), (unsigned)running, (unsigned)queue, 1);
	atomic_store(&wait_ms, (int)config_int(cfg, "auth.hash_wait_ms"));
	if (running >= threads)
		log_warn("auth: auth.max_concurrent_hashes (%lld) is not below the worker threads (%lld): a sign-in "
			 "flood can hold every worker",
			 (long long)running, (long long)threads);
	log_info("auth: at most %lld password hashes at once, %lld more may wait %d ms", (long long)running,
		 (long long)queue, atomic_load(&wait_ms));
}

static int64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* libmicrohttpd serves each connection on one worker thread, and a thread that hashes serves none
 * of its other connections meanwhile. So when others were refused a turn while it held one (a
 * flood), a worker rests as long as it held its turn before it takes another one (a sign-in it
 * meets meanwhile is refused like any other without a turn): its other connections then wait
 * for one check at most, not for a run of them. Without contention nobody rests. */
static _Thread_local int64_t turn_began, rest_until;
static _Thread_local uint64_t refused_before;
static atomic_uint_fast64_t refusals; /* every sign-in refused a turn, resting workers' too */

int auth_hash_enter(const char *key)
{
	int rc = rest_until && now_ns() < rest_until ? ERR_BUSY : gate_enter(the_gate(), key, atomic_load(&wait_ms));
	if (rc) {
		atomic_fetch_add(&refusals, 1);
		return rc;
	}
	refused_before = atomic_load(&refusals);
	turn_began = now_ns();
	return 0;
}

void auth_hash_leave(void)
{
	int64_t now = now_ns();
	rest_until = atomic_load(&refusals) > refused_before ? now + (now - turn_began) : 0;
	gate_leave(the_gate());
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
