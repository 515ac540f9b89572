/* SPDX-License-Identifier: MIT */
/* Where configs/test-wdt*.c put the watchdog of guest/baremetal/wdt. */
#ifndef BM_WDT_H
#define BM_WDT_H

#define WDT_CONTROL 0x09100000ull
#define WDT_REFRESH 0x09110000ull
#define WDT_INTID   90u /* WS0 */

#endif /* BM_WDT_H */
