/* SPDX-License-Identifier: MIT */
/*
 * Config fixtures the checker's and the device-tree generator's unit tests
 * share (tests/unit/test_hyp_cfgcheck.c, test_dtgen.c).
 */
#ifndef TESTS_UNIT_CFG_FIXTURE_H
#define TESTS_UNIT_CFG_FIXTURE_H

#include <bulkhead/config.h>

/*
 * Give @vm a DMA-capable NIC as devices[1]: QEMU's virtio-mmio transport at
 * @mmio_offset of page 0x0a003000, INTID @intid, its pool the 16 MiB
 * identity-mapped mem[2] at 0x72000000; @vm becomes trusted for it.
 */
static inline void cfg_fixture_nic(struct bh_vm_config *vm, uint32_t mmio_offset, uint32_t intid)
{
	vm->flags = BH_VM_DMA_TRUSTED;
	vm->mem[2] =
		(struct bh_mem_region){ .ipa = 0x72000000, .size = 0x1000000, .flags = BH_MEM_RW };
	vm->devices[1] = (struct bh_device){ .name = "nic",
					     .kind = BH_DEV_VIRTIO_MMIO,
					     .ipa = 0x0a003000,
					     .pa = 0x0a003000,
					     .size = 0x1000,
					     .intid = intid,
					     .flags = BH_DEV_DMA,
					     .mmio_offset = mmio_offset,
					     .dma_pool = 2 };
	vm->irqs[1] = intid;
}

#endif /* TESTS_UNIT_CFG_FIXTURE_H */
