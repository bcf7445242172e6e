#!/usr/bin/env bash
# Mutation testing, CI sample: the deterministic sample of RTL mutants that
# `make mutants-sample` builds (rtl/mutants/mutants.py SAMPLE: shift field
# masked to 4 bits, overflow flag never set, FIFO one entry short, the async
# circuit without its read->add handshake, the clock-gated core whose bank clear
# does not open the accumulator clock gates) must each be
# killed by the co-simulation / oracle suite (rtl/mutants/run.sh). The full run
# over every mutant is `make mutants` (docs/rtl.md "Mutation testing").
set -euo pipefail
root=${AXON_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${AXON_BUILD:-$root/build}
export AXON_PY=${AXON_PY:-/usr/bin/python3}
while read -r name base; do
  [ -x "$build/rtl/mut-$name/axon-cosim" ] || {
    echo "mutant build $build/rtl/mut-$name missing (make mutants-sample needs verilator)"; exit 77; }
done < <("$AXON_PY" "$root/rtl/mutants/mutants.py" list --sample)
out=$(bash "$root/rtl/mutants/run.sh" check-sample "$build") || { echo "$out"; echo "a mutant survived"; exit 1; }
echo "$out" | tail -n 1
