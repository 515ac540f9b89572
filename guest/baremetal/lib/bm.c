// SPDX-License-Identifier: MIT
/* Bare-metal guest runtime: console, PSCI, counter, start-up glue. */
#include <bulkhead/cdns_uart.h>

#include "bm.h"
#include "bm_entry.h"

/* PL011 (Arm DDI 0183) */
#define PL011_DR      0x00
#define PL011_FR      0x18
#define PL011_IMSC    0x38
#define PL011_ICR     0x44
#define PL011_FR_RXFE (1u << 4)
#define PL011_FR_TXFF (1u << 5)
#define PL011_INT_RX  (1u << 4)
#define PL011_INT_RT  (1u << 6)
/* 16550A, reg-io-width 1 */
#define UART_THR      0
#define UART_RBR      0
#define UART_IER      1
#define UART_MCR      4
#define UART_LSR      5
#define UART_IER_RDI  0x01
#define UART_MCR_OUT2 0x08
#define UART_LSR_DR   0x01
#define UART_LSR_THRE (1u << 5)

uint64_t bm_boot_arg;
uint64_t bm_entry_count;
uint8_t bm_stacks[BM_MAX_CPUS + 1][BM_STACK_SIZE] __attribute__((aligned(16)));
static uint32_t bm_print_lock;

/*
 * A Cadence UART's transmitter and receiver are off after reset until CR
 * is written (UG1085, "UART Initialization"): turn both on, keep the rest.
 */
static void bm_cdns_enable(volatile struct cdns_uart_regs *u)
{
	uint32_t cr = u->cr;
	uint32_t want = CDNS_UART_CR_TXEN | CDNS_UART_CR_RXEN;

	if ((cr & want) == want && !(cr & (CDNS_UART_CR_TXDIS | CDNS_UART_CR_RXDIS)))
		return;
	u->cr = (cr & ~(CDNS_UART_CR_TXDIS | CDNS_UART_CR_RXDIS)) | want;
}

static volatile struct cdns_uart_regs *bm_cdns(void)
{
	return (volatile struct cdns_uart_regs *)BM_ARG_BASE(bm_boot_arg);
}

void bm_putc(char c)
{
	uint64_t base = BM_ARG_BASE(bm_boot_arg);

	switch (BM_ARG_KIND(bm_boot_arg)) {
	case BM_UART_PL011:
		while (*(volatile uint32_t *)(base + PL011_FR) & PL011_FR_TXFF)
			;
		*(volatile uint32_t *)(base + PL011_DR) = (uint8_t)c;
		break;
	case BM_UART_NS16550:
		while (!(*(volatile uint8_t *)(base + UART_LSR) & UART_LSR_THRE))
			;
		*(volatile uint8_t *)(base + UART_THR) = (uint8_t)c;
		break;
	case BM_UART_CDNS:
		bm_cdns_enable(bm_cdns());
		while (bm_cdns()->sr & CDNS_UART_SR_TXFULL)
			;
		bm_cdns()->fifo = (uint8_t)c;
		break;
	default:
		break;
	}
}

void bm_uart_rx_irq_enable(void)
{
	volatile uint32_t *pl011 = (volatile uint32_t *)BM_ARG_BASE(bm_boot_arg);
	volatile uint8_t *ns16550 = (volatile uint8_t *)BM_ARG_BASE(bm_boot_arg);

	switch (BM_ARG_KIND(bm_boot_arg)) {
	case BM_UART_PL011:
		/* no ICR write: a byte already received keeps its interrupt */
		pl011[PL011_IMSC / 4] = PL011_INT_RX | PL011_INT_RT;
		break;
	case BM_UART_NS16550:
		ns16550[UART_MCR] = ns16550[UART_MCR] | UART_MCR_OUT2;
		ns16550[UART_IER] = UART_IER_RDI;
		break;
	case BM_UART_CDNS:
		/* an interrupt per byte: trigger at 1, as the others */
		bm_cdns_enable(bm_cdns());
		bm_cdns()->rxwm = 1;
		bm_cdns()->ier = CDNS_UART_IXR_RXTRIG | CDNS_UART_IXR_TIMEOUT;
		break;
	default:
		break;
	}
}

unsigned int bm_uart_rx(uint8_t *buf, unsigned int max)
{
	volatile uint32_t *pl011 = (volatile uint32_t *)BM_ARG_BASE(bm_boot_arg);
	const volatile uint8_t *ns16550 = (const volatile uint8_t *)BM_ARG_BASE(bm_boot_arg);
	unsigned int n = 0;

	switch (BM_ARG_KIND(bm_boot_arg)) {
	case BM_UART_PL011:
		while (n < max && !(pl011[PL011_FR / 4] & PL011_FR_RXFE))
			buf[n++] = (uint8_t)pl011[PL011_DR / 4];
		pl011[PL011_ICR / 4] = PL011_INT_RX | PL011_INT_RT;
		break;
	case BM_UART_NS16550:
		while (n < max && (ns16550[UART_LSR] & UART_LSR_DR))
			buf[n++] = ns16550[UART_RBR];
		break;
	case BM_UART_CDNS:
		bm_cdns_enable(bm_cdns());
		while (n < max && !(bm_cdns()->sr & CDNS_UART_SR_RXEMPTY))
			buf[n++] = (uint8_t)bm_cdns()->fifo;
		/* write 1 to clear: what is still in the FIFO raises it again */
		bm_cdns()->isr = CDNS_UART_IXR_RXTRIG | CDNS_UART_IXR_TIMEOUT;
		break;
	default:
		break;
	}
	return n;
}

static void bm_lock(void)
{
	/* MMU off: exclusives on Device memory work under QEMU TCG */
	while (__atomic_exchange_n(&bm_print_lock, 1, __ATOMIC_ACQUIRE))
		;
}

static void bm_unlock(void)
{
	__atomic_store_n(&bm_print_lock, 0, __ATOMIC_RELEASE);
}

static void bm_write(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			bm_putc('\r');
		bm_putc(*s);
	}
}

void bm_puts(const char *s)
{
	bm_lock();
	bm_write(s);
	bm_unlock();
}

int bm_printf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = hyp_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	bm_puts(buf);
	return n;
}

int64_t bm_psci(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	__asm__ volatile("hvc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			 :
			 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
			   "x15", "x16", "x17", "memory");
	return (int64_t)x0;
}

int64_t bm_psci_smc(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	__asm__ volatile("smc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			 :
			 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
			   "x15", "x16", "x17", "memory");
	return (int64_t)x0;
}

int64_t bm_cpu_on(uint64_t mpidr, uint64_t context)
{
	return bm_psci(BM_PSCI_CPU_ON, mpidr, (uint64_t)(uintptr_t)bm_secondary_entry, context);
}

void bm_system_off(void)
{
	bm_psci(BM_PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}

void bm_cpu_off(void)
{
	bm_psci(BM_PSCI_CPU_OFF, 0, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}

unsigned int bm_cpu_id(void)
{
	return (unsigned int)(bm_read_sysreg(mpidr_el1) & 0xff);
}

uint64_t bm_counter(void)
{
	__asm__ volatile("isb" : : : "memory");
	return bm_read_sysreg(cntvct_el0);
}

uint64_t bm_counter_freq(void)
{
	return bm_read_sysreg(cntfrq_el0);
}

void bm_delay_ticks(uint64_t ticks)
{
	uint64_t end = bm_counter() + ticks;

	while (bm_counter() < end)
		;
}

void bm_delay_us(uint64_t us)
{
	bm_delay_ticks(us * bm_counter_freq() / 1000000);
}

__attribute__((weak)) void bm_irq_handler(void)
{
}

__attribute__((weak)) void bm_secondary_main(uint64_t context)
{
	(void)context;
}

void bm_fault(uint64_t esr, uint64_t elr, uint64_t far)
{
	bm_printf("bm: unexpected exception esr=0x%llx elr=0x%llx far=0x%llx\n",
		  (unsigned long long)esr, (unsigned long long)elr, (unsigned long long)far);
	bm_system_off();
}

void bm_start(uint64_t arg, uint64_t entry_count)
{
	bm_boot_arg = arg;
	bm_entry_count = entry_count;
	main(arg);
	bm_system_off();
}

void bm_secondary_start(uint64_t context)
{
	bm_secondary_main(context);
	bm_cpu_off();
}
