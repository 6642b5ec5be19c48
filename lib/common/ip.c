/* Addresses that are not reachable from the Internet. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "common/util.h"

bool mc_ip_is_internal(const char *text)
{
	unsigned char b[16];

	if (!text)
		return false;
	if (inet_pton(AF_INET, text, b) == 1)
		return b[0] == 127 || b[0] == 10 || b[0] == 0 ||
		       (b[0] == 172 && (b[1] & 0xf0) == 16) ||
		       (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254);
	if (inet_pton(AF_INET6, text, b) == 1) {
		static const unsigned char loop[16] = {[15] = 1}, any[16] = {0};

		return memcmp(b, loop, 16) == 0 || memcmp(b, any, 16) == 0 ||
		       (b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80);
	}
	return false;
}

void mc_ip_reverse(int family, const unsigned char *ip, char *buf, size_t size)
{
	size_t len = 0;

	if (family == AF_INET) {
		snprintf(buf, size, "%u.%u.%u.%u.in-addr.arpa", ip[3], ip[2], ip[1], ip[0]);
		return;
	}
	for (int k = 15; k >= 0 && len + 4 < size; k--)
		len += (size_t)snprintf(buf + len, size - len, "%x.%x.", ip[k] & 15, ip[k] >> 4);
	snprintf(buf + len, size - len, "ip6.arpa");
}

bool mc_ip_reverse_name(const char *text, char *buf, size_t size)
{
	unsigned char b[16];

	if (inet_pton(AF_INET, text, b) == 1)
		mc_ip_reverse(AF_INET, b, buf, size);
	else if (inet_pton(AF_INET6, text, b) == 1)
		mc_ip_reverse(AF_INET6, b, buf, size);
	else
		return false;
	return true;
}

bool mc_ip_equal(const char *a, const char *b)
{
	unsigned char x[16], y[16];

	if (!a || !b)
		return false;
	if (inet_pton(AF_INET, a, x) == 1)
		return inet_pton(AF_INET, b, y) == 1 && memcmp(x, y, 4) == 0;
	return inet_pton(AF_INET6, a, x) == 1 && inet_pton(AF_INET6, b, y) == 1 &&
	       memcmp(x, y, 16) == 0;
}
