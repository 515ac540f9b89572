// SPDX-License-Identifier: MIT
/*
 * wdt: drives the SBSA Generic Watchdog the hypervisor emulates (wdt.h
 * says where) as Linux's sbsa_gwdt does, then hangs with its interrupts
 * masked.  Life 1 (its count kept in RAM outside the image):
 *   wdt: life 1 iidr=0x.. wcs=0x..
 *   wdt: 5 refreshes, no WS0                 pinged every WOR/2 (WOR 1 s)
 *   wdt: WS0 after <us> us, wcs=0x3          the interrupt, WOR after the last ping
 *   wdt: hanging at <us> us                  DAIF masked, spinning
 * The second signal (WS1) then applies the VM's policy.  Restarted:
 *   wdt: life 2 at <us> us, wcs=0x4          WS1 survives the reset
 *   wdt: after a refresh wcs=0x0
 */
#include "bm.h"
#include "bm_gic.h"
#include "wdt.h"

#define WDT_MARK_IPA 0x40800000ull
#define WDT_MAGIC    0x776474ull /* "wdt" */
#define WOR_MS	     1000
#define PINGS	     5

#define WCS    0x000
#define WOR    0x008
#define WOR_HI 0x00c
#define WCV    0x010
#define WCV_HI 0x014
#define WRR    0x000
#define W_IIDR 0xfcc
#define WCS_EN 1u

static volatile unsigned int ws0_count;
static volatile uint64_t ws0_at;

void bm_irq_handler(void)
{
	for (;;) {
		uint32_t iar = gic_ack();

		if (BM_GIC_INTID(iar) >= 1020)
			break;
		if (BM_GIC_INTID(iar) == WDT_INTID) {
			ws0_at = bm_counter();
			ws0_count++;
		}
		gic_eoi(iar);
	}
}

static uint64_t us(uint64_t ticks)
{
	return ticks * 1000000 / bm_counter_freq();
}

static void wdt_refresh(void)
{
	wr32(WDT_REFRESH + WRR, 0);
}

static int wdt_second_life(uint64_t n)
{
	bm_printf("wdt: life %llu at %llu us, wcs=0x%x\n", (unsigned long long)n,
		  (unsigned long long)us(bm_counter()), rd32(WDT_CONTROL + WCS));
	wdt_refresh();
	bm_printf("wdt: after a refresh wcs=0x%x\n", rd32(WDT_CONTROL + WCS));
	return 0;
}

int main(uint64_t arg)
{
	volatile uint64_t *mark = (volatile uint64_t *)WDT_MARK_IPA;
	uint64_t wor = bm_counter_freq() / 1000 * WOR_MS, last;
	unsigned int i;

	(void)arg;
	if (mark[0] == WDT_MAGIC)
		return wdt_second_life(++mark[1]);
	mark[0] = WDT_MAGIC;
	mark[1] = 1;
	bm_printf("wdt: life 1 iidr=0x%x/0x%x wcs=0x%x\n", rd32(WDT_CONTROL + W_IIDR),
		  rd32(WDT_REFRESH + W_IIDR), rd32(WDT_CONTROL + WCS));
	if (gic_init_dist() || gic_init_cpu()) {
		bm_printf("wdt: FAIL gic init\n");
		return 1;
	}
	gic_set_edge(WDT_INTID, 1);
	gic_enable_irq(WDT_INTID);
	bm_irq_enable();
	/* Linux: WOR low then high half, then WCS = EN (each refreshes) */
	wr32(WDT_CONTROL + WOR, (uint32_t)wor);
	wr32(WDT_CONTROL + WOR_HI, (uint32_t)(wor >> 32));
	wr32(WDT_CONTROL + WCS, WCS_EN);
	for (i = 0; i < PINGS; i++) {
		bm_delay_us(WOR_MS * 1000 / 2);
		wdt_refresh();
	}
	last = bm_counter();
	bm_printf("wdt: %u refreshes, %s WS0\n", PINGS, ws0_count ? "a" : "no");
	while (!ws0_count && us(bm_counter() - last) < 5 * WOR_MS * 1000)
		__asm__ volatile("wfi" : : : "memory");
	bm_printf("wdt: WS0 after %llu us, wcs=0x%x, wcv-wor=%lld us\n",
		  (unsigned long long)us(ws0_at - last), rd32(WDT_CONTROL + WCS),
		  (long long)us(
			  ((uint64_t)rd32(WDT_CONTROL + WCV_HI) << 32 | rd32(WDT_CONTROL + WCV)) -
			  wor - last));
	bm_printf("wdt: hanging at %llu us\n", (unsigned long long)us(bm_counter()));
	__asm__ volatile("msr daifset, #0xf" : : : "memory");
	for (;;)
		__asm__ volatile("" : : : "memory");
}
