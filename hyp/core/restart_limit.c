// SPDX-License-Identifier: MIT
/*
 * The restart limit and back-off of a VM's policy (docs/config.md,
 * "Restart policy").  Pure: the caller holds the VM's lock and passes the
 * counter's time.
 */
#include "restart_limit.h"

static void restart_limit_forget(struct restart_limit *l, uint64_t now, uint64_t window)
{
	unsigned int keep = 0, i;

	for (i = 0; i < l->n; i++)
		if (now - l->t[i] < window)
			l->t[keep++] = l->t[i];
	l->n = keep;
}

int restart_limit_take(struct restart_limit *l, uint64_t now, uint64_t window, unsigned int max)
{
	if (max > BH_RESTART_MAX_LIMIT)
		max = BH_RESTART_MAX_LIMIT;
	if (l->n > BH_RESTART_MAX_LIMIT)
		l->n = 0;
	restart_limit_forget(l, now, window);
	if (l->n >= max)
		return -EBUSY;
	l->t[l->n++] = now;
	return (int)l->n;
}

uint32_t restart_backoff_ms(uint32_t delay_ms, unsigned int k)
{
	uint64_t ms = delay_ms;

	while (k-- > 1 && ms < BH_RESTART_BACKOFF_MS_MAX)
		ms *= 2;
	return ms < BH_RESTART_BACKOFF_MS_MAX ? (uint32_t)ms : BH_RESTART_BACKOFF_MS_MAX;
}
