/* SPDX-License-Identifier: MIT */
/*
 * What the hypervisor asks of the board it runs on.  The board's facts
 * (addresses, INTIDs, GIC version) are macros in platform/NAME/plat_desc.h;
 * its code (CPU numbering, bus set-up) is in C files of platform/NAME/, its
 * console driver in platform/drivers/, chosen by platform/NAME/platform.mk
 * (docs/platforms.md).
 */
#ifndef HYP_PLATFORM_H
#define HYP_PLATFORM_H

#include <stdint.h>
#include <plat_desc.h>

/* The hypervisor's console: polled TX on the board's uart[0]. */
void plat_console_putc(char c);

/**
 * plat_pci_init() - set up the PCI devices VMs may be given
 *
 * On virt: each pci-serial UART gets its own I/O page.
 *
 * Return: number of devices set up (0 on a board without PCI).
 */
int plat_pci_init(void);

/* Logical CPU index of the calling CPU. */
unsigned int plat_cpu_index(void);
uint64_t plat_cpu_mpidr(unsigned int cpu);

#endif /* HYP_PLATFORM_H */
