#!/usr/bin/env bash
# The synthesized area table power/ reads (power/tech/area_osu018.csv, from
# `make synth`): comment header naming the commands and the yosys version, the
# exact column header, one row per module (core, its parts, the MAC baseline)
# with positive cell counts and areas, and the core total equal to its parts
# plus the few top-level cells; the row-reuse core (REUSE=1) larger than the core
# by at least its row register's flops (8·C bits, 4 µm² each at least). Then the same flow is re-run on a small core
# (R=C=8, L=4) to show the scripts still work and that area grows with the tile,
# and the baseline tiles (rtl/synth/base_synth.sh) are synthesized part by part.
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
      if ($1 == "axon_core") core_p = $2
      if ($1 == "axon_core_row_reuse" && $2 == core_p " REUSE=1") rr_same = $4  # at the same set as the core
    }
    END {
      n = split("axon_core axon_fifo axon_ctrl axon_acc axon_readout axon_mac_baseline" (rr ? " axon_core_row_reuse" : ""), m, " ")
      for (i = 1; i <= n; i++) if (!(m[i] in seen)) { print "missing module " m[i]; bad = 1 }
      parts = area["axon_fifo"] + area["axon_ctrl"] + area["axon_acc"] + area["axon_readout"]
      if (area["axon_core"] < parts || area["axon_core"] > parts * 1.01 + 1000) {
        print "core area " area["axon_core"] " is not its parts " parts; bad = 1 }
      if (rr && rr_same < area["axon_core"] + 4 * 8 * cols) {
        print "row-reuse core " rr_same " not above the core " area["axon_core"] " + its row register"; bad = 1 }
      exit bad
    }' rr="$rr" "$f"
}
# the committed table holds the row-reuse core once `make synth` has run since it was added
if grep -q '^axon_core_row_reuse,' "$csv"; then check "$csv" 1; else check "$csv" 0; fi
echo "committed table ok: $(grep '^axon_core,' "$csv")"
# the area model takes the row-reuse core at the default tile from its own rows: control from
# .ctrl, the row register from .top (with the 8L·Ls assumed read-pipe flops, 4.522 um2 each at
# 45 nm), 180 nm -> 45 nm by 1/19
rrd="R=128 C=128 L=16 LS=1 F=8 A=32 RB=64 DB=1 GATE=1 REUSE=1"
W=$root/traces/ppocr/ppocr-rec.weights.safetensors T=$root/traces/ppocr/ppocr-rec.trace.safetensors
if [ -n "${AXON:-}" ] && [ -f "$W" ] && grep -q "^axon_core_row_reuse,$rrd," "$csv"; then
  "$AXON" run --weights "$W" --trace "$T" --layer model.layers.0.self_attn.o_proj --row-reuse --json > "${TMPDIR:-/tmp}/rr.$$.json"
  "${AXON_PY:-python3}" - "${TMPDIR:-/tmp}/rr.$$.json" "$csv" "$rrd" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1])); l = d['layers'][0] if 'layers' in d else d
rows = {}
for line in open(sys.argv[2]):
    if not line.startswith('#') and not line.startswith('module,'):
        m, rest = line.rstrip('\n').split(',', 1); p, _, a = rest.rsplit(',', 2); rows[(m, p)] = float(a)
g = lambda part: rows[('axon_core_row_reuse.' + part, sys.argv[3])] / 19 * l['cores']
near = lambda x, y: abs(x - y) <= 1e-9 * abs(y) + 1e-6
assert near(l['pipe_area_um2'], g('top') + 16 * 8 * 4.522 * l['cores']), (l['pipe_area_um2'], g('top'))
assert near(l['control_area_um2'], g('ctrl')), (l['control_area_um2'], g('ctrl'))
assert near(l['acc_area_um2'], g('acc')) and near(l['readout_area_um2'], g('readout'))
tot = rows[('axon_core_row_reuse', sys.argv[3])] / 19 * l['cores']
assert near(l['logic_area_um2'], tot + 16 * 8 * 4.522 * l['cores']), (l['logic_area_um2'], tot)
print(f"row-reuse core at the default tile: logic {l['logic_area_um2']:.0f} um2 (synthesized {tot:.0f} + read pipe)")
PYEOF
  rm -f "${TMPDIR:-/tmp}/rr.$$.json"
fi
lib=$root/.deps/osu018/osu018_stdcells.lib
if ! command -v yosys > /dev/null || [ ! -f "$lib" ]; then
  echo "committed table checked; yosys or the OSU018 liberty (make deps) missing for the re-run"; exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"
SYNTH_CORE_PARAMS="-set R 8 -set C 8 -set L 4 -set F 2 -set A 16 -set RB 32" \
SYNTH_BASE_PARAMS="-set C 8 -set L 4 -set A 16 -set RB 32 -set ZS 0" \
SYNTH_BASE_SETS="dense|C=8 L=4 A=16 RB=32 ZS=0
bitserial|C=8 L=4 A=16 RB=32 P=5" \
  bash rtl/synth/synth.sh "$work/small.csv" "$work/synth" > /dev/null
check "$work/small.csv" 1
small=$(awk -F, '$1 == "axon_core" { print $4 }' "$work/small.csv")
big=$(awk -F, '$1 == "axon_core" { print $4 }' "$csv")
awk -v s="$small" -v b="$big" 'BEGIN { exit !(s > 0 && s < b) }' || { echo "small core $small um2 not below $big um2"; exit 1; }
echo "re-synthesized small core: $small um2 (default core $big um2)"
# the baseline tiles part by part: parts sum to the tile; a set already in the
# table is not synthesized again (cache); at A = 32 the multipliers keep their
# area and the adders grow (what power/ scales by, never the multiplier by A)
parts() { # csv module params -> total and sum of parts
  awk -F, -v m="$2" -v p="$3" '$1 == m && $2 == p { t = $4 } index($1, m ".") == 1 && $2 == p { s += $4 }
    END { if (t <= 0 || s < t * 0.999 || s > t * 1.001) { print "parts of " m " " p ": " s " vs " t; exit 1 } }' "$1"
}
area() { awk -F, -v m="$2" -v p="$3" '$1 == m && $2 == p { print $4 }' "$1"; }
parts "$work/small.csv" axon_mac_baseline "C=8 L=4 A=16 RB=32 ZS=0"
# the row-reuse core (rtl/synth/core_synth.sh): its parts sum to it, every key named (RTL
# defaults for those left out), a cached set not synthesized again
rr="R=8 C=8 L=4 LS=1 F=2 A=16 RB=32 DB=1 GATE=1 REUSE=1"
parts "$work/small.csv" axon_core_row_reuse "$rr"
# black-box mode (make synth wrote the core's submodules at the same parameters: their rows
# copied, only axon_ctrl and the top level synthesized) against the full synthesis (FULL=1): the
# total within 1 % (abc maps a module a few % differently in another design: synthesis noise,
# 0.04-0.14 % on this core as the RTL changed; rows of another parameter set, the plausible bug,
# are off by tens of %)
grep -q -- '-lib' "$work/synth/core/"*.ys || { echo "make synth's row-reuse core did not use the core's rows"; exit 1; }
cp "$work/small.csv" "$work/full.csv"
FULL=1 FORCE=1 bash rtl/synth/core_synth.sh "$rr" "$work/full.csv" "$work/synth/full" > /dev/null
! grep -q -- '-lib' "$work/synth/full/"*.ys
parts "$work/full.csv" axon_core_row_reuse "$rr"
a=$(area "$work/small.csv" axon_core_row_reuse "$rr") f=$(area "$work/full.csv" axon_core_row_reuse "$rr")
awk -v a="$a" -v f="$f" 'BEGIN { exit !(a > 0 && a < 1.01 * f && f < 1.01 * a) }' ||
  { echo "row-reuse core: black-box mode $a um2, full synthesis $f um2"; exit 1; }
echo "row-reuse core: black-box mode $a um2, full synthesis $f um2"
bash rtl/synth/core_synth.sh "R=8 C=8 L=4 F=2 A=16 RB=32 REUSE=1" "$work/small.csv" "$work/synth/core" | grep -q "already in"
if grep -q "^axon_core_row_reuse,R=128 C=128 L=16 LS=1 F=8 A=32 RB=64 DB=1 GATE=1 REUSE=1," "$csv"; then
  parts "$csv" axon_core_row_reuse "R=128 C=128 L=16 LS=1 F=8 A=32 RB=64 DB=1 GATE=1 REUSE=1"
fi
if bash rtl/synth/core_synth.sh "R=8 C=8 REUSE=0" "$work/small.csv" 2> "$work/err"; then
  echo "core_synth accepted REUSE=0"; exit 1
fi
grep -q "only the row-reuse core" "$work/err"
parts "$work/small.csv" axon_mac_bitserial "C=8 L=4 A=16 RB=32 P=5"
bash rtl/synth/base_synth.sh dense "C=8 L=4 A=16 RB=32 ZS=0" "$work/small.csv" "$work/synth/base" | grep -q "already in"
bash rtl/synth/base_synth.sh dense "C=8 L=4 A=32 RB=32 ZS=0" "$work/small.csv" "$work/synth/base" > /dev/null
parts "$work/small.csv" axon_mac_baseline "C=8 L=4 A=32 RB=32 ZS=0"
m16=$(area "$work/small.csv" axon_mac_baseline.mul "C=8 L=4 A=16 RB=32 ZS=0")
m32=$(area "$work/small.csv" axon_mac_baseline.mul "C=8 L=4 A=32 RB=32 ZS=0")
a16=$(area "$work/small.csv" axon_mac_baseline.add "C=8 L=4 A=16 RB=32 ZS=0")
a32=$(area "$work/small.csv" axon_mac_baseline.add "C=8 L=4 A=32 RB=32 ZS=0")
# the multiplier does not change with A (abc maps the same module a few % apart)
awk -v a="$m16" -v b="$m32" 'BEGIN { exit !(b < 1.05 * a && a < 1.05 * b) }' ||
  { echo "multiplier area $m16 at A=16, $m32 at A=32"; exit 1; }
awk -v a="$a16" -v b="$a32" 'BEGIN { exit !(b > 1.5 * a) }' || { echo "adder area $a16 -> $a32 at A 16 -> 32"; exit 1; }
echo "baseline tiles: parts sum to the tiles, cache hit, multiplier $m16 / $m32 um2 at A = 16 / 32, adders $a16 -> $a32 um2"
