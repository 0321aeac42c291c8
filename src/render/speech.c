/* speech.c — the chime (synthesised here: two decaying sine notes) and espeak-ng's speech, joined
 * into one WAV file (speech.h). */
#include "render/speech.h"

#include "base/buf.h"
#include "base/err.h"
#include "base/log.h"
#include "base/str.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WAV_MAX (8 << 20) /* the whole announcement */
#define PCM_MAX (3 << 20) /* one language's speech: about 70 s */
#define MAX_TEXTS 4

extern char **environ;

/* ---------------------------------------------------------------- PCM */

static int put16(buf_t *b, int16_t v)
{
	unsigned char s[2] = {(unsigned char)(v & 0xff), (unsigned char)((uint16_t)v >> 8)};
	return buf_append(b, s, 2);
}

static int put32(buf_t *b, uint32_t v)
{
	unsigned char s[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
			      (unsigned char)(v >> 24)};
	return buf_append(b, s, 4);
}

static int silence(buf_t *pcm, double seconds)
{
	int rc = 0;
	for (long i = 0; !rc && i < (long)(seconds * SPEECH_RATE); i++)
		rc = put16(pcm, 0);
	return rc;
}

/* A note that starts at once and fades (a struck bell, roughly: the tone and its octave). */
static int note(buf_t *pcm, double hz, double seconds)
{
	int rc = 0;
	long n = (long)(seconds * SPEECH_RATE);
	for (long i = 0; !rc && i < n; i++) {
		double t = (double)i / SPEECH_RATE;
		double env = exp(-3.5 * t) * (i < 200 ? i / 200.0 : 1.0);
		double v = 0.75 * sin(2 * M_PI * hz * t) + 0.25 * sin(4 * M_PI * hz * t);
		rc = put16(pcm, (int16_t)(v * env * 0.4 * 32767));
	}
	return rc;
}

static int chime(buf_t *pcm)
{
	int rc = note(pcm, 659.25, 0.45); /* E5 */
	if (!rc)
		rc = note(pcm, 523.25, 0.9); /* C5 */
	return rc;
}

/* pcm as a WAV file: a new buffer. */
static int wav_of(const buf_t *pcm, unsigned char **out, size_t *len)
{
	buf_t w;
	buf_init(&w, WAV_MAX + 64);
	int rc = buf_append(&w, "RIFF", 4);
	rc = rc ? rc : put32(&w, (uint32_t)(36 + pcm->len));
	rc = rc ? rc : buf_append(&w, "WAVEfmt ", 8);
	rc = rc ? rc : put32(&w, 16);
	rc = rc ? rc : put16(&w, 1); /* PCM */
	rc = rc ? rc : put16(&w, 1); /* mono */
	rc = rc ? rc : put32(&w, SPEECH_RATE);
	rc = rc ? rc : put32(&w, SPEECH_RATE * 2);
	rc = rc ? rc : put16(&w, 2);
	rc = rc ? rc : put16(&w, 16);
	rc = rc ? rc : buf_append(&w, "data", 4);
	rc = rc ? rc : put32(&w, (uint32_t)pcm->len);
	rc = rc ? rc : buf_append(&w, pcm->data, pcm->len);
	if (rc) {
		buf_free(&w);
		return rc;
	}
	*out = (unsigned char *)buf_detach(&w, len);
	return 0;
}

int speech_chime(unsigned char **out, size_t *len)
{
	buf_t pcm;
	buf_init(&pcm, WAV_MAX);
	int rc = chime(&pcm);
	if (!rc)
		rc = wav_of(&pcm, out, len);
	buf_free(&pcm);
	return rc;
}

/* ---------------------------------------------------------------- espeak-ng */

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int speech_samples(const unsigned char *w, size_t n, size_t *off, size_t *len)
{
	if (n < 12 || memcmp(w, "RIFF", 4) || memcmp(w + 8, "WAVE", 4))
		return ERR_INVALID;
	size_t at = 12;
	bool fmt_ok = false;
	while (at + 8 <= n) {
		uint32_t size = le32(w + at + 4);
		if (!memcmp(w + at, "fmt ", 4)) {
			if (at + 24 > n)
				return ERR_INVALID;
			fmt_ok = w[at + 8] == 1 && w[at + 10] == 1 && le32(w + at + 12) == SPEECH_RATE &&
				 w[at + 22] == 16;
		} else if (!memcmp(w + at, "data", 4)) {
			if (!fmt_ok)
				return ERR_INVALID;
			size_t avail = n - at - 8;
			*off = at + 8;
			*len = (size < avail ? size : avail) & ~(size_t)1;
			return 0;
		}
		if (size > n - at - 8)
			break;
		at += 8 + size + (size & 1);
	}
	return ERR_INVALID;
}

/* Appends the samples of espeak-ng's WAV to pcm. */
static int append_samples(buf_t *pcm, const unsigned char *w, size_t n)
{
	size_t off, len;
	if (speech_samples(w, n, &off, &len))
		return ERR_UNAVAILABLE;
	return buf_append(pcm, w + off, len);
}

static int64_t ms_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Writes text to the child's stdin and reads its stdout into wav, until it closes or the deadline. */
static int converse(int in_fd, int out_fd, const char *text, buf_t *wav)
{
	size_t sent = 0, tlen = strlen(text);
	int64_t deadline = ms_now() + SPEECH_TIMEOUT_MS;
	char chunk[16384];
	for (;;) {
		struct pollfd p[2] = {{out_fd, POLLIN, 0}, {in_fd, POLLOUT, 0}};
		int np = in_fd >= 0 ? 2 : 1;
		int64_t left = deadline - ms_now();
		if (left <= 0)
			return ERR_UNAVAILABLE;
		int r = poll(p, (nfds_t)np, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return ERR_UNAVAILABLE;
		if (np == 2 && p[1].revents) {
			ssize_t w = write(in_fd, text + sent, tlen - sent);
			if (w > 0)
				sent += (size_t)w;
			if (w < 0 || sent == tlen) {
				close(in_fd);
				in_fd = -1;
			}
		}
		if (p[0].revents) {
			ssize_t n = read(out_fd, chunk, sizeof chunk);
			if (n == 0)
				break;
			if (n < 0 && errno != EINTR && errno != EAGAIN)
				return ERR_UNAVAILABLE;
			if (n > 0 && buf_append(wav, chunk, (size_t)n))
				return ERR_TOO_BIG;
		}
	}
	if (in_fd >= 0)
		close(in_fd);
	return 0;
}

/* One text through `program -v LANG --stdout`, its samples appended to pcm. */
static int speak(const char *program, const char *lang, const char *text, buf_t *pcm)
{
	int in[2], out[2];
	if (pipe2(in, O_CLOEXEC))
		return ERR_UNAVAILABLE;
	if (pipe2(out, O_CLOEXEC)) {
		close(in[0]);
		close(in[1]);
		return ERR_UNAVAILABLE;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	char *argv[] = {(char *)program, "-v", (char *)lang, "-s", "150", "--stdout", NULL};
	pid_t pid;
	int sp = posix_spawnp(&pid, program, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(out[1]);
	if (sp) {
		close(in[1]);
		close(out[0]);
		log_warn("speech: cannot run %s: %s", program, strerror(sp));
		return ERR_UNAVAILABLE;
	}
	buf_t wav;
	buf_init(&wav, PCM_MAX);
	int rc = converse(in[1], out[0], text, &wav);
	close(out[0]);
	if (rc)
		kill(pid, SIGKILL);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!rc && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
		rc = ERR_UNAVAILABLE;
	if (!rc)
		rc = append_samples(pcm, (const unsigned char *)wav.data, wav.len);
	if (rc)
		log_warn("speech: %s -v %s failed (%s)", program, lang, err_name(rc));
	buf_free(&wav);
	return rc;
}

static bool voice_ok(const char *v)
{
	size_t n = v ? strlen(v) : 0;
	if (n < 2 || n > 16)
		return false;
	for (const char *p = v; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || *p == '-'))
			return false;
	return true;
}

static pthread_mutex_t speech_mu = PTHREAD_MUTEX_INITIALIZER;

int speech_wav(const char *program, const char *const *langs, const char *const *texts, size_t n, unsigned char **out,
	       size_t *len)
{
	if (n > MAX_TEXTS || !program || !*program)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++) {
		size_t tl = texts[i] ? strlen(texts[i]) : 0;
		if (!voice_ok(langs[i]) || !tl || tl > SPEECH_TEXT_MAX || !str_valid_utf8(texts[i], tl))
			return ERR_INVALID;
	}
	buf_t pcm;
	buf_init(&pcm, WAV_MAX);
	int rc = chime(&pcm);
	/* One espeak-ng at a time: an announcement takes a fraction of a second and is cached. */
	pthread_mutex_lock(&speech_mu);
	for (size_t i = 0; !rc && i < n; i++) {
		rc = silence(&pcm, i ? 0.5 : 0.3);
		if (!rc)
			rc = speak(program, langs[i], texts[i], &pcm);
	}
	pthread_mutex_unlock(&speech_mu);
	if (!rc)
		rc = silence(&pcm, 0.2);
	if (!rc)
		rc = wav_of(&pcm, out, len);
	buf_free(&pcm);
	return rc == ERR_TOO_BIG ? ERR_UNAVAILABLE : rc;
}
