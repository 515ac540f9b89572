// SPDX-License-Identifier: MIT
/*
 * HW=1 interrupts against a modelled physical GIC (test_vgic_fakes.h): a
 * level-sensitive interrupt's pending state follows its line unless the
 * guest pended it through ISPENDR (IHI0069 §4.1.2 and §12.5.10 ICH_LR with
 * HW = 1).  The virtual timer (PPI 27) and a passed-through level SPI
 * (a UART, 33) take the same path; virtual-only interrupts stay latched.
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
#define SGI0	 (GICR_IPA + GICR_SGI_BASE) /* vCPU 0's SGI_base frame */
#define PCPU	 1			    /* vCPU 0 runs on pCPU 1 */
#define UART	 33

struct vm {
	struct vgic_dist d;
	struct vgic_cpu c;
};

static uint64_t rd(struct vm *vm, uint64_t ipa)
{
	uint64_t v = 0;

	assert_int_equal(vgic_mmio_access(&vm->d, &vm->c, ipa, 4, false, &v), 0);
	return v;
}

static void wr(struct vm *vm, uint64_t ipa, uint64_t v)
{
	assert_int_equal(vgic_mmio_access(&vm->d, &vm->c, ipa, 4, true, &v), 0);
}

/* Register of @intid's bank at @off: GICR SGI frame for PPIs, else GICD. */
static uint64_t reg(uint32_t intid, uint32_t off)
{
	return (intid < GIC_SPI_BASE ? SGI0 : GICD_IPA) + off + (intid / 32) * 4;
}

static bool guest_pending(struct vm *vm, uint32_t intid)
{
	return rd(vm, reg(intid, GICD_ISPENDR)) & (1u << (intid % 32));
}

static void guest_enable(struct vm *vm, uint32_t intid, bool on)
{
	wr(vm, reg(intid, on ? GICD_ISENABLER : GICD_ICENABLER), 1u << (intid % 32));
}

/* What gic_handle_irq() does on the pCPU: acknowledge, then forward. */
static bool hyp_irq(struct vm *vm, uint32_t intid)
{
	if (!fake_phys_ack(intid, PCPU))
		return false;
	if (intid < GIC_SPI_BASE)
		assert_int_equal(vgic_inject_private(&vm->c, intid, intid), 0);
	else
		assert_int_equal(vgic_inject(&vm->d, intid, intid), 0);
	return true;
}

/* The guest runs: LR 0 holds @intid pending; it acknowledges it. */
static void guest_takes(struct vm *vm, uint32_t intid)
{
	vgic_flush_lrs(&vm->c);
	assert_int_equal(fake.lr[0] & ICH_LR_VINTID_MASK, intid);
	assert_true(fake.lr[0] & ICH_LR_HW);
	assert_int_equal(fake.lr[0] & ICH_LR_STATE_MASK, ICH_LR_PENDING);
	fake.lr[0] = (fake.lr[0] & ~ICH_LR_STATE_MASK) | ICH_LR_ACTIVE;
	vgic_sync_lrs(&vm->c);
}

/* EOI of a HW=1 LR: the hardware deactivates the physical interrupt. */
static void guest_eoi(struct vm *vm)
{
	uint32_t pintid;

	vgic_flush_lrs(&vm->c);
	assert_int_equal(fake.lr[0] & ICH_LR_STATE_MASK, ICH_LR_ACTIVE);
	pintid = (uint32_t)((fake.lr[0] >> ICH_LR_PINTID_SHIFT) & ICH_LR_PINTID_MASK);
	fake.lr[0] &= ~ICH_LR_STATE_MASK;
	fake_phys(pintid, PCPU)->active = false;
	vgic_sync_lrs(&vm->c);
}

/* Nothing for the guest: no list register filled on entry. */
static void assert_quiet(struct vm *vm)
{
	vgic_flush_lrs(&vm->c);
	assert_false(vgic_has_pending(&vm->c));
	assert_int_equal(fake.lr[0], 0);
	vgic_sync_lrs(&vm->c);
}

static int setup(void **state)
{
	struct vm *vm = calloc(1, sizeof(*vm));

	fake_reset(4);
	assert_non_null(vm);
	assert_int_equal(vgic_dist_init(&vm->d, 1, GICD_IPA, GICR_IPA), 0);
	assert_int_equal(vgic_cpu_init(&vm->d, &vm->c, 0, PCPU, 0x80000000ull), 0);
	/* gic_assign_irq(): bound, physically disabled, SPI routed */
	assert_int_equal(vgic_bind_hw(&vm->d, &vm->c, GIC_PPI_VTIMER), 0);
	assert_int_equal(vgic_bind_hw(&vm->d, &vm->c, UART), 0);
	wr(vm, GICD_IPA + GICD_CTLR, GICD_CTLR_ENABLE_G1);
	*state = vm;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

/* The guest's enable bit is the physical one, for PPIs as for SPIs. */
static void test_enable_mirrored(void **state)
{
	struct vm *vm = *state;
	static const uint32_t ids[] = { GIC_PPI_VTIMER, UART };

	for (unsigned int i = 0; i < 2; i++) {
		assert_false(fake_phys(ids[i], PCPU)->enabled);
		guest_enable(vm, ids[i], true);
		assert_true(fake_phys(ids[i], PCPU)->enabled);
		guest_enable(vm, ids[i], false);
		assert_false(fake_phys(ids[i], PCPU)->enabled);
	}
}

/*
 * The conformance case: the timer fires while the guest has PPI 27
 * disabled, then is cancelled.  Pending while the line is high, not after;
 * nothing is taken on re-enable.
 */
static void run_disabled_then_dropped(struct vm *vm, uint32_t intid)
{
	guest_enable(vm, intid, false);
	fake_line(intid, PCPU, true);
	assert_false(hyp_irq(vm, intid)); /* physically disabled: not taken */
	assert_true(guest_pending(vm, intid));
	assert_quiet(vm);
	fake_line(intid, PCPU, false);
	assert_false(guest_pending(vm, intid));
	guest_enable(vm, intid, true);
	assert_false(hyp_irq(vm, intid));
	assert_quiet(vm);
	assert_false(guest_pending(vm, intid));
}

static void test_ppi_disabled_line_dropped(void **state)
{
	run_disabled_then_dropped(*state, GIC_PPI_VTIMER);
}

static void test_spi_disabled_line_dropped(void **state)
{
	run_disabled_then_dropped(*state, UART);
}

/* Still high at re-enable: taken then, as on hardware. */
static void test_disabled_line_still_high(void **state)
{
	struct vm *vm = *state;

	fake_line(GIC_PPI_VTIMER, PCPU, true);
	assert_false(hyp_irq(vm, GIC_PPI_VTIMER));
	guest_enable(vm, GIC_PPI_VTIMER, true);
	assert_true(hyp_irq(vm, GIC_PPI_VTIMER));
	guest_takes(vm, GIC_PPI_VTIMER);
	/* active and still asserted: active and pending, as the GIC reports */
	assert_true(guest_pending(vm, GIC_PPI_VTIMER));
	fake_line(GIC_PPI_VTIMER, PCPU, false); /* the handler reprograms it */
	assert_false(guest_pending(vm, GIC_PPI_VTIMER));
	guest_eoi(vm);
	assert_false(hyp_irq(vm, GIC_PPI_VTIMER));
	assert_quiet(vm);
}

/*
 * Forwarded, then disabled by the guest before it ran: the hypervisor gives
 * the physical interrupt back instead of keeping it latched.
 */
static void test_forwarded_then_disabled(void **state)
{
	struct vm *vm = *state;

	guest_enable(vm, UART, true);
	fake_line(UART, PCPU, true);
	assert_true(hyp_irq(vm, UART));
	assert_true(fake_phys(UART, PCPU)->active);
	guest_enable(vm, UART, false);
	assert_false(fake_phys(UART, PCPU)->active);
	assert_false(vm->d.spis[UART - GIC_SPI_BASE].flags & VGIC_IRQ_PENDING);
	assert_true(guest_pending(vm, UART)); /* the line is still high */
	fake_line(UART, PCPU, false);
	assert_false(guest_pending(vm, UART));
	guest_enable(vm, UART, true);
	assert_false(hyp_irq(vm, UART));
	assert_quiet(vm);
}

/* Physically taken just before the guest's disable landed: not latched. */
static void test_fired_while_virtually_disabled(void **state)
{
	struct vm *vm = *state;

	guest_enable(vm, GIC_PPI_VTIMER, true);
	fake_line(GIC_PPI_VTIMER, PCPU, true);
	assert_true(fake_phys_ack(GIC_PPI_VTIMER, PCPU));
	guest_enable(vm, GIC_PPI_VTIMER, false);
	assert_int_equal(vgic_inject_private(&vm->c, GIC_PPI_VTIMER, GIC_PPI_VTIMER), 0);
	assert_false(fake_phys(GIC_PPI_VTIMER, PCPU)->active);
	assert_false(vm->c.priv[GIC_PPI_VTIMER].flags & VGIC_IRQ_PENDING);
	fake_line(GIC_PPI_VTIMER, PCPU, false);
	guest_enable(vm, GIC_PPI_VTIMER, true);
	assert_false(hyp_irq(vm, GIC_PPI_VTIMER));
	assert_quiet(vm);
}

/* ISPENDR with the line low: latched in the physical GIC, taken once. */
static void test_sw_pend_latched(void **state)
{
	struct vm *vm = *state;

	guest_enable(vm, GIC_PPI_VTIMER, true);
	wr(vm, reg(GIC_PPI_VTIMER, GICD_ISPENDR), 1u << GIC_PPI_VTIMER);
	assert_true(fake_phys(GIC_PPI_VTIMER, PCPU)->latch);
	assert_true(guest_pending(vm, GIC_PPI_VTIMER));
	assert_true(hyp_irq(vm, GIC_PPI_VTIMER));
	/* the physical latch is consumed: the vGIC remembers the software pend */
	assert_true(guest_pending(vm, GIC_PPI_VTIMER));
	guest_takes(vm, GIC_PPI_VTIMER);
	assert_false(guest_pending(vm, GIC_PPI_VTIMER));
	guest_eoi(vm);
	assert_false(hyp_irq(vm, GIC_PPI_VTIMER));
	assert_quiet(vm);
}

/* ISPENDR while disabled, then ICPENDR: nothing on re-enable. */
static void test_sw_pend_cleared(void **state)
{
	struct vm *vm = *state;

	wr(vm, reg(UART, GICD_ISPENDR), 1u << (UART % 32));
	assert_true(guest_pending(vm, UART));
	wr(vm, reg(UART, GICD_ICPENDR), 1u << (UART % 32));
	assert_false(guest_pending(vm, UART));
	guest_enable(vm, UART, true);
	assert_false(hyp_irq(vm, UART));
	assert_quiet(vm);
}

/* A software pend survives a disable after forwarding, as on hardware. */
static void test_sw_pend_survives_disable(void **state)
{
	struct vm *vm = *state;

	guest_enable(vm, UART, true);
	wr(vm, reg(UART, GICD_ISPENDR), 1u << (UART % 32));
	assert_true(hyp_irq(vm, UART));
	guest_enable(vm, UART, false);
	assert_false(fake_phys(UART, PCPU)->active);
	assert_true(fake_phys(UART, PCPU)->latch);
	assert_true(guest_pending(vm, UART));
	guest_enable(vm, UART, true);
	assert_true(hyp_irq(vm, UART));
	guest_takes(vm, UART);
	guest_eoi(vm);
	assert_quiet(vm);
}

/* ICPENDR of a forwarded one gives the physical interrupt back. */
static void test_clear_pending_forwarded(void **state)
{
	struct vm *vm = *state;

	guest_enable(vm, UART, true);
	fake_line(UART, PCPU, true);
	assert_true(hyp_irq(vm, UART));
	wr(vm, reg(UART, GICD_ICPENDR), 1u << (UART % 32));
	assert_false(fake_phys(UART, PCPU)->active);
	/* the line is still high: it comes again, like on hardware */
	assert_true(hyp_irq(vm, UART));
	guest_takes(vm, UART);
	fake_line(UART, PCPU, false);
	guest_eoi(vm);
	assert_quiet(vm);
}

/* Virtual-only interrupts keep their latch (remote-I/O SPIs, SGIs). */
static void test_virtual_stays_latched(void **state)
{
	struct vm *vm = *state;

	assert_int_equal(vgic_inject(&vm->d, 40, 0), 0);
	assert_true(guest_pending(vm, 40));
	assert_quiet(vm);
	guest_enable(vm, 40, true);
	assert_true(vgic_has_pending(&vm->c));
	wr(vm, reg(3, GICD_ISPENDR), 1u << 3);
	assert_true(guest_pending(vm, 3));
	assert_false(fake_phys(3, PCPU)->latch);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_enable_mirrored),	   T(test_ppi_disabled_line_dropped),
		T(test_spi_disabled_line_dropped), T(test_disabled_line_still_high),
		T(test_forwarded_then_disabled),   T(test_fired_while_virtually_disabled),
		T(test_sw_pend_latched),	   T(test_sw_pend_cleared),
		T(test_sw_pend_survives_disable),  T(test_clear_pending_forwarded),
		T(test_virtual_stays_latched),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
