/* SPDX-License-Identifier: MIT */
/* The test parameter of guest/baremetal/lives, shared with configs/test-policy-*.c. */
#ifndef BM_LIVES_H
#define BM_LIVES_H

#define LIVES_FAULT  1 /* lives 1..2 fault, life 3 powers off */
#define LIVES_OFF    2 /* lives 1..2 power off, life 3 faults */
#define LIVES_LOOP   3 /* every life faults */
#define LIVES_INJECT 4 /* aborts handed to its own vectors; it goes on */

#endif /* BM_LIVES_H */
