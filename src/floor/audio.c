/* audio.c — the spoken call: "Número A 12, taula 5" in each language of floor.languages, after
 * a chime, made by espeak-ng on the server (render/speech.h) and cached per text in the database,
 * so every node and every display of an office reuses it. When espeak-ng cannot be run the
 * chime alone is served (and not cached, so speech comes back once it can). */
#include "floor/internal.h"

#include "base/err.h"
#include "base/str.h"
#include "render/speech.h"
#include "view/i18n.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* "A012" → "A 12": the letters, then the number without its zeros, which a voice reads as one
 * number ("dotze") instead of digits. */
static const char *spoken_number(arena_t *a, const char *number)
{
	size_t k = 0;
	while (number[k] && !(number[k] >= '0' && number[k] <= '9'))
		k++;
	const char *digits = number + k;
	while (*digits == '0' && digits[1])
		digits++;
	return arena_printf(a, "%.*s %s", (int)k, number, digits);
}

/* The desk as said in lang: "taula 5" for a desk whose name ends with a number, else its name. */
static const char *spoken_desk(arena_t *a, const char *lang, const cat_desk_t *d)
{
	const char *name = d->display_name && *d->display_name ? d->display_name : d->code;
	size_t n = strlen(name), k = n;
	while (k > 0 && name[k - 1] >= '0' && name[k - 1] <= '9')
		k--;
	if (k == n)
		return name;
	const char *vars[] = {"n", name + k, NULL};
	return i18n_subst(a, i18n_get(lang, "fl_say_desk"), vars);
}

int fl_announce_texts(fl_ctx_t *ctx, const char *number, const cat_desk_t *d, const char **langs, const char **texts,
		      size_t *n)
{
	const char *list = ctx->cfg ? config_str(ctx->cfg, "floor.languages") : "ca,es";
	*n = 0;
	for (size_t i = 0; i < I18N_NLANGS && *n < FL_SPEAK_MAX; i++) {
		const char *l = i18n_langs[i];
		if (!cat_list_has(list, l))
			continue;
		const char *vars[] = {"number", spoken_number(ctx->a, number), "desk", spoken_desk(ctx->a, l, d), NULL};
		langs[*n] = l;
		texts[*n] = i18n_subst(ctx->a, i18n_get(l, "fl_say_call"), vars);
		(*n)++;
	}
	return *n ? 0 : ERR_INVALID;
}

/* The cache key: SHA-256 of the languages and texts. */
static const char *audio_key(arena_t *a, const char **langs, const char **texts, size_t n)
{
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	for (size_t i = 0; i < n; i++) {
		crypto_hash_sha256_update(&st, (const unsigned char *)langs[i], strlen(langs[i]) + 1);
		crypto_hash_sha256_update(&st, (const unsigned char *)texts[i], strlen(texts[i]) + 1);
	}
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_final(&st, h);
	char *hex = arena_alloc(a, 2 * sizeof h + 1);
	str_hex(h, sizeof h, hex);
	return hex;
}

int fl_announcement(fl_ctx_t *ctx, const char *number, const cat_desk_t *d, const unsigned char **wav, size_t *len,
		    const char **key)
{
	const char *langs[FL_SPEAK_MAX], *texts[FL_SPEAK_MAX];
	size_t n;
	int rc = fl_announce_texts(ctx, number, d, langs, texts, &n);
	if (rc)
		return rc;
	*key = audio_key(ctx->a, langs, texts, n);
	rc = fl_store_audio_get(ctx->c, ctx->a, *key, wav, len);
	if (rc != ERR_NOT_FOUND)
		return rc;
	unsigned char *made;
	size_t made_len;
	const char *program = ctx->cfg ? config_str(ctx->cfg, "floor.espeak") : "espeak-ng";
	rc = speech_wav(program, langs, texts, n, &made, &made_len);
	bool spoken = rc == 0;
	if (rc == ERR_UNAVAILABLE)
		rc = speech_chime(&made, &made_len);
	if (rc)
		return rc;
	unsigned char *copy = arena_alloc(ctx->a, made_len);
	memcpy(copy, made, made_len);
	free(made);
	*wav = copy;
	*len = made_len;
	if (!spoken)
		*key = "chime";
	return spoken ? fl_store_audio_put(ctx->c, *key, copy, made_len, ctx->now) : 0;
}
