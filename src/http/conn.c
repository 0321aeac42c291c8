/* conn.c — see conn.h. */
#include "http/conn.h"

#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/netaddr.h"
#include "http/gauge.h"
#include "http/metrics.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TICK_MS 200

enum {
	C_WAIT, /* waiting for a request's line and headers (header deadline) */
	C_BODY, /* headers in, body arriving (body deadline) */
	C_BUSY, /* the handler and the answer: no deadline here */
	C_DONE, /* answered here; the connection is closing */
};

struct conn {
	struct conn *prev, *next; /* the registry, under mu */
	int fd;
	bool counted; /* counted in per_socket */
	char key[NETADDR_KEY_MAX];
	atomic_int state;
	atomic_int_least64_t since; /* monotonic ms: start of the current phase */
	int64_t answered_at;        /* under mu */
	bool rd_shut;               /* under mu */
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static conn_t *head;
static conn_settings_t cs;
static gauge_t *per_socket;
static pthread_t watchdog;
static bool running, watching, stopping;
static log_limit_t refuse_log, timeout_log;

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void addr_key(const struct sockaddr *sa, char out[NETADDR_KEY_MAX])
{
	char text[INET6_ADDRSTRLEN] = "unknown";
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, text, sizeof text);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, text, sizeof text);
	netaddr_key(text, out);
}

/* Writes what it can of msg without blocking (a client that reads nothing gets what fits), then
 * ends the writing side. Under mu, or from the thread that owns the connection. */
static void write_final(conn_t *k, const char *msg, size_t len)
{
	size_t off = 0;
	while (off < len) {
		ssize_t n = send(k->fd, msg + off, len - off, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	shutdown(k->fd, SHUT_WR);
	k->answered_at = now_ms();
}

/* ---------------------------------------------------------------- the watchdog */

static void timeout(conn_t *k, int from)
{
	int want = from;
	if (!atomic_compare_exchange_strong(&k->state, &want, C_DONE))
		return;
	write_final(k, cs.timeout_body, strlen(cs.timeout_body));
	metrics_refused(from == C_WAIT ? "header_timeout" : "body_timeout");
	log_error_limited(&timeout_log, 10, "http: %s from %s took longer than %lld s: 408",
			  from == C_WAIT ? "request headers" : "request body", k->key,
			  (long long)((from == C_WAIT ? cs.header_ms : cs.body_ms) / 1000));
}

static void sweep(int64_t now)
{
	pthread_mutex_lock(&mu);
	for (conn_t *k = head; k; k = k->next) {
		int st = atomic_load(&k->state);
		int64_t since = atomic_load(&k->since);
		if (st == C_WAIT && now - since > cs.header_ms)
			timeout(k, C_WAIT);
		else if (st == C_BODY && now - since > cs.body_ms)
			timeout(k, C_BODY);
		else if (st == C_DONE && !k->rd_shut && k->answered_at && now - k->answered_at > CONN_LINGER_MS) {
			/* The client had time to read the answer: libmicrohttpd now reads the end of the
			 * stream and closes the connection. */
			shutdown(k->fd, SHUT_RD);
			k->rd_shut = true;
		}
	}
	pthread_mutex_unlock(&mu);
}

static void *watch(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&mu);
	while (!stopping) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += TICK_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&cv, &mu, &ts);
		if (stopping)
			break;
		pthread_mutex_unlock(&mu);
		sweep(now_ms());
		pthread_mutex_lock(&mu);
	}
	pthread_mutex_unlock(&mu);
	return NULL;
}

int conn_start(const conn_settings_t *s)
{
	cs = *s;
	per_socket = gauge_new();
	stopping = false;
	if (pthread_create(&watchdog, NULL, watch, NULL)) {
		gauge_free(per_socket);
		per_socket = NULL;
		return ERR_IO;
	}
	running = watching = true;
	return 0;
}

void conn_stop(void)
{
	if (!watching)
		return;
	pthread_mutex_lock(&mu);
	stopping = true;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
	pthread_join(watchdog, NULL);
	watching = false;
	/* The registry stays: the daemon's stop still closes connections through conn_notify. */
}

/* ---------------------------------------------------------------- libmicrohttpd's callbacks */

enum MHD_Result conn_accept(void *cls, const struct sockaddr *addr, socklen_t len)
{
	(void)cls;
	(void)len;
	if (!cs.per_socket || !per_socket || cs.per_address <= 0)
		return MHD_YES;
	char key[NETADDR_KEY_MAX];
	addr_key(addr, key);
	if (gauge_count(per_socket, key) < cs.per_address)
		return MHD_YES;
	metrics_refused("connections_per_address");
	log_error_limited(&refuse_log, 10, "http: %s has %d connections open: more refused", key, cs.per_address);
	return MHD_NO;
}

static void started(struct MHD_Connection *c, void **socket_context)
{
	conn_t *k = xcalloc(1, sizeof *k);
	const union MHD_ConnectionInfo *fd = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	k->fd = fd ? fd->connect_fd : -1;
	addr_key(ci ? ci->client_addr : NULL, k->key);
	atomic_init(&k->state, C_WAIT);
	atomic_init(&k->since, now_ms());
	bool over = false;
	if (cs.per_socket && per_socket) {
		k->counted = gauge_take(per_socket, k->key, cs.per_address);
		over = !k->counted;
	}
	if (over) {
		/* Two accepts raced past the policy: close this one at once. */
		atomic_store(&k->state, C_DONE);
		k->rd_shut = true;
		if (k->fd >= 0)
			shutdown(k->fd, SHUT_RDWR);
		metrics_refused("connections_per_address");
	}
	pthread_mutex_lock(&mu);
	k->next = head;
	if (head)
		head->prev = k;
	head = k;
	pthread_mutex_unlock(&mu);
	*socket_context = k;
}

static void closed(void **socket_context)
{
	conn_t *k = *socket_context;
	if (!k)
		return;
	pthread_mutex_lock(&mu);
	if (k->prev)
		k->prev->next = k->next;
	else
		head = k->next;
	if (k->next)
		k->next->prev = k->prev;
	pthread_mutex_unlock(&mu);
	if (k->counted)
		gauge_give(per_socket, k->key);
	free(k);
	*socket_context = NULL;
}

void conn_notify(void *cls, struct MHD_Connection *c, void **socket_context, enum MHD_ConnectionNotificationCode code)
{
	(void)cls;
	if (!running)
		return;
	if (code == MHD_CONNECTION_NOTIFY_STARTED)
		started(c, socket_context);
	else if (code == MHD_CONNECTION_NOTIFY_CLOSED)
		closed(socket_context);
}

/* ---------------------------------------------------------------- the request's side */

conn_t *conn_of(struct MHD_Connection *c)
{
	if (!running)
		return NULL;
	const union MHD_ConnectionInfo *i = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return i ? i->socket_context : NULL;
}

static bool move(conn_t *k, int from, int to)
{
	if (!k)
		return true;
	atomic_store(&k->since, now_ms());
	int want = from;
	return atomic_compare_exchange_strong(&k->state, &want, to);
}

bool conn_headers_in(conn_t *k)
{
	return move(k, C_WAIT, C_BODY);
}

bool conn_body_in(conn_t *k)
{
	return move(k, C_BODY, C_BUSY);
}

void conn_request_over(conn_t *k)
{
	move(k, C_BUSY, C_WAIT);
}

bool conn_answer_now(conn_t *k, const char *msg, size_t len)
{
	if (!k)
		return false;
	int want = C_BODY;
	if (!atomic_compare_exchange_strong(&k->state, &want, C_DONE))
		return false;
	pthread_mutex_lock(&mu);
	write_final(k, msg, len);
	pthread_mutex_unlock(&mu);
	return true;
}

bool conn_answered(conn_t *k)
{
	return k && atomic_load(&k->state) == C_DONE;
}
