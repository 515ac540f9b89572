/* SPDX-License-Identifier: MIT */
/*
 * GICv2 register layouts (GIC architecture specification IHI0048B.b):
 * the distributor registers GICv3 does not have or lays out differently
 * (§4.3), the memory-mapped CPU interface GICC (§4.4) and the
 * virtualization extensions GICH/GICV (chapter 5).  Shared with the vGIC's
 * GICv2 distributor emulation (vgic_v2.c).
 */
#ifndef BULKHEAD_GIC_V2_H
#define BULKHEAD_GIC_V2_H

/* ------------------------------------------------ distributor (§4.3) */

#define GICV2_GICD_SIZE	       0x1000	 /* the 4 KiB distributor page */
#define GICV2_GICD_CTLR_ENABLE (1u << 0) /* no Security Extensions: Grp0 */
#define GICV2_GICD_CTLR_GRP1   (1u << 1)
#define GICV2_GICD_PIDR2       0x0fe8 /* GIC-400 ID register (ArchRev [7:4]) */
#define GICV2_PIDR2_VALUE      0x2b   /* ArchRev 2, as the GIC-400 */
#define GICV2_TYPER_CPUNUM_MAX 7      /* CPUNumber [7:5] = CPUs - 1 */

/* GICD_SGIR (§4.3.15) */
#define GICD_SGIR_INTID_MASK	0xfu
#define GICD_SGIR_TARGETS_SHIFT 16
#define GICD_SGIR_TARGETS_MASK	0xffu
#define GICD_SGIR_FILTER_SHIFT	24
#define GICD_SGIR_FILTER_MASK	0x3u
#define GICD_SGIR_FILTER_LIST	0u /* CPUTargetList */
#define GICD_SGIR_FILTER_OTHERS 1u /* all but the requester */
#define GICD_SGIR_FILTER_SELF	2u /* the requester only */

/* ------------------------------------------- CPU interface (§4.4) */

#define GICC_CTLR	     0x0000
#define GICC_PMR	     0x0004
#define GICC_BPR	     0x0008
#define GICC_IAR	     0x000c
#define GICC_EOIR	     0x0010
#define GICC_DIR	     0x1000
#define GICC_CTLR_GRP0	     (1u << 0)
#define GICC_CTLR_GRP1	     (1u << 1)
#define GICC_CTLR_EOIMODE    (1u << 9)	/* EOImodeS (no Security Extensions) */
#define GICC_CTLR_EOIMODE_NS (1u << 10) /* EOImodeNS */
#define GICC_IAR_INTID_MASK  0x3ffu
#define GICC_IAR_CPUID_SHIFT 10
#define GICC_IAR_CPUID_MASK  0x7u

/* --------------------------- virtual interface control, GICH (§5.3) */

#define GICH_HCR    0x0000
#define GICH_VTR    0x0004
#define GICH_VMCR   0x0008
#define GICH_MISR   0x0010
#define GICH_EISR0  0x0020
#define GICH_ELRSR0 0x0030
#define GICH_APR    0x00f0
#define GICH_LR0    0x0100

#define GICH_VTR_LISTREGS_MASK 0x3fu

/* GICH_LR<n> (§5.3.11): 32 bits, 5 priority bits */
#define GICH_LR_VID_MASK    0x3ffu
#define GICH_LR_PID_SHIFT   10
#define GICH_LR_PID_MASK    0x3ffu
#define GICH_LR_CPUID_SHIFT 10 /* HW=0: source CPU of an SGI */
#define GICH_LR_CPUID_MASK  0x7u
#define GICH_LR_EOI	    (1u << 19) /* HW=0: maintenance on EOI */
#define GICH_LR_PRIO_SHIFT  23
#define GICH_LR_PRIO_MASK   0x1fu
#define GICH_LR_PENDING	    (1u << 28)
#define GICH_LR_ACTIVE	    (1u << 29)
#define GICH_LR_GROUP1	    (1u << 30)
#define GICH_LR_HW	    (1u << 31)

#endif /* BULKHEAD_GIC_V2_H */
