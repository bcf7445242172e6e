#!/usr/bin/env bash
# Replays the trace readers' seed corpus, every truncation of each file and
# thousands of deterministic mutations (two seeds) through the fuzz targets
# in the normal build (inputs end at a guard page, so an overread crashes;
# under `make SANITIZER=address test` ASan checks every access too).
# Every corpus file must be accepted; no input may crash.
set -euo pipefail
: "${AXON_BUILD:?}" "${AXON_ROOT:?}"
for t in npy safetensors; do
  bin="$AXON_BUILD/fuzz_${t}_replay"
  [ -x "$bin" ] || { echo "missing $bin (built by make test via mk/fuzz.mk)"; exit 1; }
  for seed in 1 2; do
    "$bin" "$AXON_ROOT/tests/fuzz/corpus/$t" 20000 "$seed"
  done
done
