// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the vGIC (not a cmocka test): the input is a
 * program of guest register accesses, injections, SGIs and vCPU runs
 * (flush -> guest acknowledges/EOIs LRs -> sync).  After every step:
 *   - no crash or sanitizer report (hostile guest values),
 *   - no INTID sits in two list registers at once, across all vCPUs,
 *   - no HW=1 list register is pending+active (IHI0069 §12.5.10),
 *   - the live-SPI bitmap agrees with the SPI flags.
 * Built twice: fuzz_vgic drives the GICv3 register map (GICD, GICR,
 * ICC_SGI1R_EL1), fuzz_vgic_v2 (-DFUZZ_GICV2) the GICv2 one (GICD with
 * banked registers, ITARGETSR, GICD_SGIR, C/SPENDSGIR), where also:
 *   - an SGI is pending exactly while it has a pending source,
 *   - an SGI in a list register names an existing source vCPU.
 * Run: build/vgic/fuzz/fuzz_vgic -max_total_time=20
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gic_v2.h"
#include "platform/vm/vboard.h"
#include "vgic.h"

#define NR_VCPUS 3
#define NR_LRS	 4
#define GICD_IPA BH_VM_GICD /* the virtual board's */
#define GICR_IPA BH_VM_GICR

static uint64_t lrs[NR_VCPUS][VGIC_MAX_LRS]; /* one bank per pCPU */
static uint32_t hcr[NR_VCPUS];
static unsigned int cur; /* pCPU of the running code */

unsigned int vgic_hw_nr_lrs(void)
{
	return NR_LRS;
}
uint64_t vgic_hw_read_lr(unsigned int n)
{
	return lrs[cur][n % VGIC_MAX_LRS];
}
void vgic_hw_write_lr(unsigned int n, uint64_t v)
{
	lrs[cur][n % VGIC_MAX_LRS] = v;
}
uint32_t vgic_hw_read_hcr(void)
{
	return hcr[cur];
}
void vgic_hw_write_hcr(uint32_t v)
{
	hcr[cur] = v;
}
void vgic_hw_reset_vcpu_if(void)
{
}
void vgic_hw_kick(unsigned int pcpu)
{
	(void)pcpu;
}
void vgic_hw_irq_enable(uint32_t p, unsigned int c, bool e)
{
	(void)p;
	(void)c;
	(void)e;
}
void vgic_hw_irq_deactivate(uint32_t p, unsigned int c)
{
	(void)p;
	(void)c;
}
void vgic_hw_irq_route(uint32_t p, unsigned int c)
{
	(void)p;
	(void)c;
}
/* the physical pending latch, as the vGIC sets and clears it */
static bool phys_pending[GIC_MAX_SPI + 1];

bool vgic_hw_irq_pending(uint32_t p, unsigned int c)
{
	(void)c;
	return p <= GIC_MAX_SPI && phys_pending[p];
}
void vgic_hw_irq_set_pending(uint32_t p, unsigned int c, bool pending)
{
	(void)c;
	if (p <= GIC_MAX_SPI)
		phys_pending[p] = pending;
}
void vgic_hw_log(const char *fmt, ...)
{
	(void)fmt;
}

struct input {
	const uint8_t *p;
	size_t n;
};

static uint64_t take(struct input *in, unsigned int bytes)
{
	uint64_t v = 0;

	while (bytes-- && in->n) {
		v = (v << 8) | *in->p++;
		in->n--;
	}
	return v;
}

static struct vgic_dist dist;
static struct vgic_cpu cpus[NR_VCPUS];
static bool entered[NR_VCPUS];

static void check_invariants(void)
{
	uint8_t seen[VGIC_NR_IRQS][NR_VCPUS] = { { 0 } };
	unsigned int v, i;

	for (v = 0; v < NR_VCPUS; v++) {
		if (!entered[v])
			continue;
		for (i = 0; i < NR_LRS; i++) {
			uint64_t lr = lrs[v][i];
			uint32_t id = (uint32_t)(lr & ICH_LR_VINTID_MASK);

			if (!(lr & ICH_LR_STATE_MASK))
				continue;
			if (id >= VGIC_NR_IRQS)
				abort();
			if ((lr & ICH_LR_HW) && (lr & ICH_LR_STATE_MASK) == ICH_LR_STATE_MASK)
				abort();
			/* private INTIDs are per vCPU; SPIs are global */
			if (seen[id][id < GIC_NR_PRIVATE ? v : 0]++)
				abort();
#ifdef FUZZ_GICV2
			if (id < GIC_NR_SGIS &&
			    ((lr >> VGIC_LR_SGI_SRC_SHIFT) & VGIC_LR_SGI_SRC_MASK) >= NR_VCPUS)
				abort();
#endif
		}
	}
#ifdef FUZZ_GICV2
	for (v = 0; v < NR_VCPUS; v++)
		for (i = 0; i < GIC_NR_SGIS; i++)
			if (!cpus[v].priv[i].sgi_pend !=
			    !(cpus[v].priv[i].flags & VGIC_IRQ_PENDING))
				abort();
#endif
	for (i = 0; i < VGIC_NR_SPIS; i++) {
		bool live = dist.spi_live[i / 32] & (1u << (i % 32));
		bool busy =
			dist.spis[i].flags & (VGIC_IRQ_PENDING | VGIC_IRQ_ACTIVE | VGIC_IRQ_IN_LR);

		if (live != busy)
			abort();
	}
}

/* What a guest can do to its LRs: acknowledge, EOI (drop+deactivate). */
static void guest_run(unsigned int v, uint8_t what)
{
	unsigned int i;

	for (i = 0; i < NR_LRS; i++, what >>= 2) {
		uint64_t *lr = &lrs[v][i];
		uint64_t st = *lr & ICH_LR_STATE_MASK;

		if ((what & 3) == 1 && st == ICH_LR_PENDING)
			*lr = (*lr & ~ICH_LR_STATE_MASK) | ICH_LR_ACTIVE;
		else if ((what & 3) == 2 && (st & ICH_LR_ACTIVE))
			*lr &= ~ICH_LR_ACTIVE;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	unsigned int v;

	memset(lrs, 0, sizeof(lrs));
	memset(entered, 0, sizeof(entered));
	memset(phys_pending, 0, sizeof(phys_pending));
#ifdef FUZZ_GICV2
	if (vgic_v2_dist_init(&dist, NR_VCPUS, GICD_IPA, GICR_IPA))
		abort();
#else
	if (vgic_dist_init(&dist, NR_VCPUS, GICD_IPA, GICR_IPA))
		abort();
#endif
	for (v = 0; v < NR_VCPUS; v++)
		if (vgic_cpu_init(&dist, &cpus[v], v, v, v))
			abort();

	while (in.n) {
		uint8_t op = (uint8_t)take(&in, 1);
		uint64_t val;

		v = (op >> 4) % NR_VCPUS;
		switch (op & 7) {
		case 0: { /* guest MMIO access */
#ifdef FUZZ_GICV2
			uint64_t base = GICD_IPA; /* the only trapped window */
			uint64_t off = take(&in, 2) % (GICV2_GICD_SIZE + 0x100);
#else
			uint64_t base = (op & 8) ? GICR_IPA : GICD_IPA;
			uint64_t off = take(&in, 3) % (NR_VCPUS * GICR_STRIDE + 0x100);
#endif
			unsigned int sz = 1u << (take(&in, 1) % 4);

			val = take(&in, 8);
			cur = v;
			(void)vgic_mmio_access(&dist, &cpus[v], base + off, sz, take(&in, 1) & 1,
					       &val);
			break;
		}
		case 1:
			val = take(&in, 2);
			(void)vgic_inject(&dist, (uint32_t)(val % 300),
					  (op & 8) ? (uint32_t)(val % 300) : 0);
			break;
		case 2:
			val = take(&in, 1);
			(void)vgic_inject_private(&cpus[v], (uint32_t)(val % 40),
						  (op & 8) ? 27 : 0);
			break;
		case 3:
#ifdef FUZZ_GICV2
			val = take(&in, 4);
			(void)vgic_dist_access(&dist, &cpus[v], GICD_SGIR, 4, true, &val);
#else
			(void)vgic_sgi_write(&dist, &cpus[v], take(&in, 8));
#endif
			break;
		case 4: /* enter the guest */
			if (!entered[v]) {
				cur = v;
				vgic_flush_lrs(&cpus[v]);
				entered[v] = true;
			}
			break;
		case 5: /* the guest runs, then exits */
			if (entered[v]) {
				guest_run(v, (uint8_t)take(&in, 1));
				cur = v;
				vgic_sync_lrs(&cpus[v]);
				entered[v] = false;
			}
			break;
		case 6:
			cur = v;
			vgic_maintenance(&cpus[v]);
			break;
		default:
			(void)vgic_has_pending(&cpus[v]);
			break;
		}
		check_invariants();
	}
	return 0;
}
