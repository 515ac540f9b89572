// SPDX-License-Identifier: MIT
/*
 * The management page's rules (hyp/core/vm_ctl_regs.c): every access and
 * every command value a guest can write, as the hypervisor vets them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vm_ctl_regs.h"

#define SLOT(i, field) (BH_CTL_HEADER_SIZE + (i)*BH_CTL_VM_SIZE + offsetof(struct bh_ctl_vm, field))
#define CMD_OFF	       offsetof(struct bh_ctl_header, cmd)

/* backend (0) manages frontend1 (1) and frontend2 (2); frontend1 manages none */
static const struct bh_config cfg = {
	.magic = BH_CONFIG_MAGIC,
	.vms = {
		{ .name = "backend", .ctl = { .ipa = 0x9200000, .manages = { "frontend1",
									   "frontend2" } } },
		{ .name = "frontend1", .ctl = { .ipa = 0x9200000 } },
		{ .name = "frontend2",
		  /* what cfgcheck rejects is left out, never honoured */
		  .ctl = { .ipa = 0x9200000, .manages = { "frontend2", "nosuch", "frontend" } } },
	},
};

static void test_access_rules(void **state)
{
	uint64_t off;

	(void)state;
	/* every aligned 32-bit read in the page, header and slots alike */
	for (off = 0; off < BH_CTL_SIZE; off += 4)
		assert_int_equal(ctl_access_check(off, 4, false), 0);
	/* the only write: a 32-bit one of cmd */
	for (off = 0; off < BH_CTL_SIZE; off += 4)
		assert_int_equal(ctl_access_check(off, 4, true), off == CMD_OFF ? 0 : -EINVAL);
	assert_int_equal(ctl_access_check(CMD_OFF, 8, true), -EINVAL);
	assert_int_equal(ctl_access_check(CMD_OFF, 2, true), -EINVAL);
	assert_int_equal(ctl_access_check(CMD_OFF, 1, true), -EINVAL);
	/* 64-bit reads: the 64-bit fields of every slot, nothing else */
	assert_int_equal(ctl_access_check(SLOT(0, cpus), 8, false), 0);
	assert_int_equal(ctl_access_check(SLOT(14, uptime_ms), 8, false), 0);
	assert_int_equal(ctl_access_check(SLOT(2, resets), 8, false), -EINVAL);
	assert_int_equal(ctl_access_check(SLOT(2, name), 8, false), -EINVAL);
	assert_int_equal(ctl_access_check(0, 8, false), -EINVAL); /* header: 32-bit only */
	assert_int_equal(ctl_access_check(CMD_OFF, 8, false), -EINVAL);
	/* sizes, alignment, outside the page (the trap gives any offset) */
	assert_int_equal(ctl_access_check(0, 1, false), -EINVAL);
	assert_int_equal(ctl_access_check(0, 2, false), -EINVAL);
	assert_int_equal(ctl_access_check(2, 4, false), -EINVAL);
	assert_int_equal(ctl_access_check(SLOT(0, cpus) + 4, 8, false), -EINVAL);
	assert_int_equal(ctl_access_check(BH_CTL_SIZE, 4, false), -EINVAL);
	assert_int_equal(ctl_access_check(UINT64_MAX - 3, 4, false), -EINVAL);
	assert_int_equal(ctl_access_check(0, 16, false), -EINVAL);
	assert_int_equal(ctl_access_check(0, 0, false), -EINVAL);
}

static void test_decode_commands(void **state)
{
	struct ctl_cmd cmd;
	uint32_t mgr = ctl_manages_mask(&cfg, 0);

	(void)state;
	assert_int_equal(mgr, 0x6);
	assert_int_equal(ctl_cmd_decode(BH_CTL_CMD(BH_CTL_OP_RESTART, 1, 0xbeef), 0, 3, mgr, &cmd),
			 0);
	assert_int_equal(cmd.op, BH_CTL_OP_RESTART);
	assert_int_equal(cmd.vm, 1);
	assert_int_equal(cmd.tag, 0xbeef);
	assert_int_equal(ctl_cmd_decode(BH_CTL_CMD(BH_CTL_OP_STOP, 2, 1), 0, 3, mgr, &cmd), 0);
	assert_int_equal(ctl_cmd_decode(BH_CTL_CMD(BH_CTL_OP_START, 2, 1), 0, 3, mgr, &cmd), 0);
	/* itself, a VM it may not manage, one that does not exist */
	assert_int_equal(ctl_cmd_decode(BH_CTL_CMD(BH_CTL_OP_STOP, 0, 1), 0, 3, mgr, &cmd), -EPERM);
	assert_int_equal(ctl_cmd_decode(BH_CTL_CMD(BH_CTL_OP_STOP, 2, 7), 1, 3, 0, &cmd), -EPERM);
	assert_int_equal(cmd.tag, 7); /* the refusal still answers the caller's tag */
	assert_int_equal(ctl_cmd_decode(BH_CTL_CMD(BH_CTL_OP_STOP, 3, 1), 0, 3, ~0u, &cmd),
			 -ENOENT);
	assert_int_equal(ctl_cmd_decode(BH_CTL_CMD(BH_CTL_OP_STOP, 255, 1), 0, 3, ~0u, &cmd),
			 -ENOENT);
	/* garbage: ops 0 and 4..255, with every target */
	for (uint32_t op = 0; op < 256; op++) {
		int want = op >= BH_CTL_OP_RESTART && op <= BH_CTL_OP_START ? 0 : -EINVAL;

		assert_int_equal(ctl_cmd_decode(BH_CTL_CMD(op, 1, 1), 0, 3, mgr, &cmd), want);
	}
	assert_int_equal(ctl_cmd_decode(0xffffffffu, 0, 3, ~0u, &cmd), -EINVAL);
	assert_int_equal(ctl_cmd_decode(0, 0, 3, ~0u, &cmd), -EINVAL);
}

static void test_rights_from_names(void **state)
{
	(void)state;
	assert_int_equal(ctl_manages_mask(&cfg, 0), 0x6);
	assert_int_equal(ctl_manages_mask(&cfg, 1), 0);
	/* itself, an unknown name and a prefix of a name give nothing */
	assert_int_equal(ctl_manages_mask(&cfg, 2), 0);
}

static void test_state_rules(void **state)
{
	(void)state;
	assert_int_equal(ctl_cmd_state_check(BH_CTL_OP_RESTART, BH_CTL_STATE_RUNNING), 0);
	assert_int_equal(ctl_cmd_state_check(BH_CTL_OP_RESTART, BH_CTL_STATE_STOPPED), 0);
	assert_int_equal(ctl_cmd_state_check(BH_CTL_OP_RESTART, BH_CTL_STATE_OFF), 0);
	assert_int_equal(ctl_cmd_state_check(BH_CTL_OP_STOP, BH_CTL_STATE_RUNNING), 0);
	assert_int_equal(ctl_cmd_state_check(BH_CTL_OP_STOP, BH_CTL_STATE_STOPPED), -EALREADY);
	assert_int_equal(ctl_cmd_state_check(BH_CTL_OP_STOP, BH_CTL_STATE_OFF), -EALREADY);
	assert_int_equal(ctl_cmd_state_check(BH_CTL_OP_START, BH_CTL_STATE_RUNNING), -EALREADY);
	assert_int_equal(ctl_cmd_state_check(BH_CTL_OP_START, BH_CTL_STATE_STOPPED), 0);
	assert_int_equal(ctl_cmd_state_check(BH_CTL_OP_START, BH_CTL_STATE_OFF), 0);
	/* a reset in progress refuses everything; a broken VM too */
	for (unsigned int op = BH_CTL_OP_RESTART; op <= BH_CTL_OP_START; op++) {
		assert_int_equal(ctl_cmd_state_check(op, BH_CTL_STATE_RESTARTING), -EBUSY);
		assert_int_equal(ctl_cmd_state_check(op, BH_CTL_STATE_BROKEN), -ENODEV);
	}
}

static void test_slot_contents(void **state)
{
	const struct ctl_vm_info info = {
		.name = "frontend1-with-a-name-longer-than-31-bytes",
		.state = BH_CTL_STATE_STOPPED,
		.nr_cpus = 1,
		.cpus = 0x4,
		.uptime_ms = 0x123456789ull,
		.resets = 3,
		.faults = 2,
		.last_fault = "access outside its memory",
	};
	struct bh_ctl_vm s;
	uint64_t rel;

	(void)state;
	memset(&s, 0xaa, sizeof(s));
	ctl_fill_vm(&s, &info, BH_CTL_VM_MANAGED, true);
	rel = offsetof(struct bh_ctl_vm, state);
	assert_int_equal(ctl_read_block(&s, sizeof(s), rel, 4), BH_CTL_STATE_STOPPED);
	assert_int_equal(ctl_read_block(&s, sizeof(s), offsetof(struct bh_ctl_vm, cpus), 8), 0x4);
	assert_true(ctl_read_block(&s, sizeof(s), offsetof(struct bh_ctl_vm, uptime_ms), 8) ==
		    0x123456789ull);
	/* halves of a 64-bit field, little-endian */
	assert_int_equal(ctl_read_block(&s, sizeof(s), offsetof(struct bh_ctl_vm, uptime_ms), 4),
			 0x23456789);
	assert_int_equal(
		ctl_read_block(&s, sizeof(s), offsetof(struct bh_ctl_vm, uptime_ms) + 4, 4), 0x1);
	assert_int_equal(s.flags, BH_CTL_VM_MANAGED);
	/* cut to the field, always terminated; no byte of the 0xaa fill left */
	assert_int_equal(strlen(s.name), BH_CTL_NAME_MAX - 1);
	assert_memory_equal(s.name, info.name, BH_CTL_NAME_MAX - 1);
	assert_string_equal(s.last_fault, "access outside its memory");
	assert_int_equal(s.reserved0[0], 0);
	assert_int_equal(s.reserved1[sizeof(s.reserved1) - 1], 0);
	/* outside the block: 0, never a byte beyond it */
	assert_int_equal(ctl_read_block(&s, sizeof(s), sizeof(s), 4), 0);
	assert_int_equal(ctl_read_block(&s, sizeof(s), sizeof(s) - 2, 4), 0);
	assert_int_equal(ctl_read_block(&s, sizeof(s), UINT64_MAX - 1, 4), 0);
}

static void test_hidden_slot(void **state)
{
	const struct ctl_vm_info info = { .name = "frontend2",
					  .state = BH_CTL_STATE_RUNNING,
					  .nr_cpus = 1,
					  .cpus = 0x8,
					  .uptime_ms = 5000,
					  .resets = 1,
					  .faults = 1,
					  .last_fault = "SError" };
	struct bh_ctl_vm s, zero;

	(void)state;
	ctl_fill_vm(&s, &info, 0, false);
	assert_int_equal(s.state, BH_CTL_STATE_HIDDEN);
	assert_string_equal(s.name, "frontend2");
	/* nothing but the name and state: the rest reads as zero */
	memset(&zero, 0, sizeof(zero));
	memcpy(zero.name, s.name, sizeof(zero.name));
	zero.state = BH_CTL_STATE_HIDDEN;
	assert_memory_equal(&s, &zero, sizeof(s));
	/* no name at all */
	ctl_fill_vm(&s, &(struct ctl_vm_info){ 0 }, 0, true);
	assert_string_equal(s.name, "");
	assert_string_equal(s.last_fault, "");
}

static void test_names_for_logs(void **state)
{
	(void)state;
	assert_string_equal(ctl_op_name(BH_CTL_OP_STOP), "stop");
	assert_string_equal(ctl_op_name(0), "?");
	assert_string_equal(ctl_op_name(255), "?");
	assert_string_equal(ctl_err_name(-EPERM), "not permitted");
	assert_string_equal(ctl_err_name(-12345), "error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_access_rules),	  cmocka_unit_test(test_decode_commands),
		cmocka_unit_test(test_rights_from_names), cmocka_unit_test(test_state_rules),
		cmocka_unit_test(test_slot_contents),	  cmocka_unit_test(test_hidden_slot),
		cmocka_unit_test(test_names_for_logs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
