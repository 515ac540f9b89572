// SPDX-License-Identifier: MIT
/*
 * Byte fairness between a stream's two directions (dm/fair.h): a signed
 * lead, each direction's last activity, and a quantum.
 */
#include "dm/fair.h"

void fair_init(struct dm_fair *f, uint64_t quantum, uint64_t idle_ns)
{
	f->lead = 0;
	f->last_ns[FAIR_TX] = f->last_ns[FAIR_RX] = 0;
	f->quantum = quantum > INT64_MAX / 2 ? INT64_MAX / 2 : quantum;
	f->idle_ns = idle_ns;
}

static bool fair_idle(const struct dm_fair *f, enum fair_dir d, uint64_t now)
{
	return !f->last_ns[d] || now - f->last_ns[d] >= f->idle_ns;
}

static enum fair_dir fair_other(enum fair_dir d)
{
	return d == FAIR_TX ? FAIR_RX : FAIR_TX;
}

/* @d's own lead: positive when @d is ahead of the other direction. */
static int64_t fair_ahead(const struct dm_fair *f, enum fair_dir d)
{
	return d == FAIR_RX ? f->lead : -f->lead;
}

void fair_account(struct dm_fair *f, enum fair_dir d, size_t n, uint64_t now)
{
	int64_t q = (int64_t)f->quantum, step;

	if (!n)
		return;
	/* a step beyond 2 quanta changes nothing the clamps below would keep */
	step = n > 2 * f->quantum ? 2 * q : (int64_t)n;
	f->lead += d == FAIR_RX ? step : -step;
	f->last_ns[d] = now ? now : 1;
	if (fair_idle(f, fair_other(d), now)) {
		if (f->lead > q)
			f->lead = q;
		if (f->lead < -q)
			f->lead = -q;
	}
	/* what a busy other direction owes: never more than two quanta */
	if (f->lead > 2 * q)
		f->lead = 2 * q;
	if (f->lead < -2 * q)
		f->lead = -2 * q;
}

bool fair_may(const struct dm_fair *f, enum fair_dir d, uint64_t now)
{
	return fair_idle(f, fair_other(d), now) || fair_ahead(f, d) < (int64_t)f->quantum;
}

uint64_t fair_release_ns(const struct dm_fair *f, enum fair_dir d, uint64_t now)
{
	if (fair_may(f, d, now))
		return now;
	return f->last_ns[fair_other(d)] + f->idle_ns;
}
