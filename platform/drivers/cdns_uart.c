// SPDX-License-Identifier: MIT
/*
 * Hypervisor console on a Cadence UART (include/bulkhead/cdns_uart.h), the
 * board's uart[0] (PLAT_UART0_BASE): transmit only, polled, as the PL011 one.  The VM that owns the
 * UART programs it; the hypervisor only makes sure the transmitter is on
 * (after reset it is off until CR is written) and waits for FIFO space.
 */
#include <bulkhead/cdns_uart.h>

#include "hyp.h"
#include "platform.h"

static volatile struct cdns_uart_regs *const cdns_console =
	(volatile struct cdns_uart_regs *)(uintptr_t)PLAT_UART0_BASE;

/*
 * Enable TX without touching the receiver's bits, which belong to the VM
 * that owns the UART: a VM that turns the transmitter off does not silence
 * the hypervisor's log.
 */
static void cdns_uart_tx_enable(void)
{
	uint32_t cr = cdns_console->cr;

	if ((cr & CDNS_UART_CR_TXEN) && !(cr & CDNS_UART_CR_TXDIS))
		return;
	cdns_console->cr = (cr & ~CDNS_UART_CR_TXDIS) | CDNS_UART_CR_TXEN;
}

void plat_console_putc(char c)
{
	cdns_uart_tx_enable();
	while (cdns_console->sr & CDNS_UART_SR_TXFULL)
		;
	cdns_console->fifo = (uint8_t)c;
}
