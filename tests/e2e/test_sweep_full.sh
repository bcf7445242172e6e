#!/usr/bin/env bash
# axon sweep on a database that cannot be written (a full disk, here a
# file-size limit that SQLite's writes run into): the sweep stops at the
# first failed write instead of simulating every remaining point and
# throwing it away, exits 1 naming the database, leaves the sweep
# 'incomplete' (never 'running'), and a rerun without the limit resumes,
# completes it ('done') and clears the errors of the points it stored.
set -euo pipefail
: "${AXON:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
printf 'weights' > w.st
printf 'trace' > t.st
args=(--weights w.st --trace t.st --clock 100,200,300,400,500,600,700,800 --k 1,2,3,4,5,6,7,8
      --coding ternary,bitwise-2c --jobs 2 --eval fake --db r.db)
q() { "$AXON" query --db r.db --csv "$1" | tail -n 1; }
"$AXON" sweep "${args[@]}" --dry-run > plan.txt
"$AXON" query --db r.db --write "CREATE TABLE IF NOT EXISTS t_probe (x INTEGER)" >/dev/null 2>&1 ||
  "$AXON" sweep "${args[@]:0:4}" --clock 100 --k 1 --coding ternary --eval fake --db r.db >/dev/null
total=$(grep -o '^[0-9]* points' plan.txt | cut -d' ' -f1)
[ "$total" = 128 ]
base=$(( $(stat -c %s r.db) / 1024 + 48 ))
set +e
( ulimit -f "$base"; AXON_FAKE_DELAY_MS=5 "$AXON" sweep "${args[@]}" ) > first.out 2> first.err
rc=$?
set -e
[ "$rc" = 1 ] || { echo "expected exit 1, got $rc"; cat first.out first.err; exit 1; }
grep -q "could not be written" first.err || { echo "no full-disk message"; cat first.err; exit 1; }
grep -q "r.db" first.err
stored=$(q "SELECT count(*) FROM runs")
# stopped early: far fewer points than the plan were attempted
attempted=$(sed -n 's/.*points: [0-9]* already stored, \([0-9]*\) run now, \([0-9]*\) failed.*/\1 \2/p' first.out)
if [ -n "$attempted" ]; then
  set -- $attempted
  [ $(( $1 + $2 )) -lt 64 ] || { echo "simulated $(( $1 + $2 )) of $total points on a full disk"; exit 1; }
fi
[ "$stored" -lt "$total" ]
status=$(q "SELECT status FROM sweeps")
[ "$status" != running ] || { echo "sweep left 'running'"; exit 1; }
# resume without the limit
"$AXON" sweep "${args[@]}" > second.out
[ "$(q "SELECT status FROM sweeps")" = done ]
[ "$(q "SELECT count(*) FROM runs")" = "$total" ]
[ "$(q "SELECT count(*) FROM sweep_errors")" = 0 ] || { echo "stale errors after the resume"; exit 1; }
[ "$(q "PRAGMA integrity_check")" = ok ]
echo "sweep on a full database ok: stopped with $stored of $total stored, resumed to done"
