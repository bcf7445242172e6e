#!/usr/bin/env bash
# `axon calibrate --train` as `make characterize` runs it (docs/power.md
# "Calibration"), on the quick characterizations `make test` builds (the
# default 16x16 core, s8 without zero gating, the clock-gated g16; h20 held
# out): the table it writes loads as a calibrated table and prices the
# held-out rows (`--check`), its provenance names each training set once, the
# markdown validation table is written, and nothing else is left beside them.
# Outputs that cannot be written fail before the fit (exit 1, naming the path)
# and leave nothing; a failed write never leaves a partial table.
set -euo pipefail
root=${AXON_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
AXON=${AXON:-$root/build/axon}
char=${AXON_BUILD:-$root/build}/char
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
fail() { echo "test_calibrate: $*"; exit 1; }

train=$char/gate.quick.csv,$char/s8.quick.csv,$char/g16.quick.csv
hold=$char/h20.quick.csv
for f in ${train//,/ } $hold; do [ -s "$f" ] || fail "$f missing (make test builds it)"; done

set +e
"$AXON" calibrate --lib "test liberty" --train "$train" --validate "$hold" --out "$tmp/t.csv" \
  --markdown "$tmp/v.md" > "$tmp/fit.txt" 2> "$tmp/fit.err"; rc=$?
set -e
# 0 within the bounds, 1 a bound broken: both wrote the table
[ $rc = 0 ] || [ $rc = 1 ] || { cat "$tmp/fit.err"; fail "fit exit $rc"; }
grep -q "^calibrate: fitted [0-9]* rows, wrote $tmp/t.csv" "$tmp/fit.txt" || { cat "$tmp/fit.txt"; fail "no fit line"; }
grep -q '^meta,calibrated,1' "$tmp/t.csv" || fail "the table is not marked calibrated"
grep -q 'test liberty' "$tmp/t.csv" || fail "the liberty is not in the provenance"
for s in gate s8 g16; do
  n=$(grep -o "$s (R=[^)]*)" "$tmp/t.csv" | sort -u | wc -l)
  [ "$n" = 1 ] || fail "training set $s named $n times in the provenance"
done
grep -q '^| set ' "$tmp/v.md" && grep -q '^| h20 ' "$tmp/v.md" || { cat "$tmp/v.md"; fail "no validation table in the markdown"; }
[ "$(ls -A "$tmp" | sort | tr '\n' ' ')" = "fit.err fit.txt t.csv v.md " ] || { ls -A "$tmp"; fail "files left beside the outputs"; }
# the table written prices rows: the held-out rows again, the same gaps
set +e
"$AXON" calibrate --check "$hold" --tech "$tmp/t.csv" > "$tmp/check.txt"; crc=$?
set -e
[ $crc = 0 ] || [ $crc = 1 ] || fail "--check with the written table: exit $crc"
grep -q '^h20 ' "$tmp/check.txt" || { cat "$tmp/check.txt"; fail "--check priced no h20 row"; }
a=$(grep '^h20 ' "$tmp/check.txt"); b=$(sed -n '/^held-out rows/,$p' "$tmp/fit.txt" | grep '^h20 ')
[ "$a" = "$b" ] || fail "the written table prices h20 as '$a', the fit as '$b'"

# outputs that cannot be written: exit 1 before the fit, the path named, nothing left
for bad in "--out $tmp/no/such/t.csv --markdown $tmp/v2.md" "--out $tmp/t2.csv --markdown $tmp/no/such/v.md"; do
  set +e
  # shellcheck disable=SC2086
  "$AXON" calibrate --train "$train" --validate "$hold" $bad > "$tmp/o.txt" 2> "$tmp/e.txt"; rc=$?
  set -e
  [ $rc = 1 ] || { cat "$tmp/e.txt"; fail "unwritable output ($bad): exit $rc, expected 1"; }
  grep -q "$tmp/no/such" "$tmp/e.txt" || { cat "$tmp/e.txt"; fail "the error does not name the path"; }
  ! grep -q '^calibrate: fitted' "$tmp/o.txt" || fail "fitted before checking the outputs ($bad)"
  [ ! -e "$tmp/t2.csv" ] && [ ! -e "$tmp/v2.md" ] || fail "an output was written although another cannot be ($bad)"
done
echo "calibrate ok"
