#!/usr/bin/env bash
# axon run's execution options (docs/sim.md "Performance"): --threads 1, 2 and
# 3 give the same report (JSON with every core's counters), the same acc and
# y, the same config hash and the same database rows (runs, results, cores:
# every column but the row id and the creation time); every SIMD path this
# CPU has (AXON_SIMD) gives the same report; --functional gives the same acc
# and y as the cycle-accurate run, says that timing was not modelled, and
# refuses --db, --vcd, --per-core; bad --threads and AXON_SIMD values exit 2
# and 1.
set -euo pipefail
: "${AXON:?}" "${AXON_ROOT:?}" "${AXON_PY:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# a 300 -> 700 int8 layer (per channel), 70 tokens of small counts, and a float layer with groups
"$AXON_PY" - "$work" <<'EOF'
import json, struct, sys
import numpy as np
d = sys.argv[1]
rng = np.random.default_rng(5)
def save(path, t):
    h, off, blobs = {}, 0, []
    for k, (a, dt) in t.items():
        b = np.ascontiguousarray(a).tobytes()
        h[k] = {"dtype": dt, "shape": list(a.shape), "data_offsets": [off, off + len(b)]}
        off += len(b); blobs.append(b)
    hb = json.dumps(h).encode(); hb += b" " * ((8 - len(hb) % 8) % 8)
    open(path, "wb").write(struct.pack("<Q", len(hb)) + hb + b"".join(blobs))
q = rng.integers(-127, 128, (700, 300)).astype(np.int8)
q[rng.random(q.shape) < 0.3] = 0
c = rng.integers(-7, 8, (70, 300)).astype(np.int32)
c[rng.random(c.shape) < 0.6] = 0
w = rng.standard_normal((260, 200)).astype(np.float32)
x = rng.standard_t(4, (33, 200)).astype(np.float32)
save(f"{d}/w.safetensors", {"q.weight": (q, "I8"), "q.weight_scale": (np.full(700, 0.01, np.float32), "F32"),
                            "g.weight": (w, "F32")})
save(f"{d}/t.safetensors", {"q.input": (c, "I32"), "g.input": (x, "F32"), "g.output": (x @ w.T, "F32")})
EOF
jget() { "$AXON_PY" -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }
args=(--weights "$work/w.safetensors" --trace "$work/t.safetensors" --tile 32x16)

# 1. threads: identical JSON (every core's counters, cycles, energy, config hash), acc and y
for n in 1 2 3; do
  "$AXON" run "${args[@]}" --layer q --threads "$n" --json --per-core --out "$work/q$n.safetensors" \
    >"$work/q$n.json"
  "$AXON" run "${args[@]}" --layer g --group 64 --async --threads "$n" --json --per-core \
    --out "$work/g$n.safetensors" >"$work/g$n.json"
done
[ "$(jget "$work/q1.json" 'd["exact"] and d["layers"][0]["cores"] == 440')" = True ]
for n in 2 3; do
  cmp "$work/q1.json" "$work/q$n.json"
  cmp "$work/g1.json" "$work/g$n.json"
  cmp "$work/q1.safetensors" "$work/q$n.safetensors"
  cmp "$work/g1.safetensors" "$work/g$n.safetensors"
done

# 2. the database rows are the same for every thread count
for n in 1 2 3; do
  "$AXON" run "${args[@]}" --threads "$n" --db "$work/r$n.db" >/dev/null 2>&1
done
"$AXON_PY" - "$work" <<'EOF'
import sqlite3, sys
d = sys.argv[1]
def dump(path):
    con = sqlite3.connect(path)
    out = {}
    for table, skip in (("runs", {"id", "created_utc"}), ("results", set()), ("cores", set())):
        cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})") if r[1] not in skip]
        out[table] = sorted(con.execute(f"SELECT {', '.join(cols)} FROM {table}").fetchall(), key=repr)
    return out
a = dump(f"{d}/r1.db")
assert len(a["runs"]) == 2 and len(a["cores"]) > 400, (len(a["runs"]), len(a["cores"]))
for n in (2, 3):
    b = dump(f"{d}/r{n}.db")
    for t in a:
        assert a[t] == b[t], f"threads {n}: table {t} differs"
EOF

# 3. every SIMD path this machine has: the same report
for v in scalar sse2 avx2 avx512; do
  if AXON_SIMD=$v "$AXON" run "${args[@]}" --layer q --json --per-core >"$work/s.json" 2>"$work/s.err"; then
    cmp "$work/q1.json" "$work/s.json"
  else
    grep -q "not available on this machine" "$work/s.err"
  fi
done
AXON_SIMD=scalar "$AXON" run "${args[@]}" --layer q --json --per-core >"$work/s.json"
cmp "$work/q1.json" "$work/s.json"

# 4. --functional: same acc and y, no timing in the report
"$AXON" run "${args[@]}" --layer q --functional --out "$work/qf.safetensors" --json >"$work/qf.json"
cmp "$work/q1.safetensors" "$work/qf.safetensors"
[ "$(jget "$work/qf.json" 'd["layers"][0]["timing_modelled"]')" = False ]
[ "$(jget "$work/qf.json" '"duration_cycles" in d["layers"][0] or "counters" in d["layers"][0] or "power" in d["layers"][0]')" = False ]
[ "$(jget "$work/qf.json" 'd["layers"][0]["config_hash"]')" = "$(jget "$work/q1.json" 'd["layers"][0]["config_hash"]')" ]
"$AXON" run "${args[@]}" --layer g --group 64 --functional --threads 2 --out "$work/gf.safetensors" \
  >"$work/gf.txt"
cmp "$work/g1.safetensors" "$work/gf.safetensors"
grep -q 'timing: not modelled' "$work/gf.txt"
grep -q 'exact: true' "$work/gf.txt"
grep -q 'accuracy vs g.output: cosine' "$work/gf.txt"
! grep -q 'cycles' "$work/gf.txt"

# 5. usage
set +e
"$AXON" run "${args[@]}" --functional --db "$work/f.db" 2>"$work/err"; [ $? -eq 2 ] || exit 1
grep -q -- '--db' "$work/err"
"$AXON" run "${args[@]}" --layer q --functional --vcd "$work/f.vcd" 2>/dev/null; [ $? -eq 2 ] || exit 1
"$AXON" run "${args[@]}" --layer q --functional --per-core 2>/dev/null; [ $? -eq 2 ] || exit 1
"$AXON" run "${args[@]}" --layer q --threads 0 2>/dev/null; [ $? -eq 2 ] || exit 1
"$AXON" run "${args[@]}" --layer q --threads two 2>/dev/null; [ $? -eq 2 ] || exit 1
AXON_SIMD=fast "$AXON" run "${args[@]}" --layer q 2>"$work/err"; [ $? -eq 1 ] || exit 1
set -e
grep -q 'AXON_SIMD' "$work/err"
"$AXON" run --help > "$work/help.txt"
grep -q -- '--threads N' "$work/help.txt"
echo "axon run threads/functional e2e: ok"
