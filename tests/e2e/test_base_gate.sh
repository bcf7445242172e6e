#!/usr/bin/env bash
# The baselines' MAC tile at gate level (docs/power.md "Baselines at gate
# level"): the OSU018 netlists of rtl/axon_mac_baseline.sv for the training
# tiles (base C=16 L=4 A=32 RB=64, b8, b6) and the held-out ones (h12 and the
# zero-skip base_zs, never fitted), and of rtl/axon_mac_bitserial.sv (bs16 and
# bs6 training, bs8 held out), measured by axon-gate-base on the quick
# streams (seed 3, held out from every fit), priced by the baseline block of
# the committed power/tech/cal_osu018.csv (axon calibrate --base-check): every
# tile's total within +-10 % and every component within +-15 % (under 2 % of
# the tile's energy exempt). Then the wrong models that must fail: the block
# without the nonzero-product term of the lanes (mac_xw, mac_xw_bit), without
# the accumulators' read multiplexer (mac_mux, mac_mux_bit), the
# bit-serial lanes without their nonzero-weight plane terms, the clock x1.3, and h12's rows priced as if the tile were the 16x16 one.
set -euo pipefail
root=${AXON_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${AXON_BUILD:-$root/build}
axon=${AXON:-$build/axon}
lib=$root/.deps/osu018/osu018_stdcells.lib
table=$root/power/tech/cal_osu018.csv
quick=mix:3:2,sparse:3:2,wzero:3:2
sets="base b8 b6 b32 base_zs h12 bs16 bs6 bs8"
for k in $sets; do
  bin=$build/rtl/gate_$k/axon-gate-base
  [ -x "$bin" ] && [ -f "$build/gate/$k/base_gate.json" ] || { echo "$bin missing (make base-gate-build needs yosys, verilator, make deps)"; exit 77; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
csvs=""
for k in $sets; do
  "$build/rtl/gate_$k/axon-gate-base" --set $k --lib "$lib" --netlist "$build/gate/$k/base_gate.json" \
    --streams $quick --vcd-dir "$tmp" --out "$tmp/$k.csv" > /dev/null
  csvs="$csvs${csvs:+,}$tmp/$k.csv"
done
# the held-out tiles are not in the block's training tiles
grep -q '^# Baseline tiles: ' "$table" || { echo "no baseline block in $table"; exit 1; }
if grep '^# Baseline tiles: ' "$table" | grep -qE '(^|; |: )(h12|base_zs|bs8) '; then
  echo "a held-out tile is a training tile of the table"; exit 1
fi
"$axon" calibrate --base-check "$csvs" --tech "$table"
# wrong models: each must break a bound
must_break() { # NAME CSV-LIST TABLE
  if "$axon" calibrate --base-check "$2" --tech "$3" > "$tmp/wrong.out"; then
    cat "$tmp/wrong.out"; echo "wrong model '$1' passed the bounds"; exit 1
  fi
  grep -q 'bound(s) broken' "$tmp/wrong.out" || { cat "$tmp/wrong.out"; echo "$1: no bound broken"; exit 1; }
  echo "wrong model '$1': $(grep 'bound(s) broken' "$tmp/wrong.out")"
}
wrong() { # NAME SED-EXPRESSION: the committed table edited
  sed -e "$2" "$table" > "$tmp/wrong.csv"
  cmp -s "$table" "$tmp/wrong.csv" && { echo "$1: the edit changed nothing"; exit 1; }
  must_break "$1" "$csvs" "$tmp/wrong.csv"
}
wrong "no nonzero-product term" 's/^\(base_lanes,mac_xw[a-z_]*,[^,]*\),[0-9.e+-]*,/\1,0,/'
wrong "no read-multiplexer term" 's/^\(base_acc,mac_mux[a-z_]*,[^,]*\),[0-9.e+-]*,/\1,0,/'
wrong "bit-serial: no nonzero-weight plane term" 's/^\(bs_lanes,plane_w[a-z_]*,[^,]*\),[0-9.e+-]*,/\1,0,/'
clk=$(sed -n 's/^base_clock,flop_cycle,"[^"]*",\([0-9.e+-]*\),.*/\1/p' "$table")
clk13=$(awk -v e="$clk" 'BEGIN { printf "%.6g", e * 1.3 }')
wrong "clock x1.3" "s/^\\(base_clock,flop_cycle,\"[^\"]*\"\\),$clk,/\\1,$clk13,/"
# h12 priced as the 16x16 tile (a model that ignores the tile's parameters)
sed -e 's/^h12,\([^,]*\),12,4,20,40,/h12,\1,16,4,32,64,/' "$tmp/h12.csv" > "$tmp/h12_as16.csv"
cmp -s "$tmp/h12.csv" "$tmp/h12_as16.csv" && { echo "h12 rows not rewritten"; exit 1; }
must_break "h12 as the 16x16 tile" "$tmp/h12_as16.csv" "$table"
# the pricing uses the block: on the shipped PP-OCR trace (when present) the
# dense and bit-serial baselines priced by the committed table differ from the
# same table without the block, and the report says which priced them
W="$root/traces/ppocr/ppocr-rec.weights.safetensors"
T="$root/traces/ppocr/ppocr-rec.trace.safetensors"
if [ -f "$W" ] && [ -f "$T" ]; then
  sed -e '/^# ---- baseline MAC tile, calibrated/,/^# ---- end of the baseline MAC tile ----/d' "$table" > "$tmp/noblock.csv"
  grep -q '^base_lanes' "$tmp/noblock.csv" && { echo "block not removed"; exit 1; }
  for b in dense bit-serial; do
    for tab in "$table" "$tmp/noblock.csv"; do
      "$axon" run --weights "$W" --trace "$T" --layer model.layers.0.mlp.fc1 --tech "$tab" --baseline $b \
        > "$tmp/run.txt"
      "$axon" run --weights "$W" --trace "$T" --layer model.layers.0.mlp.fc1 --tech "$tab" --baseline $b --json \
        | ${AXON_PY:-python3} -c 'import json,sys; print(json.load(sys.stdin)["layers"][0]["base_energy_pj"])' \
        > "$tmp/e.$b.$(basename "$tab")"
      if [ "$tab" = "$table" ]; then
        grep -q 'baseline MAC tile: calibrated to gate level' "$tmp/run.txt" || { cat "$tmp/run.txt"; echo "$b: report does not say calibrated"; exit 1; }
      else
        grep -q 'baseline MAC tile: arithmetic rows' "$tmp/run.txt" || { cat "$tmp/run.txt"; echo "$b: report does not say arithmetic rows"; exit 1; }
      fi
    done
    a=$(cat "$tmp/e.$b.$(basename "$table")"); u=$(cat "$tmp/e.$b.noblock.csv")
    awk -v a="$a" -v u="$u" 'BEGIN { exit !(a > 0 && u > 0 && (a / u > 1.05 || u / a > 1.05)) }' \
      || { echo "$b: the block does not change the baseline's energy ($a vs $u pJ)"; exit 1; }
    echo "$b on PP-OCR fc1: $a pJ calibrated, $u pJ from the arithmetic rows"
  done
fi
echo "baseline gate-level check ok"
