// SPDX-License-Identifier: MIT
/*
 * The register model of the Arm SBSA Generic Watchdog (Arm DEN0094 BSA,
 * "Generic Watchdog"); what it does is in sbsa_gwdt.h.  Pure: the caller
 * serialises the accesses and passes the counter.
 */
#include "sbsa_gwdt.h"

static uint64_t sbsa_gwdt_add(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

/* The explicit refresh. */
static void sbsa_gwdt_refresh(struct sbsa_gwdt *w, uint64_t now)
{
	w->wcv = sbsa_gwdt_add(now, w->wor);
	w->wcs &= ~(SBSA_GWDT_WCS_WS0 | SBSA_GWDT_WCS_WS1);
}

static uint64_t sbsa_gwdt_set_half(uint64_t reg, uint64_t off, uint64_t val)
{
	if (off & 4)
		return (reg & 0xffffffffull) | (val << 32);
	return (reg & ~0xffffffffull) | (val & 0xffffffffull);
}

static uint64_t sbsa_gwdt_half(uint64_t reg, uint64_t off, unsigned int size)
{
	if (size == 8)
		return reg;
	return (off & 4) ? reg >> 32 : reg & 0xffffffffull;
}

static void sbsa_gwdt_write_control(struct sbsa_gwdt *w, uint64_t off, unsigned int size,
				    uint64_t val, uint64_t now)
{
	switch (off & ~7ull) {
	case SBSA_GWDT_WCS:
		if (off != SBSA_GWDT_WCS)
			return;
		w->wcs = (w->wcs & ~SBSA_GWDT_WCS_EN) | ((uint32_t)val & SBSA_GWDT_WCS_EN);
		sbsa_gwdt_refresh(w, now);
		return;
	case SBSA_GWDT_WOR:
		w->wor = size == 8 ? val : sbsa_gwdt_set_half(w->wor, off, val);
		w->wor &= SBSA_GWDT_WOR_MASK;
		sbsa_gwdt_refresh(w, now);
		return;
	case SBSA_GWDT_WCV:
		w->wcv = size == 8 ? val : sbsa_gwdt_set_half(w->wcv, off, val);
		return;
	default:
		return;
	}
}

static uint64_t sbsa_gwdt_read_control(const struct sbsa_gwdt *w, uint64_t off, unsigned int size)
{
	switch (off & ~7ull) {
	case SBSA_GWDT_WCS:
		return off == SBSA_GWDT_WCS ? w->wcs : 0;
	case SBSA_GWDT_WOR:
		return sbsa_gwdt_half(w->wor, off, size);
	case SBSA_GWDT_WCV:
		return sbsa_gwdt_half(w->wcv, off, size);
	default:
		return 0;
	}
}

int sbsa_gwdt_access(struct sbsa_gwdt *w, enum sbsa_gwdt_frame frame, uint64_t off,
		     unsigned int size, bool write, uint64_t *val, uint64_t now)
{
	bool wide = frame == SBSA_GWDT_CONTROL && (off == SBSA_GWDT_WOR || off == SBSA_GWDT_WCV);

	if (off >= SBSA_GWDT_FRAME_END || (size != 4 && !(size == 8 && wide)) ||
	    !IS_ALIGNED(off, size))
		return -EINVAL;
	if (off == SBSA_GWDT_W_IIDR) {
		if (!write)
			*val = SBSA_GWDT_IIDR_VALUE;
		return 0;
	}
	if (frame == SBSA_GWDT_REFRESH) {
		if (write && off == SBSA_GWDT_WRR)
			sbsa_gwdt_refresh(w, now);
		else if (!write)
			*val = 0;
		return 0;
	}
	if (write)
		sbsa_gwdt_write_control(w, off, size, *val, now);
	else
		*val = sbsa_gwdt_read_control(w, off, size);
	return 0;
}

enum sbsa_gwdt_event sbsa_gwdt_check(struct sbsa_gwdt *w, uint64_t now)
{
	enum sbsa_gwdt_event ev = SBSA_GWDT_NONE;

	if (!(w->wcs & SBSA_GWDT_WCS_EN) || (w->wcs & SBSA_GWDT_WCS_WS1) || now < w->wcv)
		return ev;
	if (!(w->wcs & SBSA_GWDT_WCS_WS0)) {
		/* the timeout refresh, from when it was due */
		w->wcs |= SBSA_GWDT_WCS_WS0;
		w->wcv = sbsa_gwdt_add(w->wcv, w->wor);
		ev = SBSA_GWDT_RAISED_WS0;
		if (now < w->wcv)
			return ev;
	}
	w->wcs |= SBSA_GWDT_WCS_WS1;
	return SBSA_GWDT_RAISED_WS1;
}

uint64_t sbsa_gwdt_deadline(const struct sbsa_gwdt *w)
{
	if (!(w->wcs & SBSA_GWDT_WCS_EN) || (w->wcs & SBSA_GWDT_WCS_WS1))
		return UINT64_MAX;
	return w->wcv;
}

void sbsa_gwdt_reset(struct sbsa_gwdt *w)
{
	w->wcs &= SBSA_GWDT_WCS_WS1;
	w->wor = 0;
	w->wcv = 0;
}
