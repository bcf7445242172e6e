#!/usr/bin/env bash
# The sanitizer suite in CI size: axon and the unit tests built with
# AddressSanitizer + UndefinedBehaviorSanitizer (build-san/, mk/sanitize.mk)
# run the unit tests, the bad-input matrix and the everyday end-to-end tests
# (outputs and signals, the README's loop, compare, run, sweep resume). Every
# sanitizer report goes to a log file (log_path), so a report fails this test
# even where the command was expected to fail with exit 1 anyway; leaks
# count (detect_leaks=1).
# Skipped (77, with the reason) when the whole suite already runs under a
# sanitizer (make SANITIZER=... test): then every test is this test.
set -uo pipefail
: "${AXON_ROOT:?}" "${AXON_PY:=/usr/bin/python3}"
if [ -n "${AXON_SANITIZER:-}" ]; then
  echo "skipped: the whole suite runs under -fsanitize=$AXON_SANITIZER already"
  exit 77
fi
san=$AXON_ROOT/build-san
for f in axon test_unit; do
  [ -x "$san/$f" ] || { echo "FAIL: $san/$f missing (built by make sanitize-build, part of make test)"; exit 1; }
done
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
export AXON_PY
export ASAN_OPTIONS="detect_leaks=1:exitcode=99:log_path=$logs/asan"
export UBSAN_OPTIONS="print_stacktrace=1:exitcode=99:log_path=$logs/ubsan"
fail=0
"$san/test_unit" -j2 > "$logs/unit.out" 2>&1 || { echo "FAIL: unit tests under ASan+UBSan"; tail -20 "$logs/unit.out"; fail=1; }
grep -E 'Synthesis' "$logs/unit.out"
for t in test_bad_inputs test_outputs test_daily_loop test_compare_cli test_run test_sweep_resume; do
  if AXON="$san/axon" AXON_BUILD="$san" AXON_SANITIZER=address,undefined \
     bash "$AXON_ROOT/tests/e2e/$t.sh" > "$logs/$t.out" 2>&1; then
    echo "ok   $t under ASan+UBSan"
  else
    echo "FAIL $t under ASan+UBSan"; tail -20 "$logs/$t.out"; fail=1
  fi
done
reports=$(find "$logs" -name 'asan.*' -o -name 'ubsan.*')
if [ -n "$reports" ]; then
  echo "FAIL: sanitizer reports:"
  echo "$reports" | wc -l
  for r in $(echo "$reports" | head -3); do echo "== $r"; head -40 "$r"; done
  fail=1
fi
[ "$fail" = 0 ] && echo "sanitizer suite ok: no ASan/UBSan report"
exit "$fail"
