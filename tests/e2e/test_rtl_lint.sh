#!/usr/bin/env bash
# `verilator --lint-only -Wall` must be clean for every RTL module: the sync
# core at the default small, the core-timing.md default (R=C=128, L=16) and the
# test parameter sets, the broken variant, the MAC baseline, and the async core
# (--timing) with both handshakes (make rtl-lint runs them all).
set -euo pipefail
root=${AXON_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
command -v verilator > /dev/null || { echo "verilator not installed (make deps)"; exit 77; }
cd "$root"
out=$(make -s rtl-lint 2>&1) || { echo "$out"; exit 1; }
if grep -q '%Warning\|%Error' <<< "$out"; then echo "$out"; exit 1; fi
echo "lint clean: $(grep -c 'lint-only' <<< "$(make -n rtl-lint)") verilator -Wall runs"
