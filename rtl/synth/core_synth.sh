#!/usr/bin/env bash
# Synthesizes the row-reuse core (rtl/axon_core.sv, REUSE = 1; NT > 1 the
# batched one, docs/core-timing.md "Token batches") at one parameter set with yosys against the OSU018 liberty, hierarchy kept, and
# adds its rows to the area table that power/ reads (module,parameters,cells,
# area_um2; docs/power.md "Calibrating from synthesis"):
#   axon_core_row_reuse,"R=.. C=.. L=.. LS=.. F=.. A=.. RB=.. DB=.. GATE=.. REUSE=1",cells,area
#                                                   the core without its SRAM
#   axon_core_row_reuse.acc / .fifo / .readout / .ctrl   its submodules
#   axon_core_row_reuse.top   the top level's own cells: the row register of
#                             W = ceil(C/L) words, its word multiplexer, glue
# (the weight SRAM, axon_sram, is a black box as in core_osu018.ys.)
# REUSE changes only axon_ctrl and the top level: axon_acc, axon_fifo and
# axon_readout get the same parameters as in the core without row reuse. When
# OUT already holds those three modules synthesized at the same parameter set
# (the axon_core rows of `make synth`, hierarchy kept: each module is mapped
# on its own), they are read as black boxes (read_verilog -lib) and their
# rows are copied; only axon_ctrl and the top level are synthesized, which
# takes seconds where the full 128x128 core takes many minutes. On a small
# core the total is within 1 % of a full synthesis (0.04-0.14 % measured) (tests/e2e/
# test_synth_area.sh; single parts move by a few %: abc maps a module
# differently in another design). FULL=1 synthesizes everything.
# The table is a cache: a parameter set already in it is not synthesized
# again (FORCE=1 does). Run from the repository root.
# Keys left out take the RTL defaults (R=32 C=32 L=8 LS=1 F=8 A=32 RB=64 DB=1 GATE=1).
# Usage: rtl/synth/core_synth.sh "R=128 C=128 L=16 LS=1 F=8 A=32 RB=64 DB=1 GATE=1 REUSE=1" OUT.csv [WORKDIR]
set -euo pipefail
. "$(dirname "$0")/synth_lib.sh"
params=$1 out=$2 work=${3:-build/synth/core}
lib=.deps/osu018/osu018_stdcells.lib
[ -f "$lib" ] || { echo "core_synth: $lib missing (hint: make deps)" >&2; exit 1; }
top=axon_core mod=axon_core_row_reuse keys="R C L LS F A RB DB GATE REUSE"
# a key left out takes rtl/axon_core.sv's default; the row names every key
# (NT, the tokens of a batch, only when it is not 1: rows of unbatched sets keep their names)
declare -A dflt=([R]=32 [C]=32 [L]=8 [LS]=1 [F]=8 [A]=32 [RB]=64 [DB]=1 [GATE]=1 [REUSE]=0 [NT]=1)
for kv in $params; do
  case " $keys NT " in *" ${kv%%=*} "*) ;; *) echo "core_synth: unknown parameter '$kv' (hint: $keys NT)" >&2; exit 1 ;; esac
done
canon=""
for k in $keys NT; do
  v=$(printf '%s\n' $params | sed -n "s/^$k=\([0-9][0-9]*\)\$/\1/p" | head -n 1)
  [ "$k" = NT ] && [ "${v:-1}" = 1 ] && continue
  canon="$canon${canon:+ }$k=${v:-${dflt[$k]}}"
done
nt=$(printf '%s\n' $canon | sed -n 's/^NT=//p')
case " $canon " in
  *" REUSE=1 "*) ;;
  *) echo "core_synth: only the row-reuse core (REUSE=1); the core itself is written by make synth" >&2; exit 1 ;;
esac
if [ -f "$out" ] && [ "${FORCE:-0}" != 1 ] && grep -q "^$mod,$canon," "$out"; then
  echo "core_synth: $mod $canon already in $out"; exit 0
fi
[ -f "$out" ] || { echo "core_synth: $out missing (hint: make synth writes it)" >&2; exit 1; }
mkdir -p "$work"
tag=$(echo "$mod $canon" | tr ' =' '__')
chp=$(for kv in $canon; do printf -- '-set %s %s ' "${kv%%=*}" "${kv#*=}"; done)
core=${canon% NT=*}
core=${core% REUSE=1} # the core's parameter string, as `make synth` writes it
have() { grep -q "^$1,$core," "$out"; }
bb=""
# batches (NT > 1) change axon_acc (NT sets per bank): never a black box then
if [ "${FULL:-0}" != 1 ] && [ -z "$nt" ] && have axon_acc && have axon_fifo && have axon_readout; then
  bb=1
  read="read_verilog -sv -DSYNTHESIS -lib rtl/axon_fifo.sv rtl/axon_acc.sv rtl/axon_readout.sv
read_verilog -sv -DSYNTHESIS rtl/axon_sram.sv rtl/axon_ctrl.sv rtl/axon_core.sv"
else
  read="read_verilog -sv -DSYNTHESIS rtl/axon_fifo.sv rtl/axon_sram.sv rtl/axon_acc.sv rtl/axon_readout.sv rtl/axon_ctrl.sv rtl/axon_core.sv"
fi
synth_yosys "$work" "$tag" "$top" "$chp" "$read"
# black-box mode: the three unchanged modules' rows of the core at these parameters
copied=""
[ -n "$bb" ] && copied=$(awk -F, -v p="$core" '$2 == p && ($1 == "axon_acc" || $1 == "axon_fifo" || $1 == "axon_readout") { print $1 "," $3 "," $4 }' "$out")
rows=$(synth_rows "$work/$tag.stat" "$top" "$mod" "$canon" \
  "axon_acc:acc axon_fifo:fifo axon_readout:readout axon_ctrl:ctrl" top "$copied")
synth_table_put "$out" "$mod" "$canon" "$rows"
