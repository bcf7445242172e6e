#!/usr/bin/env bash
# RTL core alone against the timing formulas of docs/core-timing.md and the
# accumulator arithmetic of docs/design.md §2 (Python oracle tests/e2e/rtl_oracle.py),
# on random streams with random initial register values (--x-initial unique,
# +verilator+rand+reset+2), over four parameter sets: the default small core,
# C not divisible by L with FIFO depth 1, SRAM latency 2 and single buffering
# (t1), no zero gating with odd widths (t2), A=16 with overflow wrap (t3), L=40 and
# RB=320 (t4), R = C = L = 1 (t5); shifts up to 23 (the contract's maximum).
# The async builds (Verilator --timing, 4-phase default delays and 2-phase
# other delays, in ps) are checked against the async formulas the same way.
# Also a hand case whose stamps are written out in tests/golden/rtl_hand.out,
# and the deliberately broken RTL (one extra decode cycle) must be caught.
set -euo pipefail
root=${AXON_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${AXON_BUILD:-$root/build}
py=${AXON_PY:-/usr/bin/python3}
for v in sync t1 t2 t3 t4 t5 broken async async2 async3; do
  if [ ! -x "$build/rtl/$v/axon-rtl-run" ]; then
    echo "RTL build $build/rtl/$v missing (make rtl-test-builds needs verilator)"; exit 77
  fi
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export AXON_RTL_PLUSARGS=+verilator+rand+reset+2

"$build/rtl/sync/axon-rtl-run" --seed 7 "$root/tests/golden/rtl_hand.in" > "$work/hand.out"
diff -u "$root/tests/golden/rtl_hand.out" "$work/hand.out"

for v in sync t1 t2 t3 t4 t5 async async2 async3; do
  for seed in 11 12 13; do
    "$py" "$root/tests/e2e/rtl_oracle.py" "$build/rtl/$v/axon-rtl-run" "$seed" 16
  done
done

if "$py" "$root/tests/e2e/rtl_oracle.py" "$build/rtl/broken/axon-rtl-run" 11 16 > "$work/broken.log"; then
  echo "the broken RTL variant passed the oracle: the check is blind"; cat "$work/broken.log"; exit 1
fi
grep -q MISMATCH "$work/broken.log"
echo "broken variant caught: $(cat "$work/broken.log")"
