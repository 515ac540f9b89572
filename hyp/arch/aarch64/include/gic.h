/* SPDX-License-Identifier: MIT */
/*
 * The physical GIC driven by the hypervisor at EL2 (one interface for
 * GICv2 and GICv3, the platform's version chosen at build time:
 * platform/NAME/plat_desc.h), and the GICv3 register layouts shared with
 * the vGIC emulation (GIC architecture specification IHI0069, chapters 12
 * "Programmers' model" and 11 "Virtual interface"; GICv2 layouts: gic_v2.h).
 *
 * Model (docs/design.md §4, docs/vgic.md): one priority, EOImode=1 at EL2 so
 * that the hypervisor can drop priority on a forwarded interrupt and leave
 * its deactivation to the guest through a HW=1 list register.  The list
 * registers are handled in the GICv3 ICH_LR<n>_EL2 format by the vGIC; the
 * GICv2 driver converts to and from GICH_LR<n>.
 */
#ifndef BULKHEAD_GIC_H
#define BULKHEAD_GIC_H

#include <stdbool.h>
#include <stdint.h>

/* ---------------------------------------------------------------- INTIDs */

#define GIC_NR_SGIS	       16
#define GIC_NR_PRIVATE	       32 /* SGIs + PPIs (IHI0069 §2.2.1) */
#define GIC_SPI_BASE	       32
#define GIC_MAX_SPI	       1019
#define GIC_INTID_SPURIOUS     1023
#define GIC_INTID_SPECIAL_BASE 1020 /* 1020..1023 are special */

/* PPIs of the QEMU virt board (hw/arm/virt.h: ARCH_TIMER_*, GIC_MAINT). */
#define GIC_PPI_MAINT	  25 /* vGIC maintenance interrupt */
#define GIC_PPI_HYP_TIMER 26
#define GIC_PPI_VTIMER	  27 /* EL1 virtual timer */
#define GIC_PPI_PTIMER	  30 /* EL1 physical timer */

/* SGIs the hypervisor uses between pCPUs. */
#define GIC_SGI_KICK	0 /* "re-evaluate your vCPU's LRs" */
#define GIC_SGI_HYP_MAX 7 /* 0..7 reserved for the hypervisor */

/* Default priority of every physical interrupt (only one level is used). */
#define GIC_PRIO_DEFAULT       0xa0
#define GIC_PRIO_MASK_ALL_OPEN 0xff

/* ------------------------------------------------- distributor (§12.9) */

#define GICD_CTLR	     0x0000
#define GICD_TYPER	     0x0004
#define GICD_IIDR	     0x0008
#define GICD_TYPER2	     0x000c
#define GICD_STATUSR	     0x0010
#define GICD_SETSPI_NSR	     0x0040
#define GICD_CLRSPI_NSR	     0x0048
#define GICD_SETSPI_SR	     0x0050
#define GICD_CLRSPI_SR	     0x0058
#define GICD_IGROUPR	     0x0080
#define GICD_ISENABLER	     0x0100
#define GICD_ICENABLER	     0x0180
#define GICD_ISPENDR	     0x0200
#define GICD_ICPENDR	     0x0280
#define GICD_ISACTIVER	     0x0300
#define GICD_ICACTIVER	     0x0380
#define GICD_IPRIORITYR	     0x0400
#define GICD_ITARGETSR	     0x0800
#define GICD_ICFGR	     0x0c00
#define GICD_IGRPMODR	     0x0d00
#define GICD_NSACR	     0x0e00
#define GICD_SGIR	     0x0f00
#define GICD_CPENDSGIR	     0x0f10
#define GICD_SPENDSGIR	     0x0f20
#define GICD_SGIR_BANK_BYTES 0x10   /* 4 registers each of C/SPENDSGIR */
#define GICD_IROUTER	     0x6000 /* 64-bit, n = INTID (n >= 32) */
#define GICD_IROUTER_END     0x7fe0
#define GICD_PIDR2	     0xffe8
#define GICD_SIZE	     0x10000

/* Each bitmap/byte-map bank is sized for INTIDs 0..1023. */
#define GICD_BITMAP_BYTES 0x80	/* 1 bit per INTID */
#define GICD_PRIO_BYTES	  0x400 /* 1 byte per INTID */
#define GICD_ICFGR_BYTES  0x100 /* 2 bits per INTID */

/* GICD_CTLR, single security state view (DS=1, §12.9.4) */
#define GICD_CTLR_ENABLE_G0 (1u << 0)
#define GICD_CTLR_ENABLE_G1 (1u << 1)
/* Non-secure view of a two-security-state GIC: bit 1 enables Group 1 NS */
#define GICD_CTLR_ENABLE_G1NS (1u << 1)
#define GICD_CTLR_ARE	      (1u << 4)
#define GICD_CTLR_DS	      (1u << 6)
#define GICD_CTLR_RWP	      (1u << 31)

/* GICD_TYPER (§12.9.38) */
#define GICD_TYPER_ITLINES_MASK 0x1fu
#define GICD_TYPER_CPUNUM_SHIFT 5
#define GICD_TYPER_IDBITS_SHIFT 19
#define GICD_TYPER_NO1N		(1u << 25)

/* GICD_IROUTER (§12.9.22) */
#define GICD_IROUTER_IRM      (1ull << 31)
#define GICD_IROUTER_AFF_MASK 0xff00ffffffull /* Aff3 [39:32], Aff2..0 */

/* GICD/GICR_PIDR2.ArchRev [7:4] = 3 means GICv3, 4 GICv4 (§12.9.27) */
#define GIC_PIDR2_ARCH_MASK  0xf0
#define GIC_PIDR2_ARCH_GICV3 0x30
#define GIC_PIDR2_ARCH_GICV4 0x40
#define GIC_PIDR2_VALUE	     (GIC_PIDR2_ARCH_GICV3 | 0x0b)

/* ----------------------------------------------- redistributor (§12.10) */

#define GICR_STRIDE   0x20000 /* RD_base + SGI_base, no VLPI */
#define GICR_SGI_BASE 0x10000

/* RD_base frame */
#define GICR_CTLR      0x0000
#define GICR_IIDR      0x0004
#define GICR_TYPER     0x0008 /* 64-bit */
#define GICR_STATUSR   0x0010
#define GICR_WAKER     0x0014
#define GICR_PROPBASER 0x0070
#define GICR_PENDBASER 0x0078
#define GICR_PIDR2     0xffe8

/* SGI_base frame, relative to GICR_SGI_BASE */
#define GICR_IGROUPR0	 0x0080
#define GICR_ISENABLER0	 0x0100
#define GICR_ICENABLER0	 0x0180
#define GICR_ISPENDR0	 0x0200
#define GICR_ICPENDR0	 0x0280
#define GICR_ISACTIVER0	 0x0300
#define GICR_ICACTIVER0	 0x0380
#define GICR_IPRIORITYR0 0x0400 /* 8 registers, 32 bytes */
#define GICR_ICFGR0	 0x0c00
#define GICR_ICFGR1	 0x0c04
#define GICR_IGRPMODR0	 0x0d00
#define GICR_NSACR	 0x0e00

#define GICR_CTLR_RWP		   (1u << 3)
#define GICR_WAKER_PROCESSOR_SLEEP (1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1u << 2)

/* GICR_TYPER (§12.11.35) */
#define GICR_TYPER_LAST		 (1ull << 4)
#define GICR_TYPER_PROCNUM_SHIFT 8
#define GICR_TYPER_AFF_SHIFT	 32

/* ICFGR: 2 bits per INTID, bit 1 of the field set = edge-triggered */
#define GIC_ICFG_EDGE	    0x2u
#define GIC_ICFG_FIELD_MASK 0x3u

/* ------------------------------------------- CPU interface (§12.2, §12.4) */

#define ICC_SRE_SRE	   (1u << 0)
#define ICC_SRE_DFB	   (1u << 1)
#define ICC_SRE_DIB	   (1u << 2)
#define ICC_SRE_EL2_ENABLE (1u << 3)
#define ICC_CTLR_EOIMODE   (1u << 1)
#define ICC_IGRPEN1_EN	   (1u << 0)
#define ICC_IAR_INTID_MASK 0xffffffu

/* ICC_SGI1R_EL1 (§12.2.23) */
#define ICC_SGI1R_TARGETS_MASK 0xffffull
#define ICC_SGI1R_AFF_MASK     0xffull /* each of Aff3..Aff1 */
#define ICC_SGI1R_AFF1_SHIFT   16
#define ICC_SGI1R_INTID_SHIFT  24
#define ICC_SGI1R_INTID_MASK   0xfull
#define ICC_SGI1R_AFF2_SHIFT   32
#define ICC_SGI1R_IRM	       (1ull << 40)
#define ICC_SGI1R_RS_SHIFT     44
#define ICC_SGI1R_RS_MASK      0xfull
#define ICC_SGI1R_AFF3_SHIFT   48

/* ------------------------------------------ virtual interface (§12.5) */

/* ICH_HCR_EL2 */
#define ICH_HCR_EN	       (1u << 0)
#define ICH_HCR_UIE	       (1u << 1)
#define ICH_HCR_LRENPIE	       (1u << 2)
#define ICH_HCR_NPIE	       (1u << 3)
#define ICH_HCR_EOICOUNT_SHIFT 27

/* ICH_MISR_EL2 */
#define ICH_MISR_EOI   (1u << 0)
#define ICH_MISR_U     (1u << 1)
#define ICH_MISR_LRENP (1u << 2)
#define ICH_MISR_NP    (1u << 3)

/* ICH_VTR_EL2 */
#define ICH_VTR_LISTREGS_MASK 0x1fu

/* ICH_LR<n>_EL2 (§12.5.10) */
#define ICH_LR_VINTID_MASK  0xffffffffull
#define ICH_LR_PINTID_SHIFT 32
#define ICH_LR_PINTID_MASK  0x1fffull
#define ICH_LR_EOI	    (1ull << 41) /* HW=0: maintenance on EOI */
#define ICH_LR_PRIO_SHIFT   48
#define ICH_LR_PRIO_MASK    0xffull
#define ICH_LR_GROUP1	    (1ull << 60)
#define ICH_LR_HW	    (1ull << 61)
#define ICH_LR_STATE_SHIFT  62
#define ICH_LR_PENDING	    (1ull << 62)
#define ICH_LR_ACTIVE	    (1ull << 63)
#define ICH_LR_STATE_MASK   (ICH_LR_PENDING | ICH_LR_ACTIVE)
/*
 * The vGIC's own use of bits [34:32], RES0 with HW=0 on GICv3 and never
 * set there: the source vCPU of a GICv2 SGI, which the GICv2 driver writes
 * to GICH_LR<n>.CPUID (IHI0048B §5.3.11).
 */
#define VGIC_LR_SGI_SRC_SHIFT 32
#define VGIC_LR_SGI_SRC_MASK  0x7ull

/* MPIDR_EL1 affinity fields (Arm ARM D17.2.101) */
#define MPIDR_AFF0(m)  ((uint32_t)((m)&0xff))
#define MPIDR_AFF1(m)  ((uint32_t)(((m) >> 8) & 0xff))
#define MPIDR_AFF2(m)  ((uint32_t)(((m) >> 16) & 0xff))
#define MPIDR_AFF3(m)  ((uint32_t)(((m) >> 32) & 0xff))
#define MPIDR_AFF_MASK 0xff00ffffffull

/* ---------------------------------------------------------------- driver */

struct vgic_dist;
struct vgic_cpu;

#define GIC_MAX_CPUS 8 /* GICv2: GICD_ITARGETSR has 8 bits */

/**
 * gic_init_boot() - set up the distributor, once, on the boot CPU
 *
 * Disables every SPI, makes all of them Group 1 Non-secure with the default
 * priority, and enables affinity routing and Group 1.
 *
 * Return: 0, or -ENODEV if the distributor is not of the platform's version.
 */
int gic_init_boot(void);

/**
 * gic_init_cpu() - set up this CPU's redistributor and CPU interface
 * @cpu: logical index of the calling CPU (0..GIC_MAX_CPUS-1)
 *
 * Wakes the redistributor matching MPIDR_EL1, enables the kick SGI and the
 * maintenance PPI (PPIs assigned to a vCPU wait for its guest), enables the
 * system-register interface at EL2 (and for EL1), PMR, Group 1, EOImode=1
 * and the virtual CPU interface (ICH_HCR_EL2.En).  (EL1 counter/timer
 * access, CNTHCTL_EL2/CNTVOFF_EL2, is set by the vCPU entry code.)
 *
 * Return: 0, -EINVAL for a bad @cpu, -ENODEV if no redistributor matches.
 */
int gic_init_cpu(unsigned int cpu);

/**
 * gic_send_sgi() - kick pCPU @pcpu with hypervisor SGI @sgi
 * @pcpu: logical CPU index (must have run gic_init_cpu())
 * @sgi:  0..GIC_SGI_HYP_MAX
 */
void gic_send_sgi(unsigned int pcpu, unsigned int sgi);

/**
 * gic_assign_irq() - hand a physical interrupt to a VM
 * @intid:  an SPI, or a PPI of @target's pCPU (the virtual timer, 27)
 * @vm:     the VM's virtual distributor
 * @target: the vCPU that initially receives it (routing of an SPI follows
 *          the guest's GICD_IROUTER later)
 *
 * The interrupt is injected into the VM with the same INTID and HW=1, so the
 * guest's deactivation deactivates the physical interrupt.  SPIs are
 * routed to @target's pCPU; SPIs and PPIs stay disabled until the guest
 * enables them (docs/vgic.md, "Hardware interrupts").
 *
 * Return: 0, -EINVAL for a bad INTID, -EBUSY if already assigned.
 */
int gic_assign_irq(uint32_t intid, struct vgic_dist *vm, struct vgic_cpu *target);

/**
 * gic_release_irqs() - take back every interrupt assigned to @vm
 * @vm: the VM's virtual distributor (stopped VM)
 */
void gic_release_irqs(const struct vgic_dist *vm);

/**
 * gic_handle_irq() - handle every pending physical interrupt
 * @current: the vCPU owning this pCPU (may be NULL while idle)
 *
 * Called from the EL2 IRQ vector (or the idle loop) with IRQs masked.
 * Forwards assigned interrupts into their VM, acknowledges kicks and
 * maintenance interrupts.  The caller's exit path must then run
 * vgic_sync_lrs()/vgic_flush_lrs() before returning to the guest.
 */
void gic_handle_irq(struct vgic_cpu *current);

/*
 * Helpers for the vGIC's arch layer (hyp/arch/aarch64/vgic/vgic_hw.c).  A
 * GICv2 banks SGIs and PPIs per CPU in the distributor: an operation on
 * another pCPU's PPI is queued and done by that pCPU at its next interrupt
 * (a kick); reading another pCPU's PPI pending state gives false.
 */
void gic_irq_set_enable(uint32_t intid, unsigned int pcpu, bool enable);
void gic_irq_deactivate(uint32_t intid, unsigned int pcpu);
void gic_irq_route(uint32_t intid, unsigned int pcpu);
bool gic_irq_pending(uint32_t intid, unsigned int pcpu);
void gic_irq_set_pending(uint32_t intid, unsigned int pcpu, bool pending);
unsigned int gic_this_cpu(void);

/* GIC architecture version of the platform: 2 or 3. */
unsigned int gic_version(void);

/*
 * This pCPU's virtual interface (ICH_*_EL2 on GICv3, GICH on GICv2).  LRs
 * are in the ICH_LR<n>_EL2 format (§12.5.10) with, on GICv2 only, the
 * source CPU of an SGI in VGIC_LR_SGI_SRC; HCR bits as ICH_HCR_EL2, which
 * GICH_HCR shares (IHI0048B §5.3.1).
 */
unsigned int gic_vif_nr_lrs(void);
uint64_t gic_vif_read_lr(unsigned int n);
void gic_vif_write_lr(unsigned int n, uint64_t val);
uint32_t gic_vif_read_hcr(void);
void gic_vif_write_hcr(uint32_t val);
void gic_vif_reset(void);

#endif /* BULKHEAD_GIC_H */
