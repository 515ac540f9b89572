/* SPDX-License-Identifier: MIT */
/*
 * Assembly the bare-metal guests' exception vectors share (lib/start.S,
 * lives/vectors.S): a vector table entry, and the frame an exception
 * handler written in C needs.  AAPCS64 lets a C function clobber x0-x18
 * and x30; x29 is saved too so a backtrace through the frame still works.
 * ELR_EL1 and SPSR_EL1 are in the frame because a nested exception (an
 * abort in a handler) would overwrite them.
 */
#ifndef BM_ASM_H
#define BM_ASM_H

#ifdef __ASSEMBLER__
/* assembler, not C: */
/* clang-format off */

/* One entry of VBAR_EL1's table: 0x80 bytes each (Arm ARM D1.10.2). */
.macro	vent	label
	.balign	0x80
	b	\label
.endm

/* The frame: x0-x18, x29 at 0..159, x30 at 160, ELR at 168, SPSR at 176. */
#define BM_FRAME_SIZE 192
#define BM_FRAME_ELR  168

.macro	bm_frame_push
	sub	sp, sp, #BM_FRAME_SIZE
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x29, [sp, #144]
	mrs	x0, elr_el1
	mrs	x1, spsr_el1
	stp	x30, x0, [sp, #160]
	str	x1, [sp, #176]
.endm

/* Restores what bm_frame_push saved (ELR as the handler left it) and returns. */
.macro	bm_frame_pop_eret
	ldr	x1, [sp, #176]
	ldp	x30, x0, [sp, #160]
	msr	spsr_el1, x1
	msr	elr_el1, x0
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x29, [sp, #144]
	add	sp, sp, #BM_FRAME_SIZE
	eret
.endm

/* clang-format on */
#endif /* __ASSEMBLER__ */
#endif /* BM_ASM_H */
