# QEMU virt with a GICv2 (GIC-400-like, with the virtualization extensions):
# `make PLATFORM=virt-gicv2 ...` (docs/hypervisor.md, "Platforms").
PLAT_GIC_VERSION  := 2
PLAT_QEMU_MACHINE := virt,virtualization=on,gic-version=2
