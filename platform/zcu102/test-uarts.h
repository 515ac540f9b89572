/* SPDX-License-Identifier: MIT */
/*
 * The UARTs of the bare-metal test configs on the ZCU102 (included by
 * configs/test-layout.h in place of configs/qemu-virt.h): a test VM prints
 * on UART0 (beside the hypervisor's log, as on virt) or on UART1, which
 * stands in for the first extra serial port ("ser1" in the tests; virt's
 * first pci-serial).  The board has no second extra port: a config that
 * asks for one does not compile here (platform.mk lists the ones that do).
 */
#ifndef PLATFORM_ZCU102_TEST_UARTS_H
#define PLATFORM_ZCU102_TEST_UARTS_H

#include <bulkhead/config.h>

#include "configs/xlnx-zcu102.h"
#include "guest/baremetal/lib/bmarg.h"
#include <plat_desc.h>

#define TEST_UART0_INTID      PLAT_UART0_INTID
#define TEST_SERIAL_INTID(k)  ZCU102_SERIAL_INTID_##k
#define ZCU102_SERIAL_INTID_1 PLAT_UART1_INTID

/* Prints on UART0, which it owns; @param is the test parameter in x0. */
#define TEST_BM_ON_UART0(param)                                                                  \
	.x0 = BM_ARG(BM_UART_CDNS, PLAT_UART0_BASE, (param)), .devices = { ZCU102_DEV_UART(0) }, \
	.irqs = { PLAT_UART0_INTID }

/* Prints on extra serial port @k (only 1: UART1), which it owns. */
#define TEST_BM_ON_PCI_SERIAL(k, param) ZCU102_ON_SERIAL_##k(param)
#define ZCU102_ON_SERIAL_1(param)                                                                \
	.x0 = BM_ARG(BM_UART_CDNS, PLAT_UART1_BASE, (param)), .devices = { ZCU102_DEV_UART(1) }, \
	.irqs = { PLAT_UART1_INTID }

#endif /* PLATFORM_ZCU102_TEST_UARTS_H */
