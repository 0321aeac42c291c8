/* bench_render.c — Mustache render speed in-process, without HTTP.
 *
 * Renders the citizen home page (templates/home/index.html inside layout/base) with the real
 * template registry and the Catalan catalogue, using the same context stack as http_reply_page:
 * [{"t": catalogue}, common model, page model]. Two loops:
 *   render  the context is built once; each iteration renders into a fresh capped buffer and
 *           frees it (what view_render costs on its own);
 *   page    each iteration also builds the common model and the {"t": …} wrapper and drops them
 *           afterwards, as http_reply_page does for every request (the database reads for the
 *           city name and logo are left out).
 *
 * Each loop runs ROUNDS times ITERATIONS renders; the median round is reported, timed by the
 * thread's CPU clock (wall-clock time on a busy machine also counts other processes), with the
 * wall-clock figure of the same round beside it.
 *
 * usage: bench_render [ITERATIONS] [ROOT]   (ROOT holds templates/, locale/, static/; default .)
 * Output: "key=value" lines (scripts/run-bench.sh parses them). */
#include "base/buf.h"
#include "http/statics.h"
#include "view/i18n.h"
#include "view/view.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define OUT_CAP (8 << 20) /* the cap http_reply_page uses */

#define ROUNDS 5

/* CPU time of this thread: on a shared machine it leaves out the time other processes had the
 * core, which wall-clock time would count. */
static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The common model of an anonymous visitor on "/", shaped as server.c's common_model builds it. */
static json_t *common_model(const char *lang, json_t *assets)
{
	static const char *codes[] = {"ca", "es", "en"};
	static const char *labels[] = {"Català", "Español", "English"};
	json_t *m = json_object();
	json_t *langs = json_array();
	for (int i = 0; i < 3; i++) {
		char url[32];
		snprintf(url, sizeof url, "/?lang=%s", codes[i]);
		json_array_append_new(langs, json_pack("{s:s,s:s,s:s,s:b}", "code", codes[i], "label",
						       labels[i], "url", url, "current",
						       strcmp(lang, codes[i]) == 0));
	}
	json_object_set_new(m, "lang", json_string(lang));
	json_object_set_new(m, "langs", langs);
	json_object_set_new(m, "path", json_string("/"));
	json_object_set_new(m, "city_name", json_string("Ajuntament de Vilamar"));
	json_object_set(m, "assets", assets);
	return m;
}

static int render_once(const view_t *v, json_t *const *ctx, size_t *bytes)
{
	buf_t out;
	buf_init(&out, OUT_CAP);
	int rc = view_render(v, "home/index", ctx, 3, &out);
	*bytes = out.len;
	buf_free(&out);
	return rc;
}

int main(int argc, char **argv)
{
	long iters = argc > 1 ? strtol(argv[1], NULL, 10) : 50000;
	const char *root = argc > 2 ? argv[2] : ".";
	char path[4096], err[512];
	int status = 1;
	view_t *v = NULL;
	statics_t *st = NULL;
	if (iters < 1 || iters > 100000000) {
		fprintf(stderr, "bench_render: ITERATIONS must be 1..100000000\n");
		return 2;
	}

	snprintf(path, sizeof path, "%s/locale", root);
	if (i18n_load(path, err, sizeof err)) {
		fprintf(stderr, "bench_render: %s\n", err);
		return 1;
	}
	snprintf(path, sizeof path, "%s/templates", root);
	v = view_new(path, err, sizeof err);
	if (!v) {
		fprintf(stderr, "bench_render: %s\n", err);
		goto cleanup;
	}
	snprintf(path, sizeof path, "%s/static", root);
	st = statics_load(path, err, sizeof err);
	if (!st) {
		fprintf(stderr, "bench_render: %s\n", err);
		goto cleanup;
	}
	json_t *catalog = i18n_catalog("ca");
	json_t *assets = statics_assets(st);

	/* One render to check the output is the real page, not an empty string. */
	json_t *tctx = json_pack("{s:O}", "t", catalog);
	json_t *common = common_model("ca", assets);
	json_t *page = json_object();
	json_t *ctx[3] = {tctx, common, page};
	buf_t check;
	buf_init(&check, OUT_CAP);
	int rc = view_render(v, "home/index", ctx, 3, &check);
	const char *title = json_string_value(json_object_get(catalog, "home_title"));
	if (rc || !title || !strstr(buf_str(&check), "<!DOCTYPE html>") || !strstr(buf_str(&check), title) ||
	    !strstr(buf_str(&check), "/static/style.")) {
		fprintf(stderr, "bench_render: the home page did not render as expected (rc %d)\n", rc);
		buf_free(&check);
		goto cleanup_ctx;
	}
	size_t bytes = check.len;
	buf_free(&check);

	/* Warm-up: caches, allocator. */
	size_t b;
	for (long i = 0; i < iters / 20 + 1; i++)
		render_once(v, ctx, &b);

	double render_cpu[ROUNDS], render_wall[ROUNDS], page_cpu[ROUNDS], page_wall[ROUNDS];
	for (int round = 0; round < ROUNDS; round++) {
		double w0 = wall_now(), c0 = cpu_now();
		for (long i = 0; i < iters; i++)
			if (render_once(v, ctx, &b))
				goto cleanup_ctx;
		render_cpu[round] = cpu_now() - c0;
		render_wall[round] = wall_now() - w0;

		w0 = wall_now();
		c0 = cpu_now();
		for (long i = 0; i < iters; i++) {
			json_t *tc = json_pack("{s:O}", "t", catalog);
			json_t *cm = common_model("ca", assets);
			json_t *pm = json_object();
			json_t *c[3] = {tc, cm, pm};
			int r = render_once(v, c, &b);
			json_decref(pm);
			json_decref(cm);
			json_decref(tc);
			if (r)
				goto cleanup_ctx;
		}
		page_cpu[round] = cpu_now() - c0;
		page_wall[round] = wall_now() - w0;
	}
	qsort(render_cpu, ROUNDS, sizeof(double), cmp_double);
	qsort(render_wall, ROUNDS, sizeof(double), cmp_double);
	qsort(page_cpu, ROUNDS, sizeof(double), cmp_double);
	qsort(page_wall, ROUNDS, sizeof(double), cmp_double);
	double rc_s = render_cpu[ROUNDS / 2], pc_s = page_cpu[ROUNDS / 2];
	double n = (double)iters;

	printf("iterations=%ld\nrounds=%d\nbytes=%zu\n", iters, ROUNDS, bytes);
	printf("render_per_s=%.0f\nrender_ns=%.0f\nrender_wall_ns=%.0f\nrender_best_ns=%.0f\nrender_mib_per_s=%.1f\n",
	       n / rc_s, rc_s / n * 1e9, render_wall[ROUNDS / 2] / n * 1e9, render_cpu[0] / n * 1e9,
	       (double)bytes * n / rc_s / (1024.0 * 1024.0));
	printf("page_per_s=%.0f\npage_ns=%.0f\npage_wall_ns=%.0f\npage_best_ns=%.0f\n", n / pc_s, pc_s / n * 1e9,
	       page_wall[ROUNDS / 2] / n * 1e9, page_cpu[0] / n * 1e9);
	status = 0;
cleanup_ctx:
	json_decref(page);
	json_decref(common);
	json_decref(tctx);
cleanup:
	statics_free(st);
	view_free(v);
	i18n_unload();
	return status;
}
