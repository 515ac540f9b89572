/* SPDX-License-Identifier: MIT */
/*
 * Bulkhead image: linked where the board's boot loader puts it
 * (PLAT_HYP_BASE, plat_desc.h; QEMU loads an arm64 Image at RAM + 2 MiB).
 * Run through the C preprocessor by hyp/build.mk.
 */
#include <plat_desc.h>

OUTPUT_FORMAT("elf64-littleaarch64")
OUTPUT_ARCH(aarch64)
ENTRY(_head)

SECTIONS
{
	. = PLAT_HYP_BASE;
	_head_addr = .;
	.text : {
		KEEP(*(.text.head))
		*(.text .text.*)
	}
	.rodata : ALIGN(8) { *(.rodata .rodata.*) }
	.data : ALIGN(16) { *(.data .data.*) }
	. = ALIGN(16);
	__bss_start = .;
	.bss (NOLOAD) : { *(.bss .bss.*) *(COMMON) }
	. = ALIGN(16);
	__bss_end = .;
	_end = .;
	/DISCARD/ : { *(.comment) *(.note*) *(.eh_frame*) }
}
