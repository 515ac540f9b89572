/* SPDX-License-Identifier: MIT */
/*
 * The restart limit of a VM's policy (struct bh_vm_policy): at most N
 * restarts within a window of T, each later one in the window waiting
 * longer (hyp/core/restart_limit.c; pure, host-tested).
 */
#ifndef HYP_RESTART_LIMIT_H
#define HYP_RESTART_LIMIT_H

#include <bulkhead/config.h>
#include "hyp.h"

/**
 * struct restart_limit - the times of a VM's recent restarts
 * @t: counter values of the restarts still in the window, oldest first
 * @n: how many of @t are valid
 */
struct restart_limit {
	uint64_t t[BH_RESTART_MAX_LIMIT];
	unsigned int n;
};

/**
 * restart_limit_take() - may the VM restart at @now?
 * @l:      its history
 * @now:    counter value
 * @window: the window in counter ticks
 * @max:    restarts allowed within @window (1..BH_RESTART_MAX_LIMIT)
 *
 * Forgets restarts older than @window, then records this one if fewer than
 * @max remain.
 *
 * Return: k >= 1, this restart's rank within the window, or -EBUSY when
 * @max restarts already happened within it (nothing recorded).
 */
int restart_limit_take(struct restart_limit *l, uint64_t now, uint64_t window, unsigned int max);

/**
 * restart_backoff_ms() - how long the @k-th restart within a window waits
 * @delay_ms: bh_vm_policy.restart_delay_ms
 * @k:        the rank restart_limit_take() returned
 *
 * Return: @delay_ms doubled for each earlier restart in the window, at most
 * BH_RESTART_BACKOFF_MS_MAX.
 */
uint32_t restart_backoff_ms(uint32_t delay_ms, unsigned int k);

#endif /* HYP_RESTART_LIMIT_H */
