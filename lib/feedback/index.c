/*
 * The one hash index of lib/feedback: the interned strings of the counts,
 * the sources by IP and the reports already read are each an index over
 * items kept elsewhere. Open addressing with linear probing; each slot
 * holds a key's 64-bit hash and its item's number + 1 (0: empty); the
 * slots double when half full, moved by their stored hashes.
 */
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "feedback/internal.h"

uint64_t fb_hash(const char *s, uint64_t h)
{
	return mc_fnv1a(s, strlen(s), h ? h : MC_FNV_INIT);
}

static bool grow(fb_index *x)
{
	size_t size = x->size ? x->size * 2 : 256;
	fb_slot *slot = calloc(size, sizeof(*slot));

	if (!slot)
		return false;
	for (size_t i = 0; i < x->size; i++) {
		size_t k;

		if (!x->slot[i].item)
			continue;
		for (k = x->slot[i].hash & (size - 1); slot[k].item; k = (k + 1) & (size - 1))
			;
		slot[k] = x->slot[i];
	}
	free(x->slot);
	x->slot = slot;
	x->size = size;
	return true;
}

size_t fb_index_find(fb_index *x, uint64_t h, bool (*same)(const void *arg, size_t item),
                     const void *arg, size_t *at)
{
	size_t k;

	if ((x->n + 1) * 2 > x->size && !grow(x))
		return SIZE_MAX;
	for (k = h & (x->size - 1); x->slot[k].item; k = (k + 1) & (x->size - 1))
		if (x->slot[k].hash == h && (!same || same(arg, x->slot[k].item - 1)))
			return x->slot[k].item;
	*at = k;
	return 0;
}

void fb_index_put(fb_index *x, size_t at, uint64_t h, size_t item)
{
	x->slot[at] = (fb_slot){h, item + 1};
	x->n++;
}

void fb_index_free(fb_index *x)
{
	free(x->slot);
	*x = (fb_index){0};
}
