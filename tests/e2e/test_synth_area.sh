#!/usr/bin/env bash
# The synthesized area table power/ reads (power/tech/area_osu018.csv, from
# `make synth`): comment header naming the commands and the yosys version, the
# exact column header, one row per module (core, its parts, the MAC baseline)
# with positive cell counts and areas, and the core total equal to its parts
# plus the few top-level cells; the row-reuse core (REUSE=1) larger than the core
# by at least its row register's flops (8·C bits, 4 µm² each at least). Then the same flow is re-run on a small core
# (R=C=8, L=4) to show the scripts still work and that area grows with the tile.
set -euo pipefail
root=${AXON_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
csv=$root/power/tech/area_osu018.csv
[ -f "$csv" ] || { echo "$csv missing"; exit 1; }
check() { # file [rr: 1 = the row-reuse core's row is required]
  local f=$1 rr=${2:-1}
  grep -q '^# .*make synth' "$f"
  grep -q '^# .*Yosys [0-9]' "$f"
  grep -q '^# .*SRAM.*not included' "$f"
  [ "$(grep -v '^#' "$f" | head -n 1)" = "module,parameters,cells,area_um2" ]
  awk -F, '!/^#/ && NR > 1 && $1 != "module" {
      if (NF != 4 || $2 == "" || $3 !~ /^[0-9]+$/ || $3 <= 0 || $4 !~ /^[0-9.]+$/ || $4 <= 0) { print "bad row: " $0; bad = 1 }
      seen[$1] = 1; area[$1] = $4
      if ($1 == "axon_core" && match($2, /C=[0-9]+/)) cols = substr($2, RSTART + 2, RLENGTH - 2)
    }
    END {
      n = split("axon_core axon_fifo axon_ctrl axon_acc axon_readout axon_mac_baseline" (rr ? " axon_core_row_reuse" : ""), m, " ")
      for (i = 1; i <= n; i++) if (!(m[i] in seen)) { print "missing module " m[i]; bad = 1 }
      parts = area["axon_fifo"] + area["axon_ctrl"] + area["axon_acc"] + area["axon_readout"]
      if (area["axon_core"] < parts || area["axon_core"] > parts * 1.01 + 1000) {
        print "core area " area["axon_core"] " is not its parts " parts; bad = 1 }
      if (rr && area["axon_core_row_reuse"] < area["axon_core"] + 4 * 8 * cols) {
        print "row-reuse core " area["axon_core_row_reuse"] " not above the core " area["axon_core"] " + its row register"; bad = 1 }
      exit bad
    }' rr="$rr" "$f"
}
# the committed table holds the row-reuse core once `make synth` has run since it was added
if grep -q '^axon_core_row_reuse,' "$csv"; then check "$csv" 1; else check "$csv" 0; fi
echo "committed table ok: $(grep '^axon_core,' "$csv")"
lib=$root/.deps/osu018/osu018_stdcells.lib
if ! command -v yosys > /dev/null || [ ! -f "$lib" ]; then
  echo "committed table checked; yosys or the OSU018 liberty (make deps) missing for the re-run"; exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"
SYNTH_CORE_PARAMS="-set R 8 -set C 8 -set L 4 -set F 2 -set A 16 -set RB 32" \
SYNTH_BASE_PARAMS="-set C 8 -set L 4 -set A 16 -set RB 32" \
  bash rtl/synth/synth.sh "$work/small.csv" "$work/synth" > /dev/null
check "$work/small.csv" 1
small=$(awk -F, '$1 == "axon_core" { print $4 }' "$work/small.csv")
big=$(awk -F, '$1 == "axon_core" { print $4 }' "$csv")
awk -v s="$small" -v b="$big" 'BEGIN { exit !(s > 0 && s < b) }' || { echo "small core $small um2 not below $big um2"; exit 1; }
echo "re-synthesized small core: $small um2 (default core $big um2)"
