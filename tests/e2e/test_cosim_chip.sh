#!/usr/bin/env bash
# Chip RTL (rtl/axon_chip.sv: cores + multicast routers) against the C chip
# model, stamp by stamp for every core (flit arrivals, accepts, starts, SRAM
# words, readout beats and ends with the accumulators), the per-core activity
# and the overflow flag: a 2x2 mesh with 8-bit links (a flit in 4 units) and a
# 4x2 mesh (4 columns, 2 rows) with hop 2, SRAM latency 2, FIFO depth 1, single
# buffer, no gating. Items reach the cores off the first column after hops and
# link serialization (arrivals > 0, gaps). Not covered here: the partial-sum
# reduction (the C model's duration includes it; the RTL has none).
set -euo pipefail
root=${AXON_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${AXON_BUILD:-$root/build}
for v in chip22 chip42; do
  [ -x "$build/rtl/$v/axon-chip-cosim" ] || { echo "chip build $build/rtl/$v missing (make rtl-test-builds needs verilator)"; exit 77; }
done
n=0 ovf=0
for v in chip22 chip42; do
  for seed in 1 2 3 4 5 6 7 8 9; do
    out=$("$build/rtl/$v/axon-chip-cosim" --seed "$seed") || { echo "chip cosim failed on $v seed $seed: $out"; exit 1; }
    case $out in "chip cosim: OK"*) ;; *) echo "$out"; exit 1 ;; esac
    case $out in *"overflow flag 1"*) ovf=$((ovf + 1)) ;; esac
    n=$((n + 1))
  done
  echo "$v: $out"
done
[ "$ovf" -gt 0 ] || { echo "no run overflowed: the overflow flag was never exercised"; exit 1; }
echo "$n chip co-simulations equal ($ovf with overflow)"
