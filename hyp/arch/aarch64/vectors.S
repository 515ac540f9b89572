/* SPDX-License-Identifier: MIT */
/*
 * EL2 exception vectors (Arm ARM D1.10.2: VBAR_EL2 + 0x000 current EL SP0,
 * 0x200 current EL SPx, 0x400 lower EL AArch64, 0x600 lower EL AArch32).
 *
 * An exit from a guest pushes a struct regs (regs.h) on the per-CPU stack.
 * The stack pointer while a guest runs is exactly the top minus REGS_SIZE,
 * so the frame always sits at the same place (pcpu->frame).
 */
#include "regs.h"

.macro	ventry	label
	.balign	0x80
	b	\label
.endm

.macro	save_guest
	sub	sp, sp, #REGS_SIZE
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	mrs	x0, elr_el2
	mrs	x1, spsr_el2
	stp	x30, x0, [sp, #REGS_X30]
	str	x1, [sp, #REGS_SPSR]
	mov	x0, sp
.endm

	.text
	.balign	0x800
	.globl	hyp_vectors
hyp_vectors:
	ventry	el2_unexpected		/* current EL, SP0: sync */
	ventry	el2_unexpected		/* irq */
	ventry	el2_unexpected		/* fiq */
	ventry	el2_unexpected		/* serror */
	ventry	el2_fault		/* current EL, SPx: sync */
	ventry	el2_unexpected		/* irq: EL2 runs with IRQs masked */
	ventry	el2_unexpected		/* fiq */
	ventry	el2_unexpected		/* serror */
	ventry	guest_sync		/* lower EL, AArch64: sync */
	ventry	guest_irq		/* irq */
	ventry	guest_irq		/* fiq: FMO set, handled like IRQ */
	ventry	guest_serror		/* serror */
	ventry	el2_unexpected		/* lower EL, AArch32 (HCR.RW=1: never) */
	ventry	el2_unexpected
	ventry	el2_unexpected
	ventry	el2_unexpected

guest_sync:
	save_guest
	bl	trap_guest_sync
	b	guest_return

guest_irq:
	save_guest
	bl	trap_guest_irq
	b	guest_return

guest_serror:
	save_guest
	bl	trap_guest_serror
	b	guest_return

el2_fault:
	mrs	x0, esr_el2
	mrs	x1, elr_el2
	mrs	x2, far_el2
	bl	trap_el2_fault		/* does not return */
	b	cpu_halt

el2_unexpected:
	mrs	x0, esr_el2
	mrs	x1, elr_el2
	mrs	x2, far_el2
	bl	trap_el2_unexpected	/* does not return */
	b	cpu_halt

/*
 * guest_enter(frame) - restore the frame and ERET into the guest.
 * Used for the first entry of a vCPU (the frame was filled in C).
 */
	.globl	guest_enter
guest_enter:
	mov	sp, x0
guest_return:
	ldp	x30, x0, [sp, #REGS_X30]
	ldr	x1, [sp, #REGS_SPSR]
	msr	elr_el2, x0
	msr	spsr_el2, x1
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	add	sp, sp, #REGS_SIZE
	eret
	/* no speculation past ERET (SB not in Armv8.0) */
	dsb	nsh
	isb
