#!/bin/sh
# Every C source and header the repository tracks is formatted with the
# repository's .clang-format (run `clang-format -i FILE` to fix one); the
# files whose layout is data (tables kept by hand) say so with
# "clang-format off" around it.
set -u
cd "$(dirname "$0")/../.." || exit 1
bad=0
files=$(git ls-files -- '*.c' '*.h' 2>/dev/null) ||
	files=$(find . -path ./build -prune -o \( -name '*.c' -o -name '*.h' \) -print)
[ -n "$files" ] || { echo "no C files found"; exit 1; }
for f in $files; do
	if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
		echo "not formatted: $f (clang-format -i $f)"
		bad=$((bad + 1))
	fi
done
echo "$bad file(s) not formatted"
[ "$bad" -eq 0 ]
