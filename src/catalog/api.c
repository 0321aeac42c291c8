/* api.c — the public catalogue API (/api/v1/offices, /api/v1/offices/{code}, /api/v1/services)
 * and its cache.
 *
 * Every answer is a small JSON document that changes only when someone edits the catalogue, and
 * citizen pages, kiosks and other cities' portals ask for it all day. So each rendered body is
 * kept in memory, keyed by path, filters and language, with a strong ETag (BLAKE2b of the body)
 * and `Cache-Control: public, max-age=60`. Any change drops the whole cache: directly on the node
 * that made it, and through the bus topic `catalog.changed` on the others. Entries also expire
 * after CACHE_TTL seconds, because a relayed notification can be lost while a node reconnects
 * (and a CLI import on SQLite notifies nobody). */
#include "app.h"
#include "base/err.h"
#include "base/json.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "bus/bus.h"
#include "catalog/doc.h"
#include "catalog/internal.h"
#include "catalog/web.h"
#include "catalog/store.h"
#include "http/kit.h"
#include "http/router.h"
#include "view/i18n.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CACHE_MAX 512
#define CACHE_TTL 60
#define CHANGED_TOPIC "catalog.changed"

/* ---------------------------------------------------------------- cache */

typedef struct {
	uint32_t hash;
	char *key;
	char *body;
	size_t len;
	char etag[40];
	time_t at;
} entry_t;

static struct {
	pthread_mutex_t mu;
	entry_t e[CACHE_MAX];
	size_t n;
	uint64_t gen; /* bumped by every clear: a body built before a clear is not stored after it */
} cache = {.mu = PTHREAD_MUTEX_INITIALIZER};

static uint32_t hash_key(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void clear_locked(void)
{
	for (size_t i = 0; i < cache.n; i++) {
		free(cache.e[i].key);
		free(cache.e[i].body);
	}
	cache.n = 0;
	cache.gen++;
}

void cat_cache_clear(void)
{
	pthread_mutex_lock(&cache.mu);
	clear_locked();
	pthread_mutex_unlock(&cache.mu);
}

static uint64_t cache_gen(void)
{
	pthread_mutex_lock(&cache.mu);
	uint64_t g = cache.gen;
	pthread_mutex_unlock(&cache.mu);
	return g;
}

/* A copy of the entry (arena) when fresh. */
static bool cache_get(arena_t *a, const char *key, const char **body, size_t *len, const char **etag)
{
	uint32_t h = hash_key(key);
	time_t now = time(NULL);
	bool hit = false;
	pthread_mutex_lock(&cache.mu);
	for (size_t i = 0; i < cache.n; i++) {
		entry_t *e = &cache.e[i];
		if (e->hash == h && strcmp(e->key, key) == 0) {
			if (now - e->at < CACHE_TTL && now >= e->at) {
				*body = arena_strndup(a, e->body, e->len);
				*len = e->len;
				*etag = arena_strdup(a, e->etag);
				hit = true;
			}
			break;
		}
	}
	pthread_mutex_unlock(&cache.mu);
	return hit;
}

static void cache_put(const char *key, const char *body, size_t len, const char *etag, uint64_t gen)
{
	pthread_mutex_lock(&cache.mu);
	if (gen != cache.gen)
		goto out;
	uint32_t h = hash_key(key);
	entry_t *e = NULL;
	for (size_t i = 0; i < cache.n && !e; i++)
		if (cache.e[i].hash == h && strcmp(cache.e[i].key, key) == 0)
			e = &cache.e[i];
	if (e) {
		free(e->body);
	} else {
		/* The key space is bounded (offices × channels × languages), so a full cache means
		 * something odd: start over rather than keep an eviction order. */
		if (cache.n == CACHE_MAX) {
			for (size_t i = 0; i < cache.n; i++) {
				free(cache.e[i].key);
				free(cache.e[i].body);
			}
			cache.n = 0;
		}
		e = &cache.e[cache.n++];
		e->key = xstrdup(key);
		e->hash = h;
	}
	e->body = xstrndup(body, len);
	e->len = len;
	snprintf(e->etag, sizeof e->etag, "%s", etag);
	e->at = time(NULL);
out:
	pthread_mutex_unlock(&cache.mu);
}

/* ---------------------------------------------------------------- bus */

static pthread_mutex_t start_mu = PTHREAD_MUTEX_INITIALIZER;
static atomic_bool started;

static void on_changed(void *ud, const bus_event_t *ev)
{
	(void)ud;
	if (ev->kind == BUS_EVENT)
		cat_cache_clear();
}

void catalog_start(struct app *app)
{
	if (atomic_load(&started) || !app || !app->bus)
		return;
	pthread_mutex_lock(&start_mu);
	if (!atomic_load(&started)) {
		bus_subscribe(app->bus, CHANGED_TOPIC, on_changed, NULL);
		/* Anything cached before the subscription could have missed a change. */
		cat_cache_clear();
		atomic_store(&started, true);
	}
	pthread_mutex_unlock(&start_mu);
}

void catalog_changed(struct app *app, const char *what, const char *code)
{
	cat_cache_clear();
	if (!app || !app->bus)
		return;
	json_t *data = jpack("{s:s,s:s}", "what", what ? what : "", "code", code ? code : "");
	int rc = bus_publish(app->bus, CHANGED_TOPIC, "changed", data, NULL);
	if (rc)
		log_warn("catalogue: could not tell other nodes about a change (%s)", err_name(rc));
	json_decref(data);
}

/* ---------------------------------------------------------------- replies */

static void reply_cached(http_req_t *r, const char *body, size_t len, const char *etag)
{
	http_reply_json_cacheable(r, body, len, etag, 60);
}

/* Answers from the cache when key is fresh there (true); otherwise *gen gets the generation the
 * answer about to be built must be stored under. */
static bool answered_from_cache(http_req_t *r, const char *key, uint64_t *gen)
{
	const char *body, *etag;
	size_t len;
	if (cache_get(r->arena, key, &body, &len, &etag)) {
		reply_cached(r, body, len, etag);
		return true;
	}
	*gen = cache_gen();
	return false;
}

/* Renders, caches and sends body (stolen). */
static void reply_fresh(http_req_t *r, const char *key, uint64_t gen, json_t *body)
{
	char *s = json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(10));
	json_decref(body);
	size_t len = strlen(s);
	char etag[HTTP_ETAG_SIZE];
	http_etag(s, len, etag);
	cache_put(key, s, len, etag, gen);
	reply_cached(r, s, len, etag);
	free(s);
}

static json_t *names(const char *const v[CAT_NLANG])
{
	return jpack("{s:s,s:s,s:s}", "ca", v[0], "es", v[1], "en", v[2]);
}

static const cat_org_t *org_of(const cat_org_t *orgs, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (str_eq(orgs[i].code, code))
			return &orgs[i];
	return NULL;
}

static json_t *office_json(const char *lang, const cat_office_t *o, const cat_org_t *org, bool detail)
{
	json_t *zones = json_array();
	for (size_t z = 0; z < o->nzones; z++) {
		const cat_zone_t *zn = &o->zones[z];
		json_t *desks = detail ? json_array() : NULL;
		size_t active = 0;
		for (size_t k = 0; k < zn->ndesks; k++) {
			if (!zn->desks[k].active)
				continue;
			active++;
			if (desks)
				json_array_append_new(desks, jpack("{s:s,s:s}", "code", zn->desks[k].code,
								   "display_name", zn->desks[k].display_name));
		}
		json_t *jz = jpack("{s:s,s:s,s:s,s:s,s:s}", "code", zn->code, "kind", zn->kind, "name",
				   i18n_pick(lang, zn->name), "letter", zn->letter, "colour", zn->colour);
		if (detail) {
			json_object_set_new(jz, "names", names(zn->name));
			json_object_set_new(jz, "desks", desks);
		} else {
			json_object_set_new(jz, "desks", json_integer((json_int_t)active));
		}
		json_array_append_new(zones, jz);
	}
	json_t *j = jpack("{s:s,s:s,s:o,s:s}", "code", o->code, "name", i18n_pick(lang, o->name), "names",
			  names(o->name), "kind", o->kind);
	json_object_set_new(j, "organisation",
			    jpack("{s:s,s:s}", "code", o->org, "name", org ? i18n_pick(lang, org->name) : o->org));
	json_object_set_new(j, "address", json_string(o->address));
	json_object_set_new(j, "postcode", json_string(o->postcode));
	json_object_set_new(j, "city", json_string(o->city));
	json_object_set_new(j, "coordinates",
			    o->has_geo ? jpack("{s:f,s:f}", "lat", o->lat, "lon", o->lon) : json_null());
	json_object_set_new(j, "phone", json_string(o->phone));
	json_object_set_new(j, "accessibility", json_string(i18n_pick(lang, o->access)));
	json_object_set_new(j, "tz", json_string(o->tz));
	json_object_set_new(j, "zones", zones);
	return j;
}

static bool key_ok(const char *s)
{
	return s && cat_code_valid(s);
}

static void offices_list(http_req_t *r)
{
	catalog_start(r->app);
	const char *key = arena_printf(r->arena, "offices|%s", r->lang);
	uint64_t gen;
	if (answered_from_cache(r, key, &gen))
		return;
	db_conn_t *c = http_db(r);
	cat_office_t *offices;
	cat_org_t *orgs;
	size_t n, norgs;
	if (!c || cat_store_orgs(c, r->arena, &orgs, &norgs) ||
	    cat_store_offices(c, r->arena, true, true, &offices, &n)) {
		http_reply_unavailable(r);
		return;
	}
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list,
				      office_json(r->lang, &offices[i], org_of(orgs, norgs, offices[i].org), false));
	reply_fresh(r, key, gen, jpack("{s:s,s:o}", "lang", r->lang, "offices", list));
}

static json_t *service_json(const char *lang, const cat_proc_t *p, const cat_office_t *offices, size_t noffices,
			    bool brief)
{
	json_t *j = jpack("{s:s,s:s,s:o}", "code", p->code, "name", i18n_pick(lang, p->name), "names", names(p->name));
	json_object_set_new(j, "category", json_string(p->category));
	if (!brief) {
		json_object_set_new(j, "description", json_string(i18n_pick(lang, p->desc)));
		int l = i18n_index(lang);
		const cat_list_t *docs = p->docs[l].n ? &p->docs[l] : &p->docs[CAT_CA];
		json_t *d = json_array();
		for (size_t i = 0; i < docs->n; i++)
			json_array_append_new(d, json_string(docs->v[i]));
		json_object_set_new(j, "documents", d);
		json_object_set_new(j, "id_methods", cat_commas_json(p->id_methods));
	}
	json_object_set_new(j, "channels", cat_commas_json(p->channels));
	json_object_set_new(j, "duration_min", json_integer(p->duration_min));
	if (!brief) {
		json_object_set_new(j, "online_url", *p->online_url ? json_string(p->online_url) : json_null());
		json_t *at = json_array();
		for (size_t i = 0; i < p->offices.n; i++)
			for (size_t k = 0; k < noffices; k++)
				if (str_eq(offices[k].code, p->offices.v[i])) {
					json_array_append_new(at, json_string(p->offices.v[i]));
					break;
				}
		json_object_set_new(j, "offices", at);
	}
	return j;
}

static bool proc_at(const cat_proc_t *p, const char *office)
{
	for (size_t i = 0; i < p->offices.n; i++)
		if (str_eq(p->offices.v[i], office))
			return true;
	return false;
}

static void office_detail(http_req_t *r)
{
	catalog_start(r->app);
	const char *code = http_param(r, "code");
	if (!key_ok(code)) {
		http_reply_error(r, 404, "not_found", "err_cat_office_not_found", NULL);
		return;
	}
	const char *key = arena_printf(r->arena, "office|%s|%s", code, r->lang);
	uint64_t gen;
	if (answered_from_cache(r, key, &gen))
		return;
	/* The connection is taken only on a cache miss: cached answers need none. */
	db_conn_t *c = http_db(r);
	if (!c) {
		http_reply_unavailable(r);
		return;
	}
	cat_office_t o;
	int rc = cat_store_office_get(c, r->arena, code, true, &o);
	if (rc == ERR_NOT_FOUND || (rc == 0 && !o.active)) {
		http_reply_error(r, 404, "not_found", "err_cat_office_not_found", NULL);
		return;
	}
	cat_org_t org;
	cat_proc_t *procs;
	size_t nprocs;
	if (rc || cat_store_org_get(c, r->arena, o.org, &org) || cat_store_procs(c, r->arena, true, &procs, &nprocs)) {
		http_reply_unavailable(r);
		return;
	}
	json_t *j = office_json(r->lang, &o, &org, true);
	json_t *services = json_array();
	for (size_t i = 0; i < nprocs; i++)
		if (proc_at(&procs[i], o.code))
			json_array_append_new(services, service_json(r->lang, &procs[i], &o, 1, true));
	json_object_set_new(j, "services", services);
	reply_fresh(r, key, gen, jpack("{s:s,s:o}", "lang", r->lang, "office", j));
}

static void services(http_req_t *r)
{
	catalog_start(r->app);
	const char *channel = http_query(r, "channel"), *office = http_query(r, "office");
	if (channel && !*channel)
		channel = NULL;
	if (office && !*office)
		office = NULL;
	if (channel && !catalog_channel_valid(channel)) {
		http_reply_error(r, 400, "bad_channel", "err_cat_bad_channel", NULL);
		return;
	}
	if (office && !key_ok(office)) {
		http_reply_error(r, 404, "not_found", "err_cat_office_not_found", NULL);
		return;
	}
	const char *key =
		arena_printf(r->arena, "services|%s|%s|%s", channel ? channel : "", office ? office : "", r->lang);
	uint64_t gen;
	if (answered_from_cache(r, key, &gen))
		return;
	db_conn_t *c = http_db(r);
	cat_office_t *offices;
	cat_proc_t *procs;
	size_t noffices, nprocs;
	if (!c || cat_store_offices(c, r->arena, true, false, &offices, &noffices) ||
	    cat_store_procs(c, r->arena, true, &procs, &nprocs)) {
		http_reply_unavailable(r);
		return;
	}
	if (office) {
		bool found = false;
		for (size_t i = 0; i < noffices && !found; i++)
			found = str_eq(offices[i].code, office);
		if (!found) {
			http_reply_error(r, 404, "not_found", "err_cat_office_not_found", NULL);
			return;
		}
	}
	json_t *list = json_array();
	for (size_t i = 0; i < nprocs; i++) {
		const cat_proc_t *p = &procs[i];
		if ((channel && !cat_list_has(p->channels, channel)) || (office && !proc_at(p, office)))
			continue;
		json_array_append_new(list, service_json(r->lang, p, offices, noffices, false));
	}
	json_t *filters = jpack("{s:o,s:o}", "channel", channel ? json_string(channel) : json_null(), "office",
				office ? json_string(office) : json_null());
	reply_fresh(r, key, gen, jpack("{s:s,s:o,s:o}", "lang", r->lang, "filters", filters, "services", list));
}

const http_route_t cat_api_routes[] = {
	{HTTP_GET, "/api/v1/offices", offices_list, RT_API | RT_NO_SESSION, 0},
	{HTTP_GET, "/api/v1/offices/{code}", office_detail, RT_API | RT_NO_SESSION, 0},
	{HTTP_GET, "/api/v1/services", services, RT_API | RT_NO_SESSION, 0},
	{0},
};
