#!/usr/bin/env bash
# The chip timing goldens (tests/golden/sim_*.txt, written by the simulator)
# against an independent Python model written from the documents
# (tests/e2e/chip_oracle.py: docs/core-timing.md, docs/sim.md): multi-core
# multicast and reduction (sync_small: 4x3 cores), weight groups and 2-phase
# async (async_groups), narrow links with hops, single buffer, no gating
# (sync_single_bank), DRAM streaming (sync_dram). Core 0's stamps, the
# duration and every counter of every core must be equal. The inputs come
# from the golden test itself (AXON_GOLDEN_INPUTS). A perturbed input (one
# more hop cycle) must make the oracle disagree.
set -euo pipefail
root=${AXON_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${AXON_BUILD:-$root/build}
py=${AXON_PY:-/usr/bin/python3}
[ -x "$build/test_unit" ] || { echo "$build/test_unit missing"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
AXON_ROOT=$root AXON_GOLDEN_INPUTS=$work "$build/test_unit" --filter 'sim_golden/*' > "$work/unit.log" 2>&1 || {
  cat "$work/unit.log"; exit 1; }
n=0
for g in sync_small async_groups sync_single_bank sync_dram; do
  [ -s "$work/sim_$g.in" ] || { echo "no inputs written for $g"; exit 1; }
  "$py" "$root/tests/e2e/chip_oracle.py" "$work/sim_$g.in" "$root/tests/golden/sim_$g.txt"
  n=$((n + 1))
done
sed 's/^param hop_cycles 2$/param hop_cycles 3/' "$work/sim_sync_single_bank.in" > "$work/hop3.in"
if "$py" "$root/tests/e2e/chip_oracle.py" "$work/hop3.in" "$root/tests/golden/sim_sync_single_bank.txt" > "$work/hop3.log"; then
  echo "the oracle accepts a golden of another hop latency: it is blind"; exit 1
fi
echo "$n goldens equal to the independent chip model; a perturbed hop is caught"
