/* SPDX-License-Identifier: MIT */
/*
 * What the libFuzzer targets share: a driver's probe written straight into
 * the register file, the 8-byte register ops of a fuzz input, a hostile
 * saved state restored as a restarted model does, and a guest that
 * rewrites its window between kicks.  One input format for every target,
 * so a seed means the same thing to each of them.
 */
#ifndef DM_FUZZ_MMIO_H
#define DM_FUZZ_MMIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dm/mmio.h"

/* A register op: off(2) size(1) flags(1) value(4). */
#define FUZZ_OP_BYTES 8
#define FUZZ_OP_WRITE 0x01 /* write, else read */
#define FUZZ_OP_POKE  0x80 /* then the guest rewrites a byte of its window */

/**
 * fuzz_mmio_features() - a driver's first steps up to FEATURES_OK
 * @m: the device's register file
 * @feat: the features the driver accepts (virtio v1.2 §3.1.1 steps 1-5)
 */
void fuzz_mmio_features(struct virtio_mmio *m, uint64_t feat);

/**
 * fuzz_mmio_queue() - set up and enable queue @q (virtio v1.2 §4.2.3.2)
 * @m: the device's register file
 * @q: queue index
 * @num: queue size the driver asks for
 * @desc: guest address of the descriptor table; the driver area follows
 *        at @desc + @stride, the device area at @desc + 2 * @stride
 * @stride: distance between the three areas
 */
void fuzz_mmio_queue(struct virtio_mmio *m, unsigned int q, uint32_t num, uint64_t desc,
		     uint32_t stride);

/**
 * fuzz_mmio_op() - apply one register op of a fuzz input
 * @m: the device's register file
 * @op: FUZZ_OP_BYTES of input
 * @win: the guest window's memory, at guest address @base
 * @win_size: its size
 * @base: its guest address
 * @val: the op's value (after aiming ring addresses into the window)
 *
 * Ring address registers are aimed into the window most of the time, or
 * the parser would reject nearly every input at the first look.
 *
 * Return: the op's flags byte, whose other bits the target gives meanings.
 */
uint8_t fuzz_mmio_op(struct virtio_mmio *m, const uint8_t *op, uint8_t *win, uint32_t win_size,
		     uint64_t base, uint32_t *val);

/**
 * fuzz_mmio_restore() - load a hostile saved state as a restarted model does
 * @m: the device's register file, attached to the window
 * @p: @len bytes of state, then the window image
 * @n: bytes at @p
 * @len: bytes of state
 * @win: the window's memory
 * @win_size: its size
 *
 * Return: true when the device came back live: the caller then kicks it.
 */
bool fuzz_mmio_restore(struct virtio_mmio *m, const uint8_t *p, size_t n, size_t len, uint8_t *win,
		       uint32_t win_size);

/**
 * fuzz_window_rewrite() - a hostile guest rewrites its rings between kicks
 * @win: the window's memory
 * @win_size: its size
 * @x: bytes XORed over the window from its start
 * @n: how many
 */
void fuzz_window_rewrite(uint8_t *win, uint32_t win_size, const uint8_t *x, size_t n);

#endif /* DM_FUZZ_MMIO_H */
