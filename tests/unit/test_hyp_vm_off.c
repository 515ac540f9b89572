// SPDX-License-Identifier: MIT
/*
 * When the machine powers off (hyp/core/vm.c, vm_check_all_off()): only once
 * no VM runs and every VM that ended has printed why.  Two VMs end at the
 * same moment on two pCPUs: while one is between ending and its line (in
 * hyp_log()), the other ends completely.  The pCPUs are played one after the
 * other from inside the first one's hyp_log(), the worst interleaving.
 *
 * vm.c is built here as it is, with its two AArch64 instructions left out:
 * this_pcpu() (TPIDR_EL2) becomes the pCPU the test plays, wfe() nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sysreg.h"
#undef wfe
#define wfe()	  ((void)0)
#define this_pcpu this_pcpu_tpidr_el2 /* pcpu.h's, renamed and never called */
#include "pcpu.h"
#undef this_pcpu

static struct pcpu *test_self;

static struct pcpu *this_pcpu(void)
{
	return test_self;
}

#include "hyp/core/vm.c"

/* ---- what vm.c calls ------------------------------------------------------ */

const struct bh_config bh_config = { .magic = BH_CONFIG_MAGIC, .name = "test-vm-off" };
struct pcpu pcpus[BH_MAX_CPUS];

/* the log, and what the test does inside the next line */
static char log_text[1024];
static void (*inside_next_log)(void);
static unsigned int nr_off_calls;
static char log_at_first_off[1024];
static jmp_buf park_jmp;

void hyp_log(const char *fmt, ...)
{
	void (*inside)(void) = inside_next_log;
	size_t len;
	va_list ap;

	/* the other pCPU acts while this one is on its way to the UART */
	inside_next_log = NULL;
	if (inside)
		inside();
	len = strlen(log_text);
	va_start(ap, fmt);
	vsnprintf(log_text + len, sizeof(log_text) - len, fmt, ap);
	va_end(ap);
}

void hyp_panic(const char *fmt, ...)
{
	(void)fmt;
	fail_msg("hyp_panic");
	abort();
}

void psci_fw_system_off(void)
{
	if (!nr_off_calls++)
		memcpy(log_at_first_off, log_text, sizeof(log_text));
	/* the machine is off: this pCPU goes no further */
	longjmp(park_jmp, 2);
}

void pcpu_park(void)
{
	longjmp(park_jmp, 1);
}

int ctl_cmd_state_check(unsigned int op, uint32_t state)
{
	(void)op;
	(void)state;
	return 0;
}

int gic_assign_irq(uint32_t intid, struct vgic_dist *vm, struct vgic_cpu *target)
{
	(void)intid;
	(void)vm;
	(void)target;
	return 0;
}

void gic_release_irqs(const struct vgic_dist *vm)
{
	(void)vm;
}

void gic_send_sgi(unsigned int pcpu, unsigned int sgi)
{
	(void)pcpu;
	(void)sgi;
}

unsigned int gic_version(void)
{
	return 3;
}

uint64_t hyp_counter(void)
{
	return 0;
}

uint64_t hyp_counter_freq(void)
{
	return 62500000;
}

void rio_backend_ended(const struct vm *vm)
{
	(void)vm;
}

void rio_frontend_reset(const struct vm *vm, struct vcpu *self)
{
	(void)vm;
	(void)self;
}

void *s2_alloc(void *ctx)
{
	(void)ctx;
	return NULL;
}

void vcpu_kick(struct vcpu *v)
{
	(void)v;
}

int vgic_cpu_init(struct vgic_dist *d, struct vgic_cpu *c, unsigned int vcpu_id, unsigned int pcpu,
		  uint64_t mpidr)
{
	(void)d;
	(void)c;
	(void)vcpu_id;
	(void)pcpu;
	(void)mpidr;
	return 0;
}

int vgic_dist_init(struct vgic_dist *d, unsigned int nr_vcpus, uint64_t gicd_ipa, uint64_t gicr_ipa)
{
	(void)d;
	(void)nr_vcpus;
	(void)gicd_ipa;
	(void)gicr_ipa;
	return 0;
}

int vgic_v2_dist_init(struct vgic_dist *d, unsigned int nr_vcpus, uint64_t gicd_ipa,
		      uint64_t gicc_ipa)
{
	(void)d;
	(void)nr_vcpus;
	(void)gicd_ipa;
	(void)gicc_ipa;
	return 0;
}

void vm_ctl_init(struct vm *vm, const struct bh_config *cfg)
{
	(void)vm;
	(void)cfg;
}

int vm_load_images(struct vm *vm)
{
	(void)vm;
	return 0;
}

int vm_map_all(struct vm *vm, const struct bh_config *cfg)
{
	(void)vm;
	(void)cfg;
	return 0;
}

void vm_policy_off(struct vcpu *self)
{
	(void)self;
}

const char *vm_ram_problem(const struct vm *vm, const struct fdt_range *ram, int n, char *buf,
			   size_t len)
{
	(void)vm;
	(void)ram;
	(void)n;
	(void)buf;
	(void)len;
	return NULL;
}

uint64_t vm_region_pa(const struct bh_config *cfg, const struct bh_mem_region *m)
{
	(void)cfg;
	(void)m;
	return 0;
}

void vm_wdt_reset(struct vm *vm)
{
	(void)vm;
}

/* ---- the tests ------------------------------------------------------------ */

/* rback (vm 0) on pCPU 0, rfront (vm 1) on pCPU 1, both running */
static const struct bh_vm_config cfgs[2] = { { .name = "rback" }, { .name = "rfront" } };

static int setup(void **state)
{
	unsigned int i;

	(void)state;
	memset(vms, 0, sizeof(vms));
	memset(pcpus, 0, sizeof(pcpus));
	nr_vms = 2;
	for (i = 0; i < 2; i++) {
		vms[i].cfg = &cfgs[i];
		vms[i].id = i;
		vms[i].nr_vcpus = 1;
		vms[i].vcpus[0].vm = &vms[i];
		vms[i].vcpus[0].pcpu = i;
		vms[i].vcpus[0].state = VCPU_ON;
		pcpus[i].id = i;
		pcpus[i].vcpu = &vms[i].vcpus[0];
	}
	log_text[0] = log_at_first_off[0] = '\0';
	inside_next_log = NULL;
	nr_off_calls = 0;
	return 0;
}

/* pCPU 1: rfront calls PSCI SYSTEM_OFF, to the end (it parks or the machine goes off) */
static void rfront_powers_off(void)
{
	struct pcpu *was = test_self;
	jmp_buf outer;

	memcpy(outer, park_jmp, sizeof(outer));
	test_self = &pcpus[1];
	if (!setjmp(park_jmp))
		vm_system_off(&vms[1].vcpus[0]);
	memcpy(park_jmp, outer, sizeof(outer));
	test_self = was;
}

/* pCPU 0: rback reads outside its memory and is stopped */
static void rback_stopped(void)
{
	struct pcpu *was = test_self;
	jmp_buf outer;

	memcpy(outer, park_jmp, sizeof(outer));
	test_self = &pcpus[0];
	if (!setjmp(park_jmp))
		vm_stop(&vms[0], "access outside its memory", 0x92000046, 0x20100000, 0x20100000,
			0x40001000);
	memcpy(park_jmp, outer, sizeof(outer));
	test_self = was;
}

static unsigned int count_lines(const char *what)
{
	const char *p = log_text;
	unsigned int n = 0;

	while ((p = strstr(p, what))) {
		n++;
		p++;
	}
	return n;
}

static void assert_off_after_both_lines(void)
{
	assert_true(nr_off_calls >= 1);
	assert_non_null(strstr(log_at_first_off, "bulkhead: vm rback stopped: access outside"));
	assert_non_null(strstr(log_at_first_off, "bulkhead: vm rfront powered off"));
}

/* The loop's failure: rfront powers off while rback's "stopped" line is on its way. */
static void test_off_waits_for_the_stopped_line(void **state)
{
	(void)state;
	inside_next_log = rfront_powers_off;
	rback_stopped();
	assert_off_after_both_lines();
}

/* The other way round: rback is stopped while rfront's line is on its way. */
static void test_off_waits_for_the_powered_off_line(void **state)
{
	(void)state;
	inside_next_log = rback_stopped;
	rfront_powers_off();
	assert_off_after_both_lines();
}

/* One after the other: the second powers the machine off, once. */
static void test_off_after_the_last(void **state)
{
	(void)state;
	rback_stopped();
	assert_int_equal(nr_off_calls, 0);
	rfront_powers_off();
	assert_int_equal(nr_off_calls, 1);
	assert_off_after_both_lines();
}

/* While one still runs the machine stays on, however the other ended. */
static void test_one_running_keeps_it_on(void **state)
{
	(void)state;
	rback_stopped();
	rback_stopped(); /* a second fault of the same VM: no second line */
	assert_int_equal(nr_off_calls, 0);
	assert_int_equal(vms[1].state, VM_RUNNING);
	assert_int_equal(count_lines("bulkhead: vm rback stopped"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_off_waits_for_the_stopped_line, setup),
		cmocka_unit_test_setup(test_off_waits_for_the_powered_off_line, setup),
		cmocka_unit_test_setup(test_off_after_the_last, setup),
		cmocka_unit_test_setup(test_one_running_keeps_it_on, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
