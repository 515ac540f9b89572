#!/bin/sh
# Static analysis of every C file of the product, the guests and the tools
# (docs/build.md "Checks"): cppcheck's warning, style, performance and
# portability classes, with every include directory given so that it parses
# each file whole.  A file it cannot parse (internalAstError, syntaxError)
# fails the check too: code it does not see is code it does not check.
# A finding judged wrong is suppressed at its line with
# "// cppcheck-suppress ID" and a comment saying why.
set -u
cd "$(dirname "$0")/../.." || exit 1
command -v cppcheck >/dev/null || { echo "cppcheck missing (scripts/deps.sh installs it)"; exit 1; }
incs=$(find . -path ./build -prune -o -type d -name include -print | sort | sed 's/^/-I /')
# the default platform's description (platform/virt/plat_desc.h) for every file
platforms="-I . -I hyp/include -I platform/virt"
# shellcheck disable=SC2086 # word splitting of the option lists is wanted
out=$(cppcheck -q --std=c11 --inline-suppr --enable=warning,style,performance,portability \
	--error-exitcode=1 -D__aarch64__ $incs $platforms -I tests/unit \
	hyp dm tools guest include platform 2>&1)
rc=$?
# the GICv2 driver, built for GICv2 platforms only, with their description
# shellcheck disable=SC2086
out2=$(cppcheck -q --std=c11 --inline-suppr --enable=warning,style,performance,portability \
	--error-exitcode=1 -D__aarch64__ $incs -I platform/virt-gicv2 \
	hyp/arch/aarch64/gic/gic_v2.c 2>&1) || rc=1
# the board code of zcu102 (board.c, the Cadence UART) and its reference config, with its
# description
# shellcheck disable=SC2086
out3=$(cppcheck -q --std=c11 --inline-suppr --enable=warning,style,performance,portability \
	--error-exitcode=1 -D__aarch64__ $incs -I . -I hyp/include -I platform/zcu102 \
	platform/drivers/cdns_uart.c platform/zcu102 configs/reference-zcu102.c hyp/arch/aarch64/mmu.c \
	hyp/core/main.c 2>&1) || rc=1
out=$(printf '%s\n%s\n%s' "$out" "$out2" "$out3" | sed '/^$/d')
findings=$(printf '%s\n' "$out" | grep -cE ':[0-9]+:[0-9]+: (error|warning|style|performance|portability):')
[ -n "$out" ] && printf '%s\n' "$out"
echo "cppcheck: $findings finding(s)"
[ "$rc" -eq 0 ] && [ "$findings" -eq 0 ]
