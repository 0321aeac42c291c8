/* speech.h — spoken calls for the call displays: a two-note chime, then texts read aloud by
 * espeak-ng (Debian's espeak-ng; `espeak-ng -v ca` speaks Catalan), one language after the other,
 * as one WAV file (16-bit mono PCM at espeak-ng's 22050 Hz).
 *
 * espeak-ng runs as a child process (posix_spawn, no shell: the text goes to its standard input,
 * so nothing in it can become an option or a command), one at a time per process, and is killed
 * when it takes longer than SPEECH_TIMEOUT_MS.
 *
 * Ownership: *out is a new buffer (free()). Errors: 0 or a negative code from base/err.h. */
#ifndef FIN_SPEECH_H
#define FIN_SPEECH_H

#include <stddef.h>

#define SPEECH_RATE 22050
#define SPEECH_TIMEOUT_MS 10000
#define SPEECH_TEXT_MAX 500 /* bytes per text */

/* The chime alone. */
int speech_chime(unsigned char **out, size_t *len);
/* The chime and texts[i] spoken with voice langs[i] ("ca", "es", "en"), n of them (at most 4),
 * with pauses between. program is the espeak-ng executable ("espeak-ng": looked up in PATH).
 * ERR_INVALID for a bad voice name or a text that is empty, too long or not UTF-8;
 * ERR_UNAVAILABLE when espeak-ng cannot be run, fails or times out (the caller may fall back to
 * speech_chime). */
int speech_wav(const char *program, const char *const *langs, const char *const *texts, size_t n, unsigned char **out,
	       size_t *len);

/* Where the samples of a WAV file are (espeak-ng's own: 16-bit mono PCM at SPEECH_RATE; a
 * stream's data chunk may declare more bytes than follow: what follows counts). 0 with *off and
 * *len (even), or ERR_INVALID for anything else. */
int speech_samples(const unsigned char *wav, size_t n, size_t *off, size_t *len);

#endif
