// SPDX-License-Identifier: MIT
/*
 * The management page's rules (include/bulkhead/ctl.h): pure functions over
 * plain data, so that every value a guest can write is host-tested
 * (tests/unit/test_hyp_ctl.c).  hyp/core/vm_ctl.c applies them to the VMs.
 */
#include "hstring.h"
#include "vm_ctl_regs.h"

/* The 64-bit fields of a VM's slot, as offsets in it. */
static bool ctl_is_u64_field(uint64_t off)
{
	return off == offsetof(struct bh_ctl_vm, cpus) ||
	       off == offsetof(struct bh_ctl_vm, uptime_ms);
}

int ctl_access_check(uint64_t off, unsigned int size, bool write)
{
	if (off >= BH_CTL_SIZE || (size != 4 && size != 8) || off % size)
		return -EINVAL;
	if (write)
		return size == 4 && off == offsetof(struct bh_ctl_header, cmd) ? 0 : -EINVAL;
	if (size == 4)
		return 0;
	/* 64-bit: only whole 64-bit fields, so a value is never torn across two */
	if (off < BH_CTL_HEADER_SIZE)
		return -EINVAL;
	return ctl_is_u64_field((off - BH_CTL_HEADER_SIZE) % BH_CTL_VM_SIZE) ? 0 : -EINVAL;
}

uint64_t ctl_read_block(const void *block, size_t len, uint64_t off, unsigned int size)
{
	uint64_t v = 0;

	/* little-endian, like the guest (SCTLR_EL1.EE = 0, booting.rst) */
	if (off <= len && size <= len - off && size <= sizeof(v))
		memcpy(&v, (const uint8_t *)block + off, size);
	return v;
}

/* Copy NUL-terminated @s into @dst of @n bytes, cut and terminated. */
static void ctl_copy_str(char *dst, size_t n, const char *s)
{
	size_t i;

	for (i = 0; s && i + 1 < n && s[i]; i++)
		dst[i] = s[i];
	dst[i] = '\0';
}

void ctl_fill_vm(struct bh_ctl_vm *out, const struct ctl_vm_info *in, uint32_t flags, bool visible)
{
	memset(out, 0, sizeof(*out));
	ctl_copy_str(out->name, sizeof(out->name), in->name);
	out->flags = flags;
	if (!visible) {
		out->state = BH_CTL_STATE_HIDDEN;
		return;
	}
	out->state = in->state;
	out->nr_cpus = in->nr_cpus;
	out->cpus = in->cpus;
	out->uptime_ms = in->uptime_ms;
	out->resets = in->resets;
	out->faults = in->faults;
	ctl_copy_str(out->last_fault, sizeof(out->last_fault), in->last_fault);
}

int ctl_cmd_decode(uint32_t val, unsigned int caller, unsigned int nr_vms, uint32_t manages,
		   struct ctl_cmd *cmd)
{
	cmd->op = BH_CTL_CMD_OP(val);
	cmd->vm = BH_CTL_CMD_VM(val);
	cmd->tag = BH_CTL_CMD_TAG(val);
	if (cmd->op < BH_CTL_OP_RESTART || cmd->op > BH_CTL_OP_START)
		return -EINVAL;
	if (cmd->vm >= nr_vms || cmd->vm >= BH_CTL_MAX_VMS)
		return -ENOENT;
	if (cmd->vm == caller || !(manages & (1u << cmd->vm)))
		return -EPERM;
	return 0;
}

int ctl_cmd_state_check(unsigned int op, uint32_t state)
{
	switch (state) {
	case BH_CTL_STATE_RUNNING:
		return op == BH_CTL_OP_START ? -EALREADY : 0;
	case BH_CTL_STATE_OFF:
	case BH_CTL_STATE_STOPPED:
		return op == BH_CTL_OP_STOP ? -EALREADY : 0;
	case BH_CTL_STATE_RESTARTING:
		return -EBUSY;
	default:
		return -ENODEV;
	}
}

static bool ctl_name_eq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

uint32_t ctl_manages_mask(const struct bh_config *cfg, unsigned int v)
{
	const struct bh_vm_ctl *c = &cfg->vms[v].ctl;
	uint32_t mask = 0;
	unsigned int i, w;

	for (i = 0; i < BH_MAX_VMS && c->manages[i]; i++)
		for (w = 0; w < BH_MAX_VMS && cfg->vms[w].name; w++)
			if (w != v && ctl_name_eq(c->manages[i], cfg->vms[w].name))
				mask |= 1u << w;
	return mask;
}

const char *ctl_op_name(unsigned int op)
{
	static const char *const names[] = {
		[BH_CTL_OP_RESTART] = "restart",
		[BH_CTL_OP_STOP] = "stop",
		[BH_CTL_OP_START] = "start",
	};

	return op < ARRAY_SIZE(names) && names[op] ? names[op] : "?";
}

const char *ctl_err_name(int err)
{
	switch (err) {
	case -EINVAL:
		return "malformed command";
	case -ENOENT:
		return "no such VM";
	case -EPERM:
		return "not permitted";
	case -EBUSY:
		return "being reset";
	case -EALREADY:
		return "nothing to do";
	case -ENODEV:
		return "broken at boot";
	default:
		return "error";
	}
}
