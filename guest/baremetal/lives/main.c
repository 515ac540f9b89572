// SPDX-License-Identifier: MIT
/*
 * lives: a guest that counts its lives across restarts by its VM's policy
 * (docs/config.md, "Restart policy").  The count is kept in RAM outside
 * the image, which a restart leaves alone; each life prints
 *   lives: life <n> at <us> us
 * (us: the counter all VMs share), then, by the test parameter:
 *   LIVES_FAULT    lives 1..2 store outside their RAM, life 3 powers off
 *   LIVES_OFF      lives 1..2 power off (PSCI SYSTEM_OFF), life 3 faults
 *   LIVES_LOOP     every life stores outside its RAM
 *   LIVES_INJECT   loads and stores outside its RAM and jumps there; its
 *                  own EL1 vectors report each abort and go on:
 *                    lives: abort esr=0x.. far=0x.. elr=0x..
 */
#include "bm.h"
#include "lives.h"

#define LIVES_MARK_IPA 0x40800000ull   /* in RAM, outside the image */
#define LIVES_MAGIC    0x6c69766573ull /* "lives" */
#define LIVES_HOLE     0x60000000ull   /* outside the VM's memory */
#define LIVES_LAST     3

struct lives_mark {
	uint64_t magic;
	uint64_t n;
};

/* The vectors of vectors.S; lives_sync() returns where to resume. */
extern char lives_vectors[];
uint64_t lives_sync(uint64_t esr, uint64_t far, uint64_t elr, uint64_t lr);

static unsigned int lives_aborts;

uint64_t lives_sync(uint64_t esr, uint64_t far, uint64_t elr, uint64_t lr)
{
	unsigned int ec = (unsigned int)(esr >> 26);

	lives_aborts++;
	bm_printf("lives: abort esr=0x%llx far=0x%llx elr=0x%llx\n", (unsigned long long)esr,
		  (unsigned long long)far, (unsigned long long)elr);
	/* an instruction abort at the hole: back to the caller of the jump */
	if (ec == 0x21)
		return lr;
	return elr + 4;
}

static void lives_fault(void)
{
	bm_delay_us(100000);
	*(volatile uint64_t *)(uintptr_t)LIVES_HOLE = 0xbad;
	bm_printf("lives: still alive after the fault\n");
}

static void lives_inject(void)
{
	uint64_t v = 0x1234;

	__asm__ volatile("msr vbar_el1, %0\n\tisb" : : "r"(lives_vectors) : "memory");
	__asm__ volatile("ldr %0, [%1]" : "+r"(v) : "r"(LIVES_HOLE + 0x10) : "memory");
	bm_printf("lives: load went on, value 0x%llx\n", (unsigned long long)v);
	__asm__ volatile("str %0, [%1]" : : "r"(v), "r"(LIVES_HOLE + 0x20) : "memory");
	bm_printf("lives: store went on\n");
	__asm__ volatile("blr %0" : : "r"(LIVES_HOLE + 0x30) : "x30", "memory");
	bm_printf("lives: jump went on\n");
	bm_printf("lives: %u aborts, done\n", lives_aborts);
}

int main(uint64_t arg)
{
	volatile struct lives_mark *m = (volatile struct lives_mark *)LIVES_MARK_IPA;
	unsigned int mode = BM_ARG_PARAM(arg);

	if (m->magic != LIVES_MAGIC) {
		m->magic = LIVES_MAGIC;
		m->n = 0;
	}
	m->n++;
	bm_printf("lives: life %llu at %llu us\n", (unsigned long long)m->n,
		  (unsigned long long)(bm_counter() * 1000000 / bm_counter_freq()));
	switch (mode) {
	case LIVES_FAULT:
		if (m->n < LIVES_LAST)
			lives_fault();
		bm_printf("lives: done after %llu lives\n", (unsigned long long)m->n);
		return 0;
	case LIVES_OFF:
		if (m->n < LIVES_LAST) {
			bm_delay_us(100000);
			return 0; /* SYSTEM_OFF */
		}
		bm_printf("lives: faulting in life %llu\n", (unsigned long long)m->n);
		lives_fault();
		return 0;
	case LIVES_LOOP:
		lives_fault();
		return 0;
	case LIVES_INJECT:
		lives_inject();
		return 0;
	default:
		bm_printf("lives: unknown mode %u\n", mode);
		return 0;
	}
}
