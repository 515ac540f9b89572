/* SPDX-License-Identifier: MIT */
/*
 * What differs between the physical GICv2 and GICv3 drivers: one table of
 * operations each (gic_v2.c, gic_v3.c), used by the shared driver (gic.c)
 * behind the interface of gic.h.  Internal to hyp/arch/aarch64/gic/.
 */
#ifndef BULKHEAD_GIC_OPS_H
#define BULKHEAD_GIC_OPS_H

#include <stdbool.h>
#include <stdint.h>

#define gic_rd32(a)    (*(volatile uint32_t *)(uintptr_t)(a))
#define gic_wr32(a, v) (*(volatile uint32_t *)(uintptr_t)(a) = (uint32_t)(v))

/* One priority for every physical interrupt, four at a time. */
#define GIC_PRIO_WORD 0xa0a0a0a0u /* GIC_PRIO_DEFAULT x4 */
/* Bounded waits on RWP/ChildrenAsleep. */
#define GIC_RWP_SPINS 1000000

/**
 * struct gic_ops - one GIC version's driver
 * @version:     2 or 3
 * @iar_intid:   mask of the INTID in an IAR value
 * @init_boot:   distributor set-up; returns the INTIDs implemented or -errno
 * @init_cpu:    this CPU's interface (and redistributor), logical index @cpu
 * @send_sgi:    hypervisor SGI to @pcpu
 * @ack:         read the IAR
 * @eoi:         priority drop (EOImode = 1)
 * @dir:         deactivation
 * @set_enable, @deactivate, @pending, @set_pending, @route: one interrupt;
 *               SGIs/PPIs of @pcpu, SPIs anywhere
 * @poll:        work queued for this pCPU by others (GICv2 banked registers)
 * @nr_lrs, @read_lr, @write_lr, @read_hcr, @write_hcr, @reset_vif: the
 *               virtual interface of this pCPU (formats: gic.h)
 */
struct gic_ops {
	unsigned int version;
	uint32_t iar_intid;
	int (*init_boot)(void);
	int (*init_cpu)(unsigned int cpu);
	void (*send_sgi)(unsigned int pcpu, unsigned int sgi);
	uint32_t (*ack)(void);
	void (*eoi)(uint32_t iar);
	void (*dir)(uint32_t iar);
	void (*set_enable)(uint32_t intid, unsigned int pcpu, bool enable);
	void (*deactivate)(uint32_t intid, unsigned int pcpu);
	bool (*pending)(uint32_t intid, unsigned int pcpu);
	void (*set_pending)(uint32_t intid, unsigned int pcpu, bool pending);
	void (*route)(uint32_t intid, unsigned int pcpu);
	void (*poll)(unsigned int cpu);
	unsigned int (*nr_lrs)(void);
	uint64_t (*read_lr)(unsigned int n);
	void (*write_lr)(unsigned int n, uint64_t val);
	uint32_t (*read_hcr)(void);
	void (*write_hcr)(uint32_t val);
	void (*reset_vif)(void);
};

extern const struct gic_ops gic_v2_ops;
extern const struct gic_ops gic_v3_ops;

/* INTIDs the distributor implements (set by gic_init_boot()). */
extern uint32_t gic_nr_irqs;

/* Spin until @bit of the register at @reg reads 0: 0, or -EBUSY. */
int gic_wait_clear(uint64_t reg, uint32_t bit);

#endif /* BULKHEAD_GIC_OPS_H */
