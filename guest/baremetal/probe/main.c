// SPDX-License-Identifier: MIT
/*
 * probe: makes the one access of the cross-VM access matrix that the test
 * put at PROBE_ATTEMPT_IPA (lib/bm_probe.h, docs/isolation.md); the
 * hypervisor must stop the VM on it.
 *
 * Without a UART it makes the access at once.  With one (the test
 * parameter is that UART's INTID) it speaks only when spoken to, so that
 * its lines never interleave with the hypervisor's on a shared UART0, and
 * answers every byte received, sleeping in WFI in between:
 *
 *   '?'  "probe alive <n>: read 0x<addr>"  n counts the answers; the attempt
 *        is "read" or "write 0x<addr>", or "no attempt" (a canary)
 *   '!'  "probe: read 0x<addr>", then the access; the VM must be stopped,
 *        so "probe: LEAK ..." never appears
 *   'q'  PSCI SYSTEM_OFF of this VM
 */
#include "bm.h"
#include "bm_gic.h"
#include "bm_probe.h"

#define RX_MAX 16

static const char *mode_name(uint32_t mode)
{
	return mode == PROBE_WRITE ? "write" : "read";
}

static bool attempt_valid(const volatile struct probe_attempt *a)
{
	return a->magic == PROBE_MAGIC && (a->mode == PROBE_READ || a->mode == PROBE_WRITE) &&
	       !(a->addr & 3);
}

/* Only returns if the hypervisor let the access through. */
static void attempt(const volatile struct probe_attempt *a)
{
	uint64_t addr = a->addr;

	bm_printf("probe: %s 0x%llx\n", mode_name(a->mode), (unsigned long long)addr);
	if (a->mode == PROBE_WRITE) {
		wr32(addr, PROBE_VALUE);
		bm_printf("probe: LEAK write 0x%llx went through\n", (unsigned long long)addr);
	} else {
		bm_printf("probe: LEAK read 0x%llx = 0x%x\n", (unsigned long long)addr, rd32(addr));
	}
}

/* Bytes from the console; returns when asked to quit. */
static void serve(uint32_t intid, const volatile struct probe_attempt *a, bool valid)
{
	unsigned int answers = 0;

	for (;;) {
		uint32_t iar = gic_wait();
		uint8_t buf[RX_MAX];
		unsigned int n, i;

		n = BM_GIC_INTID(iar) == intid ? bm_uart_rx(buf, RX_MAX) : 0;
		gic_eoi(iar);
		for (i = 0; i < n; i++) {
			if (buf[i] == '?' && valid)
				bm_printf("probe alive %u: %s 0x%llx\n", answers++,
					  mode_name(a->mode), (unsigned long long)a->addr);
			else if (buf[i] == '?')
				bm_printf("probe alive %u: no attempt\n", answers++);
			else if (buf[i] == '!' && valid)
				attempt(a);
			else if (buf[i] == 'q')
				return;
		}
	}
}

int main(uint64_t arg)
{
	const volatile struct probe_attempt *a =
		(const volatile struct probe_attempt *)PROBE_ATTEMPT_IPA;
	uint32_t intid = (uint32_t)BM_ARG_PARAM(arg);
	bool valid = attempt_valid(a);

	if (BM_ARG_KIND(arg) == BM_UART_NONE) {
		if (valid)
			attempt(a);
		return 0;
	}
	if (gic_init_dist() || gic_init_cpu()) {
		bm_printf("probe: FAIL gic init\n");
		return 1;
	}
	/* a byte that came before this raises the (level) interrupt at once */
	gic_enable_irq(intid);
	bm_uart_rx_irq_enable();
	serve(intid, a, valid);
	return 0;
}
