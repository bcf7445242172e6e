#!/usr/bin/env bash
# The named characterization set h128 (mk/rtl_gate.mk, docs/power.md "The default tile at gate
# level") as make would run it, dry (make -n into a scratch build directory; nothing is
# synthesized): h128 is the simulator's default tile (the defaults `axon run --help` prints),
# `make characterize-set CHAR_SET=h128` synthesizes exactly those parameters, characterizes the
# common held-out streams and prices them with the committed table, and the core's netlist
# model is compiled by clang++ where it is installed (GATE_CXX= keeps verilated.mk's compiler).
set -euo pipefail
root=${AXON_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
AXON=${AXON:-$root/build/axon}
cd "$root"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# the simulator's defaults, as the CLI reports them
help=$("$AXON" run --help 2>&1)
def() { sed -n "s/^ *--$1 .*default \([^];]*\)\]\$/\1/p" <<< "$help" | head -1; }
tile=$(def tile) lanes=$(def lanes) fifo=$(def fifo) ls=$(def sram-latency)
acc=$(def acc-bits) rb=$(def readout-bits) db=$(def double-buffer) zg=$(def zero-gating)
onoff() { [ "$1" = on ] && echo 1 || echo 0; }
want="-set R ${tile%x*} -set C ${tile#*x} -set L $lanes -set LS $ls -set F $fifo -set A $acc"
want="$want -set RB $rb -set DB $(onoff "$db") -set GATE $(onoff "$zg")"
[ -n "$lanes" ] && [ -n "$fifo" ] && [ -n "$rb" ] || { echo "cannot read the defaults"; exit 1; }

dry=$(make -n AXON_SKIP_DEPS=1 BUILD="$tmp/build" characterize-set CHAR_SET=h128 2>&1)
chp=$(grep -o 'chparam -set [^|]*axon_core' <<< "$dry" | head -1)
[ "$chp" = "chparam $want axon_core" ] || {
  echo "h128 synthesizes '$chp', the simulator's default tile is '$want'"; exit 1; }
grep -q -- "gate_h128/axon-gate-char .*--netlist $tmp/build/gate/h128/core_gate.json --set h128 --streams mix:2:" <<< "$dry" || {
  echo "h128 is not characterized on its own netlist with the held-out streams:"; echo "$dry" | grep axon-gate-char; exit 1; }
grep -q -- "calibrate --check $tmp/build/char/h128.hold.csv --tech power/tech/cal_osu018.csv" <<< "$dry" || {
  echo "characterize-set does not price h128's held-out rows with the committed table"; exit 1; }

# the netlist model's compiler
if command -v clang++ > /dev/null; then
  grep -q "Vaxon_core.mk Vaxon_core__ALL.a OPT_FAST=-O0 .*CXX=clang++" <<< "$dry" || {
    echo "the h128 netlist model is not compiled by clang++"; exit 1; }
fi
dry0=$(make -n AXON_SKIP_DEPS=1 BUILD="$tmp/build" GATE_CXX= characterize-set CHAR_SET=h128 2>&1)
if grep -q "CXX=clang++" <<< "$dry0"; then echo "GATE_CXX= still compiles by clang++"; exit 1; fi
echo "h128 = the default tile ($want); characterize-set dry run as documented"
