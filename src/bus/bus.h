/* bus.h — publish/subscribe of small JSON events by topic, inside one process, and across
 * nodes through PostgreSQL LISTEN/NOTIFY when the app runs on PostgreSQL.
 *
 * Subscribers are called on the publisher's thread with the bus read-locked: they must be quick
 * and must not call back into the bus. An event reaches each local subscriber of its topic once;
 * an event from another node arrives through the relay thread. Events carry a bus-wide
 * increasing id. */
#ifndef FIN_BUS_H
#define FIN_BUS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

typedef struct bus bus_t;
typedef struct bus_sub bus_sub_t;
struct db;

typedef enum { BUS_EVENT, BUS_PING, BUS_CLOSE } bus_kind_t;

typedef struct {
	bus_kind_t kind;
	const char *topic;
	/* For BUS_EVENT: the whole SSE frame, "id: N\nevent: TYPE\ndata: JSON\n\n", formatted once. */
	const char *frame;
	size_t frame_len;
} bus_event_t;

typedef void (*bus_fn)(void *ud, const bus_event_t *ev);

bus_t *bus_new(void);
/* Stops the relay and heartbeat threads; subscribers must be gone (see bus_close_all). */
void bus_free(bus_t *b);
/* Whether topic is a valid name: [a-z0-9._-]{1,64}. */
int bus_topic_valid(const char *topic);

/* Who may subscribe to a topic (GET /events?topic=T): a rule names one topic, or every topic
 * under a prefix when it ends with '.' ("staff."); roles are the role bits of http.h that may
 * subscribe (0: anyone). Capabilities declare their rules in their capability entry. */
typedef struct {
	const char *topic;
	unsigned roles;
} bus_topic_t;
/* Adds rules (static storage), process-wide, before the server starts. */
void bus_topics_add(const bus_topic_t *rules, size_t n);
/* The roles that may subscribe to topic: those of the first rule that names it (a whole name
 * before prefixes), 0 for a topic no rule names (public). */
unsigned bus_topic_roles(const char *topic);
/* Returns 0, ERR_INVALID for a bad topic or type, ERR_TOO_BIG when the event does not fit a
 * NOTIFY payload (about 7.5 KB), ERR_DB when the relay to other nodes failed (local subscribers
 * got it anyway). data is borrowed. *id_out (may be NULL) receives the local id. */
int bus_publish(bus_t *b, const char *topic, const char *type, json_t *data, int64_t *id_out);
/* New subscription (freed by bus_unsubscribe, after which fn is never called again). */
bus_sub_t *bus_subscribe(bus_t *b, const char *topic, bus_fn fn, void *ud);
void bus_unsubscribe(bus_t *b, bus_sub_t *s);
size_t bus_subscriber_count(bus_t *b);
/* Subscriptions to exactly this topic on this node (a capability's cap on its own streams). */
size_t bus_topic_subscriber_count(bus_t *b, const char *topic);
/* Sends BUS_PING to every subscriber every `seconds` from a thread of its own. */
void bus_start_heartbeat(bus_t *b, int seconds);
/* Sends BUS_CLOSE to every subscriber (server shutdown). */
void bus_close_all(bus_t *b);
/* Relays events between nodes through db (PostgreSQL only; returns 0 and does nothing on SQLite). */
int bus_start_relay(bus_t *b, struct db *db);

#endif
