#!/usr/bin/env bash
# Mutation testing, CI sample: the deterministic sample of RTL mutants that
# `make mutants-sample` builds (rtl/mutants/mutants.py SAMPLE: shift field
# masked to 4 bits, overflow flag never set, FIFO one entry short, the async
# circuit without its read->add handshake, a chip router's link taking the next
# flit one unit early) must each be
# killed by the co-simulation / oracle suite (rtl/mutants/run.sh). The full run
# over every mutant is `make mutants` (docs/rtl.md "Mutation testing").
# For the chip mutant, the lockstep chip co-simulation must stop at the first
# divergence in time and name it: the same (core, kind, index, both stamps) as
# tests/e2e/chip_first_divergence.py computes from both sides' whole runs
# (--dump), on 6 seeds; on seed 1 it is core 3's third SRAM word: its flits
# arrive, are accepted and start at the C model's cycles (4, 8, 12, ...), but
# the units of the early-taken flits are wrong, so item 1, started at 9,
# issues no word there (the next word comes at 17).
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
# the chip mutant: the lockstep run's first divergence equals the one a plain
# sort of both sides' whole runs gives (chip_first_divergence.py), on 6 seeds
m=$build/rtl/mut-router-link-early/axon-chip-cosim tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for seed in 1 2 3 4 5 6; do
  rc=0
  "$m" --seed "$seed" --dump "$tmp/d" > "$tmp/lock" || rc=$?
  [ "$rc" = 1 ] || { echo "router-link-early seed $seed: exit $rc, want 1: $(cat "$tmp/lock")"; exit 1; }
  "$AXON_PY" "$root/tests/e2e/chip_first_divergence.py" "$tmp/d" 2 > "$tmp/whole"
  diff "$tmp/whole" "$tmp/lock" > /dev/null || {
    echo "router-link-early seed $seed: lockstep and whole-run first divergence differ"; diff "$tmp/whole" "$tmp/lock"; exit 1; }
done
want="chip cosim: MISMATCH: first divergence at cycle 9: core 3 (row-block 1, column 1) sram-read #2 (times in cycles)
  C model: item 1 word 0 at 9
  RTL:     item 1 word 0 at 17
  last equal sram-read: #1 at 6"
out=$("$m" --seed 1) && { echo "router-link-early survived seed 1"; exit 1; }
[ "$out" = "$want" ] || { printf 'router-link-early: want the first divergence\n%s\ngot\n%s\n' "$want" "$out"; exit 1; }
echo "router-link-early: first divergence at core 3 sram-read #2 (C model 9, RTL 17), as the whole runs give on 6 seeds"
