// SPDX-License-Identifier: MIT
/*
 * The GICv2 distributor emulation (vgic_v2.c, IHI0048B.b §4.3): what Linux's
 * irq-gic.c and the bare-metal guests read and write (banked private
 * registers, ITARGETSR routing, GICD_SGIR with per-source SGI state,
 * C/SPENDSGIR), the list registers it leads to, and the hostile cases.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "gic_v2.h"
#include "platform/vm/vboard.h"
#include "test_vgic_fakes.h"

#define GICD_IPA BH_VM_GICD /* the virtual board's */
#define GICC_IPA BH_VM_GICC
#define SPI	 40
#define UART	 33

struct vm2 {
	struct vgic_dist d;
	struct vgic_cpu c[2];
};

static int setup(void **state)
{
	struct vm2 *vm = calloc(1, sizeof(*vm));
	uint64_t on = GICV2_GICD_CTLR_ENABLE;

	fake_reset(4);
	assert_non_null(vm);
	assert_int_equal(vgic_v2_dist_init(&vm->d, 2, GICD_IPA, GICC_IPA), 0);
	/* vCPU n runs on pCPU n + 1 */
	assert_int_equal(vgic_cpu_init(&vm->d, &vm->c[0], 0, 1, 0), 0);
	assert_int_equal(vgic_cpu_init(&vm->d, &vm->c[1], 1, 2, 1), 0);
	assert_int_equal(vgic_mmio_access(&vm->d, &vm->c[0], GICD_IPA + GICD_CTLR, 4, true, &on),
			 0);
	*state = vm;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

/* A register access by vCPU @cpu that must succeed. */
static uint64_t rd(struct vm2 *vm, unsigned int cpu, uint64_t off, unsigned int size)
{
	uint64_t v = 0xdeadbeefdeadbeefull;

	assert_int_equal(vgic_mmio_access(&vm->d, &vm->c[cpu], GICD_IPA + off, size, false, &v), 0);
	return v;
}

static void wr(struct vm2 *vm, unsigned int cpu, uint64_t off, unsigned int size, uint64_t v)
{
	assert_int_equal(vgic_mmio_access(&vm->d, &vm->c[cpu], GICD_IPA + off, size, true, &v), 0);
}

static void enable(struct vm2 *vm, unsigned int cpu, uint32_t intid)
{
	wr(vm, cpu, GICD_ISENABLER + (intid / 32) * 4, 4, 1u << (intid % 32));
}

static uint32_t sgir(unsigned int filter, unsigned int targets, unsigned int sgi)
{
	return filter << GICD_SGIR_FILTER_SHIFT | targets << GICD_SGIR_TARGETS_SHIFT | sgi;
}

/* Enter vCPU @cpu: LR 0 as the flush left it (0 = none). */
static uint64_t enter(struct vm2 *vm, unsigned int cpu)
{
	memset(fake.lr, 0, sizeof(fake.lr));
	vgic_flush_lrs(&vm->c[cpu]);
	return fake.lr[0];
}

/* The guest acknowledges and EOIs LR 0, then exits. */
static void take_and_exit(struct vm2 *vm, unsigned int cpu)
{
	fake.lr[0] &= ~ICH_LR_STATE_MASK;
	vgic_sync_lrs(&vm->c[cpu]);
}

static unsigned int lr_src(uint64_t lr)
{
	return (unsigned int)((lr >> VGIC_LR_SGI_SRC_SHIFT) & VGIC_LR_SGI_SRC_MASK);
}

static void test_id_registers(void **state)
{
	struct vm2 *vm = *state;

	/* ITLinesNumber: 288 INTIDs = 9 x 32; CPUNumber: 2 vCPUs */
	assert_int_equal(rd(vm, 0, GICD_TYPER, 4), (VGIC_NR_IRQS / 32 - 1) | 1u << 5);
	assert_int_equal(rd(vm, 0, GICV2_GICD_PIDR2, 4) & 0xf0, 0x20);
	assert_int_equal(rd(vm, 0, GICD_CTLR, 4), GICV2_GICD_CTLR_ENABLE);
	/* no GICv3 ID at the GICv3 offset: a driver probing for it sees none */
	assert_int_equal(rd(vm, 0, GICD_PIDR2, 4), 0);
	wr(vm, 0, GICD_CTLR, 4, 0);
	assert_int_equal(rd(vm, 0, GICD_CTLR, 4), 0);
	/* all Group 0: IGROUPR RAZ/WI */
	wr(vm, 0, GICD_IGROUPR + 4, 4, ~0u);
	assert_int_equal(rd(vm, 0, GICD_IGROUPR + 4, 4), 0);
}

static void test_itargetsr_private_read_only(void **state)
{
	struct vm2 *vm = *state;

	/* ITARGETSR0..7 read as the accessing CPU's own bit, in every byte */
	assert_int_equal(rd(vm, 0, GICD_ITARGETSR, 4), 0x01010101);
	assert_int_equal(rd(vm, 1, GICD_ITARGETSR + 28, 4), 0x02020202);
	assert_int_equal(rd(vm, 1, GICD_ITARGETSR + 27, 1), 0x02);
	wr(vm, 0, GICD_ITARGETSR, 4, 0x02020202);
	assert_int_equal(rd(vm, 0, GICD_ITARGETSR, 4), 0x01010101);
}

static void test_itargetsr_routes_spi(void **state)
{
	struct vm2 *vm = *state;

	enable(vm, 0, SPI);
	wr(vm, 0, GICD_ITARGETSR + SPI, 1, 0x02);
	assert_int_equal(rd(vm, 0, GICD_ITARGETSR + SPI, 1), 0x02);
	assert_int_equal(vgic_inject(&vm->d, SPI, 0), 0);
	assert_int_equal(enter(vm, 0), 0); /* not vCPU 0's */
	vgic_sync_lrs(&vm->c[0]);
	assert_int_equal(enter(vm, 1) & ICH_LR_VINTID_MASK, SPI);
	take_and_exit(vm, 1);
	/* 1-of-N: the lowest-numbered named vCPU; bits of absent CPUs dropped */
	wr(vm, 0, GICD_ITARGETSR + SPI, 1, 0xf3);
	assert_int_equal(rd(vm, 1, GICD_ITARGETSR + SPI, 1), 0x03);
	assert_int_equal(vgic_inject(&vm->d, SPI, 0), 0);
	assert_int_equal(enter(vm, 0) & ICH_LR_VINTID_MASK, SPI);
	take_and_exit(vm, 0);
	/* no target at all: never delivered */
	wr(vm, 0, GICD_ITARGETSR + SPI, 1, 0);
	assert_int_equal(vgic_inject(&vm->d, SPI, 0), 0);
	assert_int_equal(enter(vm, 0), 0);
	vgic_sync_lrs(&vm->c[0]);
	assert_int_equal(enter(vm, 1), 0);
	vgic_sync_lrs(&vm->c[1]);
}

static void test_hw_spi_follows_itargetsr(void **state)
{
	struct vm2 *vm = *state;

	assert_int_equal(vgic_bind_hw(&vm->d, &vm->c[0], UART), 0);
	wr(vm, 0, GICD_ITARGETSR + UART - 1, 4, 0x0200); /* byte 1 of the word: 33 */
	assert_int_equal(fake.nr_routes, 1);
	assert_int_equal(fake.routes[0].pintid, UART);
	assert_int_equal(fake.routes[0].pcpu, 2); /* vCPU 1's pCPU */
	/* the same target again: no new physical routing */
	wr(vm, 1, GICD_ITARGETSR + UART, 1, 0x02);
	assert_int_equal(fake.nr_routes, 1);
}

static void test_sgir_one_occurrence_per_source(void **state)
{
	struct vm2 *vm = *state;
	uint64_t lr;

	enable(vm, 0, 3);
	/* vCPU 0 to itself, vCPU 1 to vCPU 0: SGI 3 pending from both */
	wr(vm, 0, GICD_SGIR, 4, sgir(GICD_SGIR_FILTER_SELF, 0, 3));
	wr(vm, 1, GICD_SGIR, 4, sgir(GICD_SGIR_FILTER_LIST, 0x1, 3));
	assert_int_equal(rd(vm, 0, GICD_SPENDSGIR, 4), 0x03000000);
	assert_int_equal(rd(vm, 1, GICD_SPENDSGIR, 4), 0);
	assert_int_equal(rd(vm, 0, GICD_ISPENDR, 4) & 0xffff, 1u << 3);
	/* the first source, with a maintenance request at its EOI */
	lr = enter(vm, 0);
	assert_int_equal(lr & ICH_LR_VINTID_MASK, 3);
	assert_int_equal(lr & ICH_LR_STATE_MASK, ICH_LR_PENDING);
	assert_int_equal(lr_src(lr), 0);
	assert_true(lr & ICH_LR_EOI);
	take_and_exit(vm, 0);
	/* then the second one, and nothing after it */
	lr = enter(vm, 0);
	assert_int_equal(lr & ICH_LR_VINTID_MASK, 3);
	assert_int_equal(lr_src(lr), 1);
	assert_false(lr & ICH_LR_EOI);
	take_and_exit(vm, 0);
	assert_int_equal(enter(vm, 0), 0);
	vgic_sync_lrs(&vm->c[0]);
	assert_int_equal(vm->d.stats.sgis, 2);
}

static void test_sgi_not_taken_keeps_source(void **state)
{
	struct vm2 *vm = *state;
	uint64_t lr;

	enable(vm, 1, 5);
	wr(vm, 0, GICD_SGIR, 4, sgir(GICD_SGIR_FILTER_LIST, 0x2, 5));
	lr = enter(vm, 1);
	assert_int_equal(lr_src(lr), 0);
	/* the guest exits before acknowledging: still pending from vCPU 0 */
	vgic_sync_lrs(&vm->c[1]);
	assert_int_equal(rd(vm, 1, GICD_SPENDSGIR + 4, 4), 0x0100);
	/* active and pending again from the same source: one LR, both states */
	lr = enter(vm, 1);
	fake.lr[0] = (lr & ~ICH_LR_STATE_MASK) | ICH_LR_ACTIVE;
	vgic_sync_lrs(&vm->c[1]);
	wr(vm, 0, GICD_SGIR, 4, sgir(GICD_SGIR_FILTER_LIST, 0x2, 5));
	lr = enter(vm, 1);
	assert_int_equal(lr & ICH_LR_STATE_MASK, ICH_LR_STATE_MASK);
	assert_int_equal(lr_src(lr), 0);
	vgic_sync_lrs(&vm->c[1]);
}

static void test_sgir_filters(void **state)
{
	struct vm2 *vm = *state;

	wr(vm, 0, GICD_SGIR, 4, sgir(GICD_SGIR_FILTER_OTHERS, 0, 7));
	assert_int_equal(rd(vm, 0, GICD_SPENDSGIR + 4, 4), 0);
	assert_int_equal(rd(vm, 1, GICD_SPENDSGIR + 4, 4), 0x01000000);
	/* targets that do not exist, and the reserved filter: nothing */
	wr(vm, 1, GICD_SGIR, 4, sgir(GICD_SGIR_FILTER_LIST, 0xfc, 8));
	wr(vm, 1, GICD_SGIR, 4, sgir(3, 0xff, 9));
	assert_int_equal(rd(vm, 0, GICD_SPENDSGIR + 8, 4), 0);
	assert_int_equal(rd(vm, 1, GICD_SPENDSGIR + 8, 4), 0);
	/* write-only */
	assert_int_equal(rd(vm, 0, GICD_SGIR, 4), 0);
}

static void test_spend_cpend_sgir(void **state)
{
	struct vm2 *vm = *state;

	enable(vm, 0, 2);
	wr(vm, 0, GICD_SPENDSGIR + 2, 1, 0xff); /* sources 0, 1; absent ones dropped */
	assert_int_equal(rd(vm, 0, GICD_SPENDSGIR + 2, 1), 0x03);
	assert_true(rd(vm, 0, GICD_ISPENDR, 4) & (1u << 2));
	wr(vm, 0, GICD_CPENDSGIR + 2, 1, 0x01);
	assert_int_equal(rd(vm, 0, GICD_SPENDSGIR + 2, 1), 0x02);
	assert_true(rd(vm, 0, GICD_ISPENDR, 4) & (1u << 2));
	assert_int_equal(lr_src(enter(vm, 0)), 1);
	vgic_sync_lrs(&vm->c[0]);
	wr(vm, 0, GICD_CPENDSGIR, 4, 0x00ff0000);
	assert_false(rd(vm, 0, GICD_ISPENDR, 4) & (1u << 2));
	assert_int_equal(enter(vm, 0), 0);
	vgic_sync_lrs(&vm->c[0]);
}

static void test_pending_bits_of_sgis_read_only(void **state)
{
	struct vm2 *vm = *state;

	wr(vm, 0, GICD_ISPENDR, 4, 0xffffffff);
	/* SGIs untouched (C/SPENDSGIR only), PPIs pended */
	assert_int_equal(rd(vm, 0, GICD_SPENDSGIR, 4), 0);
	assert_int_equal(rd(vm, 0, GICD_ISPENDR, 4), 0xffff0000);
	wr(vm, 0, GICD_SPENDSGIR, 1, 0x1);
	wr(vm, 0, GICD_ICPENDR, 4, 0xffffffff);
	assert_int_equal(rd(vm, 0, GICD_ISPENDR, 4), 0x1);
}

static void test_private_registers_banked(void **state)
{
	struct vm2 *vm = *state;

	enable(vm, 1, GIC_PPI_VTIMER);
	assert_int_equal(rd(vm, 0, GICD_ISENABLER, 4), 0);
	assert_int_equal(rd(vm, 1, GICD_ISENABLER, 4), 1u << GIC_PPI_VTIMER);
	wr(vm, 0, GICD_IPRIORITYR + GIC_PPI_VTIMER, 1, 0x80);
	assert_int_equal(rd(vm, 0, GICD_IPRIORITYR + GIC_PPI_VTIMER, 1), 0x80);
	assert_int_equal(rd(vm, 1, GICD_IPRIORITYR + GIC_PPI_VTIMER, 1), 0);
	/* SPIs are shared: a priority written by one is read by the other */
	wr(vm, 1, GICD_IPRIORITYR + SPI - 0, 4, 0x10203040);
	assert_int_equal(rd(vm, 0, GICD_IPRIORITYR + SPI, 4), 0x10203040 & 0xf8f8f8f8);
	/* ICFGR0 (SGIs) is fixed edge; ICFGR1 (PPIs) banked */
	wr(vm, 0, GICD_ICFGR, 4, 0);
	assert_int_equal(rd(vm, 0, GICD_ICFGR, 4), 0xaaaaaaaa);
	wr(vm, 1, GICD_ICFGR + 4, 4, 0x2u << 2 * (GIC_PPI_VTIMER - 16));
	assert_int_equal(rd(vm, 0, GICD_ICFGR + 4, 4), 0);
	assert_int_equal(rd(vm, 1, GICD_ICFGR + 4, 4), 0x2u << 2 * (GIC_PPI_VTIMER - 16));
}

static void test_hw_level_ppi_follows_line(void **state)
{
	struct vm2 *vm = *state;
	const unsigned int pcpu = 1;

	/* the virtual timer fires while the guest has it disabled, then drops */
	assert_int_equal(vgic_bind_hw(&vm->d, &vm->c[0], GIC_PPI_VTIMER), 0);
	fake_line(GIC_PPI_VTIMER, pcpu, true);
	assert_true(rd(vm, 0, GICD_ISPENDR, 4) & (1u << GIC_PPI_VTIMER));
	fake_line(GIC_PPI_VTIMER, pcpu, false);
	assert_false(rd(vm, 0, GICD_ISPENDR, 4) & (1u << GIC_PPI_VTIMER));
	/* enabled, raised, forwarded as HW=1 with the same physical INTID */
	enable(vm, 0, GIC_PPI_VTIMER);
	assert_true(fake_phys(GIC_PPI_VTIMER, pcpu)->enabled);
	fake_line(GIC_PPI_VTIMER, pcpu, true);
	assert_true(fake_phys_ack(GIC_PPI_VTIMER, pcpu));
	assert_int_equal(vgic_inject_private(&vm->c[0], GIC_PPI_VTIMER, GIC_PPI_VTIMER), 0);
	assert_true(enter(vm, 0) & ICH_LR_HW);
	assert_int_equal((fake.lr[0] >> ICH_LR_PINTID_SHIFT) & ICH_LR_PINTID_MASK, GIC_PPI_VTIMER);
	vgic_sync_lrs(&vm->c[0]);
}

static void test_no_gicr_no_sysreg_sgis(void **state)
{
	struct vm2 *vm = *state;
	uint64_t v = 0;

	assert_false(vgic_is_gicr(&vm->d, BH_VM_GICR));
	assert_false(vgic_is_gicr(&vm->d, GICC_IPA)); /* GICV: mapped, not trapped */
	assert_true(vgic_is_gicd(&vm->d, GICD_IPA + 0xffc));
	assert_int_equal(vgic_mmio_access(&vm->d, &vm->c[0], BH_VM_GICR, 4, false, &v), -ENOENT);
	/* ICC_SGI1R_EL1 is no GICv2 register */
	assert_int_equal(vgic_sgi_write(&vm->d, &vm->c[0], 1ull << 40), -EINVAL);
}

static void test_bad_accesses(void **state)
{
	struct vm2 *vm = *state;
	uint64_t v = 0;

	/* no 64-bit registers; word-only ones reject bytes; no window past 64 KiB */
	assert_int_equal(
		vgic_mmio_access(&vm->d, &vm->c[0], GICD_IPA + GICD_ISENABLER, 8, false, &v),
		-EINVAL);
	assert_int_equal(vgic_mmio_access(&vm->d, &vm->c[0], GICD_IPA + GICD_CTLR, 1, true, &v),
			 -EINVAL);
	assert_int_equal(vgic_mmio_access(&vm->d, &vm->c[0], GICD_IPA + 0x402, 2, false, &v),
			 -EINVAL);
	assert_int_equal(vgic_dist_access(&vm->d, NULL, GICD_CTLR, 4, false, &v), -EINVAL);
	assert_int_equal(vgic_dist_access(&vm->d, &vm->c[0], GICD_SIZE, 4, false, &v), -EINVAL);
	assert_int_equal(vm->d.stats.bad_accesses, 5);
	/* an unknown register is RAZ/WI and counted */
	assert_int_equal(rd(vm, 0, 0x0c, 4), 0);
	assert_int_equal(vm->d.stats.unhandled_regs, 1);
	assert_int_equal(vgic_v2_dist_init(&vm->d, 9, GICD_IPA, GICC_IPA), -EINVAL);
	assert_int_equal(vgic_v2_dist_init(&vm->d, 1, GICD_IPA + 0x1000, GICC_IPA), -EINVAL);
}

static void test_random_accesses_survive(void **state)
{
	struct vm2 *vm = *state;
	unsigned int i;

	srand(17);
	for (i = 0; i < 20000; i++) {
		uint64_t v = ((uint64_t)rand() << 32) | (uint64_t)rand();
		uint64_t off = (uint64_t)rand() % 0x1100;
		unsigned int size = 1u << (rand() % 4);

		(void)vgic_mmio_access(&vm->d, &vm->c[rand() % 2], GICD_IPA + off, size, rand() & 1,
				       &v);
		if (i % 64 == 0) {
			vgic_flush_lrs(&vm->c[i % 2]);
			vgic_sync_lrs(&vm->c[i % 2]);
		}
	}
	for (i = 0; i < GIC_NR_SGIS; i++)
		assert_int_equal(!!vm->c[0].priv[i].sgi_pend,
				 !!(vm->c[0].priv[i].flags & VGIC_IRQ_PENDING));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_id_registers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_itargetsr_private_read_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_itargetsr_routes_spi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hw_spi_follows_itargetsr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sgir_one_occurrence_per_source, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sgi_not_taken_keeps_source, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sgir_filters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spend_cpend_sgir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pending_bits_of_sgis_read_only, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_private_registers_banked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hw_level_ppi_follows_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_gicr_no_sysreg_sgis, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_accesses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_accesses_survive, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
