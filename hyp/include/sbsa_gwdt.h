/* SPDX-License-Identifier: MIT */
/*
 * The register model of an Arm SBSA Generic Watchdog (Arm DEN0094 BSA,
 * "Generic Watchdog"; DT "arm,sbsa-gwdt"), pure and host-tested
 * (hyp/core/sbsa_gwdt.c).  hyp/core/vm_wdt.c gives one to a VM: it traps
 * the two frames, arms the EL2 timer at sbsa_gwdt_deadline() and acts on
 * what sbsa_gwdt_check() reports.
 *
 * Two frames, one page each:
 *   control  WCS (enable, WS0, WS1), WOR (offset), WCV (compare value)
 *   refresh  WRR: any write refreshes
 * A refresh (a write of WRR, WCS or WOR) sets WCV = counter + WOR and
 * clears WS0 and WS1.  When the counter reaches WCV with the watchdog
 * enabled, WS0 is raised and WCV moves on by WOR (the timeout refresh);
 * reaching it again raises WS1.  The counter is the system counter (the
 * generic timer's, CNTPCT).
 */
#ifndef HYP_SBSA_GWDT_H
#define HYP_SBSA_GWDT_H

#include "hyp.h"

/* Control frame */
#define SBSA_GWDT_WCS	 0x000
#define SBSA_GWDT_WOR	 0x008 /* [47:0] in architecture version 1 */
#define SBSA_GWDT_WOR_HI 0x00c
#define SBSA_GWDT_WCV	 0x010
#define SBSA_GWDT_WCV_HI 0x014
/* Refresh frame */
#define SBSA_GWDT_WRR 0x000
/* Both frames */
#define SBSA_GWDT_W_IIDR    0xfcc
#define SBSA_GWDT_FRAME_END 0x1000

#define SBSA_GWDT_WCS_EN  (1u << 0)
#define SBSA_GWDT_WCS_WS0 (1u << 1)
#define SBSA_GWDT_WCS_WS1 (1u << 2)

#define SBSA_GWDT_WOR_MASK GENMASK(47, 0)

/* W_IIDR: architecture version 1 [19:16] (48-bit WOR), no implementer code. */
#define SBSA_GWDT_IIDR_ARCH_SHIFT 16
#define SBSA_GWDT_IIDR_VALUE	  (1u << SBSA_GWDT_IIDR_ARCH_SHIFT)

enum sbsa_gwdt_frame {
	SBSA_GWDT_CONTROL,
	SBSA_GWDT_REFRESH,
};

enum sbsa_gwdt_event {
	SBSA_GWDT_NONE,
	SBSA_GWDT_RAISED_WS0, /* raise the interrupt */
	SBSA_GWDT_RAISED_WS1, /* the system reset signal: apply the policy */
};

/**
 * struct sbsa_gwdt - the watchdog's registers
 * @wcs: WCS (EN, WS0, WS1)
 * @wor: WOR, 48 bits
 * @wcv: WCV
 */
struct sbsa_gwdt {
	uint32_t wcs;
	uint64_t wor;
	uint64_t wcv;
};

/**
 * sbsa_gwdt_access() - a guest's access to one of the frames
 * @w:     the watchdog
 * @frame: which frame
 * @off:   offset in the frame (< SBSA_GWDT_FRAME_END)
 * @size:  4, or 8 for WOR and WCV (8-aligned)
 * @write: a store
 * @val:   the value stored, or where the loaded one goes
 * @now:   the counter at the access
 *
 * Registers that do not exist read as zero and ignore writes, as do the
 * read-only ones.
 *
 * Return: 0, or -EINVAL for another size or a misaligned access.
 */
int sbsa_gwdt_access(struct sbsa_gwdt *w, enum sbsa_gwdt_frame frame, uint64_t off,
		     unsigned int size, bool write, uint64_t *val, uint64_t now);

/**
 * sbsa_gwdt_check() - let the counter reach @now
 * @w:   the watchdog
 * @now: the counter
 *
 * Return: the last signal this raised: SBSA_GWDT_RAISED_WS1 also when WS0
 * was raised on the way (both deadlines passed), else SBSA_GWDT_RAISED_WS0
 * or SBSA_GWDT_NONE.
 */
enum sbsa_gwdt_event sbsa_gwdt_check(struct sbsa_gwdt *w, uint64_t now);

/**
 * sbsa_gwdt_deadline() - the counter value at which the next signal rises
 * Return: WCV, or UINT64_MAX when disabled or after WS1.
 */
uint64_t sbsa_gwdt_deadline(const struct sbsa_gwdt *w);

/**
 * sbsa_gwdt_reset() - the reset state: disabled, WOR and WCV zero
 *
 * WS1 survives, so that a guest restarted by its watchdog can tell (Linux:
 * "System reset by WDT"), until its first refresh.
 */
void sbsa_gwdt_reset(struct sbsa_gwdt *w);

#endif /* HYP_SBSA_GWDT_H */
