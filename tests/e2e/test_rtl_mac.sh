#!/usr/bin/env bash
# The baseline tiles (docs/power.md "Baselines") against exact integer
# arithmetic and the power model's counts: random int8 weights and
# activations (zeros and a silent token included), three seeds, every
# accumulator of every token compared.
#   dense      rtl/axon_mac_baseline.sv ZS=0 (C=20 L=8): every activation fed;
#   zero-skip  the same tile with ZS=1: mac_skip raised exactly for the zero
#              activations, words fed = nonzero activations x W;
#   bit-serial rtl/axon_mac_bitserial.sv (P=5): R x W x P + 1 cycles per
#              token and one accumulator-word write per set bit of |x| per word.
set -euo pipefail
root=${AXON_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${AXON_BUILD:-$root/build}
for tb in mac/axon-mac-tb mac_zs/axon-mac-tb mac_bs/axon-mac-bs-tb; do
  [ -x "$build/rtl/$tb" ] || { echo "RTL build $build/rtl/$tb missing (make rtl-test-builds needs verilator)"; exit 77; }
done
for seed in 1 2 3; do
  out=$("$build/rtl/mac/axon-mac-tb" "$seed"); echo "$out"
  case $out in *"120 accumulators equal"*"ZS=0"*"words fed = activations"*) ;; *) exit 1 ;; esac
  out=$("$build/rtl/mac_zs/axon-mac-tb" "$seed"); echo "$out"
  case $out in *"120 accumulators equal"*"ZS=1"*"words fed = nonzero activations"*) ;; *) exit 1 ;; esac
  out=$("$build/rtl/mac_bs/axon-mac-bs-tb" "$seed"); echo "$out"
  case $out in *"120 accumulators equal"*"P=5"*"cycles per token = R x W x P + 1"*"writes = set bits x W"*) ;; *) exit 1 ;; esac
done
