// SPDX-License-Identifier: MIT
/*
 * ctl: a manager's hostile and honest use of its management page
 * (include/bulkhead/ctl.h, docs/hypervisor.md "Managing VMs"), as VM 1 of
 * configs/test-ctl.c, which may manage VM 0 ("bystander", hello forever).
 *
 *   ctl: header magic=0x54434842 version=1 self=1 nr_vms=2 manages=0x1
 *   ctl: sweep rejected N of N, nonzero reads 0      every other access
 *   ctl: commands bad B of B                         every malformed command
 *   ctl: stop 0 again 114 state 5                    (errno 114: EALREADY)
 *   ctl: start 0 state 2 resets 1
 *   ctl: restart 0 state 2 resets 2
 *   ctl: done FAILS=0
 *
 * The sweep: every aligned access of 1, 2, 4 and 8 bytes to every offset of
 * the page, each write but the one 32-bit write of cmd, each read of 1 or
 * 2 bytes, each 8-byte read but those of the slots' 64-bit fields.  Each
 * must be counted in the header's errors, read as 0, and leave the VM
 * running.  The commands: every op 0..255 to VM 0..3 that is not a valid
 * command to VM 0, each answered with its tag and the errno the page
 * promises.
 */
#include "bm.h"
#include "bm_gic.h"
#include "bulkhead/ctl.h"
#include "ctl_ipa.h"

#define EPERM	 1
#define ENOENT	 2
#define EINVAL	 22
#define EALREADY 114

#define HDR(f)	     (CTL_PAGE + offsetof(struct bh_ctl_header, f))
#define SLOT(i, f)   (CTL_PAGE + offsetof(struct bh_ctl_regs, vm[i]) + offsetof(struct bh_ctl_vm, f))
#define WAIT_TRIES   2000
#define WAIT_STEP_US 5000

static unsigned int fails;

static void expect(bool ok, const char *what, uint64_t got, uint64_t want)
{
	if (ok)
		return;
	fails++;
	bm_printf("ctl: FAIL %s: got 0x%llx want 0x%llx\n", what, (unsigned long long)got,
		  (unsigned long long)want);
}

static uint16_t rd16(uint64_t a)
{
	uint16_t v;

	__asm__ volatile("ldrh %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
	return v;
}

static void wr16(uint64_t a, uint16_t v)
{
	__asm__ volatile("strh %w0, [%1]" : : "rZ"(v), "r"(a) : "memory");
}

static uint64_t rd(uint64_t a, unsigned int size)
{
	return size == 1 ? rd8(a) : size == 2 ? rd16(a) : size == 4 ? rd32(a) : rd64(a);
}

static void wr(uint64_t a, unsigned int size, uint64_t v)
{
	if (size == 1)
		wr8(a, (uint8_t)v);
	else if (size == 2)
		wr16(a, (uint16_t)v);
	else if (size == 4)
		wr32(a, (uint32_t)v);
	else
		wr64(a, v);
}

/* An 8-byte read the page answers: a 64-bit field of a VM's slot. */
static bool is_u64_field(uint64_t off)
{
	uint64_t rel = (off - BH_CTL_HEADER_SIZE) % BH_CTL_VM_SIZE;

	return off >= BH_CTL_HEADER_SIZE && (rel == offsetof(struct bh_ctl_vm, cpus) ||
					     rel == offsetof(struct bh_ctl_vm, uptime_ms));
}

static void sweep(void)
{
	static const unsigned int sizes[] = { 1, 2, 4, 8 };
	uint32_t before = rd32(HDR(errors)), want = 0, nonzero = 0;
	unsigned int i;
	uint64_t off;

	for (i = 0; i < 4; i++) {
		unsigned int size = sizes[i];

		for (off = 0; off < BH_CTL_SIZE; off += size) {
			bool cmd = size == 4 && off == offsetof(struct bh_ctl_header, cmd);

			if (!cmd) {
				wr(CTL_PAGE + off, size, ~0ull);
				want++;
			}
			if (size <= 2 || (size == 8 && !is_u64_field(off))) {
				nonzero += rd(CTL_PAGE + off, size) != 0;
				want++;
			}
		}
	}
	bm_printf("ctl: sweep rejected %u of %u, nonzero reads %u\n", rd32(HDR(errors)) - before,
		  want, nonzero);
	expect(rd32(HDR(errors)) - before == want, "rejected accesses", rd32(HDR(errors)) - before,
	       want);
	expect(!nonzero, "rejected reads that were not 0", nonzero, 0);
}

/* Write a command, return the errno of its result; checks the tag. */
static unsigned int command(unsigned int op, unsigned int vm, unsigned int tag)
{
	uint32_t res;

	wr32(HDR(cmd), BH_CTL_CMD(op, vm, tag));
	res = rd32(HDR(result));
	expect(BH_CTL_RESULT_TAG(res) == tag, "result tag", BH_CTL_RESULT_TAG(res), tag);
	return BH_CTL_RESULT_ERR(res);
}

static void bad_commands(void)
{
	unsigned int op, vm, n = 0, bad = 0, tag = 1;

	for (op = 0; op < 256; op++) {
		for (vm = 0; vm < 4; vm++) {
			bool valid_op = op >= BH_CTL_OP_RESTART && op <= BH_CTL_OP_START;
			unsigned int want = !valid_op ? EINVAL : vm == 1 ? EPERM : ENOENT;
			unsigned int err;

			if (valid_op && vm == 0)
				continue; /* a real command to the bystander */
			err = command(op, vm, tag++);
			n++;
			bad += err == want;
			expect(err == want, "errno of a malformed command", err, want);
		}
	}
	/* reserved bits set everywhere a value can hold them */
	expect(command(0xff, 0xff, 0xffff) == EINVAL, "cmd 0xffffffff", 0, EINVAL);
	bm_printf("ctl: commands bad %u of %u\n", bad, n);
}

/* Poll VM 0's state until @state (the start runs on the bystander's own CPU). */
static uint32_t wait_state(uint32_t state)
{
	uint32_t s = 0;
	unsigned int i;

	for (i = 0; i < WAIT_TRIES; i++) {
		s = rd32(SLOT(0, state));
		if (s == state)
			break;
		bm_delay_us(WAIT_STEP_US);
	}
	expect(s == state, "state of vm 0", s, state);
	return s;
}

static void manage(void)
{
	unsigned int err, again;

	err = command(BH_CTL_OP_STOP, 0, 0x100);
	expect(!err, "stop", err, 0);
	again = command(BH_CTL_OP_STOP, 0, 0x101);
	expect(again == EALREADY, "second stop", again, EALREADY);
	bm_printf("ctl: stop %u again %u state %u\n", err, again, rd32(SLOT(0, state)));
	/* a stopped VM: its ticks stop (the test watches its console meanwhile) */
	bm_delay_us(300000);
	err = command(BH_CTL_OP_START, 0, 0x102);
	expect(!err, "start", err, 0);
	bm_printf("ctl: start %u state %u resets %u\n", err, wait_state(BH_CTL_STATE_RUNNING),
		  rd32(SLOT(0, resets)));
	bm_delay_us(300000);
	err = command(BH_CTL_OP_RESTART, 0, 0x103);
	expect(!err, "restart", err, 0);
	bm_printf("ctl: restart %u state %u resets %u\n", err, wait_state(BH_CTL_STATE_RUNNING),
		  rd32(SLOT(0, resets)));
}

int main(uint64_t arg)
{
	(void)arg;
	bm_printf("ctl: header magic=0x%x version=%u self=%u nr_vms=%u manages=0x%x\n",
		  rd32(HDR(magic)), rd32(HDR(version)), rd32(HDR(self)), rd32(HDR(nr_vms)),
		  rd32(HDR(manages)));
	sweep();
	bad_commands();
	manage();
	bm_printf("ctl: done FAILS=%u\n", fails);
	for (;;)
		bm_delay_us(1000000);
}
