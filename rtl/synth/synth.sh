#!/usr/bin/env bash
# Synthesizes the core, the row-reuse core and the dense INT8 baseline with yosys against the OSU018
# liberty and writes the per-module area table that power/ reads:
#   module,parameters,cells,area_um2
# (cells = standard cells, area_um2 = sum of OSU018 cell areas in um^2; the
# weight SRAM of the core is a black box and NOT included, see core_osu018.ys).
# Usage: rtl/synth/synth.sh OUT.csv [WORKDIR]
# Env:   SYNTH_CORE_PARAMS / SYNTH_BASE_PARAMS override the chparam settings
#        (e.g. "-set R 16 -set C 16 -set L 4") for quick runs (the test does).
#        SYNTH_BASE_SETS: the baseline tiles synthesized part by part into the
#        same table by rtl/synth/base_synth.sh ("kind|K=V ..." per line; the
#        default: dense and zero-skip at the default tile, bit-serial at P = 5,
#        6, 7, the bit-planes of the shipped trace's layers). Rows of other
#        parameter sets already in OUT (added by `make synth-base`) are kept.
set -euo pipefail
out=$1
work=${2:-build/synth}
lib=.deps/osu018/osu018_stdcells.lib
[ -f "$lib" ] || { echo "synth: $lib missing (hint: make deps)" >&2; exit 1; }
mkdir -p "$work"
run() { # script, stat file, chparam settings, top [, name of the edited script]
  local ys=$1 stat=$2 params=$3 top=$4 name=${5:-$(basename "$1" .ys)}
  sed -e "s|build/synth/[a-z0-9_]*\.stat|$stat|" \
      ${params:+-e "s|^chparam .* $top\$|chparam $params $top|"} "$ys" > "$work/$name.ys"
  yosys -q -l "$work/$name.log" -s "$work/$name.ys" >/dev/null 2>&1
}
run rtl/synth/core_osu018.ys "$work/core.stat" "${SYNTH_CORE_PARAMS:-}" axon_core
run rtl/synth/baseline_osu018.ys "$work/base.stat" "${SYNTH_BASE_PARAMS:-}" axon_mac_baseline
# the baseline tiles' parts (and any cached parameter set) from the old table
keep=$(mktemp)
trap 'rm -f "$keep"' EXIT
[ -f "$out" ] && grep -E -e '^axon_mac_(baseline|bitserial)[.,][^,]*(ZS|P)=' -e '^axon_core_row_reuse[.,][^,]*REUSE=1' "$out" > "$keep" || true
cparams=$(grep '^chparam' "$work/core_osu018.ys" | sed -e 's/^chparam //' -e 's/ axon_core$//' -e 's/-set //g' -e 's/ \([0-9][0-9]*\)/=\1/g')
# every key of the core named (rtl/axon_core.sv's default where the settings leave one out), so
# that rtl/synth/core_synth.sh finds the core's submodules at the same parameter set
full=""
for kv in R=32 C=32 L=8 LS=1 F=8 A=32 RB=64 DB=1 GATE=1; do
  v=$(printf '%s\n' $cparams | sed -n "s/^${kv%%=*}=\([0-9][0-9]*\)\$/\1/p" | head -n 1)
  full="$full${full:+ }${kv%%=*}=${v:-${kv#*=}}"
done
cparams=$full
bparams=$(grep '^chparam' "$work/baseline_osu018.ys" | sed -e 's/^chparam //' -e 's/ axon_mac_baseline$//' -e 's/-set //g' -e 's/ \([0-9][0-9]*\)/=\1/g')
ver=$(yosys -V | head -n 1)
{
  echo "# Logic area per module from yosys synthesis against the OSU 0.18 um liberty"
  echo "# (osu018_stdcells.lib of Debian's qflow-tech-osu018). Produced by: make synth"
  echo "# (rtl/synth/synth.sh running rtl/synth/core_osu018.ys and baseline_osu018.ys:"
  echo "#  synth; dfflibmap -liberty; abc -liberty; stat -liberty) with $ver."
  echo "# The weight SRAM (axon_sram) is a black box: memory-macro area is not included."
  echo "# axon_core is the total of the core without its SRAM; the rows after it are its parts."
  echo "# axon_core_row_reuse: the row-reuse core (REUSE=1) at each synthesized parameter set"
  echo "# (rtl/synth/core_synth.sh, hierarchy kept), then its parts (.acc .fifo .readout .ctrl .top)."
  echo "module,parameters,cells,area_um2"
  # core: per-module areas from the hierarchical stat
  awk -v cp="$cparams" '
    /^=== / { name=$2; sub(/.*\\/, "", name) }
    /Number of cells:/ { cells[name]=$4 }
    /Chip area for module/ { a=$NF; area[name]=a }
    /Chip area for top module/ { top=$NF }
    /design hierarchy/ { inh=1 }
    inh && /Number of cells:/ { tcells=$4 }
    END {
      printf "axon_core,%s,%d,%.1f\n", cp, tcells, top
      n=split("axon_fifo axon_ctrl axon_acc axon_readout", m, " ")
      for (i=1;i<=n;i++) if (m[i] in area) printf "%s,%s,%d,%.1f\n", m[i], cp, cells[m[i]], area[m[i]]
    }' "$work/core.stat"
  awk -v bp="$bparams" '
    /design hierarchy/ { inh=1 }
    inh && /Number of cells:/ { tcells=$4 }
    /Chip area for top module/ { top=$NF }
    END { printf "axon_mac_baseline,%s,%d,%.1f\n", bp, tcells, top }' "$work/base.stat"
  cat "$keep"
} > "$out.tmp"
mv "$out.tmp" "$out"
sets=${SYNTH_BASE_SETS:-"dense|C=128 L=16 A=32 RB=64 ZS=0
dense|C=128 L=16 A=32 RB=64 ZS=1
bitserial|C=128 L=16 A=32 RB=64 P=5
bitserial|C=128 L=16 A=32 RB=64 P=6
bitserial|C=128 L=16 A=32 RB=64 P=7"}
# the row-reuse core (REUSE = 1: the row register of W words), the core's parameters otherwise
FORCE=1 bash rtl/synth/core_synth.sh "$cparams REUSE=1" "$out" "$work/core" > /dev/null
while IFS= read -r s; do
  [ -n "$s" ] && FORCE=1 bash rtl/synth/base_synth.sh "${s%%|*}" "${s#*|}" "$out" "$work/base" > /dev/null
done <<< "$sets"
cat "$out"
