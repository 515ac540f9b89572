/* SPDX-License-Identifier: MIT */
#ifndef HYP_LOG_H
#define HYP_LOG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/**
 * hyp_vsnprintf() - format into a buffer (subset: %d %i %u %x %X %p %s %c %%,
 * flags '0' and '-', width, length modifiers l, ll, z)
 * Return: the length the full output would have (like C99 vsnprintf).
 */
int hyp_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int hyp_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * hyp_log() - print one message on the hypervisor console (UART0)
 *
 * Serialised across CPUs so lines never interleave.
 */
void hyp_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * hyp_log_ratelimited() - hyp_log() unless @budget of messages is spent
 * @budget: per-object counter (e.g. in struct vm), decremented per message
 *
 * Guests can trigger errors at will; a per-object budget keeps them from
 * flooding the shared console.
 */
void hyp_log_ratelimited(uint32_t *budget, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void hyp_panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#endif /* HYP_LOG_H */
