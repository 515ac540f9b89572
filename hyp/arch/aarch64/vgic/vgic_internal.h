/* SPDX-License-Identifier: MIT */
/*
 * What the shared vGIC logic (vgic.c) offers the two register maps
 * (vgic_v2.c, vgic_v3.c).  Internal to hyp/arch/aarch64/vgic/; every
 * function that takes a struct vgic_irq expects d->lock held unless it
 * says it takes the lock itself.
 */
#ifndef BULKHEAD_VGIC_INTERNAL_H
#define BULKHEAD_VGIC_INTERNAL_H

#include "vgic.h"

/* GICD_IIDR: Arm implementer code (as KVM does), product 'B'ulkhead. */
#define VGIC_IIDR_IMPLEMENTER 0x43bu
#define VGIC_IIDR_PRODUCT     ((uint32_t)'B' << 24)
#define VGIC_IIDR	      (VGIC_IIDR_PRODUCT | VGIC_IIDR_IMPLEMENTER)

/* ICFGR of SGIs: always edge, read-only (IHI0069 §12.11.7, IHI0048B §4.3.13). */
#define VGIC_ICFGR_SGI 0xaaaaaaaau

enum vgic_bitreg {
	VGIC_REG_ENABLE,
	VGIC_REG_PENDING,
	VGIC_REG_ACTIVE,
};

bool vgic_log_allowed(struct vgic_dist *d);

#define vgic_warn(d, fmt, ...)                                         \
	do {                                                           \
		if (vgic_log_allowed(d))                               \
			vgic_hw_log("vgic: " fmt "\n", ##__VA_ARGS__); \
	} while (0)

/* The state of @intid as seen by vCPU @c (private ones are per vCPU). */
struct vgic_irq *vgic_irq_get(struct vgic_dist *d, struct vgic_cpu *c, uint32_t intid);
/* The vCPU that receives @irq (owner @c for private interrupts), or NULL. */
struct vgic_cpu *vgic_irq_target(struct vgic_dist *d, struct vgic_cpu *c, uint32_t intid,
				 const struct vgic_irq *irq);
/* Keep d->spi_live in step with @intid's flags (no-op for private ones). */
void vgic_irq_changed(struct vgic_dist *d, uint32_t intid, const struct vgic_irq *irq);
/* Kick every pCPU in @mask (call without the lock). */
void vgic_kick_mask(uint32_t mask);
uint32_t vgic_cpu_bit(const struct vgic_cpu *c);

/* A register that reads as zero and ignores writes (RAZ/WI): 0. */
int vgic_raz_wi(bool write, uint64_t *val);
/* Naturally aligned access of 1, 2, 4 or 8 bytes. */
bool vgic_access_ok(uint64_t off, unsigned int size);
/* Is @off in the bank at @base; *@first = its first INTID. */
bool vgic_in_bank(uint64_t off, uint64_t base, uint64_t bytes, uint32_t *first,
		  unsigned int ids_per_reg);

/* One of a distributor's six set/clear bit registers (IS/IC ENABLER, PENDR, ACTIVER). */
struct vgic_bitbank {
	uint64_t base;
	enum vgic_bitreg reg;
	bool set;
};

/**
 * vgic_bitbank_find() - which set/clear bit register of a distributor @off is
 * @off: offset in the distributor frame (GICv2 and GICv3 share these)
 * @first: out: the first INTID of the 32-bit register at @off
 *
 * Return: the register, or NULL if @off is none of them.
 */
const struct vgic_bitbank *vgic_bitbank_find(uint64_t off, uint32_t *first);

/*
 * Register banks both distributors have; each takes d->lock itself.  @c is
 * the vCPU whose private interrupts the bank holds (NULL for SPIs only).
 */
int vgic_bitbank_access(struct vgic_dist *d, struct vgic_cpu *c, uint32_t first,
			enum vgic_bitreg reg, bool set, bool write, uint64_t *val);
int vgic_prio_access(struct vgic_dist *d, struct vgic_cpu *c, uint32_t first, unsigned int size,
		     bool write, uint64_t *val);
int vgic_cfg_access(struct vgic_dist *d, struct vgic_cpu *c, uint32_t first, bool write,
		    uint64_t *val);

/*
 * vgic_dist_reset() - reset @d for a GIC of @version with its windows at
 * @gicd_ipa and @cpu_ipa (GICR frames on v3, GICC on v2); arguments checked.
 */
void vgic_dist_reset(struct vgic_dist *d, unsigned int version, unsigned int nr_vcpus,
		     uint64_t gicd_ipa, uint64_t cpu_ipa);

/* Per version: does SPI @irq, as the guest routed it, go to vCPU @c. */
bool vgic_v3_spi_routes_to(const struct vgic_irq *irq, const struct vgic_cpu *c);
bool vgic_v2_spi_routes_to(const struct vgic_irq *irq, const struct vgic_cpu *c);

/* The GICv3 redistributor frames (vgic_v3.c). */
bool vgic_v3_is_gicr(const struct vgic_dist *d, uint64_t ipa);

#endif /* BULKHEAD_VGIC_INTERNAL_H */
