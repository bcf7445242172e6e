#!/usr/bin/env bash
# Mutation testing, CI sample: the deterministic sample of RTL mutants that
# `make mutants-sample` builds (rtl/mutants/mutants.py SAMPLE: shift field
# masked to 4 bits, overflow flag never set, FIFO one entry short, the async
# circuit without its read->add handshake, the clock-gated core whose bank clear
# does not open the accumulator clock gates, a chip router's link taking the next
# flit one unit early, a carry crossing two accumulators of the reduction's
# adder, the batched core adding every token of a batch into one accumulator
# set) must each be
# killed by the co-simulation / oracle suite (rtl/mutants/run.sh). The full run
# over every mutant is `make mutants` (docs/rtl.md "Mutation testing").
# For the chip mutants, the lockstep chip co-simulation must stop at the first
# divergence in time and name it: the same (core, kind, index, both stamps) as
# tests/e2e/chip_first_divergence.py computes from both sides' whole runs
# (--dump), on 6 seeds; on seed 1 it is core 3's third SRAM word: its flits
# arrive, are accepted and start at the C model's cycles (4, 8, 12, ...), but
# the units of the early-taken flits are wrong, so item 1, started at 9,
# issues no word there (the next word comes at 17). For reduce-carry-leak on
# seed 1 it is core 3's first chip output, accumulator 1 one too high (the carry
# out of accumulator 0), although core 2's outputs go wrong too, later: all
# reduction stamps are compared at once when the C model ends, so the earliest
# must be picked among them (reporting the first diverging core instead is
# caught here).
set -euo pipefail
root=${AXON_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${AXON_BUILD:-$root/build}
export AXON_PY=${AXON_PY:-/usr/bin/python3}
while read -r name base; do
  [ -x "$build/rtl/mut-$name/axon-cosim" ] || [ -x "$build/rtl/mut-$name/axon-chip-cosim" ] || {
    echo "mutant build $build/rtl/mut-$name missing (make mutants-sample needs verilator)"; exit 77; }
done < <("$AXON_PY" "$root/rtl/mutants/mutants.py" list --sample)
out=$(bash "$root/rtl/mutants/run.sh" check-sample "$build") || { echo "$out"; echo "a mutant survived"; exit 1; }
echo "$out" | tail -n 1
# the chip mutants: the lockstep run's first divergence equals the one a plain
# sort of both sides' whole runs gives (chip_first_divergence.py), on 6 seeds
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for name in router-link-early reduce-carry-leak; do
  m=$build/rtl/mut-$name/axon-chip-cosim
  for seed in 1 2 3 4 5 6; do
    rc=0
    "$m" --seed "$seed" --dump "$tmp/d" > "$tmp/lock" || rc=$?
    [ "$rc" = 1 ] || { echo "$name seed $seed: exit $rc, want 1: $(cat "$tmp/lock")"; exit 1; }
    "$AXON_PY" "$root/tests/e2e/chip_first_divergence.py" "$tmp/d" 2 > "$tmp/whole"
    diff "$tmp/whole" "$tmp/lock" > /dev/null || {
      echo "$name seed $seed: lockstep and whole-run first divergence differ"; diff "$tmp/whole" "$tmp/lock"; exit 1; }
  done
done
first() { # NAME WANT: the seed-1 report
  local out
  out=$("$build/rtl/mut-$1/axon-chip-cosim" --seed 1) && { echo "$1 survived seed 1"; exit 1; }
  [ "$out" = "$2" ] || { printf '%s: want the first divergence\n%s\ngot\n%s\n' "$1" "$2" "$out"; exit 1; }
}
first router-link-early "chip cosim: MISMATCH: first divergence at cycle 9: core 3 (row-block 1, column 1) sram-read #2 (times in cycles)
  C model: item 1 word 0 at 9
  RTL:     item 1 word 0 at 17
  last equal sram-read: #1 at 6"
first reduce-carry-leak "chip cosim: MISMATCH: first divergence at cycle 55: core 3 (row-block 1, column 1) reduce-done #0 (times in cycles)
  C model: token 0 group 0 at 55
  RTL:     token 0 group 0 at 55
  accumulator 1: C model 17405312, RTL 17405313"
echo "first divergences as the whole runs give (2 chip mutants, 6 seeds each): router-link-early core 3 sram-read #2 (C model 9, RTL 17), reduce-carry-leak core 3 reduce-done #0 (accumulator 1 one too high)"
