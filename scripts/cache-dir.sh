#!/bin/sh
# Print Bulkhead's cache directory for heavy, reusable artifacts (guest kernel, .debs).
# It lives outside the source tree so a fresh clone reuses it.
echo "${BULKHEAD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bulkhead}"
