// SPDX-License-Identifier: MIT
/*
 * bulkhead-ctl: list the VMs of a Bulkhead system and stop, start or
 * restart those this VM may manage (docs/running.md, "Managing VMs").
 *
 * It talks to the hypervisor through the VM's management page
 * (include/bulkhead/ctl.h), a "generic-uio" node named bulkhead-ctl that
 * stock uio_pdrv_genirq exposes: no kernel code of ours.  Every access is
 * one aligned load or store, which traps to the hypervisor and is emulated
 * there, so each goes through an explicit LDR/STR (no pair or writeback
 * form, which has no syndrome to emulate; Arm ARM D17.2.40, ISV).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bulkhead/ctl.h"
#include "dm/uio_dev.h"

#define CTL_EXIT_REFUSED 1
#define CTL_EXIT_USAGE	 2

struct ctl {
	struct uio_dev u;
	const volatile uint8_t *page;
	uint32_t self;
	uint32_t nr_vms;
	uint32_t manages;
};

/* One VM as the page shows it (struct bh_ctl_vm). */
struct ctl_row {
	uint32_t state;
	uint32_t nr_cpus;
	uint64_t cpus;
	uint64_t uptime_ms;
	uint32_t resets;
	uint32_t faults;
	uint32_t flags;
	char name[BH_CTL_NAME_MAX];
	char last_fault[BH_CTL_WHY_MAX];
};

static uint32_t ctl_rd32(const struct ctl *c, size_t off)
{
	const volatile void *p = c->page + off;
	uint32_t v;

#ifdef __aarch64__
	__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(p) : "memory");
#else
	v = *(const volatile uint32_t *)p;
#endif
	return v;
}

static uint64_t ctl_rd64(const struct ctl *c, size_t off)
{
	const volatile void *p = c->page + off;
	uint64_t v;

#ifdef __aarch64__
	__asm__ volatile("ldr %x0, [%1]" : "=r"(v) : "r"(p) : "memory");
#else
	v = *(const volatile uint64_t *)p;
#endif
	return v;
}

static void ctl_wr32(const struct ctl *c, size_t off, uint32_t v)
{
	volatile void *p = (volatile uint8_t *)c->page + off;

#ifdef __aarch64__
	__asm__ volatile("str %w0, [%1]" : : "r"(v), "r"(p) : "memory");
#else
	*(volatile uint32_t *)p = v;
#endif
}

/* A NUL-terminated string field of @len bytes at @off, word by word. */
static void ctl_rdstr(const struct ctl *c, size_t off, char *out, size_t len)
{
	size_t i;

	for (i = 0; i < len; i += sizeof(uint32_t)) {
		uint32_t w = ctl_rd32(c, off + i);

		memcpy(out + i, &w, sizeof(w));
	}
	out[len - 1] = '\0';
}

static size_t ctl_slot(unsigned int vm, size_t field)
{
	return offsetof(struct bh_ctl_regs, vm) + vm * sizeof(struct bh_ctl_vm) + field;
}

static void ctl_read_row(const struct ctl *c, unsigned int vm, struct ctl_row *r)
{
	r->state = ctl_rd32(c, ctl_slot(vm, offsetof(struct bh_ctl_vm, state)));
	r->nr_cpus = ctl_rd32(c, ctl_slot(vm, offsetof(struct bh_ctl_vm, nr_cpus)));
	r->cpus = ctl_rd64(c, ctl_slot(vm, offsetof(struct bh_ctl_vm, cpus)));
	r->uptime_ms = ctl_rd64(c, ctl_slot(vm, offsetof(struct bh_ctl_vm, uptime_ms)));
	r->resets = ctl_rd32(c, ctl_slot(vm, offsetof(struct bh_ctl_vm, resets)));
	r->faults = ctl_rd32(c, ctl_slot(vm, offsetof(struct bh_ctl_vm, faults)));
	r->flags = ctl_rd32(c, ctl_slot(vm, offsetof(struct bh_ctl_vm, flags)));
	ctl_rdstr(c, ctl_slot(vm, offsetof(struct bh_ctl_vm, name)), r->name, sizeof(r->name));
	ctl_rdstr(c, ctl_slot(vm, offsetof(struct bh_ctl_vm, last_fault)), r->last_fault,
		  sizeof(r->last_fault));
}

static int ctl_open(struct ctl *c)
{
	char err[256];
	uint32_t magic;
	int ret;

	ret = uio_dev_open(&c->u, NULL, BH_CTL_UIO_NAME, err, sizeof(err));
	if (ret == -ENOENT) {
		fprintf(stderr,
			"bulkhead-ctl: this VM has no management interface (no uio device named "
			"%s): its configuration gives it no ctl.ipa (docs/config.md, "
			"\"Management\")\n",
			BH_CTL_UIO_NAME);
		return -ENOENT;
	}
	if (!ret) {
		ret = uio_dev_map(&c->u, 0);
		if (ret)
			snprintf(err, sizeof(err), "uio device '%s' (%s): mmap: %s",
				 BH_CTL_UIO_NAME, c->u.node, strerror(-ret));
	}
	if (!ret && c->u.map[0].len < BH_CTL_SIZE) {
		snprintf(err, sizeof(err), "uio device '%s' (%s): map of %zu bytes, want %u",
			 BH_CTL_UIO_NAME, c->u.node, c->u.map[0].len, BH_CTL_SIZE);
		ret = -EINVAL;
	}
	if (ret) {
		fprintf(stderr, "bulkhead-ctl: %s\n", err);
		uio_dev_close(&c->u);
		return ret;
	}
	c->page = c->u.map[0].ptr;
	magic = ctl_rd32(c, offsetof(struct bh_ctl_header, magic));
	if (magic != BH_CTL_MAGIC ||
	    ctl_rd32(c, offsetof(struct bh_ctl_header, version)) != BH_CTL_VERSION) {
		fprintf(stderr,
			"bulkhead-ctl: %s (%s) is not a Bulkhead management page of version %u "
			"(magic %#x)\n",
			BH_CTL_UIO_NAME, c->u.node, BH_CTL_VERSION, magic);
		uio_dev_close(&c->u);
		return -EINVAL;
	}
	c->self = ctl_rd32(c, offsetof(struct bh_ctl_header, self));
	c->nr_vms = ctl_rd32(c, offsetof(struct bh_ctl_header, nr_vms));
	c->manages = ctl_rd32(c, offsetof(struct bh_ctl_header, manages));
	if (c->nr_vms > BH_CTL_MAX_VMS)
		c->nr_vms = BH_CTL_MAX_VMS;
	return 0;
}

static const char *ctl_state_name(uint32_t state)
{
	static const char *const names[] = {
		[BH_CTL_STATE_NONE] = "none",	    [BH_CTL_STATE_HIDDEN] = "hidden",
		[BH_CTL_STATE_RUNNING] = "running", [BH_CTL_STATE_RESTARTING] = "restarting",
		[BH_CTL_STATE_OFF] = "off",	    [BH_CTL_STATE_STOPPED] = "stopped",
		[BH_CTL_STATE_BROKEN] = "broken",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "?";
}

/* "0,1" from a CPU mask. */
static void ctl_cpu_list(uint64_t mask, char *buf, size_t len)
{
	size_t n = 0;
	unsigned int cpu;

	buf[0] = '\0';
	for (cpu = 0; cpu < 64 && n < len; cpu++)
		if (mask & (1ull << cpu))
			n += (size_t)snprintf(buf + n, len - n, "%s%u", n ? "," : "", cpu);
	if (!buf[0])
		snprintf(buf, len, "-");
}

static void ctl_print_row(const struct ctl_row *r)
{
	const char *who = r->flags & BH_CTL_VM_SELF	 ? "self"
			  : r->flags & BH_CTL_VM_MANAGED ? "yes"
							 : "no";
	char cpus[48], up[32];

	if (r->state == BH_CTL_STATE_HIDDEN) {
		printf("%-12s %-10s %-6s %-6s %10s %6s %6s  %s\n", r->name, "hidden", who, "-", "-",
		       "-", "-", "-");
		return;
	}
	ctl_cpu_list(r->cpus, cpus, sizeof(cpus));
	if (r->state == BH_CTL_STATE_RUNNING)
		snprintf(up, sizeof(up), "%llu.%01llus", (unsigned long long)(r->uptime_ms / 1000),
			 (unsigned long long)(r->uptime_ms % 1000 / 100));
	else
		snprintf(up, sizeof(up), "-");
	printf("%-12s %-10s %-6s %-6s %10s %6u %6u  %s\n", r->name, ctl_state_name(r->state), who,
	       cpus, up, r->resets, r->faults, r->last_fault[0] ? r->last_fault : "-");
}

static int ctl_list(const struct ctl *c)
{
	struct ctl_row r;
	unsigned int i;

	printf("%-12s %-10s %-6s %-6s %10s %6s %6s  %s\n", "VM", "STATE", "MANAGE", "CPUS",
	       "UPTIME", "RESETS", "FAULTS", "LAST FAULT");
	for (i = 0; i < c->nr_vms; i++) {
		ctl_read_row(c, i, &r);
		if (r.state != BH_CTL_STATE_NONE)
			ctl_print_row(&r);
	}
	return 0;
}

/* The index of the VM named @name, or -1. */
static int ctl_find(const struct ctl *c, const char *name)
{
	char buf[BH_CTL_NAME_MAX];
	unsigned int i;

	for (i = 0; i < c->nr_vms; i++) {
		ctl_rdstr(c, ctl_slot(i, offsetof(struct bh_ctl_vm, name)), buf, sizeof(buf));
		if (buf[0] && !strcmp(buf, name))
			return (int)i;
	}
	return -1;
}

static void ctl_vm_name(const struct ctl *c, unsigned int vm, char *buf, size_t len)
{
	char name[BH_CTL_NAME_MAX];

	ctl_rdstr(c, ctl_slot(vm, offsetof(struct bh_ctl_vm, name)), name, sizeof(name));
	snprintf(buf, len, "%s", name);
}

/* What a refused command means, in words (bh_ctl_header.result's errno). */
static void ctl_explain(const struct ctl *c, const char *op, const char *target, unsigned int vm,
			unsigned int err)
{
	char self[BH_CTL_NAME_MAX];

	ctl_vm_name(c, c->self, self, sizeof(self));
	switch (err) {
	case EPERM:
		if (vm == c->self)
			fprintf(stderr, "bulkhead-ctl: %s %s: refused: a VM cannot manage itself\n",
				op, target);
		else if (!c->manages)
			fprintf(stderr,
				"bulkhead-ctl: %s %s: refused: this VM (%s) may not manage any VM "
				"(its config has no ctl.manages)\n",
				op, target, self);
		else
			fprintf(stderr,
				"bulkhead-ctl: %s %s: refused: this VM (%s) may not manage %s (not "
				"in its ctl.manages)\n",
				op, target, self, target);
		break;
	case EALREADY:
		fprintf(stderr, "bulkhead-ctl: %s %s: %s\n", op, target,
			!strcmp(op, "stop") ? "it is not running" : "it is already running");
		break;
	case EBUSY:
		fprintf(stderr,
			"bulkhead-ctl: %s %s: it is being reset; try again once `bulkhead-ctl "
			"list` shows it running\n",
			op, target);
		break;
	case ENODEV:
		fprintf(stderr, "bulkhead-ctl: %s %s: it could not be set up at boot (broken)\n",
			op, target);
		break;
	default:
		fprintf(stderr, "bulkhead-ctl: %s %s: the hypervisor rejected the command: %s\n",
			op, target, strerror((int)err));
		break;
	}
}

static int ctl_command(const struct ctl *c, unsigned int op, const char *opname, const char *target)
{
	uint32_t tag = (uint32_t)getpid() % 0xffffu + 1, res;
	int vm = ctl_find(c, target);

	if (vm < 0) {
		fprintf(stderr, "bulkhead-ctl: no VM named '%s' (`bulkhead-ctl list` shows them)\n",
			target);
		return CTL_EXIT_REFUSED;
	}
	ctl_wr32(c, offsetof(struct bh_ctl_header, cmd), BH_CTL_CMD(op, vm, tag));
	res = ctl_rd32(c, offsetof(struct bh_ctl_header, result));
	if (BH_CTL_RESULT_TAG(res) != tag) {
		fprintf(stderr,
			"bulkhead-ctl: %s %s: another bulkhead-ctl in this VM answered in between; "
			"the outcome is unknown (`bulkhead-ctl list` shows it)\n",
			opname, target);
		return CTL_EXIT_REFUSED;
	}
	if (BH_CTL_RESULT_ERR(res)) {
		ctl_explain(c, opname, target, (unsigned int)vm, BH_CTL_RESULT_ERR(res));
		return CTL_EXIT_REFUSED;
	}
	if (op == BH_CTL_OP_STOP)
		printf("%s: stopped\n", target);
	else
		printf("%s: %s (`bulkhead-ctl list` shows it running again)\n", target,
		       op == BH_CTL_OP_START ? "starting" : "restarting");
	return 0;
}

static void ctl_usage(FILE *f)
{
	fprintf(f, "usage: bulkhead-ctl list\n"
		   "       bulkhead-ctl restart|stop|start VM\n"
		   "       bulkhead-ctl --help\n"
		   "\n"
		   "Lists the VMs of this Bulkhead system, and stops, starts or restarts\n"
		   "those this VM may manage (its configuration's ctl.manages).\n"
		   "\n"
		   "  list           every VM: name, state, whether this VM may manage it\n"
		   "                 (self/yes/no), its CPUs, uptime, resets, faults and the\n"
		   "                 reason of its last fault; a VM that manages none sees\n"
		   "                 only its own details\n"
		   "  restart VM     reset VM as by its own reboot (a stopped VM starts)\n"
		   "  stop VM        stop VM, as after a fault\n"
		   "  start VM       start a stopped or powered-off VM afresh\n"
		   "\n"
		   "Exit status: 0 done, 1 refused or failed, 2 usage.  docs/running.md,\n"
		   "\"Managing VMs\".\n");
}

static int ctl_op(const char *s)
{
	if (!strcmp(s, "restart"))
		return BH_CTL_OP_RESTART;
	if (!strcmp(s, "stop"))
		return BH_CTL_OP_STOP;
	if (!strcmp(s, "start"))
		return BH_CTL_OP_START;
	return -1;
}

int main(int argc, char **argv)
{
	struct ctl c = { 0 };
	int op = -1, ret;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		ctl_usage(stdout);
		return 0;
	}
	if (argc == 3)
		op = ctl_op(argv[1]);
	if (!(argc == 2 && !strcmp(argv[1], "list")) && op < 0) {
		if (argc > 1)
			fprintf(stderr, "bulkhead-ctl: %s: unknown command or wrong arguments\n",
				argv[1]);
		ctl_usage(stderr);
		return CTL_EXIT_USAGE;
	}
	if (ctl_open(&c))
		return CTL_EXIT_REFUSED;
	if (op < 0)
		ret = ctl_list(&c);
	else
		ret = ctl_command(&c, (unsigned int)op, argv[1], argv[2]);
	uio_dev_close(&c.u);
	return ret;
}
