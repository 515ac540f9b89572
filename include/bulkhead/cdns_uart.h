/* SPDX-License-Identifier: MIT */
/*
 * Cadence UART (the "UART" of the Zynq UltraScale+ MPSoC, Xilinx UG1085
 * chapter 21 and its register reference; DT: "cdns,uart-r1p12"): the
 * register block, shared by the hypervisor's console driver and the
 * bare-metal test guests.  Transmit and receive stay disabled after reset
 * until software writes CR (UG1085, "UART Initialization").
 */
#ifndef BULKHEAD_CDNS_UART_H
#define BULKHEAD_CDNS_UART_H

#include <stddef.h>
#include <stdint.h>

struct cdns_uart_regs {
	uint32_t cr;	  /* 0x00 Control */
	uint32_t mr;	  /* 0x04 Mode */
	uint32_t ier;	  /* 0x08 Intrpt_en: write 1 to set a bit of IMR */
	uint32_t idr;	  /* 0x0c Intrpt_dis: write 1 to clear a bit of IMR */
	uint32_t imr;	  /* 0x10 Intrpt_mask (read only) */
	uint32_t isr;	  /* 0x14 Chnl_int_sts: write 1 to clear */
	uint32_t baudgen; /* 0x18 Baud_rate_gen */
	uint32_t rxtout;  /* 0x1c Rcvr_timeout */
	uint32_t rxwm;	  /* 0x20 Rcvr_FIFO_trigger_level */
	uint32_t modemcr; /* 0x24 Modem_ctrl */
	uint32_t modemsr; /* 0x28 Modem_sts */
	uint32_t sr;	  /* 0x2c Channel_sts */
	uint32_t fifo;	  /* 0x30 TX_RX_FIFO */
	uint32_t bauddiv; /* 0x34 Baud_rate_divider */
	uint32_t flowdel; /* 0x38 Flow_delay */
	uint32_t res[2];  /* 0x3c, 0x40 */
	uint32_t txwm;	  /* 0x44 Tx_FIFO_trigger_level */
};

_Static_assert(offsetof(struct cdns_uart_regs, cr) == 0x00, "Control");
_Static_assert(offsetof(struct cdns_uart_regs, ier) == 0x08, "Intrpt_en");
_Static_assert(offsetof(struct cdns_uart_regs, isr) == 0x14, "Chnl_int_sts");
_Static_assert(offsetof(struct cdns_uart_regs, rxwm) == 0x20, "Rcvr_FIFO_trigger_level");
_Static_assert(offsetof(struct cdns_uart_regs, sr) == 0x2c, "Channel_sts");
_Static_assert(offsetof(struct cdns_uart_regs, fifo) == 0x30, "TX_RX_FIFO");
_Static_assert(offsetof(struct cdns_uart_regs, txwm) == 0x44, "Tx_FIFO_trigger_level");

/* CR */
#define CDNS_UART_CR_RXEN  (1u << 2)
#define CDNS_UART_CR_RXDIS (1u << 3)
#define CDNS_UART_CR_TXEN  (1u << 4)
#define CDNS_UART_CR_TXDIS (1u << 5)

/* SR (Channel_sts) */
#define CDNS_UART_SR_RXEMPTY (1u << 1)
#define CDNS_UART_SR_TXFULL  (1u << 4)

/* IER/IDR/IMR/ISR */
#define CDNS_UART_IXR_RXTRIG  (1u << 0) /* RX FIFO at Rcvr_FIFO_trigger_level */
#define CDNS_UART_IXR_TIMEOUT (1u << 8) /* RX idle for Rcvr_timeout */

#endif /* BULKHEAD_CDNS_UART_H */
