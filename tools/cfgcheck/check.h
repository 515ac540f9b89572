/* SPDX-License-Identifier: MIT */
/*
 * Build-time checks of a Bulkhead system configuration (docs/config.md).
 * Pure C over struct bh_config; every message names the VM and the field,
 * e.g.  vm "guest1": cpus: CPU 1 is already given to vm "guest0".
 */
#ifndef CFGCHECK_CHECK_H
#define CFGCHECK_CHECK_H

#include <bulkhead/config.h>
#include <bulkhead/platform.h>

#define CFG_MAX_CPUS  BH_MAX_CPUS
#define CFG_IPA_LIMIT (1ull << 39) /* stage-2 input size */
#define CFG_PA_LIMIT  (1ull << 40) /* Cortex-A53 PARange */
#define CFG_SPI_FIRST 32
#define CFG_SPI_LAST  1019
#define CFG_VSPI_LAST 287 /* the vGIC emulates SPIs 32..287 (VGIC_NR_SPIS) */
/* virtio v1.2 §4.2.2: the registers of one virtio-mmio transport. */
#define CFG_VIRTIO_MMIO_SIZE 0x200u

/**
 * cfg_report_fn - receives one error message (no trailing newline)
 */
typedef void (*cfg_report_fn)(void *ctx, const char *msg);

/**
 * cfg_check() - check a whole configuration for the build's board (bh_platform)
 * @cfg:    the configuration
 * @report: called once per error
 * @ctx:    passed to @report
 *
 * Return: the number of errors (0 = valid).
 */
int cfg_check(const struct bh_config *cfg, cfg_report_fn report, void *ctx);

/**
 * cfg_check_board() - cfg_check() against @board instead of the build's
 * @cfg:    the configuration
 * @board:  the board it must run on (struct bh_platform)
 * @report: called once per error
 * @ctx:    passed to @report
 *
 * Return: the number of errors (0 = valid).
 */
int cfg_check_board(const struct bh_config *cfg, const struct bh_platform *board,
		    cfg_report_fn report, void *ctx);

/** cfg_nr_vms() - the VMs of @cfg (those before the first without a name) */
unsigned int cfg_nr_vms(const struct bh_config *cfg);

/**
 * cfg_gic_cpu_window() - the IPA window of @vm's GIC CPU side: its GICR
 * frames on a GICv3 platform, its GICC (the GICV frame) on a GICv2 one
 * @vm:   the VM
 * @base: its IPA
 * @size: its size
 *
 * Return: the name to report it by ("gicr_ipa" or "gicc ...").
 */
const char *cfg_gic_cpu_window(const struct bh_vm_config *vm, uint64_t *base, uint64_t *size);

/** cfg_nr_vcpus() - the vCPUs of @vm: one per CPU of its mask */
unsigned int cfg_nr_vcpus(const struct bh_vm_config *vm);

#endif /* CFGCHECK_CHECK_H */
