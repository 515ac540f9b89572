// SPDX-License-Identifier: MIT
/*
 * Hypervisor log on the platform console.  Each message is formatted into
 * a stack buffer first and written under a lock, so lines from different
 * CPUs never interleave.
 */
#include <stdarg.h>
#include "hyp.h"
#include "log.h"
#include "platform.h"
#include "spinlock.h"

#define LOG_LINE_MAX 256

static spinlock_t log_lock;

static void log_write(const char *s)
{
	spin_lock(&log_lock);
	for (; *s; s++) {
		if (*s == '\n')
			plat_console_putc('\r');
		plat_console_putc(*s);
	}
	spin_unlock(&log_lock);
}

static void log_vprint(const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];

	hyp_vsnprintf(line, sizeof(line), fmt, ap);
	log_write(line);
}

void hyp_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprint(fmt, ap);
	va_end(ap);
}

void hyp_log_ratelimited(uint32_t *budget, const char *fmt, ...)
{
	va_list ap;

	if (!*budget)
		return;
	(*budget)--;
	va_start(ap, fmt);
	log_vprint(fmt, ap);
	va_end(ap);
}

void hyp_panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_write("bulkhead: PANIC: ");
	log_vprint(fmt, ap);
	va_end(ap);
	for (;;)
		__asm__ volatile("msr daifset, #0xf\n\twfi" : : : "memory");
}
