/* SPDX-License-Identifier: MIT */
/*
 * vGIC: per-VM emulated distributor (and on GICv3 redistributors), delivered
 * to the guest through the hardware virtual CPU interface (GICv3: ICV_*
 * registers, list registers ICH_LR<n>_EL2, IHI0069 chapter 6; GICv2: the
 * GICV frame mapped as the guest's GICC, list registers GICH_LR<n>,
 * IHI0048B chapter 5).  The state machine is shared (vgic.c); the register
 * maps are per version (vgic_v3.c, vgic_v2.c; docs/vgic.md).
 *
 * State model: the software state below is authoritative while the vCPU
 * is out of the guest.  vgic_sync_lrs() folds the list registers back into
 * it after every exit, vgic_flush_lrs() picks the best active/pending
 * interrupts for the list registers before every entry (active first, then
 * by priority), and requests an underflow maintenance interrupt when more
 * are pending than list registers exist.  One lock per VM (struct
 * vgic_dist.lock) guards all of it, because SPIs and SGIs are injected from
 * other pCPUs.
 *
 * The pure logic (vgic.c) is host-testable: every hardware access goes
 * through the vgic_hw_*() accessors declared at the end of this file,
 * implemented for aarch64 in vgic_hw.c and by fakes in the unit tests.
 */
#ifndef BULKHEAD_VGIC_H
#define BULKHEAD_VGIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gic.h"
#include "spinlock.h"

/* Negative errno values returned to the caller (Linux uapi numbers). */
#ifndef EINVAL
#define ENOENT 2
#define EBUSY  16
#define ENODEV 19
#define EINVAL 22
#endif

#define VGIC_NR_SPIS	    256 /* INTIDs 32..287, as QEMU virt */
#define VGIC_NR_IRQS	    (GIC_NR_PRIVATE + VGIC_NR_SPIS)
#define VGIC_MAX_VCPUS	    8 /* also GICv2's limit (8-bit ITARGETSR) */
#define VGIC_V2		    2 /* struct vgic_dist.version */
#define VGIC_V3		    3
#define VGIC_MAX_LRS	    16 /* ICH_VTR_EL2.ListRegs is 4 bits + 1 */
#define VGIC_NO_TARGET	    0xff
#define VGIC_PRIO_BITS_MASK 0xf8 /* 5 priority bits (ICH_VTR PRIbits=4) */
#define VGIC_LOG_BURST	    16	 /* log lines before rate limiting */
#define VGIC_LOG_EVERY	    1024 /* then one line per this many */

/* struct vgic_irq.flags */
#define VGIC_IRQ_ENABLED (1u << 0)
#define VGIC_IRQ_PENDING (1u << 1) /* latched, not in an LR */
#define VGIC_IRQ_ACTIVE	 (1u << 2)
#define VGIC_IRQ_EDGE	 (1u << 3) /* ICFGR: edge-triggered */
#define VGIC_IRQ_IN_LR	 (1u << 4) /* loaded by the last flush */
#define VGIC_IRQ_SW_PEND (1u << 5) /* HW=1: pended through ISPENDR */

/**
 * struct vgic_irq - software state of one virtual interrupt
 * @hw_intid: physical INTID delivered with HW=1, 0 for a virtual-only one
 * @flags:    VGIC_IRQ_*
 *
 * For a HW=1 interrupt the physical GIC holds the truth: VGIC_IRQ_PENDING
 * only means "the hypervisor acknowledged the physical interrupt and owes
 * it to the guest"; whether it is pending as the guest sees it follows the
 * physical line (level) unless the guest pended it through ISPENDR
 * (VGIC_IRQ_SW_PEND) or configured it edge-triggered (docs/vgic.md,
 * "Hardware interrupts").
 * @priority: GICD_IPRIORITYR byte (lower is more urgent)
 * @target:   receiving vCPU index (SPIs, from @irouter or @itargets),
 *            VGIC_NO_TARGET
 * @sgi_pend: GICv2 SGIs: bitmap of the source vCPUs it is pending from
 *            (VGIC_IRQ_PENDING is set while it is non-zero)
 * @sgi_src:  GICv2 SGIs: the source of the occurrence in an LR or active
 * @itargets: GICv2 SPIs: GICD_ITARGETSR byte as the guest wrote it
 * @irouter:  GICv3 SPIs: GICD_IROUTER value as the guest wrote it
 */
struct vgic_irq {
	uint16_t hw_intid;
	uint8_t flags;
	uint8_t priority;
	uint8_t target;
	uint8_t sgi_pend;
	uint8_t sgi_src;
	uint8_t itargets;
	uint64_t irouter;
};

/**
 * struct vgic_stats - counters for logs and tests
 */
struct vgic_stats {
	uint64_t injected;
	uint64_t sgis;
	uint64_t lr_overflows;
	uint64_t bad_accesses;
	uint64_t unhandled_regs;
	uint64_t kicks;
};

struct vgic_dist;

/**
 * struct vgic_cpu - per-vCPU state: redistributor and list registers
 * @dist:      owning VM's distributor
 * @vcpu_id:   vCPU index inside the VM (GICR_TYPER.Processor_Number)
 * @pcpu:      physical CPU it runs on (static partitioning)
 * @mpidr:     virtual MPIDR_EL1 (affinity for IROUTER / SGI targets)
 * @waker:     GICR_WAKER.ProcessorSleep as the guest left it
 * @priv:      SGIs and PPIs 0..31
 * @nr_lrs:    list registers of the hardware
 * @lr_intid:  INTID held by each LR since the last flush
 * @lr_used:   bitmap of LRs written by the last flush
 * @lr_pending: bitmap of LRs the last flush wrote in the pending state
 * @hcr:       ICH_HCR_EL2 written by the last flush
 * @fresh:     set by vgic_cpu_init(): the first flush on the vCPU's pCPU
 *             also resets the virtual CPU interface (VMCR, active
 *             priorities) so a restarted VM starts clean
 * @lrs_clean: every hardware LR is known to be zero (after a sync), so a
 *             flush writes only the LRs it fills
 */
struct vgic_cpu {
	struct vgic_dist *dist;
	unsigned int vcpu_id;
	unsigned int pcpu;
	uint64_t mpidr;
	uint32_t waker;
	struct vgic_irq priv[GIC_NR_PRIVATE];
	unsigned int nr_lrs;
	uint32_t lr_intid[VGIC_MAX_LRS];
	uint32_t lr_used;
	uint32_t lr_pending;
	uint32_t hcr;
	bool fresh;
	bool lrs_clean;
};

/**
 * struct vgic_dist - per-VM distributor state
 * @lock:      guards every vgic_irq of the VM and the LR bookkeeping
 * @version:   VGIC_V2 or VGIC_V3: which register map the guest sees
 * @ctlr:      GICD_CTLR enable bits (GICv3 layout; GICv2's Enable is
 *             kept as GICD_CTLR_ENABLE_G1)
 * @nr_vcpus:  vCPUs of the VM (redistributor frames)
 * @gicd_ipa:  guest-physical base of the emulated GICD
 * @cpu_ipa:   guest-physical base of the emulated GICR frames (v3), of the
 *             GICC window (v2, mapped onto GICV, not trapped)
 * @vcpus:     registered vCPUs, indexed by vcpu_id (NULL until init)
 * @spis:      SPIs 32..32+VGIC_NR_SPIS-1
 * @spi_live:  bitmap of SPIs pending, active or in an LR, so that the
 *             per-entry LR flush visits only those
 * @log_count: log lines requested (rate limiting)
 * @stats:     counters
 */
struct vgic_dist {
	spinlock_t lock;
	unsigned int version;
	uint32_t ctlr;
	unsigned int nr_vcpus;
	uint64_t gicd_ipa;
	uint64_t cpu_ipa;
	struct vgic_cpu *vcpus[VGIC_MAX_VCPUS];
	struct vgic_irq spis[VGIC_NR_SPIS];
	uint32_t spi_live[VGIC_NR_SPIS / 32];
	uint64_t log_count;
	struct vgic_stats stats;
};

/**
 * vgic_dist_init() - reset a VM's distributor as a GICv3
 * @d:        the distributor (embedded in struct vm); zero-initialised
 *            memory or an earlier initialised one (the reset runs under
 *            its lock, so concurrent injections from other pCPUs are safe)
 * @nr_vcpus: 1..VGIC_MAX_VCPUS
 * @gicd_ipa: IPA of the GICD window (GICD_SIZE bytes)
 * @gicr_ipa: IPA of the GICR frames (GICR_STRIDE bytes per vCPU)
 *
 * Return: 0 or -EINVAL.
 */
int vgic_dist_init(struct vgic_dist *d, unsigned int nr_vcpus, uint64_t gicd_ipa,
		   uint64_t gicr_ipa);

/**
 * vgic_v2_dist_init() - reset a VM's distributor as a GICv2
 * @d:        as vgic_dist_init()
 * @nr_vcpus: 1..VGIC_MAX_VCPUS
 * @gicd_ipa: IPA of the GICD window (GICD_SIZE bytes, 64 KiB aligned)
 * @gicc_ipa: IPA where the guest finds its GICC (the caller maps GICV there)
 *
 * Return: 0 or -EINVAL.
 */
int vgic_v2_dist_init(struct vgic_dist *d, unsigned int nr_vcpus, uint64_t gicd_ipa,
		      uint64_t gicc_ipa);

/**
 * vgic_cpu_init() - reset a vCPU's redistributor and register it with @d
 * @d:       the VM's distributor (initialised)
 * @c:       the vCPU's state (embedded in struct vcpu)
 * @vcpu_id: index in the VM, < nr_vcpus
 * @pcpu:    physical CPU the vCPU runs on
 * @mpidr:   the vCPU's virtual MPIDR_EL1
 *
 * Return: 0 or -EINVAL.
 */
int vgic_cpu_init(struct vgic_dist *d, struct vgic_cpu *c, unsigned int vcpu_id, unsigned int pcpu,
		  uint64_t mpidr);

/**
 * vgic_bind_hw() - mark @intid as backed by the same physical INTID (HW=1)
 * @d:     the VM's distributor
 * @c:     owning vCPU for a PPI (ignored for SPIs)
 * @intid: PPI 16..31 or SPI
 *
 * Called by gic_assign_irq() so that enable and routing writes of the guest
 * are mirrored on the physical interrupt before its first occurrence.
 *
 * Return: 0 or -EINVAL.
 */
int vgic_bind_hw(struct vgic_dist *d, struct vgic_cpu *c, uint32_t intid);

/**
 * vgic_is_gicd() / vgic_is_gicr() - does @ipa fall in the emulated windows
 * @d:   the VM's distributor
 * @ipa: faulting guest-physical address
 */
bool vgic_is_gicd(const struct vgic_dist *d, uint64_t ipa);
bool vgic_is_gicr(const struct vgic_dist *d, uint64_t ipa);

/**
 * vgic_mmio_access() - emulate a trapped GICD/GICR access by IPA
 * @d:     the VM's distributor
 * @self:  the accessing vCPU
 * @ipa:   faulting IPA
 * @size:  1, 2, 4 or 8 bytes
 * @write: true for a store
 * @val:   value stored, or where the loaded value goes (zero-extended)
 *
 * Return: 0 if emulated, -ENOENT if @ipa is not a vGIC window, -EINVAL for
 * an access the architecture does not allow (wrong size or alignment).
 */
int vgic_mmio_access(struct vgic_dist *d, struct vgic_cpu *self, uint64_t ipa, unsigned int size,
		     bool write, uint64_t *val);

/**
 * vgic_dist_access() - emulate an access to the GICD window
 * @d:     the VM's distributor
 * @self:  accessing vCPU
 * @off:   offset inside the GICD window
 * @size:  access size in bytes
 * @write: true for a store
 * @val:   in/out value
 *
 * Unknown registers are RAZ/WI with a rate-limited log line.
 *
 * Return: 0, or -EINVAL for a bad size/alignment.
 */
int vgic_dist_access(struct vgic_dist *d, struct vgic_cpu *self, uint64_t off, unsigned int size,
		     bool write, uint64_t *val);

/* The version-specific halves of vgic_dist_access() (vgic_v3.c, vgic_v2.c). */
int vgic_v3_dist_access(struct vgic_dist *d, struct vgic_cpu *self, uint64_t off, unsigned int size,
			bool write, uint64_t *val);
/*
 * GICv2: banked registers (SGIs, PPIs, ITARGETSR0-7, C/SPENDSGIR) are those
 * of @self, GICD_SGIR sends from @self; -EINVAL without @self.
 */
int vgic_v2_dist_access(struct vgic_dist *d, struct vgic_cpu *self, uint64_t off, unsigned int size,
			bool write, uint64_t *val);

/**
 * vgic_redist_access() - emulate an access to the GICR frames
 * @d:     the VM's distributor
 * @self:  accessing vCPU
 * @off:   offset from the first frame (frame = off / GICR_STRIDE = vCPU)
 * @size:  access size in bytes
 * @write: true for a store
 * @val:   in/out value
 *
 * Return: 0, or -EINVAL for a bad size/alignment or a frame past the last.
 */
int vgic_redist_access(struct vgic_dist *d, struct vgic_cpu *self, uint64_t off, unsigned int size,
		       bool write, uint64_t *val);

/**
 * vgic_sgi_write() - emulate a trapped write of ICC_SGI1R_EL1
 * @d:          the VM's distributor
 * @self:       the writing vCPU
 * @icc_sgi1r:  the value written
 *
 * Sets the SGI pending on every targeted vCPU of the same VM (TargetList
 * with Aff3.Aff2.Aff1 and RS, or IRM=1 for "all but self") and kicks their
 * pCPUs.  Targets that do not exist are ignored (as on hardware).
 *
 * Return: 0.
 */
int vgic_sgi_write(struct vgic_dist *d, struct vgic_cpu *self, uint64_t icc_sgi1r);

/**
 * vgic_inject() - make SPI @intid pending in the VM
 * @d:         the VM's distributor
 * @intid:     SPI INTID (32 .. 32+VGIC_NR_SPIS-1)
 * @hw_pintid: physical INTID to deactivate through HW=1, 0 = virtual only
 *
 * A virtual-only interrupt is latched (edge semantics).  A HW=1 one is the
 * physical interrupt the caller has just acknowledged: if the guest has it
 * disabled it is not latched but deactivated again, so that the physical
 * GIC keeps following the line (IHI0069 §4.1.2, level-sensitive
 * interrupts) and raises it anew once the guest enables it.
 *
 * Safe from any pCPU; kicks the target vCPU's pCPU.
 *
 * Return: 0 or -EINVAL.
 */
int vgic_inject(struct vgic_dist *d, uint32_t intid, uint32_t hw_pintid);

/**
 * vgic_inject_private() - make SGI/PPI @intid pending on vCPU @c
 * @c:         target vCPU
 * @intid:     0..31 (GICv2: 16..31, an SGI needs a source: GICD_SGIR)
 * @hw_pintid: physical INTID for HW=1 (the timer PPI), 0 = virtual only
 *
 * Return: 0 or -EINVAL.
 */
int vgic_inject_private(struct vgic_cpu *c, uint32_t intid, uint32_t hw_pintid);

/**
 * vgic_has_pending() - whether @c has an enabled pending interrupt
 * @c: the vCPU (for the WFI idle path)
 */
bool vgic_has_pending(struct vgic_cpu *c);

/**
 * vgic_flush_lrs() - load the list registers before entering the guest
 * @c: the vCPU about to run on this pCPU
 */
void vgic_flush_lrs(struct vgic_cpu *c);

/**
 * vgic_sync_lrs() - fold the list registers back after an exit
 * @c: the vCPU that just left the guest on this pCPU
 *
 * Also empties the LRs and clears UIE: while the pCPU is at EL2 (or parked
 * because its VM stopped) no virtual interrupt stays asserted, so an EL2
 * WFI really sleeps.
 */
void vgic_sync_lrs(struct vgic_cpu *c);

/**
 * vgic_maintenance() - silence the maintenance interrupt (PPI 25)
 * @c: the vCPU running on this pCPU, or NULL
 *
 * Clears ICH_HCR_EL2.UIE/NPIE so the level-sensitive maintenance line
 * drops; the exit path's flush re-arms what is still needed.
 */
void vgic_maintenance(struct vgic_cpu *c);

/* -------------------------------------------------- arch accessor layer */

/*
 * vgic_hw.c on aarch64, fakes in the host tests (tests/unit/test_vgic_fakes.h).
 * LR and HCR accessors act on this pCPU's ICH_LR<n>_EL2 / ICH_HCR_EL2
 * (IHI0069 §12.5); vgic_hw_nr_lrs() is ICH_VTR_EL2.ListRegs + 1.
 */
unsigned int vgic_hw_nr_lrs(void);
uint64_t vgic_hw_read_lr(unsigned int n);
void vgic_hw_write_lr(unsigned int n, uint64_t val);
uint32_t vgic_hw_read_hcr(void);
void vgic_hw_write_hcr(uint32_t val);
/* Reset ICH_VMCR_EL2 and the active-priority registers of this pCPU. */
void vgic_hw_reset_vcpu_if(void);
/* Kick @pcpu so its vCPU re-runs vgic_flush_lrs (no-op for this pCPU). */
void vgic_hw_kick(unsigned int pcpu);
/* Physical side of a HW=1 interrupt (SPIs: any pCPU; PPIs: @pcpu's). */
void vgic_hw_irq_enable(uint32_t pintid, unsigned int pcpu, bool enable);
void vgic_hw_irq_deactivate(uint32_t pintid, unsigned int pcpu);
void vgic_hw_irq_route(uint32_t pintid, unsigned int pcpu);
/* GICD_ISPENDR / GICR_ISPENDR0 bit: the pending latch OR a high level line. */
bool vgic_hw_irq_pending(uint32_t pintid, unsigned int pcpu);
/* Set (ISPENDR) or clear (ICPENDR) the physical pending latch. */
void vgic_hw_irq_set_pending(uint32_t pintid, unsigned int pcpu, bool pending);
/* One hypervisor log line (the caller rate-limits). */
void vgic_hw_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* BULKHEAD_VGIC_H */
