// SPDX-License-Identifier: MIT
/*
 * UART RX interrupt test guest.  Runs in every VM of
 * configs/test-irq-uart.c; x0 names its UART (bmarg.h) and the test
 * parameter is that UART's INTID.  It enables the UART's RX interrupt and
 * reports every interrupt it receives with its INTID and the bytes read:
 *
 *   irq_uart: ready intid=<n>
 *   irq_uart: irq=<intid> rx=<hex bytes>
 *
 * A 'q' received ends the test (PSCI SYSTEM_OFF of this VM).
 */
#include "bm.h"
#include "bm_gic.h"

#define RX_MAX 32

int main(uint64_t arg)
{
	uint32_t intid = (uint32_t)BM_ARG_PARAM(arg);
	int quit = 0;

	if (gic_init_dist() || gic_init_cpu()) {
		bm_printf("irq_uart: FAIL gic init\n");
		return 1;
	}
	/* Drain anything that arrived before the interrupt was on. */
	{
		uint8_t junk[RX_MAX];

		while (bm_uart_rx(junk, RX_MAX))
			;
	}
	gic_enable_irq(intid);
	bm_uart_rx_irq_enable();
	bm_printf("irq_uart: ready intid=%u\n", intid);

	while (!quit) {
		uint32_t iar = gic_wait();
		uint32_t id = BM_GIC_INTID(iar);
		uint8_t buf[RX_MAX];
		char hex[2 * RX_MAX + 1];
		unsigned int n, i;

		n = id == intid ? bm_uart_rx(buf, RX_MAX) : 0;
		gic_eoi(iar);
		for (i = 0; i < n; i++) {
			static const char digits[] = "0123456789abcdef";

			hex[2 * i] = digits[buf[i] >> 4];
			hex[2 * i + 1] = digits[buf[i] & 0xf];
			if (buf[i] == 'q')
				quit = 1;
		}
		hex[2 * n] = '\0';
		bm_printf("irq_uart: irq=%u rx=%s\n", id, hex);
	}
	bm_printf("irq_uart: done\n");
	return 0;
}
