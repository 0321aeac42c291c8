// fuzz-sources: src/requests/sla.c
/* The requests.sla_hours setting on arbitrary bytes: a spec is valid exactly when it gives every
 * topic some hours, always within 1..8760, never a crash. */
#include "requests/requests.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	int h = -1, t = -1;
	requests_sla(s, NULL, NULL, &h);
	requests_sla(s, "digital", "padro", &t);
	bool valid = requests_sla_valid(s);
	if (valid != (h != 0) || valid != (t != 0) || h < 0 || h > 8760 || t < 0 || t > 8760)
		abort();
	free(s);
	return 0;
}
