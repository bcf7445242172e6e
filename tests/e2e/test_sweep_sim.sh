#!/usr/bin/env bash
# axon sweep with the real evaluator (run_job_exec) on the shipped PP-OCRv4
# trace: every point is exact against the CPU reference; invariants hold
# across the stored points (duration_ns × clock_mhz = 1000 × cycles; the
# accuracy depends on k only, not on clock, tile or coding, since every coding
# gives the same accumulators);
# `axon run --db` of a point the sweep stored is recognised (same config
# hash), and a plot of the real sweep is written. The same sweep with
# --no-cache (every point loads, quantizes, encodes and checks the
# reference itself) stores the same rows in every table.
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
"$AXON" sweep --weights "$T/ppocr-rec.weights.safetensors" --trace "$T/ppocr-rec.trace.safetensors" \
  --layer "$L" --clock 250,1000 --tile 64x64,128x128 --coding ternary,bitwise-2c --k 2,3 \
  --jobs 2 --no-cache --db r2.db > sweep2.out
grep -q "16 points: 0 already stored, 16 run now, 0 failed" sweep2.out
/usr/bin/python3 - r.db r2.db <<'PY'
import sqlite3, sys
def rows(path):
    db = sqlite3.connect(path)
    out = {}
    for t in ("runs", "results", "counters", "cores", "components", "energy_lines"):
        have = {r[1] for r in db.execute(f"PRAGMA table_info({t})")}
        if not have:
            continue
        cols = [c for c in sorted(have) if c not in ("id", "run_id", "created_utc")]
        key = "r.config_hash" if t != "runs" else "config_hash"
        src = f"{t} x JOIN runs r ON r.id = x.run_id" if t != "runs" else "runs x"
        sel = ", ".join(f"x.{c}" for c in cols)
        out[t] = sorted(db.execute(f"SELECT {key}, {sel} FROM {src}").fetchall(), key=repr)
    return out
a, b = rows(sys.argv[1]), rows(sys.argv[2])
assert a.keys() == b.keys()
for t in a:
    assert len(a[t]) > 0 and a[t] == b[t], f"table {t} differs with --no-cache"
print("cache on/off: identical rows in", ", ".join(sorted(a)))
PY
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
