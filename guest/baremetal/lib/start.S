/* SPDX-License-Identifier: MIT */
/*
 * Bare-metal guest entry.  vCPU 0 enters _start at EL1h with x0 = the
 * config's x0; other vCPUs enter bm_secondary_entry through PSCI CPU_ON
 * with x0 = the context id.  MMU and caches stay off.
 */
#include "bm_asm.h"
#include "bm_entry.h"

	.section .text.start, "ax"
	.globl	_start
_start:
	mrs	x20, cntvct_el0		/* first instruction: entry time stamp */
	mov	x19, x0
	adrp	x1, bm_stacks
	add	x1, x1, :lo12:bm_stacks
	add	sp, x1, #BM_STACK_SIZE
	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
1:	cmp	x1, x2
	b.hs	2f
	str	xzr, [x1], #8
	b	1b
2:	bl	bm_set_vectors
	mov	x0, x19
	mov	x1, x20
	bl	bm_start
	b	bm_hang

	.globl	bm_secondary_entry
bm_secondary_entry:
	mov	x19, x0
	mrs	x1, mpidr_el1
	and	x1, x1, #0x3		/* vCPU index, BM_MAX_CPUS = 4 */
	add	x1, x1, #1
	mov	x2, #BM_STACK_SIZE
	adrp	x3, bm_stacks
	add	x3, x3, :lo12:bm_stacks
	madd	x3, x1, x2, x3
	mov	sp, x3
	bl	bm_set_vectors
	mov	x0, x19
	bl	bm_secondary_start
	b	bm_hang

bm_set_vectors:
	adrp	x1, bm_vectors
	add	x1, x1, :lo12:bm_vectors
	msr	vbar_el1, x1
	isb
	ret

	.globl	bm_hang
bm_hang:
	wfi
	b	bm_hang

/* EL1 vectors: IRQs call bm_irq_handler(), the rest bm_fault(). */
	.balign	0x800
bm_vectors:
	vent	bm_vec_fault
	vent	bm_vec_irq
	vent	bm_vec_fault
	vent	bm_vec_fault
	vent	bm_vec_fault		/* current EL, SPx: sync */
	vent	bm_vec_irq
	vent	bm_vec_fault
	vent	bm_vec_fault
	vent	bm_vec_fault
	vent	bm_vec_fault
	vent	bm_vec_fault
	vent	bm_vec_fault
	vent	bm_vec_fault
	vent	bm_vec_fault
	vent	bm_vec_fault
	vent	bm_vec_fault

	.globl	bm_vec_fault	/* lives/vectors.S reports with it too */
bm_vec_fault:
	mrs	x0, esr_el1
	mrs	x1, elr_el1
	mrs	x2, far_el1
	bl	bm_fault
	b	bm_hang

bm_vec_irq:
	bm_frame_push
	bl	bm_irq_handler
	bm_frame_pop_eret
