/* SPDX-License-Identifier: MIT */
#ifndef HYP_MMU_H
#define HYP_MMU_H

void mmu_el2_enable(void);

#endif /* HYP_MMU_H */
