/* sse.c — Server-Sent Events: a stream subscribed to a bus topic, suspended while idle and
 * resumed by a publish, dropped when its client stops reading (see http.h). */
#include "http/server.h"

#include "app.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "bus/bus.h"
#include "db/db.h"
#include "http/metrics.h"
#include "http/statics.h"
#include "view/i18n.h"
#include "view/view.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- Server-Sent Events */

typedef struct stream {
	pthread_mutex_t mu;
	buf_t q;        /* bytes waiting to be written */
	size_t off;     /* already written from q */
	bool suspended; /* we suspended the connection and nobody resumed it yet */
	bool closing;   /* end the stream after the queue drains */
	struct MHD_Connection *conn;
	bus_sub_t *sub;
	bus_t *bus;
	char *client; /* its key in srv_streams */
} stream_t;

static void stream_wake(stream_t *s)
{
	if (s->suspended) {
		s->suspended = false;
		MHD_resume_connection(s->conn);
	}
}

static void on_bus(void *ud, const bus_event_t *ev)
{
	stream_t *s = ud;
	pthread_mutex_lock(&s->mu);
	if (!s->closing) {
		int rc = 0;
		if (ev->kind == BUS_EVENT)
			rc = buf_append(&s->q, ev->frame, ev->frame_len);
		else if (ev->kind == BUS_PING)
			rc = buf_puts(&s->q, ": ping\n\n");
		else
			s->closing = true;
		if (rc) /* a client that reads nothing while events pile up is dropped */
			s->closing = true;
		stream_wake(s);
	}
	pthread_mutex_unlock(&s->mu);
}

static ssize_t stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
	stream_t *s = cls;
	ssize_t n = 0;
	pthread_mutex_lock(&s->mu);
	size_t avail = s->q.len - s->off;
	if (avail) {
		n = (ssize_t)(avail < max ? avail : max);
		memcpy(out, s->q.data + s->off, (size_t)n);
		s->off += (size_t)n;
		if (s->off == s->q.len) {
			buf_reset(&s->q);
			s->off = 0;
		}
	} else if (s->closing) {
		n = MHD_CONTENT_READER_END_OF_STREAM;
	} else {
		/* Nothing to send: park the connection; on_bus resumes it. It costs no thread. */
		s->suspended = true;
		MHD_suspend_connection(s->conn);
		n = 0;
	}
	pthread_mutex_unlock(&s->mu);
	return n;
}

static void stream_free(void *cls)
{
	stream_t *s = cls;
	bus_unsubscribe(s->bus, s->sub);
	gauge_give(srv_streams, s->client);
	free(s->client);
	buf_free(&s->q);
	pthread_mutex_destroy(&s->mu);
	free(s);
	metrics_sse_open(-1);
	srv_streams_closed(metrics_sse_count());
}

void http_reply_events(http_req_t *r, const char *topic)
{
	/* Streams live for hours: the caps keep a quarter of the connections, overall and per
	 * address, for everything else (server.c lowers them to that). */
	if (!gauge_take(srv_streams, r->client_key, srv.sse_per_address)) {
		metrics_refused("streams_per_address");
		http_add_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "30");
		http_reply_error(r, 429, "too_many_streams", "err_too_many_streams", NULL);
		return;
	}
	if (!metrics_sse_try_open(srv.max_sse)) {
		gauge_give(srv_streams, r->client_key);
		metrics_refused("streams");
		http_add_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "10");
		http_reply_error(r, 503, "unavailable", "err_unavailable", NULL);
		return;
	}
	stream_t *s = xcalloc(1, sizeof *s);
	s->client = xstrdup(r->client_key);
	pthread_mutex_init(&s->mu, NULL);
	buf_init(&s->q, SSE_QUEUE_MAX);
	(void)buf_puts(&s->q, "retry: 3000\n: connected\n\n"); /* the queue is empty */
	s->conn = r->conn;
	s->bus = r->app->bus;
	s->sub = bus_subscribe(s->bus, topic, on_bus, s);
	struct MHD_Response *resp =
		MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, SSE_BLOCK, stream_read, s, stream_free);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(resp, "X-Accel-Buffering", "no");
	srv_set_response(srv_ctx(r), 200, resp, "text/event-stream; charset=utf-8");
}
