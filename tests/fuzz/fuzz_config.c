// fuzz-sources: src/base/config.c
/* Configuration from arbitrary INI text; the same bytes, split into lines, also go through the
 * environment and flag paths. A successful load is dumped and the dump read back. */
#include "base/config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	config_t *c = config_new();
	int rc = config_load_string(c, "fuzz.ini", (const char *)data, size, err, sizeof err);
	if (rc && !err[0])
		abort(); /* a failure always says why */
	if (rc == 0) {
		char *out;
		size_t len;
		config_dump(c, &out, &len);
		config_t *d = config_new();
		config_load_string(d, "dump", out, len, err, sizeof err);
		config_free(d);
		free(out);
	}

	/* lines as environment variables ("FINESTRETA_X=y") and as flags ("section.key=value") */
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	char *envp[17];
	size_t n = 0;
	for (char *p = s, *nl; p && *p && n < 16; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		envp[n++] = p;
		char *eq = strchr(p, '=');
		if (eq) {
			*eq = '\0';
			config_set(c, p, eq + 1, err, sizeof err);
			*eq = '=';
		}
	}
	envp[n] = NULL;
	config_load_env(c, envp, err, sizeof err);
	config_free(c);
	free(s);
	return 0;
}
