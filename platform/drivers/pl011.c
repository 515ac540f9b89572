// SPDX-License-Identifier: MIT
/*
 * Hypervisor console on a PL011 (Arm PrimeCell UART TRM DDI 0183), the
 * board's uart[0] (PLAT_UART0_BASE):
 * transmit only, polled.  The VM that owns UART0 programs it; the
 * hypervisor just waits for FIFO space and writes the data register.
 */
#include "platform.h"
#include "hyp.h"

#define PL011_DR      0x00
#define PL011_FR      0x18
#define PL011_FR_TXFF (1u << 5)

static inline volatile uint32_t *pl011_reg(uint32_t off)
{
	return (volatile uint32_t *)(uintptr_t)(PLAT_UART0_BASE + off);
}

void plat_console_putc(char c)
{
	while (*pl011_reg(PL011_FR) & PL011_FR_TXFF)
		;
	*pl011_reg(PL011_DR) = (uint8_t)c;
}
