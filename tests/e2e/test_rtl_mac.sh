#!/usr/bin/env bash
# The dense INT8 baseline tile (rtl/axon_mac_baseline.sv, C=20 L=8) against
# exact integer arithmetic: random int8 weights and activations (a silent
# token included), three seeds, every accumulator of every token compared.
set -euo pipefail
root=${AXON_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${AXON_BUILD:-$root/build}
tb=$build/rtl/mac/axon-mac-tb
[ -x "$tb" ] || { echo "RTL build $tb missing (make rtl-test-builds needs verilator)"; exit 77; }
for seed in 1 2 3; do
  out=$("$tb" "$seed")
  echo "$out"
  case $out in *"120 accumulators equal"*) ;; *) exit 1 ;; esac
done
