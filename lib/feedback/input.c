/*
 * Report bytes in: from a FILE, memory or a zip member; gzip inflated as
 * it streams (zlib), every member bounded by MC_FEEDBACK_MAX_UNPACKED so a
 * decompression bomb ends as an error, not as memory or time.
 */
#include <stdlib.h>
#include <string.h>

#include "feedback/internal.h"

#define ZBUF 16384

static long raw_read(fb_in *in, void *buf, size_t n)
{
	if (in->raw_pos < in->n_raw_back) {
		size_t k = in->n_raw_back - in->raw_pos;

		if (k > n)
			k = n;
		memcpy(buf, in->raw_back + in->raw_pos, k);
		in->raw_pos += k;
		return (long)k;
	}
	if (in->fp) {
		size_t got = fread(buf, 1, n, in->fp);

		if (!got && ferror(in->fp)) {
			snprintf(in->err, sizeof(in->err), "read error");
			return -1;
		}
		return (long)got;
	}
	if (in->zf) {
		zip_int64_t got = zip_fread(in->zf, buf, n);

		if (got < 0) {
			snprintf(in->err, sizeof(in->err), "zip: %s",
			         zip_error_strerror(zip_file_get_error(in->zf)));
			return -1;
		}
		return (long)got;
	}
	if (in->mem) {
		size_t k = in->mem_len - in->mem_pos;

		if (k > n)
			k = n;
		memcpy(buf, in->mem + in->mem_pos, k);
		in->mem_pos += k;
		return (long)k;
	}
	return 0;
}

bool fb_gunzip_if(fb_in *in)
{
	unsigned char *m;

	/* the first two raw bytes, kept to be read again */
	if (in->raw_pos) {
		memmove(in->raw_back, in->raw_back + in->raw_pos, in->n_raw_back - in->raw_pos);
		in->n_raw_back -= in->raw_pos;
		in->raw_pos = 0;
	}
	while (in->n_raw_back < 2) {
		/* from the source itself: raw_read gives raw_back first */
		size_t keep = in->n_raw_back;
		long k;

		in->n_raw_back = 0;
		k = raw_read(in, in->raw_back + keep, 2 - keep);
		in->n_raw_back = keep;
		if (k <= 0)
			break;
		in->n_raw_back += (size_t)k;
	}
	m = in->raw_back;
	if (in->n_raw_back < 2 || m[0] != 0x1f || m[1] != 0x8b)
		return false;
	if (!(in->zbuf = malloc(ZBUF)))
		return false;
	memset(&in->z, 0, sizeof(in->z));
	if (inflateInit2(&in->z, 15 + 16) != Z_OK) { /* gzip only */
		free(in->zbuf);
		in->zbuf = NULL;
		return false;
	}
	in->gz = true;
	return true;
}

static long gz_read(fb_in *in, void *buf, size_t n)
{
	if (n > ((size_t)1 << 20))
		n = (size_t)1 << 20;
	in->z.next_out = buf;
	in->z.avail_out = (uInt)n;
	while (in->z.avail_out == (uInt)n && !in->gz_end) {
		if (!in->z.avail_in) {
			long k = raw_read(in, in->zbuf, ZBUF);

			if (k < 0)
				return -1;
			if (k == 0) {
				snprintf(in->err, sizeof(in->err), "gzip: the data ends early");
				return -1;
			}
			in->z.next_in = in->zbuf;
			in->z.avail_in = (uInt)k;
		}
		int rc = inflate(&in->z, Z_NO_FLUSH);

		if (rc == Z_STREAM_END) {
			/* another member may follow (RFC 1952 2.2) */
			long k = in->z.avail_in ? 1 : raw_read(in, in->zbuf, ZBUF);

			if (k < 0)
				return -1;
			if (k == 0) {
				in->gz_end = true;
			} else {
				if (!in->z.avail_in) {
					in->z.next_in = in->zbuf;
					in->z.avail_in = (uInt)k;
				}
				if (in->z.next_in[0] != 0x1f) { /* trailing bytes: ignored, as gzip does */
					in->gz_end = true;
				} else {
					inflateReset(&in->z);
				}
			}
		} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
			snprintf(in->err, sizeof(in->err), "gzip: %s",
			         in->z.msg ? in->z.msg : "corrupt data");
			return -1;
		}
	}
	return (long)(n - in->z.avail_out);
}

long fb_read(fb_in *in, void *buf, size_t n)
{
	long got;

	if (in->back_pos < in->n_back) {
		size_t k = in->n_back - in->back_pos;

		if (k > n)
			k = n;
		memcpy(buf, in->back + in->back_pos, k);
		in->back_pos += k;
		return (long)k;
	}
	got = in->gz ? gz_read(in, buf, n) : raw_read(in, buf, n);
	if (got > 0 && (in->out += (uint64_t)got) > MC_FEEDBACK_MAX_UNPACKED) {
		snprintf(in->err, sizeof(in->err), "more than %llu MiB unpacked: refused as a "
		         "decompression bomb", (unsigned long long)(MC_FEEDBACK_MAX_UNPACKED >> 20));
		return -1;
	}
	return got;
}

size_t fb_peek(fb_in *in, const unsigned char **start, size_t n)
{
	if (n > sizeof(in->back))
		n = sizeof(in->back);
	if (in->back_pos == 0) {
		while (in->n_back < n) {
			long k = in->gz ? gz_read(in, in->back + in->n_back, n - in->n_back)
			                : raw_read(in, in->back + in->n_back, n - in->n_back);

			if (k <= 0)
				break;
			in->out += (uint64_t)k;
			in->n_back += (size_t)k;
		}
	}
	*start = in->back + in->back_pos;
	return in->n_back - in->back_pos < n ? in->n_back - in->back_pos : n;
}

void fb_in_close(fb_in *in)
{
	if (in->gz) {
		inflateEnd(&in->z);
		free(in->zbuf);
	}
	if (in->zf)
		zip_fclose(in->zf);
	in->gz = false;
	in->zbuf = NULL;
	in->zf = NULL;
}
