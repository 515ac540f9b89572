/* SPDX-License-Identifier: MIT */
/* A VM's images and the RAM they come from (hyp/core/image.c). */
#ifndef HYP_IMAGE_H
#define HYP_IMAGE_H

#include "hyp.h"

struct fdt_range;
struct vm;

/**
 * vm_load_images() - copy every image of @vm whose loader address is not
 * where its memory puts it; in-place images are left alone
 *
 * Return: 0, or -EINVAL if an image lies outside the VM's memory (logged).
 */
int vm_load_images(struct vm *vm);

/**
 * vm_ram_problem() - check @vm's memory regions and image sources against
 * the @n RAM ranges QEMU reports
 * @buf, @len: room for the message
 *
 * Return: NULL if all lie in RAM, else @buf naming the first field that
 * does not.
 */
const char *vm_ram_problem(const struct vm *vm, const struct fdt_range *ram, int n, char *buf,
			   size_t len);

#endif /* HYP_IMAGE_H */
