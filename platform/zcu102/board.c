// SPDX-License-Identifier: MIT
/*
 * The ZCU102 model as a struct bh_platform, for the host tools
 * (include/bulkhead/platform.h); every value from plat_desc.h.
 */
#include <bulkhead/config.h>
#include <bulkhead/platform.h>
#include <plat_desc.h>

#include "platform/board_desc.h"

#define ZCU102_GEM(n)                         \
	{                                     \
		PLAT_GEM(n), 0x1000, "GEM" #n \
	}

const struct bh_platform bh_platform = {
	BH_PLAT_DESC_FIELDS,
	.uart = { BH_PLAT_DESC_UART0,
		  { .name = "uart1",
		    .kind = PLAT_UART0_KIND,
		    .base = PLAT_UART1_BASE,
		    .size = PLAT_UART0_SIZE,
		    .intid = PLAT_UART1_INTID } },
	.mmio = { ZCU102_GEM(0), ZCU102_GEM(1), ZCU102_GEM(2), ZCU102_GEM(3) },
};
