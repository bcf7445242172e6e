#!/usr/bin/env bash
# axon cosim on real data: the PP-OCRv4 recogniser's weights and recorded
# activations shipped in traces/ppocr (first 32x32 tile of a layer, spike counts
# by the adaptive threshold, several codings), sync and async.
set -euo pipefail
root=${AXON_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${AXON_BUILD:-$root/build}
axon=${AXON:-$build/axon}
for v in sync async; do
  [ -x "$build/rtl/$v/axon-cosim" ] || { echo "cosim helper $build/rtl/$v missing (make rtl-test-builds needs verilator)"; exit 77; }
done
w=$root/traces/ppocr/ppocr-rec.weights.safetensors
t=$root/traces/ppocr/ppocr-rec.trace.safetensors
[ -f "$w" ] && [ -f "$t" ] || { echo "traces/ppocr not present"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for layer in model.layers.0.mlp.fc1 model.layers.0.mlp.fc2; do
  for coding in bitwise-signed ternary bitwise-2c; do
    out=$("$axon" cosim --weights "$w" --trace "$t" --layer "$layer" --coding "$coding" --tokens 6 --tile 32x32 --lanes 8)
    echo "$layer $coding: $out"
    case $out in "cosim: OK"*) ;; *) exit 1 ;; esac
  done
done
out=$("$axon" cosim --async --weights "$w" --trace "$t" --layer model.layers.0.mlp.fc1 --tokens 4)
echo "async: $out"
case $out in "cosim: OK"*) ;; *) exit 1 ;; esac
# a missing layer is a clear error naming it
if "$axon" cosim --weights "$w" --trace "$t" --layer no.such.layer 2> "$work/err"; then exit 1; fi
cat "$work/err"
grep -q 'no.such.layer' "$work/err"
