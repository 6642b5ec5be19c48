/* Zone files are outside data: load any bytes as a zone file and query it. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mailcheck/dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"example.com", "a.example.com",
		"x.y.example.com", "example.org", "b"};
	static const uint16_t types[] = {MC_RR_A, MC_RR_AAAA, MC_RR_MX, MC_RR_TXT, MC_RR_CNAME};
	char path[64];
	int fd = memfd_create("zone", 0);
	mc_resolver *r = NULL;

	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		const char *files[1] = {path};

		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if (mc_resolver_new_zones(&r, files, 1) == MC_OK) {
			for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
				for (size_t k = 0; k < sizeof(types) / sizeof(types[0]); k++)
					mc_dns_lookup(r, names[i], types[k]);
			mc_resolver_free(r);
		}
	}
	close(fd);
	return 0;
}
