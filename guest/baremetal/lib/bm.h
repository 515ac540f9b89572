/* SPDX-License-Identifier: MIT */
/*
 * Runtime of the bare-metal test guests (EL1, MMU off, freestanding).
 *
 * A test provides  int main(uint64_t arg)  (arg = x0 from the config, see
 * bmarg.h); returning from it powers the VM off (PSCI SYSTEM_OFF).  Extra
 * vCPUs started with bm_cpu_on() run  bm_secondary_main(context).
 */
#ifndef BM_BM_H
#define BM_BM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "bmarg.h"

#define BM_MAX_CPUS 4

/* PSCI (Arm DEN 0022) */
#define BM_PSCI_VERSION	      0x84000000u
#define BM_PSCI_CPU_OFF	      0x84000002u
#define BM_PSCI_CPU_ON	      0xc4000003u
#define BM_PSCI_AFFINITY_INFO 0xc4000004u
#define BM_PSCI_SYSTEM_OFF    0x84000008u
#define BM_PSCI_SYSTEM_RESET  0x84000009u
#define BM_PSCI_FEATURES      0x8400000au

int main(uint64_t arg);
void bm_secondary_main(uint64_t context);

/* The x0 the VM was started with. */
extern uint64_t bm_boot_arg;
/* CNTVCT_EL0 read by vCPU 0's very first instruction (QEMU's virtual
 * counter starts at 0 when the machine starts, CNTVOFF_EL2 = 0). */
extern uint64_t bm_entry_count;

/* Console: the UART named by the boot argument; lines are locked. */
void bm_putc(char c);
void bm_puts(const char *s);
int bm_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * UART receive on the same UART: bm_uart_rx_irq_enable() turns its RX
 * interrupt on (the caller enables the INTID in the GIC), bm_uart_rx()
 * takes up to @max waiting bytes and returns how many it took.
 */
void bm_uart_rx_irq_enable(void);
unsigned int bm_uart_rx(uint8_t *buf, unsigned int max);

/* PSCI through hvc (bm_psci) or smc (bm_psci_smc). */
int64_t bm_psci(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
int64_t bm_psci_smc(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
int64_t bm_cpu_on(uint64_t mpidr, uint64_t context);
void bm_system_off(void) __attribute__((noreturn));
void bm_cpu_off(void) __attribute__((noreturn));

/* Which vCPU am I (MPIDR_EL1.Aff0). */
unsigned int bm_cpu_id(void);

/* Generic timer counter (CNTVCT_EL0) and its frequency. */
uint64_t bm_counter(void);
uint64_t bm_counter_freq(void);
/* Spin for @ticks of the counter, or for @us microseconds. */
void bm_delay_ticks(uint64_t ticks);
void bm_delay_us(uint64_t us);

/*
 * IRQ hook: the runtime's EL1 vectors call bm_irq_handler() (weak, default
 * does nothing) for every IRQ taken.  Synchronous exceptions print ESR/ELR/
 * FAR and power the VM off.
 */
void bm_irq_handler(void);

static inline void bm_irq_enable(void)
{
	__asm__ volatile("msr daifclr, #2" : : : "memory");
}

static inline void bm_irq_disable(void)
{
	__asm__ volatile("msr daifset, #2" : : : "memory");
}

#define bm_read_sysreg(reg)                                    \
	({                                                     \
		uint64_t __v;                                  \
		__asm__ volatile("mrs %0, " #reg : "=r"(__v)); \
		__v;                                           \
	})
#define bm_write_sysreg(reg, v) __asm__ volatile("msr " #reg ", %0" : : "r"((uint64_t)(v)))

/* The hypervisor's formatter, shared (hyp/core/printf.c). */
int hyp_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#endif /* BM_BM_H */
