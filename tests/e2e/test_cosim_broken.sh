#!/usr/bin/env bash
# The check must be able to fail: the deliberately broken RTL (AXON_BROKEN adds
# one decode cycle) must make axon cosim exit 1 with the first divergence
# (a start stamp one cycle late, with both sides' state), and --wave must write
# a VCD window of the RTL around it and the C model's VCD up to the stop.
set -euo pipefail
root=${AXON_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${AXON_BUILD:-$root/build}
axon=${AXON:-$build/axon}
[ -x "$build/rtl/broken/axon-cosim" ] || { echo "cosim helper $build/rtl/broken missing (make rtl-test-builds needs verilator)"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
set +e
"$axon" cosim --rtl "$build/rtl/broken" --random 8 --seed 7 --wave "$work/div.vcd" --wave-window 16 > "$work/out" 2> "$work/err"
rc=$?
set -e
cat "$work/out"
[ "$rc" -eq 1 ] || { echo "broken RTL: exit $rc, want 1"; exit 1; }
grep -q '^cosim: MISMATCH' "$work/out"
grep -q 'first divergence at 1 cycles (start #0' "$work/out"
grep -q 'C model: item 0 at 1$' "$work/out"
grep -q 'RTL:     item 0 at 2$' "$work/out"
grep -q 'RTL state:' "$work/out"
[ -s "$work/div.vcd" ] || { echo "no VCD written"; cat "$work/err"; exit 1; }
grep -q 'enddefinitions' "$work/div.vcd"
grep -q 'obs_start' "$work/div.vcd"
# the C model's side: sim/'s VCD observer over the lockstep run
grep -q 'enddefinitions' "$work/div.sim.vcd"
last=$(grep '^#' "$work/div.vcd" | tail -n 1 | tr -d '#')
[ "$last" -le $(( (1 + 16) * 2000 + 1000 )) ] || { echo "VCD window too long: last time $last ps"; exit 1; }
echo "broken RTL caught; VCD window ends at $last ps"
