#!/usr/bin/env bash
# Runs every test of axon and ends with the line CI reads:
#   N passed, N failed, N skipped
# 1. the Criterion unit-test binary (unit tests per module, golden regressions),
#    counted test by test from its TAP output;
# 2. each tests/e2e/test_*.sh (CLI end-to-end, co-simulation, Python oracles):
#    exit 0 = pass, 77 = skipped (with the reason on stdout), anything else = fail.
# Usage: tests/run.sh [BUILD_DIR]   (default build)
set -u
BUILD=${1:-build}
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
export AXON="$here/$BUILD/axon" AXON_BUILD="$here/$BUILD" AXON_ROOT="$here"
# Debian's python3 (python3-numpy etc.) is the oracle interpreter, whatever else is on PATH.
export AXON_PY=/usr/bin/python3
pass=0 fail=0 skip=0
failed=()
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ -x "$BUILD/test_unit" ]; then
  "$BUILD/test_unit" --tap="$tmp/unit.tap" -j2 >"$tmp/unit.out" 2>&1
  rc=$?
  cat "$tmp/unit.out"
  np=$(grep -cE '^ok ' "$tmp/unit.tap" | tr -d ' ')
  ns=$(grep -cE '^ok .*# SKIP' "$tmp/unit.tap" | tr -d ' ')
  nf=$(grep -cE '^not ok ' "$tmp/unit.tap" | tr -d ' ')
  np=$((np - ns))
  grep -E '^not ok ' "$tmp/unit.tap" | sed 's/^/  FAIL unit: /'
  if [ "$rc" -ne 0 ] && [ "$nf" -eq 0 ]; then
    nf=1; failed+=("unit test binary exited $rc")
  fi
  pass=$((pass + np)); fail=$((fail + nf)); skip=$((skip + ns))
  echo "unit: $np passed, $nf failed, $ns skipped"
else
  echo "unit: $BUILD/test_unit missing"; fail=$((fail + 1)); failed+=("test_unit missing")
fi

for t in tests/e2e/test_*.sh; do
  [ -e "$t" ] || continue
  name=$(basename "$t" .sh)
  start=$(date +%s)
  bash "$t" >"$tmp/$name.log" 2>&1
  rc=$?
  secs=$(( $(date +%s) - start ))
  if [ $rc -eq 0 ]; then
    pass=$((pass + 1)); echo "PASS e2e $name (${secs} s)"
  elif [ $rc -eq 77 ]; then
    skip=$((skip + 1)); echo "SKIP e2e $name: $(tail -n 1 "$tmp/$name.log")"
  else
    fail=$((fail + 1)); failed+=("$name")
    echo "FAIL e2e $name (exit $rc, ${secs} s); last lines:"; tail -n 25 "$tmp/$name.log" | sed 's/^/    /'
  fi
done

[ ${#failed[@]} -gt 0 ] && printf 'failed: %s\n' "${failed[*]}"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
