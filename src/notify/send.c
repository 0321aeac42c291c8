/* send.c — the transports: SMTP and the SMS gateway over libcurl, and the .eml folder. Each
 * call is one blocking exchange with a timeout; only the jobs thread calls them. */
#include "notify/internal.h"

#include "base/err.h"
#include "base/json.h"
#include "base/mem.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_start(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

typedef struct {
	const char *data;
	size_t len, off;
} upload_t;

static size_t read_cb(char *out, size_t size, size_t nmemb, void *ud)
{
	upload_t *u = ud;
	size_t room = size * nmemb, left = u->len - u->off;
	size_t n = left < room ? left : room;
	memcpy(out, u->data + u->off, n);
	u->off += n;
	return n;
}

/* The reply up to the buffer's cap (a chatty server cannot grow memory); the rest is dropped and
 * the buffer stays full, which is how a caller tells a reply that was too long. */
static size_t write_cb(char *p, size_t size, size_t nmemb, void *ud)
{
	buf_t *b = ud;
	size_t n = size * nmemb;
	if (b->len < b->max)
		(void)buf_append(b, p, n < b->max - b->len ? n : b->max - b->len); /* clamped to the room left */
	return n;
}

/* Aborts a transfer when the server is shutting down, so SIGTERM never waits out an SMTP
 * timeout. */
static int progress_cb(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	(void)ud, (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	return nt_stopping() ? 1 : 0;
}

static void set_err(char *err, size_t errlen, const char *what, CURLcode cc, const char *detail)
{
	snprintf(err, errlen, "%s: %s%s%s", what, curl_easy_strerror(cc), detail && *detail ? ": " : "",
		 detail ? detail : "");
}

int nt_send_smtp(const char *url, const char *user, const char *password, bool starttls, int timeout_s,
		 const char *from, const char *to, const char *data, size_t len, char *err, size_t errlen)
{
	pthread_once(&curl_once, curl_start);
	CURL *h = curl_easy_init();
	if (!h) {
		snprintf(err, errlen, "smtp: cannot start libcurl");
		return ERR_IO;
	}
	char from_br[300], errbuf[CURL_ERROR_SIZE] = "";
	snprintf(from_br, sizeof from_br, "<%s>", from);
	struct curl_slist *rcpt = curl_slist_append(NULL, to);
	upload_t up = {data, len, 0};
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from_br);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(h, CURLOPT_READDATA, &up);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)timeout_s);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)(timeout_s < 10 ? timeout_s : 10));
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, progress_cb);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	if (user && *user) {
		curl_easy_setopt(h, CURLOPT_USERNAME, user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, password ? password : "");
	}
	if (starttls)
		curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	CURLcode cc = curl_easy_perform(h);
	int rc = 0;
	if (cc != CURLE_OK) {
		set_err(err, errlen, "smtp", cc, errbuf);
		rc = ERR_IO;
	}
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(h);
	return rc;
}

int notify_post_json(const char *url, const char *token, int timeout_s, const json_t *body, buf_t *reply, long *status,
		     char *err, size_t errlen)
{
	pthread_once(&curl_once, curl_start);
	*status = 0;
	CURL *h = curl_easy_init();
	if (!h) {
		snprintf(err, errlen, "cannot start libcurl");
		return ERR_IO;
	}
	char *data = json_dumps(body, JSON_COMPACT);
	struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
	hdr = curl_slist_append(hdr, "Accept: application/json");
	char *auth = NULL;
	if (token && *token) {
		auth = xasprintf("Authorization: Bearer %s", token);
		hdr = curl_slist_append(hdr, auth);
	}
	char errbuf[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, data ? data : "{}");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, reply);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)timeout_s);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, progress_cb);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	CURLcode cc = curl_easy_perform(h);
	int rc = 0;
	if (cc != CURLE_OK) {
		set_err(err, errlen, "http", cc, errbuf);
		rc = ERR_IO;
	} else {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	}
	curl_slist_free_all(hdr);
	free(auth);
	free(data);
	curl_easy_cleanup(h);
	return rc;
}

int nt_send_sms(const char *url, const char *token, int timeout_s, const char *to, const char *text, char *err,
		size_t errlen)
{
	json_t *j = jpack("{s:s,s:s}", "to", to, "text", text);
	buf_t reply;
	buf_init(&reply, 512);
	long status = 0;
	int rc = notify_post_json(url, token, timeout_s, j, &reply, &status, err, errlen);
	json_decref(j);
	if (rc == 0 && (status < 200 || status > 299)) {
		/* The reply may echo what we sent; keep only a printable prefix. */
		char snippet[121];
		size_t n = reply.len < 120 ? reply.len : 120;
		for (size_t i = 0; i < n; i++) {
			unsigned char ch = (unsigned char)reply.data[i];
			snippet[i] = ch < 0x20 || ch >= 0x7f ? ' ' : (char)ch;
		}
		snippet[n] = '\0';
		snprintf(err, errlen, "sms: gateway answered %ld %s", status, snippet);
		rc = ERR_IO;
	} else if (rc) {
		/* err says "http: …"; the outbox shows it as the SMS attempt's reason. */
		rc = ERR_IO;
	}
	buf_free(&reply);
	return rc;
}

static int mkdirs(const char *dir)
{
	char *p = xstrdup(dir);
	int rc = 0;
	for (char *s = p + 1;; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;
			*s = '\0';
			if (mkdir(p, 0750) && errno != EEXIST)
				rc = -1;
			*s = c;
			if (!c || rc)
				break;
		}
	}
	free(p);
	return rc;
}

int nt_send_file(const char *dir, const char *name, const char *data, size_t len, char *err, size_t errlen)
{
	if (mkdirs(dir)) {
		snprintf(err, errlen, "outbox folder %s: %s", dir, strerror(errno));
		return ERR_IO;
	}
	char *tmp = xasprintf("%s/.%s.tmp", dir, name), *path = xasprintf("%s/%s", dir, name);
	int rc = ERR_IO;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
			close(fd);
			unlink(tmp);
			goto out;
		}
		off += (size_t)w;
	}
	if (fsync(fd) || close(fd) || rename(tmp, path)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	free(tmp);
	free(path);
	return rc;
}
