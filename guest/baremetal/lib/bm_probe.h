/* SPDX-License-Identifier: MIT */
/*
 * The probe guest's attempt (guest/baremetal/probe/, docs/isolation.md),
 * shared with configs/test-matrix.c.  The test writes one struct
 * probe_attempt per probing VM into a file that QEMU loads outside every
 * VM; the config lists it as that VM's BH_IMAGE_RAW, so the hypervisor
 * copies it to PROBE_ATTEMPT_IPA at boot.  A zero magic means "no
 * attempt": the guest only answers (the canary).  Plain #defines and one
 * struct: included by the guest and by the host tools alike.
 */
#ifndef BM_PROBE_H
#define BM_PROBE_H

#include <stdint.h>

/* The probe is linked here (BM_LINK_ADDR_probe in guest/baremetal/build.mk
 * says the same), clear of QEMU's RAM and the hypervisor's PAs, so that an
 * IPA equal to any of them is not its own memory and can be probed. */
#define PROBE_LINK_IPA 0x80000000ull
/* Right after the bytes reserved for the image (TEST_BM_IMAGE_SIZE). */
#define PROBE_ATTEMPT_IPA (PROBE_LINK_IPA + 0x100000ull)

#define PROBE_MAGIC 0x45424f52u /* "ROBE" */
#define PROBE_READ  1u		/* a 32-bit load */
#define PROBE_WRITE 2u		/* a 32-bit store of PROBE_VALUE */
#define PROBE_VALUE 0x0badc0deu

/**
 * struct probe_attempt - one access the VM must not be able to make
 * @magic: PROBE_MAGIC, else there is no attempt
 * @mode:  PROBE_READ or PROBE_WRITE
 * @addr:  the IPA, 4-byte aligned
 */
struct probe_attempt {
	uint32_t magic;
	uint32_t mode;
	uint64_t addr;
};

/* tests/system/test_isolation_matrix.py packs it as "<IIQ" */
_Static_assert(sizeof(struct probe_attempt) == 16, "probe_attempt layout");
_Static_assert(__builtin_offsetof(struct probe_attempt, addr) == 8, "probe_attempt layout");

#endif /* BM_PROBE_H */
