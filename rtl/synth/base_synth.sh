#!/usr/bin/env bash
# Synthesizes one baseline tile at one parameter set with yosys against the
# OSU018 liberty, hierarchy kept, and adds its rows to the area table that
# power/ reads (module,parameters,cells,area_um2; docs/power.md "Baselines"):
#   axon_mac_baseline,"C=.. L=.. A=.. RB=.. ZS=..",cells,area   the whole tile
#   axon_mac_baseline.mul / .add / .readout / .acc               its parts
#   axon_mac_bitserial,"C=.. L=.. A=.. RB=.. P=..",cells,area    the whole tile
#   axon_mac_bitserial.lane / .readout / .acc                    its parts
# (.mul, .add, .lane: all L instances; .acc: the top's own cells, i.e. the
# C accumulator registers, their word multiplexers and the control.)
# The table is a cache: a parameter set already in it is not synthesized
# again (FORCE=1 does). Run from the repository root.
# Usage: rtl/synth/base_synth.sh dense|bitserial "C=128 L=16 A=32 RB=64 ZS=0" OUT.csv [WORKDIR]
set -euo pipefail
. "$(dirname "$0")/synth_lib.sh"
kind=$1 params=$2 out=$3 work=${4:-build/synth/base}
lib=.deps/osu018/osu018_stdcells.lib
[ -f "$lib" ] || { echo "base_synth: $lib missing (hint: make deps)" >&2; exit 1; }
case $kind in
  dense) top=axon_mac_baseline; sv="rtl/axon_readout.sv rtl/axon_mul8.sv rtl/axon_lane_add.sv rtl/axon_mac_baseline.sv"
         keys="C L A RB ZS" parts="axon_mul8:mul axon_lane_add:add axon_readout:readout" ;;
  bitserial) top=axon_mac_bitserial; sv="rtl/axon_readout.sv rtl/axon_bs_lane.sv rtl/axon_mac_bitserial.sv"
         keys="C L A RB P" parts="axon_bs_lane:lane axon_readout:readout" ;;
  *) echo "base_synth: kind '$kind' is not dense or bitserial" >&2; exit 1 ;;
esac
# canonical parameter string: the module's keys in order, each required
canon=""
for k in $keys; do
  v=$(printf '%s\n' $params | sed -n "s/^$k=\([0-9][0-9]*\)\$/\1/p" | head -n 1)
  [ -n "$v" ] || { echo "base_synth: parameter $k missing in '$params' (hint: $keys)" >&2; exit 1; }
  canon="$canon${canon:+ }$k=$v"
done
if [ -f "$out" ] && [ "${FORCE:-0}" != 1 ] && grep -q "^$top,$canon," "$out"; then
  echo "base_synth: $top $canon already in $out"; exit 0
fi
[ -f "$out" ] || { echo "base_synth: $out missing (hint: make synth writes it)" >&2; exit 1; }
mkdir -p "$work"
tag=$(echo "$top $canon" | tr ' =' '__')
chp=$(for kv in $canon; do printf -- '-set %s %s ' "${kv%%=*}" "${kv#*=}"; done)
synth_yosys "$work" "$tag" "$top" "$chp" "read_verilog -sv -DSYNTHESIS $sv"
rows=$(synth_rows "$work/$tag.stat" "$top" "$top" "$canon" "$parts" acc)
synth_table_put "$out" "$top" "$canon" "$rows"
