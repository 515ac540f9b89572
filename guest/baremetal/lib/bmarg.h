/* SPDX-License-Identifier: MIT */
/*
 * x0 convention of the bare-metal test guests, shared with configs/test-*.c:
 *
 *   bits 63..60  UART kind (BM_UART_*)
 *   bits 59..48  test parameter (meaning per test program)
 *   bits 47..0   UART base IPA
 *
 * So one guest binary runs in any VM, printing on whatever UART the config
 * passed through to it.
 */
#ifndef BM_ARG_H
#define BM_ARG_H

#define BM_UART_NONE	0ull
#define BM_UART_PL011	1ull
#define BM_UART_NS16550 2ull
#define BM_UART_CDNS	3ull /* Cadence UART (include/bulkhead/cdns_uart.h) */

#define BM_ARG(kind, base, param)                                                              \
	(((unsigned long long)(kind) << 60) | (((unsigned long long)(param)&0xfffull) << 48) | \
	 ((unsigned long long)(base)&0xffffffffffffull))

#define BM_ARG_KIND(x)	((unsigned long long)(x) >> 60)
#define BM_ARG_PARAM(x) (((unsigned long long)(x) >> 48) & 0xfffull)
#define BM_ARG_BASE(x)	((unsigned long long)(x)&0xffffffffffffull)

/* Where the test guests are linked (IPA) and how big a VM's RAM is. */
#define BM_LINK_IPA 0x40000000ull
#define BM_RAM_SIZE 0x01000000ull

#endif /* BM_ARG_H */
