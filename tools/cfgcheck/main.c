// SPDX-License-Identifier: MIT
/*
 * cfgcheck: built once per config (the config .c is linked in), run by the
 * hypervisor build.  Prints "CONFIG: error: MESSAGE" per problem and exits
 * 1 if there is any.
 */
#include <stdio.h>
#include "check.h"

#ifndef CFGCHECK_NAME
#define CFGCHECK_NAME "config"
#endif

static void report(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "%s: error: %s\n", CFGCHECK_NAME, msg);
}

int main(void)
{
	int errors = cfg_check(&bh_config, report, NULL);

	if (errors) {
		fprintf(stderr, "%s: %d error%s\n", CFGCHECK_NAME, errors, errors == 1 ? "" : "s");
		return 1;
	}
	return 0;
}
