// SPDX-License-Identifier: MIT
/* A small vsnprintf for the hypervisor log (no floating point). */
#include <stdarg.h>
#include "hyp.h"
#include "log.h"

struct outbuf {
	char *buf;
	size_t size;
	size_t len;
};

static void out_char(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_pad(struct outbuf *o, char c, int n)
{
	while (n-- > 0)
		out_char(o, c);
}

static void out_str(struct outbuf *o, const char *s, int width, bool left)
{
	int n = 0;

	if (!s)
		s = "(null)";
	while (s[n])
		n++;
	if (!left)
		out_pad(o, ' ', width - n);
	while (*s)
		out_char(o, *s++);
	if (left)
		out_pad(o, ' ', width - n);
}

static void out_num(struct outbuf *o, uint64_t v, unsigned int base, bool neg, bool upper,
		    int width, char pad, bool left)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (neg)
		width--;
	if (neg && pad == '0')
		out_char(o, '-');
	if (!left)
		out_pad(o, pad, width - n);
	if (neg && pad != '0')
		out_char(o, '-');
	while (n)
		out_char(o, tmp[--n]);
	if (left)
		out_pad(o, ' ', width - (int)n);
}

static uint64_t arg_unsigned(va_list *ap, int lng)
{
	if (lng >= 2)
		return va_arg(*ap, unsigned long long);
	if (lng == 1)
		return va_arg(*ap, unsigned long);
	return va_arg(*ap, unsigned int);
}

static int64_t arg_signed(va_list *ap, int lng)
{
	if (lng >= 2)
		return va_arg(*ap, long long);
	if (lng == 1)
		return va_arg(*ap, long);
	return va_arg(*ap, int);
}

int hyp_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
	struct outbuf o = { .buf = buf, .size = size, .len = 0 };
	va_list ap;

	va_copy(ap, ap_in);
	for (; *fmt; fmt++) {
		char pad = ' ';
		bool left = false;
		int width = 0, lng = 0;
		int64_t sv;

		if (*fmt != '%') {
			out_char(&o, *fmt);
			continue;
		}
		fmt++;
		for (; *fmt == '0' || *fmt == '-'; fmt++) {
			if (*fmt == '0')
				pad = '0';
			else
				left = true;
		}
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			width = width * 10 + (*fmt - '0');
		for (; *fmt == 'l' || *fmt == 'z'; fmt++)
			lng += *fmt == 'z' ? 2 : 1;
		switch (*fmt) {
		case 'd':
		case 'i':
			sv = arg_signed(&ap, lng);
			out_num(&o, sv < 0 ? 0 - (uint64_t)sv : (uint64_t)sv, 10, sv < 0, false,
				width, pad, left);
			break;
		case 'u':
			out_num(&o, arg_unsigned(&ap, lng), 10, false, false, width, pad, left);
			break;
		case 'x':
		case 'X':
			out_num(&o, arg_unsigned(&ap, lng), 16, false, *fmt == 'X', width, pad,
				left);
			break;
		case 'p':
			out_str(&o, "0x", 0, false);
			out_num(&o, (uintptr_t)va_arg(ap, void *), 16, false, false, width, pad,
				left);
			break;
		case 's':
			out_str(&o, va_arg(ap, const char *), width, left);
			break;
		case 'c':
			out_char(&o, (char)va_arg(ap, int));
			break;
		case '%':
			out_char(&o, '%');
			break;
		case '\0':
			fmt--;
			break;
		default:
			out_char(&o, '%');
			out_char(&o, *fmt);
			break;
		}
	}
	va_end(ap);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int hyp_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = hyp_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
