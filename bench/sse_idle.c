/* sse_idle.c — thousands of idle Server-Sent Event streams from one process.
 *
 * Opens N concurrent GET /events?topic=T streams with non-blocking sockets and epoll, then reads
 * the server's memory (VmRSS) and CPU time (utime + stime) from /proc/PID, leaves the streams
 * idle for a while, publishes one event with POST /api/v1/events and times how long it takes to
 * reach every stream. Finally it closes the streams, opens and closes them ROUNDS more times
 * (default 3), and reads VmRSS after each round, so memory that is not given back shows up.
 *
 * usage: sse_idle PORT N SERVER_PID TOKEN [IDLE_SECONDS] [TOPIC] [ROUNDS]
 * Output: one "key=value" line per measurement on stdout (scripts/run-bench.sh parses them);
 * progress and errors on stderr. Exit status 0 only when every stream connected and got the event.
 * Loopback only; every wait is bounded. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum state { ST_FREE, ST_CONNECTING, ST_WAITING, ST_OPEN, ST_GOT_EVENT, ST_DEAD };

#define TAIL 32         /* bytes kept between reads to find a marker split across them */
#define MAX_INFLIGHT 256 /* handshakes at once: stays far below the listen backlog */
#define PUBLISH_ID (-1)

struct client {
	int fd;
	enum state st;
	size_t tail_len;
	char tail[TAIL];
	double t_event; /* seconds after the publish */
};

static struct client *cl;
static int n_clients;
static int ep;
static uint16_t port;
static char topic[80] = "bench.idle";
static uint64_t idle_bytes; /* bytes that arrived while the streams should have been idle */
static bool count_idle;
static int counts[ST_DEAD + 1]; /* clients in each state */

static void set_state(struct client *c, enum state st)
{
	counts[c->st]--;
	counts[st]++;
	c->st = st;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_s(double s)
{
	struct timespec ts = {.tv_sec = (time_t)s, .tv_nsec = (long)((s - (double)(time_t)s) * 1e9)};
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* ---- /proc/PID */

static long proc_rss_kib(int pid)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", pid);
	FILE *f = fopen(path, "r");
	long kib = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, "VmRSS:", 6) == 0) {
			kib = strtol(line + 6, NULL, 10);
			break;
		}
	fclose(f);
	return kib;
}

static long proc_threads(int pid)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", pid);
	FILE *f = fopen(path, "r");
	long n = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, "Threads:", 8) == 0) {
			n = strtol(line + 8, NULL, 10);
			break;
		}
	fclose(f);
	return n;
}

/* utime + stime in seconds. */
static double proc_cpu_s(int pid)
{
	char path[64], buf[2048];
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The command name may hold spaces and parentheses: fields count from the last ')'. */
	char *p = strrchr(buf, ')');
	if (!p)
		return -1;
	p += 2; /* field 3, the state letter */
	unsigned long long ut = 0, st = 0;
	for (int field = 3; field <= 15 && *p; field++) {
		if (field == 14)
			ut = strtoull(p, NULL, 10);
		if (field == 15)
			st = strtoull(p, NULL, 10);
		p = strchr(p, ' ');
		if (!p)
			break;
		p++;
	}
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* ---- sockets */

static int connect_nb(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0 && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

static int start_client(int i)
{
	struct client *c = &cl[i];
	c->fd = connect_nb();
	if (c->fd < 0) {
		set_state(c, ST_DEAD);
		return -1;
	}
	set_state(c, ST_CONNECTING);
	c->tail_len = 0;
	c->t_event = -1;
	struct epoll_event ev = {.events = EPOLLOUT | EPOLLIN | EPOLLRDHUP, .data.u32 = (uint32_t)i};
	epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
	return 0;
}

static void kill_client(struct client *c)
{
	if (c->fd >= 0) {
		epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
		close(c->fd);
	}
	c->fd = -1;
	set_state(c, ST_DEAD);
}

/* Looks for marker in tail + data, then keeps the last bytes as the new tail. */
static bool scan(struct client *c, const char *data, size_t n, const char *marker)
{
	char tmp[TAIL + 4096];
	size_t off = 0;
	bool found = false;
	while (off < n) {
		size_t chunk = n - off < 4096 ? n - off : 4096;
		memcpy(tmp, c->tail, c->tail_len);
		memcpy(tmp + c->tail_len, data + off, chunk);
		size_t len = c->tail_len + chunk;
		if (!found && memmem(tmp, len, marker, strlen(marker)))
			found = true;
		size_t keep = len < TAIL ? len : TAIL;
		memcpy(c->tail, tmp + len - keep, keep);
		c->tail_len = keep;
		off += chunk;
	}
	return found;
}

/* Handles readiness on client i: sends the request once connected, then watches for markers. */
static void on_client(int i, uint32_t events, double t0)
{
	struct client *c = &cl[i];
	if (c->st == ST_CONNECTING && (events & EPOLLOUT)) {
		int err = 0;
		socklen_t el = sizeof err;
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el);
		if (err) {
			kill_client(c);
			return;
		}
		char req[256];
		int n = snprintf(req, sizeof req,
				 "GET /events?topic=%s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
				 "Accept: text/event-stream\r\n\r\n",
				 topic);
		if (write(c->fd, req, (size_t)n) != n) {
			kill_client(c);
			return;
		}
		set_state(c, ST_WAITING);
		struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.u32 = (uint32_t)i};
		epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
	}
	if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
		char buf[4096];
		for (int rounds = 0; rounds < 64; rounds++) {
			ssize_t n = read(c->fd, buf, sizeof buf);
			if (n > 0) {
				if (count_idle)
					idle_bytes += (uint64_t)n;
				if (c->st == ST_WAITING) {
					/* A refused stream (503) never says ": connected". */
					if (scan(c, buf, (size_t)n, ": connected\n"))
						set_state(c, ST_OPEN);
				} else if (c->st == ST_OPEN) {
					if (scan(c, buf, (size_t)n, "event: tick\n")) {
						set_state(c, ST_GOT_EVENT);
						c->t_event = now() - t0;
					}
				}
				continue;
			}
			if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
				kill_client(c);
				return;
			}
			break;
		}
	}
}

static int count(enum state s)
{
	return counts[s];
}

/* One pass of epoll_wait over the clients (and the publish socket, via handler). */
static int pump(int timeout_ms, double t0, int pub_fd, bool *pub_done, int *pub_status)
{
	struct epoll_event evs[512];
	int n = epoll_wait(ep, evs, 512, timeout_ms);
	for (int k = 0; k < n; k++) {
		if ((int32_t)evs[k].data.u32 == PUBLISH_ID) {
			char buf[1024];
			ssize_t r = read(pub_fd, buf, sizeof buf - 1);
			if (r > 0 && !*pub_done) {
				buf[r] = '\0';
				int code = 0;
				if (sscanf(buf, "HTTP/1.%*d %d", &code) == 1)
					*pub_status = code;
				*pub_done = true;
			} else if (r <= 0) {
				epoll_ctl(ep, EPOLL_CTL_DEL, pub_fd, NULL);
				*pub_done = true;
			}
			continue;
		}
		on_client((int)evs[k].data.u32, evs[k].events, t0);
	}
	return n;
}

/* Opens all N streams, at most MAX_INFLIGHT handshakes at a time. Returns how many are open. */
static int open_all(double limit_s)
{
	double t_end = now() + limit_s;
	int next = 0;
	memset(counts, 0, sizeof counts);
	for (int i = 0; i < n_clients; i++) {
		cl[i].st = ST_FREE;
		cl[i].fd = -1;
	}
	counts[ST_FREE] = n_clients;
	while (now() < t_end) {
		int inflight = count(ST_CONNECTING) + count(ST_WAITING);
		while (next < n_clients && inflight < MAX_INFLIGHT) {
			start_client(next++);
			inflight++;
		}
		if (next == n_clients && inflight == 0)
			break;
		pump(50, 0, -1, &(bool){false}, &(int){0});
	}
	for (int i = 0; i < n_clients; i++)
		if (cl[i].st == ST_CONNECTING || cl[i].st == ST_WAITING || cl[i].st == ST_FREE)
			kill_client(&cl[i]);
	return count(ST_OPEN);
}

static void close_all(void)
{
	for (int i = 0; i < n_clients; i++)
		if (cl[i].fd >= 0)
			kill_client(&cl[i]);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Publishes one event; returns the socket (its answer is read by pump) or -1. */
static int publish(const char *token)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		perror("publish: connect");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	char body[256], req[1024];
	int bl = snprintf(body, sizeof body, "{\"topic\":\"%s\",\"type\":\"tick\",\"data\":{\"n\":1}}", topic);
	int rl = snprintf(req, sizeof req,
			  "POST /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
			  "Content-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
			  token, bl, body);
	if (write(fd, req, (size_t)rl) != rl) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A blocking request with Connection: close; the answer (cut to outlen - 1) goes to out.
 * Returns the status code or -1. Reads time out after 5 s. */
static int http_simple(const char *method, const char *path, const char *token, const char *body,
		       char *out, size_t outlen)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	struct timeval tv = {.tv_sec = 5};
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		close(fd);
		return -1;
	}
	char req[1024], auth[256] = "", clen[128] = "";
	if (token)
		snprintf(auth, sizeof auth, "Authorization: Bearer %s\r\n", token);
	if (body)
		snprintf(clen, sizeof clen, "Content-Type: application/json\r\nContent-Length: %zu\r\n",
			 strlen(body));
	int rl = snprintf(req, sizeof req, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s%s\r\n%s",
			  method, path, auth, clen, body ? body : "");
	if (rl <= 0 || (size_t)rl >= sizeof req || write(fd, req, (size_t)rl) != rl) {
		close(fd);
		return -1;
	}
	size_t got = 0;
	for (int rounds = 0; rounds < 1024 && got + 1 < outlen; rounds++) {
		ssize_t n = read(fd, out + got, outlen - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	out[got] = '\0';
	close(fd);
	int code = -1;
	if (sscanf(out, "HTTP/1.%*d %d", &code) != 1)
		code = -1;
	return code;
}

/* The server's gauge of open streams, or -1. */
static long server_streams(void)
{
	static char page[1 << 16];
	if (http_simple("GET", "/metrics", NULL, NULL, page, sizeof page) != 200)
		return -1;
	const char *p = strstr(page, "\nfinestreta_sse_streams_open ");
	return p ? strtol(p + strlen("\nfinestreta_sse_streams_open "), NULL, 10) : -1;
}

/* A suspended stream is not watched by the server, so one whose client went away lingers until
 * something is written to it (an event or the heartbeat). Publishing an event makes the server
 * notice the closed sockets within a write or two, so it is published again every half second.
 * Returns the streams still open after at most ~5 s. */
static long reap(const char *token)
{
	char body[160], resp[1024];
	snprintf(body, sizeof body, "{\"topic\":\"%s\",\"type\":\"reap\",\"data\":{}}", topic);
	long open = -1;
	for (int i = 0; i < 50; i++) {
		if (i % 5 == 0)
			http_simple("POST", "/api/v1/events", token, body, resp, sizeof resp);
		sleep_s(0.1);
		open = server_streams();
		if (open == 0)
			break;
	}
	return open;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: %s PORT N SERVER_PID TOKEN [IDLE_SECONDS] [TOPIC] [ROUNDS]\n", argv[0]);
		return 2;
	}
	port = (uint16_t)strtol(argv[1], NULL, 10);
	n_clients = (int)strtol(argv[2], NULL, 10);
	int pid = (int)strtol(argv[3], NULL, 10);
	const char *token = argv[4];
	double idle = argc > 5 ? strtod(argv[5], NULL) : 10.0;
	if (argc > 6)
		snprintf(topic, sizeof topic, "%s", argv[6]);
	int rounds = argc > 7 ? (int)strtol(argv[7], NULL, 10) : 3;
	if (n_clients < 1 || n_clients > 100000 || idle < 0 || idle > 600 || rounds < 0 ||
	    rounds > 100) {
		fprintf(stderr, "sse_idle: bad arguments\n");
		return 2;
	}
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur < (rlim_t)n_clients + 16) {
		fprintf(stderr, "sse_idle: ulimit -n is %ld, need %d\n", (long)rl.rlim_cur, n_clients + 16);
		return 2;
	}
	if (pid <= 0 || proc_rss_kib(pid) < 0 || proc_cpu_s(pid) < 0) {
		fprintf(stderr, "sse_idle: no process %d to measure\n", pid);
		return 2;
	}
	cl = calloc((size_t)n_clients, sizeof *cl);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (!cl || ep < 0)
		return 2;

	long rss0 = proc_rss_kib(pid);
	long thr0 = proc_threads(pid);
	double cpu_o0 = proc_cpu_s(pid);
	double t_open = now();
	int open = open_all(60);
	t_open = now() - t_open;
	double cpu_o1 = proc_cpu_s(pid);
	printf("streams=%d\nopen=%d\nopen_seconds=%.2f\nopen_cpu_ms=%.1f\n", n_clients, open, t_open,
	       (cpu_o1 - cpu_o0) * 1000.0);
	if (open < n_clients)
		fprintf(stderr, "sse_idle: only %d of %d streams opened\n", open, n_clients);
	if (open == 0)
		return 1;

	/* Let the server settle (the last handshakes' replies are out), then measure idleness. */
	double t_settle = now() + 1.0;
	while (now() < t_settle)
		pump(100, 0, -1, &(bool){false}, &(int){0});
	long rss1 = proc_rss_kib(pid);
	long thr1 = proc_threads(pid);
	double cpu0 = proc_cpu_s(pid);
	double t_idle0 = now();
	count_idle = true;
	double t_idle_end = t_idle0 + idle;
	while (now() < t_idle_end)
		pump(200, 0, -1, &(bool){false}, &(int){0});
	count_idle = false;
	double cpu1 = proc_cpu_s(pid);
	double idle_wall = now() - t_idle0;
	int still_open = count(ST_OPEN);
	printf("rss_before_kib=%ld\nrss_open_kib=%ld\n", rss0, rss1);
	printf("rss_per_stream_bytes=%.0f\n", open ? (double)(rss1 - rss0) * 1024.0 / open : 0.0);
	printf("threads_before=%ld\nthreads_open=%ld\n", thr0, thr1);
	printf("idle_seconds=%.2f\nidle_cpu_ms=%.1f\nidle_cpu_percent=%.3f\nidle_bytes=%llu\n", idle_wall,
	       (cpu1 - cpu0) * 1000.0, (cpu1 - cpu0) / idle_wall * 100.0, (unsigned long long)idle_bytes);
	printf("still_open=%d\n", still_open);

	/* Fan-out: one publish, time until every open stream has the event. */
	double cpu_f0 = proc_cpu_s(pid);
	double t0 = now();
	int pub_fd = publish(token);
	bool pub_done = false;
	int pub_status = 0;
	if (pub_fd >= 0) {
		struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.u32 = (uint32_t)PUBLISH_ID};
		epoll_ctl(ep, EPOLL_CTL_ADD, pub_fd, &ev);
		double t_end = t0 + 20.0;
		while (now() < t_end && (count(ST_OPEN) > 0 || !pub_done))
			pump(100, t0, pub_fd, &pub_done, &pub_status);
		close(pub_fd);
	}
	double cpu_f1 = proc_cpu_s(pid);
	int got = count(ST_GOT_EVENT);
	double *ts = calloc((size_t)(got ? got : 1), sizeof *ts);
	int k = 0;
	for (int i = 0; i < n_clients; i++)
		if (cl[i].st == ST_GOT_EVENT)
			ts[k++] = cl[i].t_event;
	qsort(ts, (size_t)k, sizeof *ts, cmp_double);
	printf("publish_status=%d\nreceived=%d\n", pub_status, got);
	if (k) {
		printf("fanout_first_ms=%.2f\nfanout_p50_ms=%.2f\nfanout_p99_ms=%.2f\nfanout_all_ms=%.2f\n",
		       ts[0] * 1000, ts[k / 2] * 1000, ts[(k * 99) / 100 < k ? (k * 99) / 100 : k - 1] * 1000,
		       ts[k - 1] * 1000);
	}
	printf("fanout_cpu_ms=%.1f\n", (cpu_f1 - cpu_f0) * 1000.0);
	free(ts);

	/* Memory given back: close (and let the server notice), then open and close again a few
	 * times. A leak climbs with every round; allocator high-water marks level off. */
	double t_phase = now();
	close_all();
	long left = reap(token);
	sleep_s(1.0); /* the server gives freed memory back shortly after the last stream closes */
	printf("rss_closed_kib=%ld\nstreams_left=%ld\n", proc_rss_kib(pid), left);
	printf("rss_rounds_kib=");
	for (int round = 0; round < rounds; round++) {
		int reopened = open_all(60);
		close_all();
		left = reap(token);
		sleep_s(1.0);
		printf("%s%ld", round ? "," : "", proc_rss_kib(pid));
		if (reopened < n_clients || left != 0)
			fprintf(stderr, "sse_idle: round %d: %d reopened, %ld left\n", round + 1, reopened, left);
	}
	printf("\n");
	fprintf(stderr, "sse_idle: close and %d open/close rounds took %.2f s\n", rounds, now() - t_phase);
	fflush(stdout);
	free(cl);
	close(ep);
	return (open == n_clients && got == n_clients && pub_status == 202) ? 0 : 1;
}
