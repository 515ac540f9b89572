/* SPDX-License-Identifier: MIT */
/*
 * EL1 vectors of the lives guest: a synchronous exception from EL1 (SPx)
 * calls lives_sync(ESR, FAR, ELR, x30) and resumes where it says; anything
 * else goes to the runtime's report (bm_fault).  Caller-saved registers
 * are kept, so the interrupted code goes on as if nothing happened.
 */
#include "bm_asm.h"

	.balign	0x800
	.globl	lives_vectors
lives_vectors:
	vent	bm_vec_fault
	vent	bm_vec_fault
	vent	bm_vec_fault
	vent	bm_vec_fault
	vent	lives_sync_entry	/* current EL, SPx: synchronous */
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
	vent	bm_vec_fault

lives_sync_entry:
	bm_frame_push
	mrs	x0, esr_el1
	mrs	x1, far_el1
	mrs	x2, elr_el1
	mov	x3, x30
	bl	lives_sync
	str	x0, [sp, #BM_FRAME_ELR]	/* resume where lives_sync() says */
	bm_frame_pop_eret
