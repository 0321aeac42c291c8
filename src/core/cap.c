/* cap.c — the core's walks over the capability table; see cap.h. */
#include "core/cap.h"

#include "base/arena.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "bus/bus.h"
#include "http/core.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static size_t count_routes(const http_route_t *r)
{
	size_t n = 0;
	while (r && r[n].pattern)
		n++;
	return n;
}

void cap_declare(void)
{
	for (size_t i = 0; i < cap_count; i++) {
		const config_key_t *k = cap_table[i]->config;
		size_t n = 0;
		while (k && k[n].section)
			n++;
		if (n)
			config_declare(k, n);
	}
}

void cap_routes_each(void (*fn)(const char *owner, const http_route_t *rt, void *ud), void *ud)
{
	for (const http_route_t *rt = core_routes; rt->pattern; rt++)
		fn("core", rt, ud);
	for (size_t i = 0; i < cap_count; i++)
		for (size_t t = 0; t < CAP_ROUTE_TABLES; t++)
			for (const http_route_t *rt = cap_table[i]->routes[t]; rt && rt->pattern; rt++)
				fn(cap_table[i]->name, rt, ud);
}

void cap_register(void)
{
	http_routes_add(core_routes, count_routes(core_routes));
	for (size_t i = 0; i < cap_count; i++) {
		const cap_t *c = cap_table[i];
		for (size_t t = 0; t < CAP_ROUTE_TABLES; t++)
			if (c->routes[t])
				http_routes_add(c->routes[t], count_routes(c->routes[t]));
		size_t n = 0;
		while (c->topics && c->topics[n].topic)
			n++;
		if (n)
			bus_topics_add(c->topics, n);
	}
}

int cap_migrate(db_t *db, const char *root, char *err, size_t errlen)
{
	int total = 0;
	for (size_t i = 0; i < cap_count; i++) {
		const char *name = cap_table[i]->name;
		char *dir = xasprintf("%s/migrations/%s", root, name);
		struct stat st;
		int n = 0;
		if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
			n = db_migrate(db, dir, name, err, errlen);
		free(dir);
		if (n < 0)
			return n;
		total += n;
	}
	return total;
}

int cap_start(app_t *app)
{
	for (size_t i = 0; i < cap_count; i++) {
		const cap_t *c = cap_table[i];
		int rc = c->start ? c->start(app) : 0;
		if (rc) {
			log_error("%s: cannot start: %s", c->name, err_name(rc));
			/* Undo what the ones before did, newest first. */
			while (i-- > 0) {
				if (cap_table[i]->stop)
					cap_table[i]->stop(app);
				if (cap_table[i]->finish)
					cap_table[i]->finish(app);
			}
			return rc;
		}
	}
	return 0;
}

void cap_stop(app_t *app)
{
	for (size_t i = cap_count; i-- > 0;)
		if (cap_table[i]->stop)
			cap_table[i]->stop(app);
}

void cap_finish(app_t *app)
{
	for (size_t i = cap_count; i-- > 0;)
		if (cap_table[i]->finish)
			cap_table[i]->finish(app);
}

int cap_seed(app_t *app, db_conn_t *c, int64_t now, FILE *out)
{
	size_t n = 0;
	for (size_t i = 0; i < cap_count; i++)
		for (const cap_seed_t *s = cap_table[i]->seeds; s && s->run; s++)
			n++;
	const cap_seed_t **steps = xcalloc(n ? n : 1, sizeof *steps);
	n = 0;
	/* Insertion by order: stable, so equal orders keep table order and list order. */
	for (size_t i = 0; i < cap_count; i++)
		for (const cap_seed_t *s = cap_table[i]->seeds; s && s->run; s++) {
			size_t j = n++;
			for (; j > 0 && steps[j - 1]->order > s->order; j--)
				steps[j] = steps[j - 1];
			steps[j] = s;
		}
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const cap_seed_t *s = steps[i];
		int r = s->run(app, c, now, out);
		if (r && s->optional)
			log_warn("demo: %s did not complete (%s)", s->name, err_name(r));
		else if (r) {
			log_error("demo: %s failed: %s", s->name, err_name(r));
			rc = r;
		}
	}
	free(steps);
	return rc;
}

static const cap_notice_t no_notices[] = {{0}};

const cap_notice_t *cap_notices(size_t i)
{
	return i < cap_count && cap_table[i]->notices ? cap_table[i]->notices : no_notices;
}

const cap_notice_t *cap_notice_find(const char *kind)
{
	for (size_t i = 0; i < cap_count; i++)
		for (const cap_notice_t *k = cap_notices(i); k->kind; k++)
			if (str_eq(k->kind, kind))
				return k;
	return NULL;
}

const cap_cmd_t *cap_cmd_find(const char *cmd, const char *sub)
{
	for (size_t i = 0; i < cap_count; i++)
		for (const cap_cmd_t *k = cap_table[i]->commands; k && k->cmd; k++)
			if (str_eq(k->cmd, cmd) && (k->sub ? str_eq(k->sub, sub) : true))
				return k;
	return NULL;
}

cap_tl_entry_t *cap_tl_add(cap_tl_t *tl)
{
	return ARENA_PUSH(tl->a, tl->v, tl->n, tl->cap);
}

int cap_timeline(app_t *app, db_conn_t *c, cap_tl_t *tl)
{
	for (size_t i = 0; i < cap_count; i++) {
		int rc = cap_table[i]->timeline ? cap_table[i]->timeline(app, c, tl) : 0;
		if (rc)
			return rc;
	}
	return 0;
}

int cap_erase(app_t *app, db_conn_t *c, const int64_t *ids, size_t n, int64_t now)
{
	for (size_t i = 0; i < cap_count; i++) {
		int rc = cap_table[i]->erase ? cap_table[i]->erase(app, c, ids, n, now) : 0;
		if (rc)
			return rc;
	}
	return 0;
}

int cap_erase_each(db_conn_t *c, const int64_t *ids, size_t n, int (*erase_person)(db_conn_t *c, int64_t id))
{
	for (size_t i = 0; i < n; i++) {
		int rc = erase_person(c, ids[i]);
		if (rc)
			return rc;
	}
	return 0;
}

const cap_t *cap_find(const char *name)
{
	for (size_t i = 0; i < cap_count; i++)
		if (str_eq(cap_table[i]->name, name))
			return cap_table[i];
	return NULL;
}

/* "finestreta import holidays" as messages name the command. */
static const char *cmd_name(const cap_cli_t *x, char *buf, size_t n)
{
	snprintf(buf, n, "%s%s%s", x->cmd->cmd, x->cmd->sub ? " " : "", x->cmd->sub ? x->cmd->sub : "");
	return buf;
}

int cap_cli_opts(cap_cli_t *x, const cap_opt_t *opts, const char **args, size_t max, size_t *nargs)
{
	char name[64];
	size_t n = 0;
	for (int i = 0; i < x->argc; i++) {
		const char *arg = x->argv[i];
		if (arg[0] != '-' || arg[1] == '\0') {
			if (n == max) {
				fprintf(x->err, "finestreta %s: unexpected '%s' (see 'finestreta help %s')\n",
					cmd_name(x, name, sizeof name), arg, x->cmd->cmd);
				return 2;
			}
			args[n++] = arg;
			continue;
		}
		const char *eq = strchr(arg, '=');
		size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
		const cap_opt_t *o = opts;
		while (o && o->flag && !(strlen(o->flag) == len && strncmp(o->flag, arg, len) == 0))
			o++;
		if (!o || !o->flag) {
			fprintf(x->err, "finestreta %s: unknown option '%s' (see 'finestreta help %s')\n",
				cmd_name(x, name, sizeof name), arg, x->cmd->cmd);
			return 2;
		}
		if (o->on) {
			*o->on = true;
		} else if (eq) {
			*o->value = eq + 1;
		} else if (i + 1 < x->argc) {
			*o->value = x->argv[++i];
		} else {
			fprintf(x->err, "finestreta %s: %s needs a value\n", cmd_name(x, name, sizeof name), arg);
			return 2;
		}
	}
	if (nargs)
		*nargs = n;
	return 0;
}
