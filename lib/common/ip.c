/* Addresses that are not reachable from the Internet. */
#include <arpa/inet.h>
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
