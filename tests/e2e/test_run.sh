#!/usr/bin/env bash
# axon run end to end: int8 weights + integer counts (numpy oracle for acc and
# y), float weights + activations with a recorded output (exact vs the CPU
# reference, accuracy fields), all layers without --layer, async mode, VCD
# output, the results database (per-core rows summing to the totals, from
# axon run --db and axon sweep), and the usage/failure exit codes.
set -euo pipefail
: "${AXON:?}" "${AXON_ROOT:?}" "${AXON_PY:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
py="$AXON_ROOT/tests/py/run_oracle.py"
"$AXON_PY" "$py" gen "$work"

jget() { "$AXON_PY" -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }

# 1. int8 weights, integer counts: 3 x 5 cores of 16x8, lanes 3
"$AXON" run --weights "$work/w.safetensors" --trace "$work/t.safetensors" --layer q \
  --tile 16x8 --lanes 3 --json --out "$work/o.safetensors" >"$work/q.json"
[ "$(jget "$work/q.json" 'd["exact"]')" = True ]
[ "$(jget "$work/q.json" 'd["layers"][0]["cores"]')" = 15 ]
[ "$(jget "$work/q.json" 'd["layers"][0]["counters"]["events"] > 0')" = True ]
"$AXON" run --weights "$work/w.safetensors" --trace "$work/t.safetensors" --layer q \
  --tile 16x8 --lanes 3 --json --per-core >"$work/qc.json"
# per-core counters: 15 cores, their events sum to the total, invariant adds + gated = events * C_used
[ "$(jget "$work/qc.json" 'len(d["layers"][0]["per_core"])')" = 15 ]
[ "$(jget "$work/qc.json" 'sum(c["events"] for c in d["layers"][0]["per_core"]) == d["layers"][0]["counters"]["events"]')" = True ]
[ "$(jget "$work/qc.json" 'all(c["adds"] + c["adds_gated"] == c["events"] * 8 for c in d["layers"][0]["per_core"])')" = True ]
# lane_adds_nonzero: the adds with zero gating; without it every lane adds, and the
# nonzero-weight lanes are the gated run's adds, core by core
[ "$(jget "$work/qc.json" 'all(c["lane_adds_nonzero"] == c["adds"] for c in d["layers"][0]["per_core"])')" = True ]
"$AXON" run --weights "$work/w.safetensors" --trace "$work/t.safetensors" --layer q \
  --tile 16x8 --lanes 3 --zero-gating=off --json --per-core >"$work/qng.json"
[ "$(jget "$work/qng.json" 'all(c["adds"] == c["events"] * 8 for c in d["layers"][0]["per_core"])')" = True ]
"$AXON_PY" - "$work/qc.json" "$work/qng.json" <<'PY'
import json, sys
g, n = (json.load(open(p))["layers"][0]["per_core"] for p in sys.argv[1:3])
assert [c["lane_adds_nonzero"] for c in n] == [c["adds"] for c in g], "lane_adds_nonzero without gating"
assert [c["sram_words_nonzero"] for c in n] == [c["sram_words"] for c in g], "sram_words_nonzero without gating"
assert all(c["sram_words_nonzero"] == c["sram_words"] for c in g), "sram_words_nonzero with gating"
assert [c["lane_adds_shift"] for c in n] == [c["lane_adds_shift"] for c in g], "lane_adds_shift with gating"
assert sum(c["lane_adds_nonzero"] for c in n) < sum(c["adds"] for c in n), "no zero weight in the test layer"
PY
"$AXON_PY" "$py" check_int "$work"

# 2. float layer with recorded output, per-group weights, human report
"$AXON" run --weights "$work/w.safetensors" --trace "$work/t.safetensors" --layer lin \
  --group 32 --tile 32x16 >"$work/lin.txt"
grep -q 'exact: true' "$work/lin.txt"
grep -q 'accuracy vs lin.output: cosine' "$work/lin.txt"
"$AXON" run --weights "$work/w.safetensors" --trace "$work/t.safetensors" --layer lin --json \
  >"$work/lin.json"
[ "$(jget "$work/lin.json" 'd["layers"][0]["cosine"] > 0.9')" = True ]
[ "$(jget "$work/lin.json" 'd["layers"][0]["energy_pj"] > 0')" = True ]

# 3. every layer, async 2-phase
"$AXON" run --weights "$work/w.safetensors" --trace "$work/t.safetensors" --async --handshake 2 \
  --json >"$work/all.json"
[ "$(jget "$work/all.json" 'len(d["layers"])')" = 2 ]
[ "$(jget "$work/all.json" 'd["layers"][0]["duration"] > 0 and d["layers"][0]["time_unit"] == "ps" and d["layers"][0]["cycles"] is None')" = True ]
[ "$(jget "$work/all.json" 'd["exact"]')" = True ]

# 3a. DRAM weight streaming: bursts fetched and priced, still exact
"$AXON" run --weights "$work/w.safetensors" --trace "$work/t.safetensors" --layer lin --dram \
  --burst 32 --json >"$work/dram.json"
[ "$(jget "$work/dram.json" 'd["layers"][0]["exact"]')" = True ]
[ "$(jget "$work/dram.json" 'd["layers"][0]["counters"]["dram_bursts"] > 0')" = True ]
[ "$(jget "$work/dram.json" 'd["layers"][0]["dram_pj"] > 0')" = True ]

# 3b. recording into the results database
"$AXON" run --weights "$work/w.safetensors" --trace "$work/t.safetensors" --layer q \
  --db "$work/r.db" >/dev/null 2>"$work/db.err"
grep -q 'recorded run 1' "$work/db.err"
"$AXON" query --db "$work/r.db" runs >"$work/runs.txt"
grep -q ' q ' "$work/runs.txt"
# the JSON report names every results column as the database does, with the same value
"$AXON" run --weights "$work/w.safetensors" --trace "$work/t.safetensors" --layer q --json \
  >"$work/qj.json"
"$AXON" query --db "$work/r.db" --json "SELECT x.* FROM results x JOIN runs r ON r.id = x.run_id \
  WHERE r.layer = 'q'" >"$work/qrow.json"
"$AXON_PY" - "$work/qj.json" "$work/qrow.json" <<'PY'
import json, sys
L = json.load(open(sys.argv[1]))['layers'][0]
row, = json.load(open(sys.argv[2]))
del row['run_id']
missing = [k for k in row if k not in L]
assert not missing, f"results columns without a JSON key: {missing}"
bad = [(k, row[k], L[k]) for k in row if row[k] != L[k]]
assert not bad, bad
PY
# 3c. per-core counters in the database (axon run --db and axon sweep): one row per core,
# and every counter summed over the cores equals the run's total
"$AXON" run --weights "$work/w.safetensors" --trace "$work/t.safetensors" --tile 16x8 --dram \
  --db "$work/r.db" >/dev/null 2>&1
"$AXON" sweep --weights "$work/w.safetensors" --trace "$work/t.safetensors" --layer lin \
  --tile 16x8,32x16 --db "$work/r.db" >/dev/null 2>&1
qv() { "$AXON" query --db "$work/r.db" --csv "$1" | tail -n 1; }
[ "$(qv 'SELECT count(*) FROM v_runs')" = 5 ]
[ "$(qv 'SELECT count(*) FROM v_runs v WHERE (SELECT count(*) FROM cores c WHERE c.run_id = v.run_id) = v.cores AND v.cores >= 1')" = 5 ]
[ "$(qv 'SELECT sum(cores) FROM v_runs WHERE tile = '"'"'32x16'"'"'')" = 9 ]
cond=""
counter_cols=$("$AXON" query --db "$work/r.db" --csv \
  "SELECT name FROM pragma_table_info('counters') WHERE name <> 'run_id'" | tail -n +2)
# (an && list: set -e does not stop on its failure, hence the explicit exit)
{ [ "$(wc -w <<<"$counter_cols")" = 28 ] && grep -qw stall_dram_ns <<<"$counter_cols" && grep -qw sram_rows_read <<<"$counter_cols" &&
  grep -qw lane_adds_nonzero <<<"$counter_cols" && grep -qw sram_words_nonzero <<<"$counter_cols" &&
  grep -qw lane_adds_shift <<<"$counter_cols" && grep -qw lane_term_toggles <<<"$counter_cols" &&
  grep -qw acc_write_toggles <<<"$counter_cols" && grep -qw lane_term_toggles_seq <<<"$counter_cols" &&
  grep -qw acc_readout_ones <<<"$counter_cols"; } ||
  { echo "counters columns: $counter_cols"; exit 1; }
for c in $counter_cols; do
  cond="$cond OR abs(coalesce(v.$c, 0) - coalesce((SELECT sum(c.$c) FROM cores c WHERE c.run_id = v.run_id), 0)) > 1e-6 * (1 + abs(coalesce(v.$c, 0)))"
done
[ "$(qv "SELECT count(*) FROM v_runs v WHERE 0 $cond")" = 0 ]
# the sums are not vacuous: events, adds and (with --dram) bursts are counted per core
[ "$(qv 'SELECT min(events) > 0 AND min(adds) > 0 FROM v_runs')" = 1 ]
[ "$(qv 'SELECT sum(c.dram_bursts) > 0 FROM cores c JOIN runs r ON r.id = c.run_id')" = 1 ]

# 4. VCD
"$AXON" run --weights "$work/w.safetensors" --trace "$work/t.safetensors" --layer q \
  --vcd "$work/q.vcd" >/dev/null
grep -q 'enddefinitions' "$work/q.vcd"
grep -q 'core_0_0' "$work/q.vcd"

# 4b. a real layer: the PP-OCR recogniser's fc1 (its recorded output includes the bias)
pp="$AXON_ROOT/traces/ppocr"
if [ -f "$pp/ppocr-rec.weights.safetensors" ]; then
  "$AXON" run --weights "$pp/ppocr-rec.weights.safetensors" --trace "$pp/ppocr-rec.trace.safetensors" \
    --layer model.layers.0.mlp.fc1 --json >"$work/pp.json"
  [ "$(jget "$work/pp.json" 'd["exact"]')" = True ]
  [ "$(jget "$work/pp.json" 'd["layers"][0]["tokens"]')" = 240 ]
  [ "$(jget "$work/pp.json" 'd["layers"][0]["cosine"] > 0.99')" = True ]
fi

# 5. exit codes
"$AXON" run --help >"$work/help.txt"
grep -q -- '--tile' "$work/help.txt"
set +e
"$AXON" run --weights "$work/w.safetensors" --trace "$work/t.safetensors" --tile 0x4 2>/dev/null
[ $? -eq 2 ] || { echo "bad --tile should exit 2"; exit 1; }
"$AXON" run --weights "$work/w.safetensors" --trace "$work/t.safetensors" --layer nope 2>"$work/err"
[ $? -eq 1 ] || { echo "missing layer should exit 1"; exit 1; }
set -e
grep -q 'nope' "$work/err"
# row reuse (docs/core-timing.md "Row reuse"): the same acc (exact), the same duration and
# events, fewer row reads, per core sram_words + skipped == sram_rows_read * W (W = 3 for
# C = 8, L = 3); batches share rows further; refused combinations are usage errors
"$AXON" run --weights "$work/w.safetensors" --trace "$work/t.safetensors" --layer q \
  --tile 16x8 --lanes 3 --json --per-core --row-reuse >"$work/qr.json"
"$AXON" run --weights "$work/w.safetensors" --trace "$work/t.safetensors" --layer q \
  --tile 16x8 --lanes 3 --json --row-reuse=on --batch-tokens 4 >"$work/qb.json"
[ "$(jget "$work/qr.json" 'd["exact"]')" = True ]
[ "$(jget "$work/qr.json" 'd["layers"][0]["counters"]["events"]')" = "$(jget "$work/qc.json" 'd["layers"][0]["counters"]["events"]')" ]
[ "$(jget "$work/qr.json" 'd["layers"][0]["duration"]')" = "$(jget "$work/qc.json" 'd["layers"][0]["duration"]')" ]
[ "$(jget "$work/qc.json" 'd["layers"][0]["counters"]["sram_rows_read"] == d["layers"][0]["counters"]["events"]')" = True ]
[ "$(jget "$work/qr.json" 'd["layers"][0]["counters"]["sram_rows_read"] < d["layers"][0]["counters"]["events"]')" = True ]
[ "$(jget "$work/qr.json" 'all(c["sram_words"] + c["sram_words_skipped"] == 3 * c["sram_rows_read"] for c in d["layers"][0]["per_core"])')" = True ]
[ "$(jget "$work/qb.json" 'd["layers"][0]["counters"]["sram_rows_read"]')" -lt "$(jget "$work/qr.json" 'd["layers"][0]["counters"]["sram_rows_read"]')" ]
set +e
"$AXON" run --weights "$work/w.safetensors" --trace "$work/t.safetensors" --layer q --batch-tokens 4 2>"$work/err"
[ $? -eq 1 ] && grep -q 'batch_tokens = 4 needs row_reuse' "$work/err" || { echo "batch without row reuse not refused"; cat "$work/err"; exit 1; }
"$AXON" run --weights "$work/w.safetensors" --trace "$work/t.safetensors" --layer q --row-reuse --async 2>"$work/err"
[ $? -eq 1 ] && grep -q 'row_reuse = 1 is not modelled for the async core' "$work/err" || { echo "async row reuse not refused"; cat "$work/err"; exit 1; }
set -e
echo "axon run e2e: ok"
