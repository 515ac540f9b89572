/* SPDX-License-Identifier: MIT */
/*
 * struct bh_platform - what one board is (docs/platforms.md)
 *
 * A board's facts are written once, as macros in platform/NAME/plat_desc.h,
 * which the hypervisor compiles in directly.  platform/NAME/board.c turns
 * them into this struct for the host tools: cfgcheck rejects a config that
 * asks for what the board lacks, the access matrix lists the board's
 * devices, and tools/platinfo writes it as BUILD/platform.env for scripts
 * and the test harness.  Plain C, in the manner of the configs.
 */
#ifndef BULKHEAD_PLATFORM_H
#define BULKHEAD_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>

#define BH_PLAT_MAX_RAM	  4
#define BH_PLAT_MAX_UARTS 4
#define BH_PLAT_MAX_MMIO  16

/**
 * struct bh_plat_range - a physical address range
 * @base: first byte
 * @size: bytes; 0 ends a list
 * @what: what it is, for messages ("the flash")
 */
struct bh_plat_range {
	uint64_t base;
	uint64_t size;
	const char *what;
};

/**
 * struct bh_plat_uart - a UART a config may pass through
 * @name:  its name in configs and messages ("uart0")
 * @kind:  enum bh_dev_kind of <bulkhead/config.h> (BH_DEV_PL011, ...)
 * @base:  physical address of its registers
 * @size:  bytes of its register page
 * @intid: its interrupt
 */
struct bh_plat_uart {
	const char *name;
	uint32_t kind;
	uint32_t intid;
	uint64_t base;
	uint64_t size;
};

/**
 * struct bh_plat_gic - the board's interrupt controller
 * @version:     2 or 3
 * @maint_intid: the virtualization maintenance PPI
 * @gicd:        distributor
 * @gicr:        GICv3: first redistributor frame pair (0 on GICv2)
 * @gicr_size:   GICv3: bytes of all redistributor frames
 * @gicc:        GICv2: physical CPU interface (0 on GICv3)
 * @gich:        GICv2: virtual interface control
 * @gicv:        GICv2: virtual CPU interface, mapped into VMs as their GICC
 * @gicv_size:   GICv2: bytes of @gicv
 * @window:      every frame and alias of the GIC: only the hypervisor may map it
 */
struct bh_plat_gic {
	uint32_t version;
	uint32_t maint_intid;
	uint64_t gicd;
	uint64_t gicr;
	uint64_t gicr_size;
	uint64_t gicc;
	uint64_t gich;
	uint64_t gicv;
	uint64_t gicv_size;
	struct bh_plat_range window;
};

/**
 * struct bh_plat_virtio_mmio - virtio-mmio transports the machine provides
 * @base:        transport 0 (virtio v1.2 §4.2.2)
 * @count:       number of transports; 0: the board has none
 * @stride:      bytes between transports
 * @first_intid: INTID of transport 0; transport n has @first_intid + n
 */
struct bh_plat_virtio_mmio {
	uint64_t base;
	uint32_t count;
	uint32_t first_intid;
	uint64_t stride;
};

/**
 * struct bh_plat_pci - a PCIe host bridge
 * @ecam:        configuration space (PCI Express Base spec §7.2.2); 0: no PCI
 * @ecam_size:   its bytes
 * @pio:         the I/O window
 * @pio_size:    its bytes
 * @first_intid: INTID of INTA of slot 0 (INTx swizzle over 4 lines)
 */
struct bh_plat_pci {
	uint64_t ecam;
	uint64_t ecam_size;
	uint64_t pio;
	uint64_t pio_size;
	uint32_t first_intid;
};

/**
 * struct bh_platform - one board
 * @name:            "virt", "virt-gicv2", ...
 * @cpus:            CPUs the machine can have
 * @ram:             RAM ranges (size 0 ends)
 * @ram_min:         RAM every config of the board may assume from @ram[0].base
 * @hyp_load:        where the boot loader puts the hypervisor image
 * @hyp:             RAM the hypervisor keeps (image, stacks, tables)
 * @firmware_dtb:    RAM the boot loader's DTB occupies
 * @gic:             the interrupt controller
 * @timer_hyp_intid: EL2 physical timer PPI
 * @timer_phys_intid: EL1 physical timer PPI
 * @timer_virt_intid: EL1 virtual timer PPI
 * @uart:            UARTs a VM may own; uart[0] carries the hypervisor's log
 * @virtio_mmio:     the machine's virtio-mmio transports
 * @pci:             its PCIe host bridge
 * @mmio:            other devices of the machine (size 0 ends): passed
 *                   through only by name of a config's device, never by chance
 * @unmapped_aborts: an access to an unmapped physical address aborts (false:
 *                   reads as zero, writes ignored, as on the ZynqMP model)
 */
struct bh_platform {
	const char *name;
	uint32_t cpus;
	uint32_t timer_hyp_intid;
	uint32_t timer_phys_intid;
	uint32_t timer_virt_intid;
	bool unmapped_aborts;
	struct bh_plat_range ram[BH_PLAT_MAX_RAM];
	uint64_t ram_min;
	uint64_t hyp_load;
	struct bh_plat_range hyp;
	struct bh_plat_range firmware_dtb;
	struct bh_plat_gic gic;
	struct bh_plat_uart uart[BH_PLAT_MAX_UARTS];
	struct bh_plat_virtio_mmio virtio_mmio;
	struct bh_plat_pci pci;
	struct bh_plat_range mmio[BH_PLAT_MAX_MMIO];
};

/**
 * bh_plat_range_overlaps() - whether [@base, @base + @size) meets @r
 * @r:    a range of the board
 * @base: first byte of the other range
 * @size: its bytes
 *
 * Return: true if they share a byte.
 */
static inline bool bh_plat_range_overlaps(const struct bh_plat_range *r, uint64_t base,
					  uint64_t size)
{
	return r->size && size && base < r->base + r->size && r->base < base + size;
}

/* The board this build is for: platform/NAME/board.c. */
extern const struct bh_platform bh_platform;

#endif /* BULKHEAD_PLATFORM_H */
