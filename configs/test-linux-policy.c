// SPDX-License-Identifier: MIT
/*
 * The reference system (configs/reference.c) with frontend1's faults
 * handed to it as the abort the hardware would raise (BH_ACTION_INJECT):
 * its Linux kills the one process that touched a hole (SIGBUS) and goes
 * on.  Both frontends keep their watchdog, which restarts a hung one
 * (tests/system/test_linux_policy.py).
 */
#include "configs/reference-layout.h"

const struct bh_config bh_config = {
	.magic = BH_CONFIG_MAGIC,
	.name = "test-linux-policy",
	.vms = {
		{ REF_BACKEND },
		{
			REF_FRONTEND(1, FRONTEND1_PA, "bulkhead.sshd=eth0:10.0.2.16"),
			REF_FE_WATCHDOG,
			REF_FE_POLICY(BH_ACTION_INJECT),
		},
		{
			REF_FRONTEND(2, FRONTEND2_PA, "bulkhead.sshd=eth0:10.0.2.17"),
			REF_FE_WATCHDOG,
			REF_FE_POLICY(BH_ACTION_STOP),
		},
	},
	.shmem = { REF_SHMEM },
	.virtio = { REF_CONSOLE(1), REF_CONSOLE(2), REF_NET(1), REF_NET(2) },
};
