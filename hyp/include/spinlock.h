/* SPDX-License-Identifier: MIT */
/*
 * Ticket spinlock built on the compiler's __atomic builtins.
 *
 * Fair (FIFO) so that a vCPU hammering its vGIC cannot starve another pCPU
 * injecting into the same VM.  On aarch64 waiters sleep in WFE and the
 * unlocker issues SEV (Arm ARM D1.16 "Wait for Event"); elsewhere (host unit
 * tests) the wait is a plain relaxed spin.  Header-only and free of any
 * library dependency so freestanding and hosted code share it.
 */
#ifndef BULKHEAD_SPINLOCK_H
#define BULKHEAD_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>

/**
 * struct spinlock - ticket lock
 * @next:  next ticket to hand out
 * @owner: ticket currently allowed in
 */
typedef struct spinlock {
	uint32_t next;
	uint32_t owner;
} spinlock_t;

#define SPINLOCK_INIT                 \
	{                             \
		.next = 0, .owner = 0 \
	}

static inline void spin_lock_init(spinlock_t *l)
{
	__atomic_store_n(&l->next, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&l->owner, 0, __ATOMIC_RELEASE);
}

static inline void spin_wait_event(void)
{
#if defined(__aarch64__)
	__asm__ volatile("wfe" ::: "memory");
#endif
}

static inline void spin_send_event(void)
{
#if defined(__aarch64__)
	/* The owner store must be visible before the waiters wake up. */
	__asm__ volatile("dsb ish\n\tsev" ::: "memory");
#endif
}

/**
 * spin_lock() - take @l, waiting in WFE while another CPU holds it
 * @l: the lock
 */
static inline void spin_lock(spinlock_t *l)
{
	uint32_t ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	/*
	 * A SEV between our load and our WFE sets the event register, so the
	 * WFE returns at once and no wake-up is lost.
	 */
	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
		spin_wait_event();
}

/**
 * spin_trylock() - take @l only if it is free
 * @l: the lock
 *
 * Return: true if the lock was taken.
 */
static inline bool spin_trylock(spinlock_t *l)
{
	uint32_t owner = __atomic_load_n(&l->owner, __ATOMIC_ACQUIRE);
	uint32_t expected = owner;

	return __atomic_compare_exchange_n(&l->next, &expected, owner + 1, false, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

/**
 * spin_unlock() - release @l and wake the waiters
 * @l: the lock, held by the caller
 */
static inline void spin_unlock(spinlock_t *l)
{
	uint32_t owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);

	__atomic_store_n(&l->owner, owner + 1, __ATOMIC_RELEASE);
	spin_send_event();
}

/**
 * spin_is_locked() - whether somebody holds @l (for assertions only)
 * @l: the lock
 */
static inline bool spin_is_locked(spinlock_t *l)
{
	return __atomic_load_n(&l->owner, __ATOMIC_RELAXED) !=
	       __atomic_load_n(&l->next, __ATOMIC_RELAXED);
}

#endif /* BULKHEAD_SPINLOCK_H */
