// SPDX-License-Identifier: MIT
/*
 * platinfo - the board of this build (struct bh_platform, platform/NAME/)
 * as KEY=VALUE lines, for scripts/run.sh, scripts/qemu-devices.sh and the
 * test harness (tests/lib/harness.py platform()): BUILD/platform.env.
 * The keys are documented in docs/platforms.md.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bulkhead/config.h>
#include <bulkhead/platform.h>

/* --set KEY=VALUE: what make knows of starting QEMU for the board (platform.mk) */
#define MAX_SETS 16

static const char *sets[MAX_SETS];
static unsigned int nr_sets;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: platinfo --machine QEMU_MACHINE [--set KEY=VALUE]... [--out FILE]\n"
		"Writes the board this build is for (platform/%s) as KEY=VALUE lines, then\n"
		"each --set line: to FILE (replaced by a rename) or standard output.\n",
		bh_platform.name);
}

static void put_x(FILE *f, const char *key, unsigned long long v)
{
	fprintf(f, "%s=0x%llx\n", key, v);
}

static void put_u(FILE *f, const char *key, unsigned long long v)
{
	fprintf(f, "%s=%llu\n", key, v);
}

static void put_uarts(FILE *f)
{
	char key[64];
	unsigned int i;

	for (i = 0; i < BH_PLAT_MAX_UARTS && bh_platform.uart[i].name; i++) {
		const struct bh_plat_uart *u = &bh_platform.uart[i];

		snprintf(key, sizeof(key), "UART%u_NAME", i);
		fprintf(f, "%s=%s\n", key, u->name);
		snprintf(key, sizeof(key), "UART%u_KIND", i);
		fprintf(f, "%s=%s\n", key, bh_dev_kind_name(u->kind));
		snprintf(key, sizeof(key), "UART%u_BASE", i);
		put_x(f, key, u->base);
		snprintf(key, sizeof(key), "UART%u_INTID", i);
		put_u(f, key, u->intid);
	}
}

/* the board's other devices (bh_platform.mmio): what scripts find by address */
static void put_devices(FILE *f)
{
	char key[64];
	unsigned int i;

	for (i = 0; i < BH_PLAT_MAX_MMIO && bh_platform.mmio[i].size; i++) {
		const struct bh_plat_range *m = &bh_platform.mmio[i];

		snprintf(key, sizeof(key), "DEV%u_NAME", i);
		fprintf(f, "%s=%s\n", key, m->what);
		snprintf(key, sizeof(key), "DEV%u_BASE", i);
		put_x(f, key, m->base);
		snprintf(key, sizeof(key), "DEV%u_SIZE", i);
		put_x(f, key, m->size);
	}
}

static void put_platform(FILE *f, const char *machine)
{
	const struct bh_platform *p = &bh_platform;
	unsigned int i;

	fprintf(f, "PLATFORM=%s\n", p->name);
	fprintf(f, "QEMU_MACHINE=%s\n", machine);
	put_u(f, "CPUS", p->cpus);
	put_u(f, "GIC_VERSION", p->gic.version);
	put_x(f, "GICD_BASE", p->gic.gicd);
	put_u(f, "GIC_MAINT_INTID", p->gic.maint_intid);
	put_x(f, "RAM_BASE", p->ram[0].base);
	put_x(f, "RAM_MIN_SIZE", p->ram_min);
	put_x(f, "HYP_LOAD", p->hyp_load);
	put_x(f, "FIRMWARE_DTB", p->firmware_dtb.base);
	put_uarts(f);
	put_u(f, "VIRTIO_MMIO_COUNT", p->virtio_mmio.count);
	put_x(f, "VIRTIO_MMIO_BASE", p->virtio_mmio.base);
	put_x(f, "VIRTIO_MMIO_STRIDE", p->virtio_mmio.stride);
	put_u(f, "VIRTIO_MMIO_FIRST_INTID", p->virtio_mmio.first_intid);
	put_u(f, "PCI", p->pci.ecam_size != 0);
	put_u(f, "UNMAPPED_ABORTS", p->unmapped_aborts);
	put_devices(f);
	for (i = 0; i < nr_sets; i++)
		fprintf(f, "%s\n", sets[i]);
}

/* KEY=VALUE with KEY of A-Z, 0-9 and _, VALUE on one line */
static int set_add(const char *kv)
{
	size_t key = strspn(kv, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

	if (!key || kv[key] != '=' || strchr(kv, '\n')) {
		fprintf(stderr, "platinfo: --set %s: not KEY=VALUE\n", kv);
		return -1;
	}
	if (nr_sets == MAX_SETS) {
		fprintf(stderr, "platinfo: more than %d --set\n", MAX_SETS);
		return -1;
	}
	sets[nr_sets++] = kv;
	return 0;
}

static int write_file(const char *path, const char *machine)
{
	char tmp[4096];
	FILE *f;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		fprintf(stderr, "platinfo: %s: path too long\n", path);
		return 1;
	}
	f = fopen(tmp, "w");
	if (!f) {
		fprintf(stderr, "platinfo: %s: %s\n", tmp, strerror(errno));
		return 1;
	}
	put_platform(f, machine);
	if (fclose(f) || rename(tmp, path)) {
		fprintf(stderr, "platinfo: %s: %s\n", path, strerror(errno));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = { { "machine", required_argument, NULL, 'm' },
					      { "out", required_argument, NULL, 'o' },
					      { "set", required_argument, NULL, 's' },
					      { "help", no_argument, NULL, 'h' },
					      { NULL, 0, NULL, 0 } };
	const char *machine = NULL, *out = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "m:o:s:h", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			machine = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 's':
			if (set_add(optarg))
				return 2;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!machine || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (out)
		return write_file(out, machine);
	put_platform(stdout, machine);
	return 0;
}
