/* SPDX-License-Identifier: MIT */
/*
 * dtgen: derive each Linux VM's device tree, and QEMU's image placement,
 * from the system configuration (struct bh_config) the hypervisor is built
 * from.  docs/devicetree.md describes every node and where it comes from.
 *
 * The library is pure C over a config and a list of image files; the CLI
 * (main.c) links one config in, like tools/cfgcheck does.
 */
#ifndef DTGEN_H
#define DTGEN_H

#include <stdint.h>
#include <stdio.h>
#include <bulkhead/config.h>
#include <bulkhead/platform.h>

/* Generic-timer PPIs as INTIDs (Arm ARM D11.2.4, GICv3 IHI0069 §2.2.1). */
#define DT_INTID_TIMER_SEC_PHYS 29
#define DT_INTID_TIMER_PHYS	30
#define DT_INTID_TIMER_VIRT	27
#define DT_INTID_TIMER_HYP	26

/* GIC DT binding (arm,gic-v3.yaml): cell 0 = type, cell 1 = number. */
#define DT_GIC_SPI	0
#define DT_GIC_PPI	1
#define DT_GIC_SPI_BASE 32
#define DT_GIC_PPI_BASE 16
/* include/dt-bindings/interrupt-controller/irq.h */
#define DT_IRQ_TYPE_EDGE_RISING 1
#define DT_IRQ_TYPE_LEVEL_HIGH	4

/* pci-serial's 16550A (docs/design.md §2.3): 1.8432 MHz, byte registers. */
#define DT_NS16550_CLOCK 1843200
/* PL011 reference clock QEMU virt advertises (hw/arm/virt.c "apb-pclk"). */
#define DT_PL011_CLOCK 24000000
/* The ZynqMP's UART and GEM reference clocks (Xilinx UG1085, "Clocking"). */
#define DT_CDNS_UART_CLOCK 100000000
#define DT_CDNS_GEM_CLOCK  125000000

/* Longest path or DT string we handle; longer inputs are refused. */
#define DTGEN_PATH_MAX 512

/**
 * struct dtgen_file - a file bound to one image of one VM
 * @vm:    VM index
 * @image: index into that VM's images[]
 * @path:  file to load (as given on the command line)
 * @size:  its size in bytes (from stat)
 */
struct dtgen_file {
	unsigned int vm;
	unsigned int image;
	char path[DTGEN_PATH_MAX];
	uint64_t size;
};

#define DTGEN_MAX_FILES (BH_MAX_VMS * BH_MAX_IMAGES)

/**
 * struct dtgen - one generator run over one config
 * @cfg:     the configuration
 * @files:   image bindings, filled by dtgen_bind()
 * @nfiles:  entries in @files
 * @report:  receives each error message (no trailing newline)
 * @ctx:     passed to @report
 * @errors:  errors reported so far
 */
struct dtgen {
	const struct bh_config *cfg;
	unsigned int gic_version; /* of the platform (dtgen_init); tests may change it */
	struct dtgen_file files[DTGEN_MAX_FILES];
	unsigned int nfiles;
	void (*report)(void *ctx, const char *msg);
	void *ctx;
	int errors;
};

/**
 * dtgen_init() - start a run; checks the config with tools/cfgcheck
 * @g:      the run
 * @cfg:    configuration
 * @report: error sink
 * @ctx:    passed to @report
 *
 * The config checks are the checker's own (tools/cfgcheck/check.c), so the
 * generator refuses exactly what the build refuses, e.g. two VMs whose
 * memory overlaps (the message names both).
 *
 * Return: 0, or -EINVAL if the config is invalid (errors reported).
 */
int dtgen_init(struct dtgen *g, const struct bh_config *cfg,
	       void (*report)(void *ctx, const char *msg), void *ctx);

/**
 * dtgen_init_board() - dtgen_init() for @board instead of the build's
 * @g:      the run
 * @cfg:    configuration
 * @board:  the board the config is checked against (struct bh_platform)
 * @report: error sink
 * @ctx:    passed to @report
 *
 * Return: 0, or -EINVAL if the config is invalid for @board.
 */
int dtgen_init_board(struct dtgen *g, const struct bh_config *cfg, const struct bh_platform *board,
		     void (*report)(void *ctx, const char *msg), void *ctx);

/**
 * dtgen_vm_index() - index of the VM called @name, or -1
 */
int dtgen_vm_index(const struct bh_config *cfg, const char *name);

/**
 * dtgen_vm_has_dt() - does VM @vm boot with a device tree (has a DTB image)?
 */
int dtgen_vm_has_dt(const struct bh_config *cfg, unsigned int vm);

/**
 * dtgen_nr_pcpus() - physical CPUs the machine needs (QEMU -smp)
 *
 * Return: the highest CPU any VM is given, plus one (0 for no VM).
 */
unsigned int dtgen_nr_pcpus(const struct bh_config *cfg);

/**
 * dtgen_bind() - bind a file to images of a VM, "VM:KIND=PATH"
 * @g:    the run
 * @spec: "backend:initrd=build/guest/initramfs-shell.cpio.gz"; VM may be
 *        "*" (every VM with such an image that has no binding yet);
 *        KIND is kernel, initrd, dtb or raw
 * @size: the file's size in bytes
 *
 * A later binding for the same image replaces an earlier one; "*" never
 * replaces an explicit binding, whatever the order.
 *
 * Return: number of images bound (>= 1), or -EINVAL (reported).
 */
int dtgen_bind(struct dtgen *g, const char *spec, uint64_t size);

/**
 * dtgen_check_files() - every image of every DT-booted VM has a file that fits
 * @g:        the run
 * @need_dtb: also require the DTB images to be bound (after dtc ran)
 *
 * Return: 0 or -EINVAL (each problem reported, naming the VM and image).
 */
int dtgen_check_files(struct dtgen *g, int need_dtb);

/**
 * dtgen_write_dts() - write VM @vm's device tree source
 * @g:   the run (files bound: the initrd size ends linux,initrd-end)
 * @vm:  VM index
 * @out: stream
 *
 * Return: 0 or -EINVAL (reported).
 */
int dtgen_write_dts(struct dtgen *g, unsigned int vm, FILE *out);

/**
 * dtgen_write_loaders() - QEMU image placement: one "ADDR PATH" line each
 * @g:   the run, with every file bound
 * @out: stream
 *
 * Each line is one "-device loader,file=PATH,addr=ADDR,force-raw=on".
 * Images of several VMs that share a load_pa and a file (one pristine
 * kernel copied into each VM) are loaded once.  Two different files, or
 * overlapping files, at one place are an error.
 *
 * Return: number of lines, or -EINVAL (reported).
 */
int dtgen_write_loaders(struct dtgen *g, FILE *out);

/**
 * dtgen_write_passthrough() - QEMU devices of one kind the config passes through
 * @g:    the run
 * @out:  stream
 * @kind: BH_DEV_VIRTIO_MMIO (QEMU's own virtio devices) or BH_DEV_CDNS_GEM
 *        (the board's NICs, QEMU's -nic)
 *
 * One "VM NAME ADDR INTID" line per device of @kind of any VM: the device's
 * name (which says what QEMU device a virtio one is: "nic", "disk"), the
 * physical address QEMU must put it at (a virtio device's transport), and
 * its interrupt.  The QEMU command line (scripts/qemu-devices.sh) is built
 * from it.
 *
 * Return: number of lines.
 */
int dtgen_write_passthrough(struct dtgen *g, FILE *out, uint32_t kind);

#endif /* DTGEN_H */
