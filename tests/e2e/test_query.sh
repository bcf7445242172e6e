#!/usr/bin/env bash
# axon query from the command line: named queries (list, sweeps, pareto,
# best) in table/CSV/JSON, the Pareto front checked by a Python brute force
# over the same CSV, raw SQL read-only unless --write, usage errors.
set -euo pipefail
: "${AXON:?}" "${AXON_PY:=/usr/bin/python3}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
printf 'weights' > w.st
printf 'trace' > t.st
"$AXON" sweep --weights w.st --trace t.st --clock 250,500,1000 --tile 64x64,128x128 \
  --coding ternary,bitwise,bitwise-2c --k 1,2,3,4 --jobs 2 --eval fake --db r.db > /dev/null
out=$("$AXON" query list); grep -q pareto <<< "$out"
out=$("$AXON" query --db r.db sweeps); grep -q ' done ' <<< "$out"
"$AXON" query --db r.db --csv "SELECT run_id, energy_pj_per_token, rel_error FROM v_runs" > all.csv
"$AXON" query --db r.db --json pareto --x energy_pj_per_token --y rel_error > front.json
"$AXON_PY" - <<'PY'
import csv, json
rows = [(int(r["run_id"]), float(r["energy_pj_per_token"]), float(r["rel_error"]))
        for r in csv.DictReader(open("all.csv"))]
assert len(rows) == 72, len(rows)
front = {i for i, e, q in rows
         if not any(e2 <= e and q2 <= q and (e2 < e or q2 < q) for _, e2, q2 in rows)}
got = {o["run_id"] for o in json.load(open("front.json"))}
# exact duplicates on both axes: the front keeps one of them
assert got <= front and len(got) >= 2, (sorted(got), sorted(front))
vals = {(e, q) for i, e, q in rows if i in front}
assert len(vals) == len(got), (len(vals), len(got))
print("pareto front:", len(got), "of", len(rows), "runs")
PY
out=$("$AXON" query --db r.db best --metric energy_pj_per_token); grep -q '(1 row)' <<< "$out"
set +e
"$AXON" query --db r.db "DELETE FROM runs" 2> err.txt; rc=$?
set -e
[ $rc = 1 ] && grep -q -- '--write' err.txt
[ "$("$AXON" query --db r.db --csv "SELECT count(*) FROM runs" | tail -n 1)" = 72 ]
# the read-only queries above leave nothing beside the database (a read-only
# SQLite connection cannot remove the WAL and shm files it opened)
for f in r.db-wal r.db-shm; do [ ! -e "$f" ] || { echo "query left $f behind"; exit 1; }; done
"$AXON" query --db r.db --write "DELETE FROM sweep_errors"
set +e
"$AXON" query --db r.db nonsense; rc=$?
set -e
[ $rc = 2 ]
echo "query ok"
