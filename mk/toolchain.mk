# Compiler flavours shared by every build fragment (*/build.mk).
#
#   freestanding  aarch64, no libc: the hypervisor and bare-metal test guests
#   linux-static  aarch64 static Linux user space: the device model in the backend VM
#   host          native: unit tests (sanitized), host tools, the host device model

BUILD        ?= build
CROSS_COMPILE ?= aarch64-linux-gnu-
CROSS_CC     := $(CROSS_COMPILE)gcc
CROSS_LD     := $(CROSS_COMPILE)ld
CROSS_OBJCOPY := $(CROSS_COMPILE)objcopy
CROSS_OBJDUMP := $(CROSS_COMPILE)objdump
CROSS_SIZE   := $(CROSS_COMPILE)size
HOST_CC      ?= cc
CLANG        ?= clang

WARNFLAGS    := -Wall -Wextra -Werror
DEPFLAGS      = -MMD -MP

FREESTANDING_CFLAGS := $(WARNFLAGS) -std=gnu11 -O2 -g -ffreestanding -fno-builtin \
	-nostdlib -mgeneral-regs-only -mno-outline-atomics -fno-stack-protector \
	-fno-pic -fno-pie -fno-common -mcmodel=small -march=armv8-a
FREESTANDING_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none

LINUX_STATIC_CFLAGS := $(WARNFLAGS) -std=gnu11 -O2 -g -D_GNU_SOURCE
LINUX_STATIC_LDFLAGS := -static

HOST_CFLAGS  := $(WARNFLAGS) -std=gnu11 -O1 -g -D_GNU_SOURCE
SAN_FLAGS    := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
CMOCKA_LIBS  := -lcmocka

# Fragments append to these:
#   BUILD_ALL          everything `make all` builds
#   UNIT_TESTS         host cmocka test binaries (run with TAP output, each case counted)
#   CHECK_CMDS         name=command pairs run as one test each (pass = exit 0), e.g. a fuzz run
#   SYSTEM_TEST_DEPS   artifacts the QEMU system tests need before they start
BUILD_ALL :=
UNIT_TESTS :=
CHECK_CMDS :=
SYSTEM_TEST_DEPS :=
