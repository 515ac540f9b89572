// SPDX-License-Identifier: MIT
/*
 * hello: prints "vm<P> tick <n> at <us>" every 50 ms, 20 times (us: the
 * counter every VM shares, CNTVOFF_EL2 = 0), then powers its VM
 * off (P = the test parameter of the boot argument, see bmarg.h).  A
 * parameter with bit 11 set makes it print forever.
 */
#include "bm.h"

#define HELLO_TICKS	20
#define HELLO_PERIOD_US 50000
#define HELLO_FOREVER	0x800

int main(uint64_t arg)
{
	unsigned int id = BM_ARG_PARAM(arg) & 0xff;
	bool forever = BM_ARG_PARAM(arg) & HELLO_FOREVER;
	unsigned int n;

	bm_printf("vm%u hello, el%llu, x0=0x%llx, entered at %llu us\n", id,
		  (unsigned long long)(bm_read_sysreg(CurrentEL) >> 2), (unsigned long long)arg,
		  (unsigned long long)(bm_entry_count * 1000000 / bm_counter_freq()));
	for (n = 0; forever || n < HELLO_TICKS; n++) {
		bm_printf("vm%u tick %u at %llu us\n", id, n,
			  (unsigned long long)(bm_counter() * 1000000 / bm_counter_freq()));
		bm_delay_us(HELLO_PERIOD_US);
	}
	bm_printf("vm%u done\n", id);
	return 0;
}
