// SPDX-License-Identifier: MIT
/*
 * vGIC injection and list-register management (IHI0069 §12.5.10 ICH_LR,
 * §12.5.7 ICH_HCR_EL2.UIE): allocation by priority, more pending than LRs,
 * HW=1 forwarding, folding the guest's acknowledge/EOI back, SGIs between
 * vCPUs (ICC_SGI1R_EL1 decoding, §12.2.23).
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

struct vm {
	struct vgic_dist d;
	struct vgic_cpu c[4];
};

static struct vm *vm_new(unsigned int nr_vcpus, unsigned int nr_lrs)
{
	struct vm *vm = calloc(1, sizeof(*vm));
	unsigned int i;

	fake_reset(nr_lrs);
	assert_non_null(vm);
	assert_int_equal(vgic_dist_init(&vm->d, nr_vcpus, GICD_IPA, GICR_IPA), 0);
	for (i = 0; i < nr_vcpus; i++)
		assert_int_equal(vgic_cpu_init(&vm->d, &vm->c[i], i, i + 1, 0x80000000ull | i), 0);
	/* what a guest does at boot: distributor on, everything enabled */
	vm->d.ctlr = GICD_CTLR_ENABLE_G1;
	for (i = 0; i < VGIC_NR_SPIS; i++)
		vm->d.spis[i].flags |= VGIC_IRQ_ENABLED;
	for (unsigned int v = 0; v < nr_vcpus; v++)
		for (i = 0; i < GIC_NR_PRIVATE; i++)
			vm->c[v].priv[i].flags |= VGIC_IRQ_ENABLED;
	return vm;
}

static int setup1(void **state)
{
	*state = vm_new(1, 4);
	return 0;
}

static int setup2(void **state)
{
	*state = vm_new(2, 4);
	return 0;
}

static int setup4(void **state)
{
	*state = vm_new(4, 4);
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static uint32_t lr_intid(unsigned int n)
{
	return (uint32_t)(fake.lr[n] & ICH_LR_VINTID_MASK);
}

static uint64_t lr_state(unsigned int n)
{
	return fake.lr[n] & ICH_LR_STATE_MASK;
}

/* The guest acknowledges LR n (pending -> active), as the ICV_IAR does. */
static void guest_ack(unsigned int n)
{
	fake.lr[n] = (fake.lr[n] & ~ICH_LR_STATE_MASK) | ICH_LR_ACTIVE;
}

/* The guest EOIs LR n (EOImode 0: drop + deactivate -> invalid). */
static void guest_eoi(unsigned int n)
{
	fake.lr[n] &= ~ICH_LR_STATE_MASK;
}

static void test_inject_spi_into_lr(void **state)
{
	struct vm *vm = *state;

	vm->d.spis[48 - 32].priority = 0xa0;
	assert_int_equal(vgic_inject(&vm->d, 48, 0), 0);
	assert_true(fake.kicks & (1u << 1));
	assert_true(vgic_has_pending(&vm->c[0]));
	vgic_flush_lrs(&vm->c[0]);
	assert_int_equal(lr_intid(0), 48);
	assert_int_equal(lr_state(0), ICH_LR_PENDING);
	assert_true(fake.lr[0] & ICH_LR_GROUP1);
	assert_false(fake.lr[0] & ICH_LR_HW);
	assert_int_equal((fake.lr[0] >> ICH_LR_PRIO_SHIFT) & 0xff, 0xa0);
	assert_int_equal(fake.lr[1], 0);
	assert_int_equal(fake.hcr, ICH_HCR_EN);
	/* guest runs: acknowledges, then EOIs */
	guest_ack(0);
	vgic_sync_lrs(&vm->c[0]);
	assert_true(vm->d.spis[16].flags & VGIC_IRQ_ACTIVE);
	assert_false(vm->d.spis[16].flags & VGIC_IRQ_PENDING);
	vgic_flush_lrs(&vm->c[0]);
	assert_int_equal(lr_intid(0), 48);
	assert_int_equal(lr_state(0), ICH_LR_ACTIVE);
	guest_eoi(0);
	vgic_sync_lrs(&vm->c[0]);
	assert_int_equal(vm->d.spis[16].flags & (VGIC_IRQ_ACTIVE | VGIC_IRQ_PENDING), 0);
	assert_false(vgic_has_pending(&vm->c[0]));
	vgic_flush_lrs(&vm->c[0]);
	assert_int_equal(fake.lr[0], 0);
}

static void test_inject_rejects_bad_intid(void **state)
{
	struct vm *vm = *state;

	assert_int_equal(vgic_inject(&vm->d, 31, 0), -EINVAL);
	assert_int_equal(vgic_inject(&vm->d, VGIC_NR_IRQS, 0), -EINVAL);
	assert_int_equal(vgic_inject(&vm->d, 40, 1020), -EINVAL);
	assert_int_equal(vgic_inject_private(&vm->c[0], 32, 0), -EINVAL);
	assert_int_equal(vgic_inject_private(NULL, 27, 27), -EINVAL);
}

static void test_disabled_not_delivered(void **state)
{
	struct vm *vm = *state;

	vm->d.spis[10].flags &= (uint8_t)~VGIC_IRQ_ENABLED;
	assert_int_equal(vgic_inject(&vm->d, 42, 0), 0);
	assert_false(vgic_has_pending(&vm->c[0]));
	vgic_flush_lrs(&vm->c[0]);
	assert_int_equal(fake.lr[0], 0);
	/* stays latched until enabled */
	vm->d.spis[10].flags |= VGIC_IRQ_ENABLED;
	assert_true(vgic_has_pending(&vm->c[0]));
	/* distributor off: nothing */
	vm->d.ctlr = 0;
	assert_false(vgic_has_pending(&vm->c[0]));
	vgic_flush_lrs(&vm->c[0]);
	assert_int_equal(fake.lr[0], 0);
}

static void test_edge_latch_while_in_lr(void **state)
{
	struct vm *vm = *state;

	assert_int_equal(vgic_inject(&vm->d, 50, 0), 0);
	vgic_flush_lrs(&vm->c[0]);
	guest_ack(0);
	/* a second edge arrives while the guest handles the first */
	assert_int_equal(vgic_inject(&vm->d, 50, 0), 0);
	vgic_sync_lrs(&vm->c[0]);
	vgic_flush_lrs(&vm->c[0]);
	assert_int_equal(lr_intid(0), 50);
	assert_int_equal(lr_state(0), ICH_LR_PENDING | ICH_LR_ACTIVE);
	guest_eoi(0);
	fake.lr[0] |= ICH_LR_PENDING; /* EOI leaves the pending part */
	vgic_sync_lrs(&vm->c[0]);
	assert_true(vm->d.spis[18].flags & VGIC_IRQ_PENDING);
	assert_false(vm->d.spis[18].flags & VGIC_IRQ_ACTIVE);
}

static void test_more_pending_than_lrs(void **state)
{
	struct vm *vm = *state;
	unsigned int i, seen = 0, rounds;

	/* six SPIs with distinct priorities, injected worst first */
	for (i = 0; i < 6; i++) {
		vm->d.spis[i].priority = (uint8_t)(0xf0 - 0x10 * i);
		assert_int_equal(vgic_inject(&vm->d, 32 + i, 0), 0);
	}
	vgic_flush_lrs(&vm->c[0]);
	/* the four most urgent (lowest value) are loaded, best first */
	for (i = 0; i < 4; i++)
		assert_int_equal(lr_intid(i), 37 - i);
	assert_true(fake.hcr & ICH_HCR_UIE);
	assert_int_equal(vm->d.stats.lr_overflows, 1);

	/* guest handles everything it sees; underflow refills until empty */
	for (rounds = 0; rounds < 10; rounds++) {
		for (i = 0; i < 4; i++) {
			if (lr_state(i) & ICH_LR_PENDING) {
				seen |= 1u << (lr_intid(i) - 32);
				guest_ack(i);
				guest_eoi(i);
			}
		}
		vgic_maintenance(&vm->c[0]);
		assert_false(fake.hcr & ICH_HCR_UIE);
		vgic_sync_lrs(&vm->c[0]);
		vgic_flush_lrs(&vm->c[0]);
		if (!vgic_has_pending(&vm->c[0]) && fake.lr[0] == 0)
			break;
	}
	assert_int_equal(seen, 0x3f);
	assert_false(fake.hcr & ICH_HCR_UIE);
}

static void test_urgent_preempts_lr(void **state)
{
	struct vm *vm = *state;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		vm->d.spis[i].priority = 0xc0;
		vgic_inject(&vm->d, 32 + i, 0);
	}
	vgic_flush_lrs(&vm->c[0]);
	vgic_sync_lrs(&vm->c[0]); /* exit without the guest taking any */
	vm->d.spis[20].priority = 0x10;
	vgic_inject(&vm->d, 52, 0);
	vgic_flush_lrs(&vm->c[0]);
	assert_int_equal(lr_intid(0), 52);
	assert_true(fake.hcr & ICH_HCR_UIE);
	/* the displaced one is still pending in software, not lost */
	vgic_sync_lrs(&vm->c[0]);
	for (i = 0; i < 4; i++)
		assert_true(vm->d.spis[i].flags & VGIC_IRQ_PENDING);
}

static void test_active_kept_in_lr(void **state)
{
	struct vm *vm = *state;
	unsigned int i;

	vm->d.spis[0].priority = 0xf0;
	vgic_inject(&vm->d, 32, 0);
	vgic_flush_lrs(&vm->c[0]);
	guest_ack(0);
	vgic_sync_lrs(&vm->c[0]);
	/* four more urgent ones arrive: the active one must keep its LR */
	for (i = 1; i <= 4; i++) {
		vm->d.spis[i].priority = 0x10;
		vgic_inject(&vm->d, 32 + i, 0);
	}
	vgic_flush_lrs(&vm->c[0]);
	assert_int_equal(lr_intid(0), 32);
	assert_int_equal(lr_state(0), ICH_LR_ACTIVE);
	assert_true(fake.hcr & ICH_HCR_UIE);
}

static void test_hw_forwarding(void **state)
{
	struct vm *vm = *state;

	/* the virtual timer: PPI 27 with HW=1 */
	assert_int_equal(vgic_inject_private(&vm->c[0], GIC_PPI_VTIMER, GIC_PPI_VTIMER), 0);
	vgic_flush_lrs(&vm->c[0]);
	assert_int_equal(lr_intid(0), 27);
	assert_true(fake.lr[0] & ICH_LR_HW);
	assert_int_equal((fake.lr[0] >> ICH_LR_PINTID_SHIFT) & ICH_LR_PINTID_MASK, 27);
	assert_int_equal(lr_state(0), ICH_LR_PENDING);
	guest_ack(0);
	vgic_sync_lrs(&vm->c[0]);
	/* a second (virtual) pend while active never makes HW pending+active */
	vm->c[0].priv[27].flags |= VGIC_IRQ_PENDING;
	vgic_flush_lrs(&vm->c[0]);
	assert_int_equal(lr_state(0), ICH_LR_ACTIVE);
	guest_eoi(0); /* hardware deactivates the physical 27 */
	vgic_sync_lrs(&vm->c[0]);
	vgic_flush_lrs(&vm->c[0]);
	assert_int_equal(lr_state(0), ICH_LR_PENDING);
	/* an SPI keeps its physical binding */
	assert_int_equal(vgic_inject(&vm->d, 33, 33), 0);
	vgic_sync_lrs(&vm->c[0]);
	vgic_flush_lrs(&vm->c[0]);
	assert_true(fake.lr[1] & ICH_LR_HW);
	assert_int_equal(lr_intid(1), 33);
	assert_int_equal(fake.nr_deacts, 0);
}

static void test_spi_routed_to_other_vcpu(void **state)
{
	struct vm *vm = *state;

	vm->d.spis[47].target = 1;
	fake.kicks = 0;
	vgic_inject(&vm->d, 79, 0);
	assert_int_equal(fake.kicks, 1u << 2); /* vCPU 1 runs on pCPU 2 */
	assert_false(vgic_has_pending(&vm->c[0]));
	assert_true(vgic_has_pending(&vm->c[1]));
	vgic_flush_lrs(&vm->c[0]);
	assert_int_equal(fake.lr[0], 0);
	vgic_flush_lrs(&vm->c[1]);
	assert_int_equal(lr_intid(0), 79);
	/* while vCPU 1 holds it, re-routing cannot duplicate it on vCPU 0 */
	guest_ack(0);
	vm->d.spis[47].target = 0;
	vm->d.spis[47].flags |= VGIC_IRQ_ACTIVE;
	{
		/* the fake has one LR bank: switch it like a pCPU change */
		uint64_t bank1[VGIC_MAX_LRS];

		memcpy(bank1, fake.lr, sizeof(bank1));
		memset(fake.lr, 0, sizeof(fake.lr));
		vgic_flush_lrs(&vm->c[0]);
		assert_int_equal(fake.lr[0], 0);
		memcpy(fake.lr, bank1, sizeof(bank1));
	}
	vgic_sync_lrs(&vm->c[1]);
	/* the sync leaves the LRs empty and the maintenance request off */
	assert_int_equal(fake.lr[0], 0);
	assert_int_equal(fake.hcr, ICH_HCR_EN);
	assert_false(vm->d.spis[47].flags & VGIC_IRQ_IN_LR);
}

static uint64_t sgi1r(unsigned int sgi, unsigned int aff1, unsigned int targets)
{
	return ((uint64_t)sgi << ICC_SGI1R_INTID_SHIFT) | ((uint64_t)aff1 << ICC_SGI1R_AFF1_SHIFT) |
	       targets;
}

static void test_sgi_targetlist(void **state)
{
	struct vm *vm = *state;

	fake.kicks = 0;
	assert_int_equal(vgic_sgi_write(&vm->d, &vm->c[0], sgi1r(5, 0, 1u << 1)), 0);
	assert_true(vm->c[1].priv[5].flags & VGIC_IRQ_PENDING);
	assert_false(vm->c[0].priv[5].flags & VGIC_IRQ_PENDING);
	assert_int_equal(fake.kicks, 1u << 2);
	vgic_flush_lrs(&vm->c[1]);
	assert_int_equal(lr_intid(0), 5);
	assert_false(fake.lr[0] & ICH_LR_HW);
	/* several targets, including self */
	vgic_sgi_write(&vm->d, &vm->c[0], sgi1r(6, 0, 0xb));
	assert_true(vm->c[0].priv[6].flags & VGIC_IRQ_PENDING);
	assert_true(vm->c[1].priv[6].flags & VGIC_IRQ_PENDING);
	assert_false(vm->c[2].priv[6].flags & VGIC_IRQ_PENDING);
	assert_true(vm->c[3].priv[6].flags & VGIC_IRQ_PENDING);
	assert_int_equal(vm->d.stats.sgis, 4);
}

static void test_sgi_irm_and_affinity(void **state)
{
	struct vm *vm = *state;
	unsigned int i;

	vgic_sgi_write(&vm->d, &vm->c[2], ICC_SGI1R_IRM | sgi1r(1, 0, 0));
	for (i = 0; i < 4; i++)
		assert_int_equal(!!(vm->c[i].priv[1].flags & VGIC_IRQ_PENDING), i != 2);
	/* wrong Aff1 or a non-zero range selector targets nobody */
	vgic_sgi_write(&vm->d, &vm->c[0], sgi1r(2, 1, 0xf));
	vgic_sgi_write(&vm->d, &vm->c[0], sgi1r(2, 0, 0xf) | (1ull << ICC_SGI1R_RS_SHIFT));
	vgic_sgi_write(&vm->d, &vm->c[0], sgi1r(2, 0, 0xf) | (1ull << ICC_SGI1R_AFF3_SHIFT));
	for (i = 0; i < 4; i++)
		assert_false(vm->c[i].priv[2].flags & VGIC_IRQ_PENDING);
	/* bits for vCPUs that do not exist are ignored */
	vgic_sgi_write(&vm->d, &vm->c[0], sgi1r(3, 0, 0xfff0));
	for (i = 0; i < 4; i++)
		assert_false(vm->c[i].priv[3].flags & VGIC_IRQ_PENDING);
}

static void test_sgi_respects_enable(void **state)
{
	struct vm *vm = *state;

	vm->c[1].priv[7].flags &= (uint8_t)~VGIC_IRQ_ENABLED;
	vgic_sgi_write(&vm->d, &vm->c[0], sgi1r(7, 0, 1u << 1));
	assert_false(vgic_has_pending(&vm->c[1]));
	vgic_flush_lrs(&vm->c[1]);
	assert_int_equal(fake.lr[0], 0);
}

static void test_nr_lrs_capped(void **state)
{
	static struct vgic_dist d; /* zeroed, as struct vm is */
	static struct vgic_cpu c;

	(void)state;
	fake_reset(64);
	assert_int_equal(vgic_dist_init(&d, 1, GICD_IPA, GICR_IPA), 0);
	assert_int_equal(vgic_cpu_init(&d, &c, 0, 0, 0), 0);
	assert_int_equal(c.nr_lrs, VGIC_MAX_LRS);
}

static void test_sync_empties_lrs(void **state)
{
	struct vm *vm = *state;
	unsigned int i;

	for (i = 0; i < 6; i++)
		vgic_inject(&vm->d, 40 + i, 0);
	vgic_flush_lrs(&vm->c[0]);
	assert_true(fake.hcr & ICH_HCR_UIE);
	vgic_sync_lrs(&vm->c[0]);
	/* nothing stays asserted while the vCPU is out (parked, EL2 WFI) */
	for (i = 0; i < 4; i++)
		assert_int_equal(fake.lr[i], 0);
	assert_int_equal(fake.hcr, ICH_HCR_EN);
	/* all six are still pending in software */
	for (i = 0; i < 6; i++)
		assert_true(vm->d.spis[8 + i].flags & VGIC_IRQ_PENDING);
	/* with clean LRs and nothing to load, a flush writes nothing */
	for (i = 0; i < 6; i++)
		vm->d.spis[8 + i].flags &= (uint8_t)~VGIC_IRQ_ENABLED;
	fake.lr[3] = 0x1234; /* would be clobbered by a needless write */
	vgic_flush_lrs(&vm->c[0]);
	assert_int_equal(fake.lr[3], 0x1234);
}

static void test_first_flush_resets_cpu_if(void **state)
{
	struct vm *vm = *state;

	assert_int_equal(fake.nr_if_resets, 0);
	vgic_flush_lrs(&vm->c[0]);
	vgic_sync_lrs(&vm->c[0]);
	vgic_flush_lrs(&vm->c[0]);
	assert_int_equal(fake.nr_if_resets, 1);
	/* a VM reset re-runs vgic_cpu_init: the next entry resets again */
	assert_int_equal(vgic_cpu_init(&vm->d, &vm->c[0], 0, 1, 0x80000000ull), 0);
	vgic_flush_lrs(&vm->c[0]);
	assert_int_equal(fake.nr_if_resets, 2);
}

static void test_maintenance_clears_uie(void **state)
{
	struct vm *vm = *state;

	fake.hcr = ICH_HCR_EN | ICH_HCR_UIE | ICH_HCR_NPIE;
	vgic_maintenance(&vm->c[0]);
	assert_int_equal(fake.hcr, ICH_HCR_EN);
	fake.hcr = ICH_HCR_EN | ICH_HCR_UIE;
	vgic_maintenance(NULL);
	assert_int_equal(fake.hcr, ICH_HCR_EN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_inject_spi_into_lr, setup1, teardown),
		cmocka_unit_test_setup_teardown(test_inject_rejects_bad_intid, setup1, teardown),
		cmocka_unit_test_setup_teardown(test_disabled_not_delivered, setup1, teardown),
		cmocka_unit_test_setup_teardown(test_edge_latch_while_in_lr, setup1, teardown),
		cmocka_unit_test_setup_teardown(test_more_pending_than_lrs, setup1, teardown),
		cmocka_unit_test_setup_teardown(test_urgent_preempts_lr, setup1, teardown),
		cmocka_unit_test_setup_teardown(test_active_kept_in_lr, setup1, teardown),
		cmocka_unit_test_setup_teardown(test_hw_forwarding, setup1, teardown),
		cmocka_unit_test_setup_teardown(test_spi_routed_to_other_vcpu, setup2, teardown),
		cmocka_unit_test_setup_teardown(test_sgi_targetlist, setup4, teardown),
		cmocka_unit_test_setup_teardown(test_sgi_irm_and_affinity, setup4, teardown),
		cmocka_unit_test_setup_teardown(test_sgi_respects_enable, setup2, teardown),
		cmocka_unit_test(test_nr_lrs_capped),
		cmocka_unit_test_setup_teardown(test_maintenance_clears_uie, setup1, teardown),
		cmocka_unit_test_setup_teardown(test_first_flush_resets_cpu_if, setup1, teardown),
		cmocka_unit_test_setup_teardown(test_sync_empties_lrs, setup1, teardown),
	};

	return cmocka_run_group_tests_name("vgic_lr", tests, NULL, NULL);
}
