// SPDX-License-Identifier: MIT
/* hyp/include/spinlock.h: mutual exclusion and trylock, with host threads. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "spinlock.h"

#define THREADS 3
#define ROUNDS	3000

static spinlock_t lock = SPINLOCK_INIT;
static volatile uint64_t counter;

static void *worker(void *arg)
{
	unsigned int i;

	(void)arg;
	for (i = 0; i < ROUNDS; i++) {
		spin_lock(&lock);
		counter = counter + 1; /* not atomic: the lock must protect it */
		spin_unlock(&lock);
	}
	return NULL;
}

static void test_mutual_exclusion(void **state)
{
	pthread_t t[THREADS];
	unsigned int i;

	(void)state;
	counter = 0;
	for (i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, worker, NULL), 0);
	for (i = 0; i < THREADS; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	assert_int_equal(counter, (uint64_t)THREADS * ROUNDS);
	assert_false(spin_is_locked(&lock));
}

static void test_trylock(void **state)
{
	spinlock_t l;

	(void)state;
	spin_lock_init(&l);
	assert_true(spin_trylock(&l));
	assert_true(spin_is_locked(&l));
	assert_false(spin_trylock(&l));
	spin_unlock(&l);
	assert_false(spin_is_locked(&l));
	spin_lock(&l);
	assert_false(spin_trylock(&l));
	spin_unlock(&l);
	assert_true(spin_trylock(&l));
	spin_unlock(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mutual_exclusion),
		cmocka_unit_test(test_trylock),
	};

	return cmocka_run_group_tests_name("vgic_spinlock", tests, NULL, NULL);
}
