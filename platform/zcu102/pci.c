// SPDX-License-Identifier: MIT
/* The ZCU102 has no PCI (plat_desc.h): no pci-serial UART to place. */
#include "platform.h"

int plat_pci_init(void)
{
	return 0;
}
