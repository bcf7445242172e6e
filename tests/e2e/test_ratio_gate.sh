#!/usr/bin/env bash
# The spiking/dense energy ratio at gate level (docs/power.md "The ratio at
# gate level"): the same INT8 activations and weights (rtl/gate/axon_gate_acts.h,
# streams act:SEED:TOKENS) run through the spiking 16x16 core netlist (s16,
# coded bitwise-signed: an event per set bit of |x|) and through the dense
# 16x16 MAC tile netlist (C=16 L=4 A=32 RB=64). Each side's model is priced by
# the calibrated table (the core's rows with `calibrate --check`, the tile's
# base_* rows with `--base-check`); the model's ratio spiking/dense must be
# within +-RATIO_PCT (10 %) of the gate-level ratio:
#   model ratio / gate ratio - 1 = (1 + core gap) / (1 + dense gap) - 1.
# A wrong model must break the bound: the core's clock priced at half (the
# assumed fine-grained gating's kind of error), and the dense tile's lanes
# priced without their per-nonzero-product terms.
set -euo pipefail
root=${AXON_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${AXON_BUILD:-$root/build}
axon=${AXON:-$build/axon}
lib=$root/.deps/osu018/osu018_stdcells.lib
table=$root/power/tech/cal_osu018.csv
streams=act:1:3,act:2:3
bound=${RATIO_PCT:-10}
core=$build/rtl/gate/axon-gate-char
dense=$build/rtl/gate_base/axon-gate-base
[ -x "$core" ] && [ -f "$build/gate/core_gate.json" ] && [ -x "$dense" ] && [ -f "$build/gate/base/base_gate.json" ] \
  || { echo "gate builds missing (make test builds them; needs yosys, verilator, make deps)"; exit 77; }
grep -q 'GATE=1' "$build/gate/params.txt" && grep -q '^R=16 C=16 L=4 ' "$build/gate/params.txt" \
  || { echo "the default gate build is not the s16 core ($(cat "$build/gate/params.txt"))"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$core" --lib "$lib" --netlist "$build/gate/core_gate.json" --set s16 --streams "$streams" --out "$tmp/core.csv"
"$dense" --set base --lib "$lib" --netlist "$build/gate/base/base_gate.json" --streams "$streams" --vcd-dir "$tmp" --out "$tmp/dense.csv"
# the total cell of a set's line: the last "(+x.x %)" before the worst-stream column
gap() { sed -n "s/^$1 .*(\([-+][0-9.]*\) %)[ !~]* *[-+][0-9.]* % .*/\1/p" | head -1; }
# gate total of a CSV: the sum of its gate_*_pj columns (found by name)
gsum() { awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i ~ /^gate_.*_pj$/) c[i] = 1; next }
                  { for (i in c) s += $i } END { printf "%.1f", s }' "$1"; }
ratio() { # TABLE -> prints "gate_ratio model_ratio error_pct core_gap dense_gap"
  local c d
  c=$("$axon" calibrate --check "$tmp/core.csv" --tech "$1" | gap s16 || true)
  d=$("$axon" calibrate --base-check "$tmp/dense.csv" --tech "$1" | gap base || true)
  [ -n "$c" ] && [ -n "$d" ] || { echo "no gap parsed (core '$c', dense '$d')" >&2; return 1; }
  awk -v c="$c" -v d="$d" -v gc="$(gsum "$tmp/core.csv")" -v gd="$(gsum "$tmp/dense.csv")" \
    'BEGIN { g = gc / gd; m = g * (1 + c / 100) / (1 + d / 100); printf "%.4f %.4f %+.2f %+.1f %+.1f\n", g, m, 100 * (m / g - 1), c, d }'
}
# every component of each netlist has its column
head -1 "$tmp/core.csv" | tr , '\n' | grep '^gate_.*_pj$' | tr '\n' ' ' | grep -qx 'gate_acc_pj gate_fifo_pj gate_ctrl_pj gate_readout_pj gate_sramif_pj gate_clock_pj '
head -1 "$tmp/dense.csv" | tr , '\n' | grep '^gate_.*_pj$' | tr '\n' ' ' | grep -qx 'gate_lanes_pj gate_acc_pj gate_readout_pj gate_clock_pj '
read -r g m e c d < <(ratio "$table")
echo "spiking/dense energy on $streams: gate level $g, model $m ($e %; bound +-$bound %;" \
  "spiking model / gate - 1: $c %, dense: $d %)"
awk -v e="$e" -v b="$bound" 'BEGIN { exit !(e >= -b && e <= b) }' || { echo "the model's ratio is off by $e %"; exit 1; }
# wrong models break the bound
# scale TABLE OUT FACTOR COMPONENT ACTION...: the first row of each (component,
# action) times FACTOR (the calibrated row comes before the translated ones)
scale() {
  "${AXON_PY:-python3}" - "$@" <<'PY'
import csv, io, sys
src, dst, f, comp, acts = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4], sys.argv[5:]
seen, out = set(), []
for line in open(src):
    row = next(csv.reader([line])) if line.strip() and not line.startswith('#') else None
    if row and len(row) > 3 and row[0] == comp and row[1] in acts and row[1] not in seen:
        seen.add(row[1])
        row[3] = '%g' % (float(row[3]) * f)
        buf = io.StringIO()
        csv.writer(buf, lineterminator='\n').writerow(row)
        line = buf.getvalue()
    out.append(line)
open(dst, 'w').write(''.join(out))
sys.exit(0 if seen == set(acts) else 1)
PY
}
scale "$table" "$tmp/halfclock.csv" 0.5 clock flop_cycle
scale "$table" "$tmp/nolanes.csv" 0 base_lanes mac_xw mac_xw_bit
for bad in halfclock nolanes; do
  cmp -s "$table" "$tmp/$bad.csv" && { echo "$bad: the table did not change"; exit 1; }
  read -r g2 m2 e2 c2 d2 < <(ratio "$tmp/$bad.csv")
  echo "$bad: model $m2 ($e2 %)"
  if awk -v e="$e2" -v b="$bound" 'BEGIN { exit !(e >= -b && e <= b) }'; then
    echo "a wrong model ($bad) kept the ratio within the bound"; exit 1
  fi
done
echo "spiking/dense ratio at gate level ok"
