#!/usr/bin/env bash
# make traces-real reproduces the committed real trace bit for bit from the npm
# packages (PP-OCRv4 rec + onnxruntime-node) and checks the model reads the lines.
set -euo pipefail
root=${AXON_ROOT:-.}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
bash "$root/traces/real/make_real.sh" "$work" > "$work/log" 2>&1 || { cat "$work/log"; exit 1; }
grep -q "char accuracy 1.000" "$work/log"
for f in ppocr-rec.weights.safetensors ppocr-rec.trace.safetensors; do
  a=$(sha256sum < "$work/$f") b=$(sha256sum < "$root/traces/ppocr/$f")
  [ "$a" = "$b" ] || { echo "$f differs from the committed copy"; exit 1; }
done
echo "reproduced both files bit for bit"
