// SPDX-License-Identifier: MIT
/*
 * accessmatrix CLI, built once per config (the config .c is linked in):
 *
 *   accessmatrix --out FILE
 *         writes FILE: one line per address a VM must not reach
 *           try VM KIND 0xADDRESS WHAT              an access that must stop VM
 *           own VM KIND 0xADDRESS WHAT [WINDOW]     reached through VM's own WINDOW
 *         (docs/isolation.md)
 *
 * The config must pass cfgcheck first.  Errors: "CONFIG: error: MESSAGE"
 * on stderr, exit 1, no output file left.
 */
#include <getopt.h>
#include <stdio.h>
#include "check.h"
#include "matrix.h"

#ifndef AM_CONFIG_NAME
#define AM_CONFIG_NAME "config"
#endif

static void report(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "%s: error: %s\n", AM_CONFIG_NAME, msg);
}

static int write_vm(FILE *f, unsigned int vm, unsigned int *tries, unsigned int *owns)
{
	static struct am_list list;
	const char *name = bh_config.vms[vm].name;
	unsigned int i;

	if (am_build(&bh_config, vm, &list)) {
		fprintf(stderr, "%s: error: vm \"%s\": more than %d probes\n", AM_CONFIG_NAME, name,
			AM_MAX_PROBES);
		return -1;
	}
	for (i = 0; i < list.n; i++) {
		const struct am_probe *p = &list.p[i];

		if (p->own[0]) {
			fprintf(f, "own %s %s 0x%010llx %s%s%s [%s]\n", name, p->kind,
				(unsigned long long)p->addr, p->what, p->also[0] ? "; " : "",
				p->also, p->own);
			(*owns)++;
		} else {
			fprintf(f, "try %s %s 0x%010llx %s%s%s\n", name, p->kind,
				(unsigned long long)p->addr, p->what, p->also[0] ? "; " : "",
				p->also);
			(*tries)++;
		}
	}
	return 0;
}

static int write_matrix(const char *path)
{
	unsigned int vm, tries = 0, owns = 0;
	char tmp[4096];
	FILE *f;
	int ret = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -1;
	f = fopen(tmp, "w");
	if (!f) {
		perror(tmp);
		return -1;
	}
	fprintf(f,
		"# accessmatrix: %s (docs/isolation.md)\n"
		"# try VM KIND ADDRESS WHAT: an access that must stop VM\n"
		"# own VM KIND ADDRESS WHAT [WINDOW]: reaches VM's own WINDOW, not WHAT\n",
		AM_CONFIG_NAME);
	for (vm = 0; !ret && vm < cfg_nr_vms(&bh_config); vm++)
		ret = write_vm(f, vm, &tries, &owns);
	fprintf(f, "# %u attempts over %u VMs, %u addresses inside the VM's own windows\n", tries,
		cfg_nr_vms(&bh_config), owns);
	/* make never sees half a file: write, then rename */
	if (fclose(f) || ret || rename(tmp, path)) {
		remove(tmp);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'o') {
			fprintf(stderr, "usage: accessmatrix --out FILE\n");
			return 2;
		}
		out = optarg;
	}
	if (!out || optind != argc) {
		fprintf(stderr, "usage: accessmatrix --out FILE\n");
		return 2;
	}
	if (cfg_check(&bh_config, report, NULL))
		return 1;
	return write_matrix(out) ? 1 : 0;
}
