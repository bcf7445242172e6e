#!/usr/bin/env bash
# Replays the core-image seed corpus (tests/fuzz/corpus/image), every truncation of each
# file and thousands of deterministic mutations (two seeds) through the image fuzz target
# (tests/fuzz/fuzz_image.c) in the normal build: inputs end at a guard page, so an overread
# crashes; under `make SANITIZER=address test` ASan checks every access. The reader in this
# driver skips checksum comparison, so mutations reach the field checks. Every corpus file
# must be accepted; no input may crash, and every rejection must name an offset.
set -euo pipefail
: "${AXON_BUILD:?}" "${AXON_ROOT:?}"
bin="$AXON_BUILD/fuzz_image_replay"
[ -x "$bin" ] || { echo "missing $bin (built by make test via mk/map.mk)"; exit 1; }
for seed in 1 2; do
  "$bin" "$AXON_ROOT/tests/fuzz/corpus/image" 20000 "$seed"
done
