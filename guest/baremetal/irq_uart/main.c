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
#include "gic.h"

/* PL011 (Arm DDI 0183) */
#define PL011_DR      0x00
#define PL011_FR      0x18
#define PL011_IMSC    0x38
#define PL011_ICR     0x44
#define PL011_FR_RXFE (1u << 4)
#define PL011_INT_RX  (1u << 4)
#define PL011_INT_RT  (1u << 6)

/* 16550A, reg-io-width 1 */
#define UART_RBR      0
#define UART_IER      1
#define UART_MCR      4
#define UART_LSR      5
#define UART_IER_RDI  0x01
#define UART_MCR_OUT2 0x08
#define UART_LSR_DR   0x01

#define RX_MAX 32

static uint64_t uart_base;
static unsigned int uart_kind;

static void uart_rx_irq_enable(void)
{
	if (uart_kind == BM_UART_PL011) {
		wr32(uart_base + PL011_ICR, PL011_INT_RX | PL011_INT_RT);
		wr32(uart_base + PL011_IMSC, PL011_INT_RX | PL011_INT_RT);
	} else {
		wr8(uart_base + UART_MCR, rd8(uart_base + UART_MCR) | UART_MCR_OUT2);
		wr8(uart_base + UART_IER, UART_IER_RDI);
	}
}

/* Read what is waiting; returns the number of bytes. */
static unsigned int uart_rx(uint8_t *buf, unsigned int max)
{
	unsigned int n = 0;

	if (uart_kind == BM_UART_PL011) {
		while (n < max && !(rd32(uart_base + PL011_FR) & PL011_FR_RXFE))
			buf[n++] = (uint8_t)rd32(uart_base + PL011_DR);
		wr32(uart_base + PL011_ICR, PL011_INT_RX | PL011_INT_RT);
	} else {
		while (n < max && (rd8(uart_base + UART_LSR) & UART_LSR_DR))
			buf[n++] = rd8(uart_base + UART_RBR);
	}
	return n;
}

int main(uint64_t arg)
{
	uint32_t intid = (uint32_t)BM_ARG_PARAM(arg);
	int quit = 0;

	uart_base = BM_ARG_BASE(arg);
	uart_kind = (unsigned int)BM_ARG_KIND(arg);
	if (gic_init_dist() || gic_init_cpu()) {
		bm_printf("irq_uart: FAIL gic init\n");
		return 1;
	}
	/* Drain anything that arrived before the interrupt was on. */
	{
		uint8_t junk[RX_MAX];

		while (uart_rx(junk, RX_MAX))
			;
	}
	gic_enable_irq(intid);
	uart_rx_irq_enable();
	bm_printf("irq_uart: ready intid=%u\n", intid);

	while (!quit) {
		uint32_t iar = gic_wait();
		uint32_t id = BM_GIC_INTID(iar);
		uint8_t buf[RX_MAX];
		char hex[2 * RX_MAX + 1];
		unsigned int n, i;

		n = id == intid ? uart_rx(buf, RX_MAX) : 0;
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
