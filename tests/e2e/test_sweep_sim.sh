#!/usr/bin/env bash
# axon sweep with the real evaluator (run_job_exec) on the shipped PP-OCRv4
# trace: every point is exact against the CPU reference; invariants hold
# across the stored points (duration_ns × clock_mhz = 1000 × cycles; the
# accuracy depends on k only, not on clock, tile or coding, since every coding
# gives the same accumulators);
# `axon run --db` of a point the sweep stored is recognised (same config
# hash), and a plot of the real sweep is written.
set -euo pipefail
: "${AXON:?}" "${AXON_ROOT:?}"
T="$AXON_ROOT/traces/ppocr"
[ -f "$T/ppocr-rec.trace.safetensors" ] || { echo "shipped trace missing"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
L=model.layers.0.mlp.fc1
"$AXON" sweep --weights "$T/ppocr-rec.weights.safetensors" --trace "$T/ppocr-rec.trace.safetensors" \
  --layer "$L" --clock 250,1000 --tile 64x64,128x128 --coding ternary,bitwise-2c --k 2,3 \
  --jobs 2 --db r.db | tee sweep.out
grep -q "16 points: 0 already stored, 16 run now, 0 failed" sweep.out
q() { "$AXON" query --db r.db --csv "$1" | tail -n +2; }
[ "$(q "SELECT count(*) FROM v_runs WHERE evaluator = 'sim' AND exact = 1")" = 16 ]
[ "$(q "SELECT count(*) FROM v_runs WHERE abs(duration_ns * clock_mhz - 1000.0 * cycles) > 1e-6 * cycles")" = 0 ]
[ "$(q "SELECT max(n) FROM (SELECT count(DISTINCT round(rel_error, 12)) AS n FROM v_runs GROUP BY k)")" = 1 ]
"$AXON" run --weights "$T/ppocr-rec.weights.safetensors" --trace "$T/ppocr-rec.trace.safetensors" \
  --layer "$L" --clock 250 --tile 64x64 --coding ternary --k 2 --db r.db > run.out 2> run.err
grep -q "already stored as run" run.err
[ "$(q "SELECT count(*) FROM runs")" = 16 ]
"$AXON" run --weights "$T/ppocr-rec.weights.safetensors" --trace "$T/ppocr-rec.trace.safetensors" \
  --layer "$L" --clock 750 --tile 64x64 --coding ternary --k 2 --db r.db > /dev/null 2> run.err
grep -q "recorded run 17" run.err
if command -v gnuplot >/dev/null; then
  "$AXON" plot --db r.db --sweep 1 --x clock_mhz --y latency_ns_per_token --by tile --out lat.png
  [ "$(stat -c %s lat.png)" -gt 10000 ]
fi
echo "real sweep ok"
