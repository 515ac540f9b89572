/* SPDX-License-Identifier: MIT */
/*
 * Boot entry at EL2.  QEMU loads the arm64 Image at RAM + 2 MiB and enters
 * it at EL2 with x0 = DTB (Linux Documentation/arch/arm64/booting.rst).
 * Secondary CPUs arrive through PSCI CPU_ON with x0 = their CPU index.
 */
#include "regs.h"

#define SCTLR_EL2_RES1	0x30c50830

	.section .text.head, "ax"
	.globl	_head
_head:
	/* arm64 Image header (booting.rst §4) */
	b	primary_entry		/* code0 */
	.long	0			/* code1 */
	.quad	0			/* text_offset: QEMU adds 2 MiB */
	.quad	_end - _head		/* image_size (non-zero: offset valid) */
	.quad	0x2			/* flags: LE, 4 KiB pages */
	.quad	0, 0, 0			/* res2..res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5 */

	.text
primary_entry:
	mov	x19, x0			/* DTB */
	/* MMU and caches are off: a known state before touching memory */
	ldr	x1, =SCTLR_EL2_RES1
	msr	sctlr_el2, x1
	isb
	/* clear .bss (16-byte aligned by the linker script) */
	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
1:	cmp	x1, x2
	b.hs	2f
	stp	xzr, xzr, [x1], #16
	b	1b
2:	mov	x20, #0			/* boot CPU index */
	bl	cpu_early_init
	mov	x0, x19
	bl	hyp_main
	b	cpu_halt

	.globl	secondary_entry
secondary_entry:
	mov	x20, x0			/* CPU index from CPU_ON context_id */
	ldr	x1, =SCTLR_EL2_RES1
	msr	sctlr_el2, x1
	isb
	bl	cpu_early_init
	mov	x0, x20
	bl	hyp_secondary_main
	b	cpu_halt

/*
 * cpu_early_init - per-CPU EL2 state: stack, vectors, TPIDR, MMU.
 * In: x20 = CPU index.  Clobbers x0-x3, x30 saved in x21.
 */
cpu_early_init:
	mov	x21, x30
	/* SP = top of this CPU's stack minus the reserved guest frame */
	adrp	x1, pcpu_stacks
	add	x1, x1, :lo12:pcpu_stacks
	mov	x2, #PCPU_STACK_SIZE
	madd	x1, x20, x2, x1
	add	x1, x1, x2
	sub	sp, x1, #REGS_SIZE
	adrp	x1, hyp_vectors
	add	x1, x1, :lo12:hyp_vectors
	msr	vbar_el2, x1
	/* MMU first: per-CPU data is then written through the caches that
	 * every other CPU sees */
	bl	mmu_el2_enable
	mov	x0, x20
	bl	pcpu_setup		/* sets TPIDR_EL2 */
	mov	x30, x21
	ret

	.globl	cpu_halt
cpu_halt:
	msr	daifset, #0xf
1:	wfi
	b	1b

/*
 * cpu_reenter_loop(sp_top) - discard this CPU's stack and run
 * pcpu_loop() afresh: used when a vCPU stops (CPU_OFF, fault, reset) in
 * the middle of a trap.
 */
	.globl	cpu_reenter_loop
cpu_reenter_loop:
	mov	sp, x0
	bl	pcpu_loop
	b	cpu_halt
