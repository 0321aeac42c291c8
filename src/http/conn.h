/* conn.h — the server's defences below requests, on each connection libmicrohttpd opens:
 *
 *  - connections per client address: an address (an IPv6 /64) with server.connections_per_address
 *    connections open gets no more, refused as they are accepted (behind a proxy the peer is the
 *    proxy, so server.c counts requests per forwarded address instead);
 *  - absolute deadlines: a request's line and headers must arrive within server.header_timeout
 *    seconds of its first byte (of the connection being kept alive after the last answer), its
 *    body within server.body_timeout seconds of its headers. libmicrohttpd's own timeout counts
 *    idle time only, so a client sending a byte every few seconds would keep its connection for
 *    ever. A watchdog thread answers 408 on the socket itself and closes it;
 *  - answers that cannot wait for libmicrohttpd: conn_answer_now writes a complete response at
 *    once (413 in the middle of a body), then the connection is closed.
 *
 * An answer written here stops the writing side at once and the reading side after a short
 * linger (CONN_LINGER_MS), so that a client still sending gets to read it before the close.
 *
 * Who writes the socket is decided by one atomic state per connection: the watchdog and the
 * request handler each move it with compare-and-swap, and only the winner writes, so an answer
 * written here never mixes with one libmicrohttpd sends.
 *
 * Ownership: a conn_t is made on MHD_CONNECTION_NOTIFY_STARTED and freed on _CLOSED (both in
 * conn_notify); handlers borrow it through conn_of for the life of their request. */
#ifndef FIN_CONN_H
#define FIN_CONN_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define CONN_LINGER_MS 1500

typedef struct conn conn_t;

typedef struct {
	bool per_socket;          /* count connections per peer address (false behind a proxy) */
	int per_address;          /* server.connections_per_address */
	int64_t header_ms;        /* server.header_timeout */
	int64_t body_ms;          /* server.body_timeout */
	const char *timeout_body; /* the 408's text (static or owned by the caller until conn_stop) */
} conn_settings_t;

/* Starts the watchdog with these settings (copied; timeout_body borrowed). 0 or an error. */
int conn_start(const conn_settings_t *s);
/* Stops the watchdog (before the daemon stops; connections are still let go through
 * conn_notify). */
void conn_stop(void);

/* For MHD_start_daemon: the accept policy and MHD_OPTION_NOTIFY_CONNECTION. */
enum MHD_Result conn_accept(void *cls, const struct sockaddr *addr, socklen_t len);
void conn_notify(void *cls, struct MHD_Connection *c, void **socket_context, enum MHD_ConnectionNotificationCode code);

/* The connection's state, or NULL (a connection made before conn_start). */
conn_t *conn_of(struct MHD_Connection *c);
/* The request's headers are in: its body deadline starts. False when the watchdog has already
 * answered 408: the handler must return MHD_NO. NULL k: true. */
bool conn_headers_in(conn_t *k);
/* The whole body is in: no deadline until the answer is sent. False as above. */
bool conn_body_in(conn_t *k);
/* The answer has been sent: the next request's header deadline starts. */
void conn_request_over(conn_t *k);
/* Writes msg (a whole HTTP/1.1 response with Connection: close) now, from the thread handling the
 * connection, while its body is still arriving; the rest of the body is dropped and the
 * connection closed. False (nothing written) when something else answered first. */
bool conn_answer_now(conn_t *k, const char *msg, size_t len);
/* Whether an answer was written here (the handler then answers nothing more). */
bool conn_answered(conn_t *k);

#endif
