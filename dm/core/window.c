// SPDX-License-Identifier: MIT
/* Guest memory window: see dm/window.h. */
#include "dm/window.h"

/**
 * window_init() - describe a mapped guest range
 * @w:    window to fill
 * @base: guest-physical base address
 * @size: size in bytes (0 makes every translation fail)
 * @map:  host mapping of the range, or NULL
 */
void window_init(struct dm_window *w, uint64_t base, uint64_t size, void *map)
{
	w->base = base;
	w->size = map ? size : 0;
	w->map = map;
}
