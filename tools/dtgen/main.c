// SPDX-License-Identifier: MIT
/*
 * dtgen CLI, built once per config (the config .c is linked in):
 *
 *   dtgen --out DIR --dts     --image VM:KIND=PATH ...
 *         writes DIR/VM.dts for every VM that boots with a DTB, and DIR/vms
 *         listing those VMs
 *   dtgen --out DIR --loaders --image VM:KIND=PATH ...
 *         (after dtc made DIR/VM.dtb) writes DIR/loaders: "ADDR PATH" per
 *         QEMU "-device loader,file=PATH,addr=ADDR,force-raw=on", and
 *         DIR/smp: the number of CPUs QEMU must give the machine, and
 *         DIR/virtio-mmio: the QEMU virtio devices passed through ("VM NAME
 *         ADDR INTID" each, empty if none), DIR/nics: the same of the
 *         board's own NICs (Cadence GEMs: QEMU's -nic)
 *
 * Errors: "CONFIG: error: MESSAGE" on stderr, exit 1, no output file left.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "dtgen.h"

#ifndef DTGEN_CONFIG_NAME
#define DTGEN_CONFIG_NAME "config"
#endif

#define MAX_SPECS (BH_MAX_VMS * BH_MAX_IMAGES * 2)

static void report(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "%s: error: %s\n", DTGEN_CONFIG_NAME, msg);
}

static void usage(void)
{
	fprintf(stderr, "usage: dtgen --out DIR (--dts | --loaders) [--image VM:KIND=PATH]...\n"
			"  KIND: kernel, initrd, dtb, raw; VM may be '*' (every VM)\n");
}

static int bind_spec(struct dtgen *g, const char *spec)
{
	const char *eq = strchr(spec, '=');
	struct stat st;

	if (!eq || stat(eq + 1, &st)) {
		fprintf(stderr, "%s: error: --image %s: cannot stat the file\n", DTGEN_CONFIG_NAME,
			spec);
		return -1;
	}
	return dtgen_bind(g, spec, (uint64_t)st.st_size) < 0 ? -1 : 0;
}

/* Write to PATH.tmp, rename on success: make never sees half a file. */
static FILE *out_open(const char *dir, const char *name, char *path, size_t n, char *tmp)
{
	if (snprintf(path, n, "%s/%s", dir, name) >= (int)n ||
	    snprintf(tmp, n, "%s.tmp", path) >= (int)n) {
		fprintf(stderr, "%s/%s: path too long\n", dir, name);
		return NULL;
	}
	return fopen(tmp, "w");
}

static int out_close(FILE *f, const char *path, const char *tmp, int ok)
{
	if (fclose(f) || !ok || rename(tmp, path)) {
		remove(tmp);
		return -1;
	}
	return 0;
}

/*
 * DIR/VM.dts for every VM with a DTB, then DIR/vms naming them, one per
 * line, for the build to run dtc on (nothing is deleted: a test reading
 * the directory while another build runs never sees it half empty).
 */
static int write_dts_all(struct dtgen *g, const char *dir)
{
	char path[DTGEN_PATH_MAX + 64], tmp[DTGEN_PATH_MAX + 64], name[80];
	FILE *list = out_open(dir, "vms", path, sizeof(path), tmp);
	char list_path[sizeof(path)], list_tmp[sizeof(tmp)];
	unsigned int v;
	int ret = 0;

	if (!list) {
		perror(tmp);
		return -1;
	}
	memcpy(list_path, path, sizeof(path));
	memcpy(list_tmp, tmp, sizeof(tmp));
	for (v = 0; v < BH_MAX_VMS && g->cfg->vms[v].name; v++) {
		FILE *f;

		if (!dtgen_vm_has_dt(g->cfg, v))
			continue;
		snprintf(name, sizeof(name), "%s.dts", g->cfg->vms[v].name);
		f = out_open(dir, name, path, sizeof(path), tmp);
		if (!f) {
			perror(tmp);
			ret = -1;
			break;
		}
		if (out_close(f, path, tmp, !dtgen_write_dts(g, v, f)))
			ret = -1;
		fprintf(list, "%s\n", g->cfg->vms[v].name);
	}
	if (out_close(list, list_path, list_tmp, !ret))
		ret = -1;
	return ret;
}

static int bind_dtbs(struct dtgen *g, const char *dir)
{
	char spec[DTGEN_PATH_MAX + 96];
	unsigned int v;

	for (v = 0; v < BH_MAX_VMS && g->cfg->vms[v].name; v++) {
		if (!dtgen_vm_has_dt(g->cfg, v))
			continue;
		snprintf(spec, sizeof(spec), "%s:dtb=%s/%s.dtb", g->cfg->vms[v].name, dir,
			 g->cfg->vms[v].name);
		if (bind_spec(g, spec))
			return -1;
	}
	return 0;
}

/* DIR/smp: the CPU count QEMU needs (-smp), also derived from the config */
static int write_smp(struct dtgen *g, const char *dir)
{
	char path[DTGEN_PATH_MAX + 64], tmp[DTGEN_PATH_MAX + 64];
	FILE *f = out_open(dir, "smp", path, sizeof(path), tmp);

	if (!f) {
		perror(tmp);
		return -1;
	}
	fprintf(f, "%u\n", dtgen_nr_pcpus(g->cfg));
	return out_close(f, path, tmp, 1);
}

/*
 * DIR/@name: where QEMU's devices of @kind must be (scripts/qemu-devices.sh):
 * "virtio-mmio" its own virtio devices, "nics" the board's NICs
 */
static int write_passthrough(struct dtgen *g, const char *dir, const char *name, uint32_t kind)
{
	char path[DTGEN_PATH_MAX + 64], tmp[DTGEN_PATH_MAX + 64];
	FILE *f = out_open(dir, name, path, sizeof(path), tmp);

	if (!f) {
		perror(tmp);
		return -1;
	}
	dtgen_write_passthrough(g, f, kind);
	return out_close(f, path, tmp, 1);
}

static int write_loaders(struct dtgen *g, const char *dir)
{
	char path[DTGEN_PATH_MAX + 64], tmp[DTGEN_PATH_MAX + 64];
	FILE *f;

	if (write_smp(g, dir) || write_passthrough(g, dir, "virtio-mmio", BH_DEV_VIRTIO_MMIO) ||
	    write_passthrough(g, dir, "nics", BH_DEV_CDNS_GEM))
		return -1;
	f = out_open(dir, "loaders", path, sizeof(path), tmp);
	if (!f) {
		perror(tmp);
		return -1;
	}
	return out_close(f, path, tmp, dtgen_write_loaders(g, f) >= 0);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "image", required_argument, NULL, 'i' },
		{ "dts", no_argument, NULL, 'd' },
		{ "loaders", no_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	static struct dtgen g;
	const char *specs[MAX_SPECS];
	const char *dir = NULL;
	int nspecs = 0, mode = 0, c, i, bad = 0;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			dir = optarg;
			break;
		case 'i':
			if (nspecs == MAX_SPECS) {
				usage();
				return 2;
			}
			specs[nspecs++] = optarg;
			break;
		case 'd':
		case 'l':
			mode = c;
			break;
		default:
			usage();
			return 2;
		}
	}
	if (!dir || !mode || optind != argc) {
		usage();
		return 2;
	}
	if (dtgen_init(&g, &bh_config, report, NULL))
		return 1;
	for (i = 0; i < nspecs; i++)
		bad |= bind_spec(&g, specs[i]);
	if (!bad && mode == 'l')
		bad |= bind_dtbs(&g, dir);
	if (bad || dtgen_check_files(&g, mode == 'l'))
		return 1;
	if (mode == 'd')
		return write_dts_all(&g, dir) ? 1 : 0;
	return write_loaders(&g, dir) ? 1 : 0;
}
