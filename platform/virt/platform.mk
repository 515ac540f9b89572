# QEMU virt with a GICv3: the default platform (docs/hypervisor.md, "Platforms").
# Facts for make, scripts and tests; the hardware facts (frames, INTIDs) are
# in plat_desc.h next to this file, for C.
PLAT_GIC_VERSION  := 3
PLAT_QEMU_MACHINE := virt,virtualization=on,gic-version=3
