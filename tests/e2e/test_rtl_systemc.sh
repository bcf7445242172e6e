#!/usr/bin/env bash
# The SystemC top (verilator --sc core in rtl/sc/axon_sc_top.cpp, fed and drained
# through sc_fifo channels) must report exactly the stamps, readout beats,
# accumulators and end cycle of the plain Verilated core (axon-rtl-run) on the
# same streams: the hand case and two random streams.
set -euo pipefail
root=${AXON_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${AXON_BUILD:-$root/build}
py=${AXON_PY:-/usr/bin/python3}
for b in "$build/rtl/sc/axon-sc-top" "$build/rtl/sync/axon-rtl-run"; do
  [ -x "$b" ] || { echo "RTL build $b missing (make rtl-test-builds needs verilator and SystemC)"; exit 77; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
keep='^(P|A|S|R|B|D|END) '
cp "$root/tests/golden/rtl_hand.in" "$work/s0.txt"
"$py" "$root/tests/e2e/rtl_oracle.py" --emit "$build/rtl/sync/axon-rtl-run" 21 10 > "$work/s1.txt"
"$py" "$root/tests/e2e/rtl_oracle.py" --emit "$build/rtl/sync/axon-rtl-run" 22 10 > "$work/s2.txt"
for s in s0 s1 s2; do
  "$build/rtl/sync/axon-rtl-run" "$work/$s.txt" | grep -E "$keep" > "$work/$s.vl"
  SYSC_DISABLE_COPYRIGHT_MESSAGE=1 "$build/rtl/sc/axon-sc-top" "$work/$s.txt" 2>/dev/null | grep -E "$keep" > "$work/$s.sc"
  # same multiset of lines: the SC top prints beats from its sink thread, so
  # order only within a kind is compared
  for k in A S R B D END; do
    diff <(grep "^$k " "$work/$s.vl") <(grep "^$k " "$work/$s.sc") > /dev/null || {
      echo "stream $s: SystemC top and Verilated core differ on '$k' lines"; diff <(grep "^$k " "$work/$s.vl") <(grep "^$k " "$work/$s.sc") | head; exit 1; }
  done
  n=$(grep -c '^D ' "$work/$s.sc")
  [ "$n" -ge 1 ] || { echo "stream $s: no tokens read out"; exit 1; }
  echo "stream $s: SystemC top = Verilated core ($(wc -l < "$work/$s.sc") stamp lines, $n tokens, $(tail -n 1 "$work/$s.sc"))"
done
