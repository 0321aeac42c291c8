/* test_offload.c — http_offload (http/offload.c) on a real libmicrohttpd daemon with one worker
 * thread: a request whose work is still running stays parked while that worker serves another
 * request; its `then` step replies on the worker with what the work left in its copy of the data
 * (not the caller's, which may change or go away); a client that hangs up while its work runs is
 * let go once the work ends; stopping the pool runs the work in flight and resumes its connection,
 * so that the daemon can stop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/arena.h"
#include "http/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* ---------------------------------------------------------------- a server with one worker */

static const http_route_t route = {HTTP_GET, "/test", NULL, 0, 0};

static pthread_mutex_t gm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gc = PTHREAD_COND_INITIALIZER;
static bool released;        /* the slow work may end */
static int started;          /* slow works begun */
static atomic_int completed; /* requests over (completion callback) */

typedef struct {
	int in, out;
} job_t;

static void slow_work(void *data)
{
	job_t *j = data;
	pthread_mutex_lock(&gm);
	started++;
	pthread_cond_broadcast(&gc);
	while (!released)
		pthread_cond_wait(&gc, &gm);
	pthread_mutex_unlock(&gm);
	j->out = j->in * 2;
}

static void then_reply(http_req_t *r, void *data)
{
	const job_t *j = data;
	char b[32];
	snprintf(b, sizeof b, "slow %d", j->out);
	http_reply_text(r, 200, "text/plain", b, strlen(b));
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
			       const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	ctx_t *x = *con_cls;
	if (!x) {
		arena_t *a = arena_new();
		x = arena_alloc(a, sizeof *x);
		memset(x, 0, sizeof *x);
		x->r.arena = a;
		x->r.conn = c;
		x->r.rt = &route;
		x->r.path = arena_strdup(a, url);
		*con_cls = x;
		return MHD_YES;
	}
	if (x->job) {
		srv_dispatch_then(x);
	} else if (strcmp(url, "/slow") == 0) {
		job_t j = {.in = 21};
		http_offload(&x->r, slow_work, &j, sizeof j, then_reply);
		j.in = -1; /* the work has its own copy */
		if (x->job)
			return MHD_YES; /* parked until the work is done */
	} else {
		http_reply_text(&x->r, 200, "text/plain", "fast", 4);
	}
	return MHD_queue_response(c, (unsigned)x->status, x->resp);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	ctx_t *x = *con_cls;
	if (!x)
		return;
	*con_cls = NULL;
	srv_offload_drop(x);
	if (x->resp)
		MHD_destroy_response(x->resp);
	arena_free(x->r.arena);
	atomic_fetch_add(&completed, 1);
}

static struct MHD_Daemon *daemon_start(uint16_t *port)
{
	/* One internal thread: every connection is served by the same worker. */
	struct MHD_Daemon *d =
		MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME, 0, NULL,
				 NULL, handler, NULL, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_END);
	assert_non_null(d);
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	*port = info->port;
	return d;
}

/* ---------------------------------------------------------------- a client */

static int client_open(uint16_t port, const char *path)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
	char req[128];
	int n = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\n\r\n", path);
	assert_int_equal(write(fd, req, (size_t)n), n);
	return fd;
}

/* The answer's body, after the connection closes (HTTP/1.0). */
static void client_read(int fd, char *body, size_t cap)
{
	char all[4096];
	size_t len = 0;
	ssize_t n;
	while (len < sizeof all - 1 && (n = read(fd, all + len, sizeof all - 1 - len)) > 0)
		len += (size_t)n;
	all[len] = '\0';
	close(fd);
	const char *b = strstr(all, "\r\n\r\n");
	snprintf(body, cap, "%s", b ? b + 4 : "");
}

static void await_started(int n)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 5;
	pthread_mutex_lock(&gm);
	while (started < n && pthread_cond_timedwait(&gc, &gm, &until) == 0)
		;
	int got = started;
	pthread_mutex_unlock(&gm);
	assert_int_equal(got, n);
}

static void release_work(void)
{
	pthread_mutex_lock(&gm);
	released = true;
	pthread_cond_broadcast(&gc);
	pthread_mutex_unlock(&gm);
}

static void reset(void)
{
	pthread_mutex_lock(&gm);
	released = false;
	started = 0;
	pthread_mutex_unlock(&gm);
	atomic_store(&completed, 0);
}

/* ---------------------------------------------------------------- tests */

static void test_parked_request_leaves_its_worker_free(void **state)
{
	(void)state;
	reset();
	assert_int_equal(srv_offload_start(), 0);
	uint16_t port;
	struct MHD_Daemon *d = daemon_start(&port);
	int slow = client_open(port, "/slow");
	await_started(1);
	/* The slow request's work has not ended, and its worker answers another request. */
	char body[64];
	client_read(client_open(port, "/fast"), body, sizeof body);
	assert_string_equal(body, "fast");
	release_work();
	client_read(slow, body, sizeof body);
	assert_string_equal(body, "slow 42"); /* the work's result, from the caller's data as it was */
	srv_offload_stop();
	MHD_stop_daemon(d);
	assert_int_equal(atomic_load(&completed), 2);
}

static void test_client_that_hangs_up_is_let_go(void **state)
{
	(void)state;
	reset();
	assert_int_equal(srv_offload_start(), 0);
	uint16_t port;
	struct MHD_Daemon *d = daemon_start(&port);
	close(client_open(port, "/slow"));
	await_started(1);
	release_work();
	/* Resumed, answered to nobody, over. */
	for (int i = 0; i < 500 && atomic_load(&completed) < 1; i++)
		usleep(10 * 1000);
	assert_int_equal(atomic_load(&completed), 1);
	char body[64];
	client_read(client_open(port, "/fast"), body, sizeof body);
	assert_string_equal(body, "fast");
	srv_offload_stop();
	MHD_stop_daemon(d);
}

static void *release_later(void *arg)
{
	(void)arg;
	usleep(100 * 1000);
	release_work();
	return NULL;
}

static void test_stop_runs_the_work_in_flight(void **state)
{
	(void)state;
	reset();
	assert_int_equal(srv_offload_start(), 0);
	uint16_t port;
	struct MHD_Daemon *d = daemon_start(&port);
	int a = client_open(port, "/slow"), b = client_open(port, "/slow");
	await_started(1);  /* one runs */
	usleep(50 * 1000); /* the other is parked and queued behind it meanwhile */
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, release_later, NULL), 0);
	srv_offload_stop(); /* returns once both have run and resumed their connections */
	pthread_join(t, NULL);
	pthread_mutex_lock(&gm);
	int ran = started;
	pthread_mutex_unlock(&gm);
	assert_int_equal(ran, 2);
	MHD_stop_daemon(d); /* would abort with a connection still suspended */
	assert_int_equal(atomic_load(&completed), 2);
	close(a);
	close(b);
}

static void test_without_threads_work_runs_here(void **state)
{
	(void)state;
	reset();
	release_work();
	/* No pool started: http_offload runs the work and its then step on the calling worker. */
	uint16_t port;
	struct MHD_Daemon *d = daemon_start(&port);
	char body[64];
	client_read(client_open(port, "/slow"), body, sizeof body);
	assert_string_equal(body, "slow 42");
	MHD_stop_daemon(d);
}

int main(void)
{
	http_offload_reserve(1); /* one thread: the second slow request queues behind the first */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parked_request_leaves_its_worker_free),
		cmocka_unit_test(test_client_that_hangs_up_is_let_go),
		cmocka_unit_test(test_stop_runs_the_work_in_flight),
		cmocka_unit_test(test_without_threads_work_runs_here),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
