/* SPDX-License-Identifier: MIT */
/* Where configs/test-ctl.c puts the management page of guest/baremetal/ctl. */
#ifndef BM_CTL_IPA_H
#define BM_CTL_IPA_H

#define CTL_PAGE 0x09200000ull

#endif /* BM_CTL_IPA_H */
