/* SPDX-License-Identifier: MIT */
/*
 * The devices of the ZCU102 (platform/zcu102/plat_desc.h) as a config passes
 * them through, said once for the reference system there
 * (configs/reference-zcu102.c) and the bare-metal tests
 * (platform/zcu102/test-uarts.h): the Cadence UARTs and GEM NICs, 1:1.
 * Plain #defines: compiled into the hypervisor and the host tools alike.
 */
#ifndef CONFIGS_XLNX_ZCU102_H
#define CONFIGS_XLNX_ZCU102_H

#include <bulkhead/config.h>
#include <plat_desc.h>

/* .devices[]: Cadence UART @n (a literal 0 or 1) passed through 1:1 */
#define ZCU102_DEV_UART(n)                                                                     \
	{                                                                                      \
		.name = "uart" #n, .kind = BH_DEV_CDNS_UART, .ipa = PLAT_UART##n##_BASE,       \
		.pa = PLAT_UART##n##_BASE, .size = BH_PAGE_SIZE, .intid = PLAT_UART##n##_INTID \
	}

/*
 * .devices[]: GEM @n passed through 1:1, named @dev_name.  A bus master with
 * no SMMU in front of it (docs/config.md, "DMA-capable devices"): all its
 * DMA goes through the identity-mapped mem[@pool] of its VM.
 */
#define ZCU102_DEV_GEM(n, dev_name, pool)                                                         \
	{                                                                                         \
		.name = dev_name, .kind = BH_DEV_CDNS_GEM, .ipa = PLAT_GEM(n), .pa = PLAT_GEM(n), \
		.size = BH_PAGE_SIZE, .intid = PLAT_GEM_INTID(n), .flags = BH_DEV_DMA,            \
		.dma_pool = (pool)                                                                \
	}

#endif /* CONFIGS_XLNX_ZCU102_H */
