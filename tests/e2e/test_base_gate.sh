#!/usr/bin/env bash
# The dense and zero-skip baselines at gate level (docs/power.md "Baselines
# at gate level"): the OSU018 netlist of rtl/axon_mac_baseline.sv (C=16 L=4
# A=32 RB=64, ZS=0 and ZS=1) driven by deterministic streams, priced from its
# VCD, one energy per component fitted on the training streams and checked on
# held-out streams (other seeds): the calibrated model's total must be within
# +-10 % of gate level, the uncalibrated model (the built-in table at 180 nm)
# is printed beside it and must miss by more (so the check discriminates),
# and a 1 % bound must fail (the exit status follows the bound).
set -euo pipefail
root=${AXON_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${AXON_BUILD:-$root/build}
lib=$root/.deps/osu018/osu018_stdcells.lib
train=mix:1:3,sparse:1:3,dense:1:2,small:1:3,wzero:1:3
hold=mix:2:3,sparse:2:3,dense:2:2,small:2:3,wzero:2:3
for k in base base_zs; do
  bin=$build/rtl/gate_$k/axon-gate-base
  [ -x "$bin" ] && [ -f "$build/gate/$k/base_gate.json" ] || { echo "$bin missing (make base-gate-build needs yosys, verilator, make deps)"; exit 77; }
done
for k in base base_zs; do
  zs=""; [ $k = base_zs ] && zs=--zs
  out=$("$build/rtl/gate_$k/axon-gate-base" $zs --lib "$lib" --netlist "$build/gate/$k/base_gate.json" --train $train --hold $hold)
  echo "$out"
  echo "$out" | grep -q '^ok: calibrated model within +-10 %'
  # the uncalibrated model misses by more than the bound
  unc=$(echo "$out" | sed -n 's/.*uncalibrated model [0-9.]* pJ (\([-+0-9.]*\) %).*/\1/p')
  awk -v u="$unc" 'BEGIN { exit !(u < -10 || u > 10) }' || { echo "uncalibrated gap $unc % within the bound"; exit 1; }
  if "$build/rtl/gate_$k/axon-gate-base" $zs --lib "$lib" --netlist "$build/gate/$k/base_gate.json" \
       --train $train --hold $hold --bound 1 > /dev/null; then
    echo "a 1 % bound passed: the exit status does not follow the bound"; exit 1
  fi
done
echo "baseline gate-level check ok"
