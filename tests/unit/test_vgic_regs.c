// SPDX-License-Identifier: MIT
/*
 * vGIC distributor and redistributor register emulation (IHI0069 §12.9,
 * §12.10, §12.11): what Linux's irq-gic-v3.c reads and writes, plus the
 * hostile cases (bad sizes, misalignment, random accesses).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "test_vgic_fakes.h"
#include "platform/vm/vboard.h"

#define GICD_IPA BH_VM_GICD /* the virtual board's */
#define GICR_IPA BH_VM_GICR

struct vm2 {
	struct vgic_dist d;
	struct vgic_cpu c[2];
};

static int setup_vm2(void **state)
{
	struct vm2 *vm = calloc(1, sizeof(*vm));

	fake_reset(4);
	assert_non_null(vm);
	assert_int_equal(vgic_dist_init(&vm->d, 2, GICD_IPA, GICR_IPA), 0);
	/* QEMU virt MPIDRs: Aff0 = CPU index (pCPUs 1 and 2 here). */
	assert_int_equal(vgic_cpu_init(&vm->d, &vm->c[0], 0, 1, 0x80000000ull), 0);
	assert_int_equal(vgic_cpu_init(&vm->d, &vm->c[1], 1, 2, 0x80000001ull), 0);
	*state = vm;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static uint64_t rd(struct vm2 *vm, uint64_t ipa, unsigned int size)
{
	uint64_t v = 0xdeadbeefdeadbeefull;

	assert_int_equal(vgic_mmio_access(&vm->d, &vm->c[0], ipa, size, false, &v), 0);
	return v;
}

static void wr(struct vm2 *vm, uint64_t ipa, unsigned int size, uint64_t v)
{
	assert_int_equal(vgic_mmio_access(&vm->d, &vm->c[0], ipa, size, true, &v), 0);
}

static void test_init_rejects_bad_args(void **state)
{
	static struct vgic_dist d; /* zeroed, as struct vm is */
	static struct vgic_cpu c;

	(void)state;
	fake_reset(4);
	assert_int_equal(vgic_dist_init(&d, 0, GICD_IPA, GICR_IPA), -EINVAL);
	assert_int_equal(vgic_dist_init(&d, VGIC_MAX_VCPUS + 1, GICD_IPA, GICR_IPA), -EINVAL);
	assert_int_equal(vgic_dist_init(&d, 1, GICD_IPA + 4, GICR_IPA), -EINVAL);
	assert_int_equal(vgic_dist_init(&d, 1, GICD_IPA, GICR_IPA), 0);
	assert_int_equal(vgic_cpu_init(&d, &c, 1, 0, 0), -EINVAL);
	assert_int_equal(vgic_cpu_init(&d, &c, 0, 0, 0), 0);
}

static void test_gicd_id_registers(void **state)
{
	struct vm2 *vm = *state;
	uint64_t typer = rd(vm, GICD_IPA + GICD_TYPER, 4);

	assert_int_equal(typer & GICD_TYPER_ITLINES_MASK, VGIC_NR_IRQS / 32 - 1);
	assert_int_equal((typer >> GICD_TYPER_CPUNUM_SHIFT) & 7, 1);
	assert_true(typer & GICD_TYPER_NO1N);
	assert_int_equal(rd(vm, GICD_IPA + GICD_PIDR2, 4) & 0xf0, GIC_PIDR2_ARCH_GICV3);
	assert_int_equal(rd(vm, GICD_IPA + GICD_IIDR, 4) & 0xfff, 0x43b);
	assert_int_equal(rd(vm, GICD_IPA + GICD_TYPER2, 4), 0);
}

static void test_gicd_ctlr(void **state)
{
	struct vm2 *vm = *state;

	/* ARE and DS are fixed to one; enable bits are stored. */
	assert_int_equal(rd(vm, GICD_IPA + GICD_CTLR, 4), GICD_CTLR_ARE | GICD_CTLR_DS);
	fake.kicks = 0;
	wr(vm, GICD_IPA + GICD_CTLR, 4, 0x13); /* what Linux writes */
	assert_int_equal(rd(vm, GICD_IPA + GICD_CTLR, 4) & GICD_CTLR_RWP, 0);
	assert_int_equal(rd(vm, GICD_IPA + GICD_CTLR, 4),
			 GICD_CTLR_ARE | GICD_CTLR_DS | GICD_CTLR_ENABLE_G0 | GICD_CTLR_ENABLE_G1);
	assert_int_equal(fake.kicks, (1u << 1) | (1u << 2));
}

static void test_gicd_enable_bits(void **state)
{
	struct vm2 *vm = *state;

	/* INTIDs 32..63: bank 1 */
	wr(vm, GICD_IPA + GICD_ISENABLER + 4, 4, 0x80000003u);
	assert_int_equal(rd(vm, GICD_IPA + GICD_ISENABLER + 4, 4), 0x80000003u);
	assert_int_equal(rd(vm, GICD_IPA + GICD_ICENABLER + 4, 4), 0x80000003u);
	wr(vm, GICD_IPA + GICD_ICENABLER + 4, 4, 0x1u);
	assert_int_equal(rd(vm, GICD_IPA + GICD_ISENABLER + 4, 4), 0x80000002u);
	/* Bank 0 belongs to the redistributors under ARE: RAZ/WI. */
	wr(vm, GICD_IPA + GICD_ISENABLER, 4, 0xffffffffu);
	assert_int_equal(rd(vm, GICD_IPA + GICD_ISENABLER, 4), 0);
	assert_int_equal(vm->c[0].priv[5].flags & VGIC_IRQ_ENABLED, 0);
	/* Beyond the implemented SPIs: RAZ/WI. */
	wr(vm, GICD_IPA + GICD_ISENABLER + 4 * (VGIC_NR_IRQS / 32), 4, ~0u);
	assert_int_equal(rd(vm, GICD_IPA + GICD_ISENABLER + 4 * (VGIC_NR_IRQS / 32), 4), 0);
}

static void test_gicd_group_rao(void **state)
{
	struct vm2 *vm = *state;

	wr(vm, GICD_IPA + GICD_IGROUPR + 4, 4, 0);
	assert_int_equal(rd(vm, GICD_IPA + GICD_IGROUPR + 4, 4), 0xffffffffu);
	assert_int_equal(rd(vm, GICD_IPA + GICD_IGROUPR, 4), 0);
}

static void test_gicd_pending_active(void **state)
{
	struct vm2 *vm = *state;

	wr(vm, GICD_IPA + GICD_ISPENDR + 8, 4, 0x10u); /* INTID 68 */
	assert_true(vm->d.spis[68 - 32].flags & VGIC_IRQ_PENDING);
	assert_int_equal(rd(vm, GICD_IPA + GICD_ICPENDR + 8, 4), 0x10u);
	wr(vm, GICD_IPA + GICD_ICPENDR + 8, 4, 0x10u);
	assert_int_equal(rd(vm, GICD_IPA + GICD_ISPENDR + 8, 4), 0);
	wr(vm, GICD_IPA + GICD_ISACTIVER + 8, 4, 0x20u);
	assert_int_equal(rd(vm, GICD_IPA + GICD_ICACTIVER + 8, 4), 0x20u);
	wr(vm, GICD_IPA + GICD_ICACTIVER + 8, 4, 0x20u);
	assert_int_equal(rd(vm, GICD_IPA + GICD_ISACTIVER + 8, 4), 0);
}

static void test_gicd_priority(void **state)
{
	struct vm2 *vm = *state;

	wr(vm, GICD_IPA + GICD_IPRIORITYR + 32, 4, 0xa0a1a2a3u);
	/* 5 priority bits implemented: low 3 bits RAZ. */
	assert_int_equal(rd(vm, GICD_IPA + GICD_IPRIORITYR + 32, 4), 0xa0a0a0a0u);
	wr(vm, GICD_IPA + GICD_IPRIORITYR + 35, 1, 0x10);
	assert_int_equal(rd(vm, GICD_IPA + GICD_IPRIORITYR + 35, 1), 0x10);
	assert_int_equal(vm->d.spis[3].priority, 0x10);
	/* Private priorities are not reachable through the GICD. */
	wr(vm, GICD_IPA + GICD_IPRIORITYR + 4, 4, 0xffffffffu);
	assert_int_equal(rd(vm, GICD_IPA + GICD_IPRIORITYR + 4, 4), 0);
	assert_int_equal(vm->c[0].priv[4].priority, 0);
}

static void test_gicd_icfgr(void **state)
{
	struct vm2 *vm = *state;

	/* ICFGR2 covers INTIDs 32..47: make 33 and 47 edge */
	wr(vm, GICD_IPA + GICD_ICFGR + 8, 4, (2u << 2) | (2u << 30) | 1u);
	assert_int_equal(rd(vm, GICD_IPA + GICD_ICFGR + 8, 4), (2u << 2) | (2u << 30));
	assert_true(vm->d.spis[1].flags & VGIC_IRQ_EDGE);
	assert_false(vm->d.spis[0].flags & VGIC_IRQ_EDGE);
}

static void test_gicd_irouter(void **state)
{
	struct vm2 *vm = *state;
	uint64_t ipa = GICD_IPA + GICD_IROUTER + 8 * 40;

	/* Reset routing (0) targets vCPU 0 (MPIDR Aff 0). */
	assert_int_equal(vm->d.spis[8].target, 0);
	wr(vm, ipa, 8, 1); /* Aff0 = 1: vCPU 1 */
	assert_int_equal(rd(vm, ipa, 8), 1);
	assert_int_equal(vm->d.spis[8].target, 1);
	/* 32-bit halves; IRM is RAZ/WI because No1N = 1 */
	wr(vm, ipa, 4, GICD_IROUTER_IRM);
	assert_int_equal(rd(vm, ipa, 4), 0);
	assert_int_equal(vm->d.spis[8].target, 0);
	wr(vm, ipa + 4, 4, 0x5); /* Aff3 = 5: nobody */
	assert_int_equal(rd(vm, ipa + 4, 4), 5);
	assert_int_equal(vm->d.spis[8].target, VGIC_NO_TARGET);
	/* IROUTER of private INTIDs is reserved */
	wr(vm, GICD_IPA + GICD_IROUTER + 8 * 5, 8, 1);
	assert_int_equal(rd(vm, GICD_IPA + GICD_IROUTER + 8 * 5, 8), 0);
}

static void test_gicd_unknown_raz_wi_logged(void **state)
{
	struct vm2 *vm = *state;
	unsigned int logs = fake.nr_logs;

	assert_int_equal(rd(vm, GICD_IPA + 0x5000, 4), 0);
	wr(vm, GICD_IPA + 0x5000, 4, 1);
	assert_int_equal(rd(vm, GICD_IPA + 0x5000, 4), 0);
	assert_true(fake.nr_logs > logs);
	assert_int_equal(vm->d.stats.unhandled_regs, 3);
	/* RES0 registers under ARE are silent */
	logs = fake.nr_logs;
	assert_int_equal(rd(vm, GICD_IPA + GICD_ITARGETSR + 32, 4), 0);
	assert_int_equal(fake.nr_logs, logs);
}

static void test_log_rate_limited(void **state)
{
	struct vm2 *vm = *state;
	unsigned int i;

	for (i = 0; i < 5000; i++)
		rd(vm, GICD_IPA + 0x5000, 4);
	assert_true(fake.nr_logs <= VGIC_LOG_BURST + 5000 / VGIC_LOG_EVERY + 1);
}

static void test_bad_accesses(void **state)
{
	struct vm2 *vm = *state;
	uint64_t v = 0;

	assert_int_equal(vgic_mmio_access(&vm->d, &vm->c[0], GICD_IPA + 2, 4, false, &v), -EINVAL);
	assert_int_equal(vgic_mmio_access(&vm->d, &vm->c[0], GICD_IPA, 3, false, &v), -EINVAL);
	assert_int_equal(
		vgic_mmio_access(&vm->d, &vm->c[0], GICD_IPA + GICD_ISENABLER + 4, 1, true, &v), 0);
	assert_int_equal(
		vgic_mmio_access(&vm->d, &vm->c[0], GICD_IPA + GICD_IPRIORITYR + 32, 2, true, &v),
		-EINVAL);
	assert_int_equal(
		vgic_mmio_access(&vm->d, &vm->c[0], GICD_IPA + GICD_IROUTER + 8 * 40, 2, true, &v),
		-EINVAL);
	assert_int_equal(vgic_mmio_access(&vm->d, &vm->c[0], GICR_IPA + GICR_WAKER, 8, true, &v),
			 -EINVAL);
	assert_int_equal(vgic_redist_access(&vm->d, &vm->c[0], 2 * GICR_STRIDE, 4, false, &v),
			 -EINVAL);
	assert_int_equal(vgic_dist_access(&vm->d, &vm->c[0], GICD_SIZE, 4, false, &v), -EINVAL);
	assert_int_equal(vgic_mmio_access(&vm->d, &vm->c[0], GICD_IPA + 0x01000000, 4, false, &v),
			 -ENOENT);
	assert_int_equal(
		vgic_mmio_access(&vm->d, &vm->c[0], GICR_IPA + 2 * GICR_STRIDE, 4, false, &v),
		-ENOENT);
	assert_true(vm->d.stats.bad_accesses >= 6);
}

static void test_gicr_typer(void **state)
{
	struct vm2 *vm = *state;
	uint64_t t0 = rd(vm, GICR_IPA + GICR_TYPER, 8);
	uint64_t t1 = rd(vm, GICR_IPA + GICR_STRIDE + GICR_TYPER, 8);

	assert_int_equal(t0 >> GICR_TYPER_AFF_SHIFT, 0);
	assert_int_equal(t1 >> GICR_TYPER_AFF_SHIFT, 1);
	assert_int_equal((t0 >> GICR_TYPER_PROCNUM_SHIFT) & 0xffff, 0);
	assert_int_equal((t1 >> GICR_TYPER_PROCNUM_SHIFT) & 0xffff, 1);
	assert_false(t0 & GICR_TYPER_LAST);
	assert_true(t1 & GICR_TYPER_LAST);
	assert_int_equal(rd(vm, GICR_IPA + GICR_STRIDE + GICR_TYPER + 4, 4), 1);
	assert_int_equal(rd(vm, GICR_IPA + GICR_STRIDE + GICR_TYPER, 4), t1 & 0xffffffffu);
	assert_int_equal(rd(vm, GICR_IPA + GICR_PIDR2, 4) & 0xf0, GIC_PIDR2_ARCH_GICV3);
	assert_int_equal(rd(vm, GICR_IPA + GICR_CTLR, 4) & GICR_CTLR_RWP, 0);
}

static void test_gicr_waker(void **state)
{
	struct vm2 *vm = *state;
	uint64_t w = GICR_IPA + GICR_STRIDE + GICR_WAKER;

	assert_int_equal(rd(vm, w, 4), GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP);
	wr(vm, w, 4, 0);
	assert_int_equal(rd(vm, w, 4), 0);
	/* vCPU 0's redistributor is independent */
	assert_int_equal(rd(vm, GICR_IPA + GICR_WAKER, 4),
			 GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP);
}

static void test_gicr_sgi_frame(void **state)
{
	struct vm2 *vm = *state;
	uint64_t sgi1 = GICR_IPA + GICR_STRIDE + GICR_SGI_BASE;

	wr(vm, sgi1 + GICR_ISENABLER0, 4, (1u << 27) | 0xffffu);
	assert_int_equal(rd(vm, sgi1 + GICR_ISENABLER0, 4), (1u << 27) | 0xffffu);
	assert_true(vm->c[1].priv[27].flags & VGIC_IRQ_ENABLED);
	assert_false(vm->c[0].priv[27].flags & VGIC_IRQ_ENABLED);
	wr(vm, sgi1 + GICR_ICENABLER0, 4, 1u);
	assert_int_equal(rd(vm, sgi1 + GICR_ICENABLER0, 4), (1u << 27) | 0xfffeu);
	assert_int_equal(rd(vm, sgi1 + GICR_IGROUPR0, 4), 0xffffffffu);
	wr(vm, sgi1 + GICR_IPRIORITYR0 + 24, 4, 0x80808080u);
	assert_int_equal(vm->c[1].priv[27].priority, 0x80);
	assert_int_equal(rd(vm, sgi1 + GICR_IPRIORITYR0 + 27, 1), 0x80);
	assert_int_equal(rd(vm, sgi1 + GICR_ICFGR0, 4), 0xaaaaaaaau);
	wr(vm, sgi1 + GICR_ICFGR0, 4, 0);
	assert_int_equal(rd(vm, sgi1 + GICR_ICFGR0, 4), 0xaaaaaaaau);
	wr(vm, sgi1 + GICR_ICFGR1, 4, 2u << 22); /* PPI 27 edge */
	assert_int_equal(rd(vm, sgi1 + GICR_ICFGR1, 4), 2u << 22);
	wr(vm, sgi1 + GICR_ISPENDR0, 4, 1u << 3);
	assert_true(vm->c[1].priv[3].flags & VGIC_IRQ_PENDING);
}

static void test_hw_spi_enable_mirrored(void **state)
{
	struct vm2 *vm = *state;

	assert_int_equal(vgic_bind_hw(&vm->d, NULL, 33), 0);
	fake.nr_enables = 0;
	wr(vm, GICD_IPA + GICD_ISENABLER + 4, 4, 1u << 1);
	assert_int_equal(fake.nr_enables, 1);
	assert_int_equal(fake.enables[0].pintid, 33);
	assert_int_equal(fake.enables[0].pcpu, 1);
	assert_true(fake.enables[0].en);
	/* writing the same value again is no change: no physical access */
	wr(vm, GICD_IPA + GICD_ISENABLER + 4, 4, 1u << 1);
	assert_int_equal(fake.nr_enables, 1);
	wr(vm, GICD_IPA + GICD_ICENABLER + 4, 4, 1u << 1);
	assert_int_equal(fake.nr_enables, 2);
	assert_false(fake.enables[1].en);
	/* re-routing a HW SPI moves the physical one to the new pCPU */
	wr(vm, GICD_IPA + GICD_IROUTER + 8 * 33, 8, 1);
	assert_int_equal(fake.nr_routes, 1);
	assert_int_equal(fake.routes[0].pcpu, 2);
}

static void test_hw_clear_pending_deactivates(void **state)
{
	struct vm2 *vm = *state;

	assert_int_equal(vgic_bind_hw(&vm->d, NULL, 40), 0);
	wr(vm, GICD_IPA + GICD_ISENABLER + 4, 4, 1u << 8);
	assert_int_equal(vgic_inject(&vm->d, 40, 40), 0);
	assert_int_equal(fake.nr_deacts, 0); /* held for the guest */
	wr(vm, GICD_IPA + GICD_ICPENDR + 4, 4, 1u << 8);
	assert_int_equal(fake.nr_deacts, 1);
	assert_int_equal(fake.deacts[0].pintid, 40);
	/* nothing pending any more: a second clear does nothing */
	wr(vm, GICD_IPA + GICD_ICPENDR + 4, 4, 1u << 8);
	assert_int_equal(fake.nr_deacts, 1);
}

static void test_random_accesses_survive(void **state)
{
	struct vm2 *vm = *state;
	static const unsigned int sizes[] = { 1, 2, 3, 4, 8, 16 };
	unsigned int i;

	srand(1234);
	for (i = 0; i < 200000; i++) {
		uint64_t v = ((uint64_t)rand() << 32) | (uint64_t)rand();
		uint64_t base = (rand() & 1) ? GICD_IPA : GICR_IPA;
		uint64_t off = (uint64_t)rand() % (2 * GICR_STRIDE + 0x100);
		int ret;

		ret = vgic_mmio_access(&vm->d, &vm->c[rand() & 1], base + off, sizes[rand() % 6],
				       rand() & 1, &v);
		assert_true(ret == 0 || ret == -EINVAL || ret == -ENOENT);
		if ((i & 63) == 0) {
			vgic_sync_lrs(&vm->c[i & 1]);
			vgic_flush_lrs(&vm->c[i & 1]);
		}
		if ((i & 127) == 0)
			vgic_sgi_write(&vm->d, &vm->c[0], v);
	}
	/* the live bitmap matches the SPIs' flags */
	for (i = 0; i < VGIC_NR_SPIS; i++) {
		bool live = vm->d.spi_live[i / 32] & (1u << (i % 32));
		bool busy =
			vm->d.spis[i].flags & (VGIC_IRQ_PENDING | VGIC_IRQ_ACTIVE | VGIC_IRQ_IN_LR);

		assert_int_equal(live, busy);
	}
	/* the LRs never hold an INTID twice */
	for (i = 0; i < fake.nr_lrs; i++)
		for (unsigned int j = i + 1; j < fake.nr_lrs; j++)
			if (fake.lr[i] && fake.lr[j])
				assert_int_not_equal(fake.lr[i] & ICH_LR_VINTID_MASK,
						     fake.lr[j] & ICH_LR_VINTID_MASK);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup_vm2, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_rejects_bad_args),
		T(test_gicd_id_registers),
		T(test_gicd_ctlr),
		T(test_gicd_enable_bits),
		T(test_gicd_group_rao),
		T(test_gicd_pending_active),
		T(test_gicd_priority),
		T(test_gicd_icfgr),
		T(test_gicd_irouter),
		T(test_gicd_unknown_raz_wi_logged),
		T(test_log_rate_limited),
		T(test_bad_accesses),
		T(test_gicr_typer),
		T(test_gicr_waker),
		T(test_gicr_sgi_frame),
		T(test_hw_spi_enable_mirrored),
		T(test_hw_clear_pending_deactivates),
		T(test_random_accesses_survive),
	};

	return cmocka_run_group_tests_name("vgic_regs", tests, NULL, NULL);
}
