/* docs.c — the document space's file handling: the keyring, the type by content, safe names,
 * sealing with libsodium's secretstream, and the file store (internal.h).
 *
 * A sealed document is: "FINDOC1\n", the key id (4 bytes, big-endian), the secretstream header
 * (24 bytes), then the chunks (64 KiB of plaintext each, 17 bytes more sealed), the last one
 * tagged FINAL. The stored name is the first chunk's additional data, so a file copied over
 * another's name does not open. */
#include "remote/internal.h"

#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC "FINDOC1\n"
#define MAGIC_LEN 8
#define HEAD_LEN (MAGIC_LEN + 4 + crypto_secretstream_xchacha20poly1305_HEADERBYTES)
#define CHUNK 65536
#define SEALED_CHUNK (CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES)

/* ---------------------------------------------------------------- keyring */

int rm_keyring_parse(const char *spec, int64_t current, rm_keyring_t *out)
{
	memset(out, 0, sizeof *out);
	const char *p = spec ? spec : "";
	while (*p == ' ')
		p++;
	while (*p) {
		if (out->n == RM_KEYS_MAX)
			return ERR_INVALID;
		size_t len = strcspn(p, ",");
		const char *colon = memchr(p, ':', len);
		if (!colon || colon == p || colon - p > 6)
			return ERR_INVALID;
		int id = 0;
		for (const char *q = p; q < colon; q++) {
			if (*q < '0' || *q > '9')
				return ERR_INVALID;
			id = id * 10 + (*q - '0');
		}
		if (id < 1 || rm_keyring_key(out, id))
			return ERR_INVALID;
		const char *b64 = colon + 1;
		size_t blen = len - (size_t)(b64 - p);
		while (blen && b64[blen - 1] == ' ')
			blen--;
		size_t got = 0;
		const char *end = NULL;
		if (sodium_base642bin(out->keys[out->n], RM_KEY_BYTES, b64, blen, NULL, &got, &end,
				      sodium_base64_VARIANT_ORIGINAL) != 0 ||
		    got != RM_KEY_BYTES || end != b64 + blen)
			return ERR_INVALID;
		out->ids[out->n++] = id;
		p += len;
		if (*p == ',')
			p++;
		while (*p == ' ')
			p++;
	}
	if (out->n == 0)
		return current ? ERR_INVALID : 0;
	if (current) {
		if (!rm_keyring_key(out, (int)current))
			return ERR_INVALID;
		out->current = (int)current;
	} else {
		for (int i = 0; i < out->n; i++)
			if (out->ids[i] > out->current)
				out->current = out->ids[i];
	}
	return 0;
}

const unsigned char *rm_keyring_key(const rm_keyring_t *k, int id)
{
	for (int i = 0; k && i < k->n; i++)
		if (k->ids[i] == id)
			return k->keys[i];
	return NULL;
}

static rm_keyring_t ring;
static bool ring_loaded;

const rm_keyring_t *rm_keys(void)
{
	return ring_loaded && ring.n ? &ring : NULL;
}

int rm_keys_load(const config_t *cfg, bool demo)
{
	if (ring_loaded)
		return 0; /* the demo's seed loaded them before the server started */
	int rc = rm_keyring_parse(config_str(cfg, "documents.keys"), config_int(cfg, "documents.key_id"), &ring);
	if (rc) {
		log_error("remote: documents.keys must be ID:BASE64 pairs of 32-byte keys (documents.key_id one of "
			  "them)");
		sodium_memzero(&ring, sizeof ring);
		return rc;
	}
	if (!ring.n && demo) {
		/* The demo's own database is made afresh each run: a key of this run seals its files. */
		ring.n = 1;
		ring.ids[0] = ring.current = 1;
		randombytes_buf(ring.keys[0], RM_KEY_BYTES);
		log_info("remote: documents sealed with a key made for this demo run (set documents.keys to keep one)");
	}
	ring_loaded = true;
	return 0;
}

void rm_keys_forget(void)
{
	sodium_memzero(&ring, sizeof ring);
	ring_loaded = false;
}

/* ---------------------------------------------------------------- type and name */

static bool has_at(const unsigned char *p, size_t n, size_t at, const char *s, size_t len)
{
	return n >= at + len && memcmp(p + at, s, len) == 0;
}

/* Whether needle occurs in the last `tail` bytes of p. */
static bool in_tail(const unsigned char *p, size_t n, size_t tail, const char *needle)
{
	size_t len = strlen(needle), from = n > tail ? n - tail : 0;
	for (size_t i = from; i + len <= n; i++)
		if (memcmp(p + i, needle, len) == 0)
			return true;
	return false;
}

const char *rm_doc_sniff(const unsigned char *p, size_t n)
{
	if (!p)
		return NULL;
	/* A PDF starts with its version line and ends with %%EOF (a cut one does not). */
	if ((has_at(p, n, 0, "%PDF-1.", 7) || has_at(p, n, 0, "%PDF-2.", 7)) && n >= 64 && in_tail(p, n, 1024, "%%EOF"))
		return "application/pdf";
	/* JPEG: start of image and a marker; end of image somewhere near the end. */
	if (n >= 128 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF && in_tail(p, n, 4096, "\xFF\xD9"))
		return "image/jpeg";
	/* PNG: the signature, IHDR first, IEND last. */
	if (has_at(p, n, 0, "\x89PNG\r\n\x1a\n", 8) && has_at(p, n, 12, "IHDR", 4) && n >= 57 &&
	    has_at(p, n, n - 8, "IEND", 4))
		return "image/png";
	return NULL;
}

static const char *ext_of(const char *type)
{
	if (str_eq(type, "application/pdf"))
		return ".pdf";
	if (str_eq(type, "image/jpeg"))
		return ".jpg";
	return ".png";
}

/* The length of the UTF-8 sequence at s (1..4), or 0 when it is not a valid one. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n = s[0] < 0x80             ? 1
		   : (s[0] & 0xE0) == 0xC0 ? 2
		   : (s[0] & 0xF0) == 0xE0 ? 3
		   : (s[0] & 0xF8) == 0xF0 ? 4
					   : 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	return n && str_valid_utf8((const char *)s, n) ? n : 0;
}

/* Characters a name never keeps: controls, what file systems refuse, and the invisible
 * direction marks and overrides that make "fdp.exe" read "exe.pdf". */
static bool dropped(const unsigned char *s, size_t len)
{
	if (len == 1)
		return s[0] < 0x20 || s[0] == 0x7F || strchr("/\\:*?\"<>|", s[0]) != NULL;
	if (len == 2)
		return s[0] == 0xC2 && s[1] >= 0x80 && s[1] < 0xA0; /* C1 controls */
	if (len == 3 && s[0] == 0xE2 && s[1] == 0x80)
		return (s[2] >= 0x8B && s[2] <= 0x8F) || (s[2] >= 0xAA && s[2] <= 0xAE); /* ZW*, LRM/RLM, LRE…RLO */
	if (len == 3 && s[0] == 0xE2 && s[1] == 0x81)
		return s[2] >= 0xA6 && s[2] <= 0xA9; /* LRI…PDI */
	if (len == 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
		return true; /* BOM */
	return false;
}

const char *rm_doc_name(arena_t *a, const char *filename, const char *type)
{
	const char *f = filename ? filename : "";
	/* The last path component only (a browser may send C:\\…\\name). */
	for (const char *p = f; *p; p++)
		if (*p == '/' || *p == '\\')
			f = p + 1;
	size_t n = strlen(f);
	char *stem = arena_alloc(a, n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n;) {
		size_t len = utf8_len((const unsigned char *)f + i);
		if (!len) {
			i++;
			continue;
		}
		if (!dropped((const unsigned char *)f + i, len)) {
			memcpy(stem + k, f + i, len);
			k += len;
		}
		i += len;
	}
	stem[k] = '\0';
	/* Without its extension (the type decides it), leading dots and spaces, trailing dots and
	 * spaces. */
	char *dot = strrchr(stem, '.');
	if (dot && dot != stem)
		*dot = '\0';
	char *s = stem;
	while (*s == '.' || *s == ' ')
		s++;
	size_t len = strlen(s);
	/* At most RM_NAME_STEM bytes, cut on a character boundary. */
	if (len > RM_NAME_STEM) {
		len = RM_NAME_STEM;
		while (len && ((unsigned char)s[len] & 0xC0) == 0x80)
			len--;
	}
	while (len && (s[len - 1] == ' ' || s[len - 1] == '.'))
		len--;
	if (!len)
		return arena_printf(a, "document%s", ext_of(type));
	return arena_printf(a, "%.*s%s", (int)len, s, ext_of(type));
}

/* ---------------------------------------------------------------- sealing */

int rm_doc_seal(const rm_keyring_t *k, const char *ad, const unsigned char *p, size_t n, buf_t *out)
{
	const unsigned char *key = k ? rm_keyring_key(k, k->current) : NULL;
	if (!k || !key)
		return ERR_NOT_FOUND;
	unsigned char head[HEAD_LEN];
	memcpy(head, MAGIC, MAGIC_LEN);
	uint32_t id = (uint32_t)k->current;
	head[8] = (unsigned char)(id >> 24);
	head[9] = (unsigned char)(id >> 16);
	head[10] = (unsigned char)(id >> 8);
	head[11] = (unsigned char)id;
	crypto_secretstream_xchacha20poly1305_state st;
	crypto_secretstream_xchacha20poly1305_init_push(&st, head + 12, key);
	int rc = buf_append(out, head, sizeof head);
	unsigned char *chunk = xmalloc(SEALED_CHUNK);
	size_t off = 0;
	bool first = true;
	do {
		size_t len = n - off > CHUNK ? CHUNK : n - off;
		unsigned char tag = off + len == n ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0;
		unsigned long long clen = 0;
		crypto_secretstream_xchacha20poly1305_push(&st, chunk, &clen, p + off, len,
							   first ? (const unsigned char *)ad : NULL,
							   first ? strlen(ad) : 0, tag);
		if (!rc)
			rc = buf_append(out, chunk, (size_t)clen);
		off += len;
		first = false;
	} while (off < n);
	sodium_memzero(&st, sizeof st);
	free(chunk);
	return rc;
}

int rm_doc_key_id(const unsigned char *p, size_t n)
{
	if (n < HEAD_LEN || memcmp(p, MAGIC, MAGIC_LEN) != 0)
		return ERR_INVALID;
	return (int)(((uint32_t)p[8] << 24) | ((uint32_t)p[9] << 16) | ((uint32_t)p[10] << 8) | p[11]);
}

int rm_doc_open(const rm_keyring_t *k, const char *ad, const unsigned char *p, size_t n, buf_t *out, int *key_id)
{
	int id = rm_doc_key_id(p, n);
	if (id < 0)
		return id;
	if (key_id)
		*key_id = id;
	const unsigned char *key = rm_keyring_key(k, id);
	if (!key)
		return ERR_NOT_FOUND;
	crypto_secretstream_xchacha20poly1305_state st;
	if (crypto_secretstream_xchacha20poly1305_init_pull(&st, p + 12, key) != 0)
		return ERR_INVALID;
	size_t had = out->len; /* a failure leaves out as it was: no partial plaintext */
	unsigned char *chunk = xmalloc(CHUNK);
	size_t off = HEAD_LEN;
	bool first = true, final = false;
	int rc = 0;
	while (!rc && !final) {
		size_t len = n - off > SEALED_CHUNK ? SEALED_CHUNK : n - off;
		unsigned long long mlen = 0;
		unsigned char tag = 0;
		if (len < crypto_secretstream_xchacha20poly1305_ABYTES ||
		    crypto_secretstream_xchacha20poly1305_pull(&st, chunk, &mlen, &tag, p + off, len,
							       first ? (const unsigned char *)ad : NULL,
							       first ? strlen(ad) : 0) != 0) {
			rc = ERR_INVALID;
			break;
		}
		final = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
		off += len;
		first = false;
		if (!final && off >= n)
			rc = ERR_INVALID; /* cut short */
		else
			rc = buf_append(out, chunk, (size_t)mlen);
	}
	if (!rc && off != n)
		rc = ERR_INVALID; /* bytes after the final chunk */
	if (rc) {
		if (out->data)
			sodium_memzero(out->data + had, out->len - had);
		out->len = had;
		rc = ERR_INVALID;
	}
	sodium_memzero(chunk, CHUNK);
	sodium_memzero(&st, sizeof st);
	free(chunk);
	return rc;
}

/* ---------------------------------------------------------------- files */

void rm_stored_name(char out[RM_STORED_LEN])
{
	unsigned char r[16];
	randombytes_buf(r, sizeof r);
	str_hex(r, sizeof r, out);
	memcpy(out + 32, ".fdoc", 6);
}

bool rm_stored_valid(const char *name)
{
	if (!name || strlen(name) != RM_STORED_LEN - 1 || strcmp(name + 32, ".fdoc") != 0)
		return false;
	for (int i = 0; i < 32; i++)
		if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f')))
			return false;
	return true;
}

/* mkdir -p, private to the service. */
static int mkdirs(const char *dir)
{
	char *p = xstrdup(dir);
	int rc = 0;
	for (char *s = p + 1; !rc && *s; s++)
		if (*s == '/') {
			*s = '\0';
			if (mkdir(p, 0700) != 0 && errno != EEXIST)
				rc = -1;
			*s = '/';
		}
	if (!rc && mkdir(p, 0700) != 0 && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

int rm_file_write(const char *dir, const char *name, const void *p, size_t n)
{
	if (!rm_stored_valid(name))
		return ERR_INVALID;
	if (mkdirs(dir) != 0)
		return ERR_IO;
	char *tmp = xasprintf("%s/.%s.tmp", dir, name), *path = xasprintf("%s/%s", dir, name);
	int rc = 0;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		rc = ERR_IO;
	for (size_t off = 0; !rc && off < n;) {
		ssize_t w = write(fd, (const char *)p + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			rc = ERR_IO;
		else
			off += (size_t)w;
	}
	if (!rc && fsync(fd) != 0)
		rc = ERR_IO;
	if (fd >= 0 && close(fd) != 0)
		rc = ERR_IO;
	if (!rc && rename(tmp, path) != 0)
		rc = ERR_IO;
	if (rc) {
		log_error("remote: cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	free(path);
	return rc;
}

int rm_file_read(const char *dir, const char *name, size_t max, buf_t *out)
{
	if (!rm_stored_valid(name))
		return ERR_INVALID;
	char *path = xasprintf("%s/%s", dir, name);
	struct stat sb;
	int rc = 0;
	if (stat(path, &sb) != 0)
		rc = errno == ENOENT ? ERR_NOT_FOUND : ERR_IO;
	else if ((size_t)sb.st_size > max)
		rc = ERR_TOO_BIG;
	else if (buf_read_file(out, path) != 0)
		rc = ERR_IO;
	free(path);
	return rc;
}

int rm_file_remove(const char *dir, const char *name)
{
	if (!rm_stored_valid(name))
		return ERR_INVALID;
	char *path = xasprintf("%s/%s", dir, name);
	int rc = unlink(path) == 0 ? 0 : errno == ENOENT ? ERR_NOT_FOUND : ERR_IO;
	free(path);
	return rc;
}
