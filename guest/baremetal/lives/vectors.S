/* SPDX-License-Identifier: MIT */
/*
 * EL1 vectors of the lives guest: a synchronous exception from EL1 (SPx)
 * calls lives_sync(ESR, FAR, ELR, x30) and resumes where it says; anything
 * else goes to the runtime's report (bm_fault).  Caller-saved registers
 * are kept, so the interrupted code goes on as if nothing happened.
 */
	.macro	vent	label
	.balign	0x80
	b	\label
	.endm

	.balign	0x800
	.globl	lives_vectors
lives_vectors:
	vent	lives_other
	vent	lives_other
	vent	lives_other
	vent	lives_other
	vent	lives_sync_entry	/* current EL, SPx: synchronous */
	vent	lives_other
	vent	lives_other
	vent	lives_other
	vent	lives_other
	vent	lives_other
	vent	lives_other
	vent	lives_other
	vent	lives_other
	vent	lives_other
	vent	lives_other
	vent	lives_other

lives_other:
	mrs	x0, esr_el1
	mrs	x1, elr_el1
	mrs	x2, far_el1
	bl	bm_fault
	b	bm_hang

lives_sync_entry:
	sub	sp, sp, #176
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
	str	x30, [sp, #160]
	mrs	x0, esr_el1
	mrs	x1, far_el1
	mrs	x2, elr_el1
	mov	x3, x30
	bl	lives_sync
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
	ldr	x30, [sp, #160]
	add	sp, sp, #176
	eret
