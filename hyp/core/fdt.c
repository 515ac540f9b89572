// SPDX-License-Identifier: MIT
/* Minimal FDT reader; see fdt.h. */
#include "fdt.h"
#include "hyp.h"

struct fdt_blob {
	const uint8_t *base;
	uint32_t struct_off, struct_size;
	uint32_t strings_off, strings_size;
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool str_eq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* Does node name @n equal @want or start with "@want@"? */
static bool node_is(const char *n, const char *want)
{
	while (*want && *n == *want) {
		n++;
		want++;
	}
	return !*want && (!*n || *n == '@');
}

/* NUL-terminated string at @off inside [0, @len), or NULL. */
static const char *fdt_string(const uint8_t *p, uint32_t off, uint32_t len)
{
	uint32_t i;

	for (i = off; i < len; i++)
		if (!p[i])
			return (const char *)p + off;
	return NULL;
}

static int fdt_header(struct fdt_blob *b, const void *fdt, size_t limit)
{
	const uint8_t *p = fdt;
	uint32_t total;

	if (limit < FDT_HEADER_SIZE || be32(p) != FDT_MAGIC)
		return -EINVAL;
	total = be32(p + 4);
	b->base = p;
	b->struct_off = be32(p + 8);
	b->strings_off = be32(p + 12);
	b->strings_size = be32(p + 32);
	b->struct_size = be32(p + 36);
	if (total > limit || total > FDT_MAX_SIZE || b->struct_off > total ||
	    b->struct_size > total - b->struct_off || b->strings_off > total ||
	    b->strings_size > total - b->strings_off)
		return -EINVAL;
	return 0;
}

static uint64_t cells_value(const uint8_t *p, uint32_t cells)
{
	return cells == 2 ? (uint64_t)be32(p) << 32 | be32(p + 4) : be32(p);
}

static int fdt_reg_ranges(const uint8_t *v, uint32_t len, uint32_t ac, uint32_t sc,
			  struct fdt_range *out, int n, int max)
{
	uint32_t entry = 4 * (ac + sc);

	for (; len >= entry && n < max; v += entry, len -= entry) {
		out[n].base = cells_value(v, ac);
		out[n].size = cells_value(v + 4 * ac, sc);
		n++;
	}
	return n;
}

int fdt_memory_ranges(const void *fdt, size_t limit, struct fdt_range *out, int max)
{
	struct fdt_blob b;
	const uint8_t *s;
	uint32_t pos = 0, ac = 2, sc = 1;
	int depth = 0, n = 0;
	bool in_memory = false;

	if (fdt_header(&b, fdt, limit))
		return -EINVAL;
	s = b.base + b.struct_off;
	while (pos + 4 <= b.struct_size) {
		uint32_t tok = be32(s + pos);
		const char *name;
		uint32_t len, nameoff;

		pos += 4;
		switch (tok) {
		case FDT_BEGIN_NODE:
			name = fdt_string(s, pos, b.struct_size);
			if (!name)
				return -EINVAL;
			depth++;
			in_memory = depth == 2 && node_is(name, "memory");
			while (pos < b.struct_size && s[pos])
				pos++;
			pos = ALIGN_UP(pos + 1, 4);
			break;
		case FDT_END_NODE:
			if (--depth < 0)
				return -EINVAL;
			in_memory = false;
			break;
		case FDT_PROP:
			if (pos + 8 > b.struct_size)
				return -EINVAL;
			len = be32(s + pos);
			nameoff = be32(s + pos + 4);
			pos += 8;
			if (len > b.struct_size - pos)
				return -EINVAL;
			name = fdt_string(b.base + b.strings_off, nameoff, b.strings_size);
			if (!name)
				return -EINVAL;
			if (depth == 1 && len == 4 && str_eq(name, "#address-cells"))
				ac = be32(s + pos);
			else if (depth == 1 && len == 4 && str_eq(name, "#size-cells"))
				sc = be32(s + pos);
			else if (in_memory && str_eq(name, "reg")) {
				if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
					return -EINVAL;
				n = fdt_reg_ranges(s + pos, len, ac, sc, out, n, max);
			}
			pos = ALIGN_UP(pos + len, 4);
			break;
		case FDT_NOP:
			break;
		case FDT_END:
			return n;
		default:
			return -EINVAL;
		}
	}
	return -EINVAL;
}
