#!/usr/bin/env bash
# `axon ref` on the shipped real trace (PP-OCRv4 recogniser, traces/ppocr):
# every one of its 9 layers equals the numpy oracle (acc exact, vth exact,
# y to 1e-6), and the spiking INT8 result y stays close to the recorded
# float output of the model (`<layer>.output`, x @ W.T): cosine > 0.99 on
# every layer (G = 32, k = 3, clamped counts), checked with `axon compare`.
set -euo pipefail
: "${AXON:?}" "${AXON_PY:?}" "${AXON_ROOT:?}"
w="$AXON_ROOT/traces/ppocr/ppocr-rec.weights.safetensors"
t="$AXON_ROOT/traces/ppocr/ppocr-rec.trace.safetensors"
if [ ! -f "$w" ] || [ ! -f "$t" ]; then
  echo "skipped: the shipped trace traces/ppocr is not in this tree"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$AXON" ref --weights "$w" --trace "$t" --group 32 --k 3 --out "$work/r.safetensors"
"$AXON_PY" "$AXON_ROOT/tests/e2e/ref_oracle.py" real "$w" "$t" "$work/r.safetensors" 32 3
n=0
for L in $("$AXON_PY" -c "
import sys; sys.path.insert(0, '$AXON_ROOT/traces/real'); import st
print(' '.join(k[:-4] for k in st.load('$work/r.safetensors')[0] if k.endswith('.acc')))"); do
  "$AXON" compare "$t:$L.output" "$work/r.safetensors:$L.y" --json >"$work/c.json"
  "$AXON_PY" - "$work/c.json" "$L" <<'PY'
import json, sys
j = json.load(open(sys.argv[1])); y = j['tensors'][0]
print(f"{sys.argv[2]:40s} y vs recorded output: cosine {y['cosine']:.6f}  rel_l2 {y['rel_l2']:.4f}  snr {y['snr_db']:.2f} dB")
assert j['ok'] and y['cosine'] > 0.99, y
PY
  n=$((n + 1))
done
[ "$n" -eq 9 ] || { echo "expected 9 layers, got $n"; exit 1; }
echo "axon ref on the real trace: 9 layers == numpy, cosine > 0.99 vs the recorded outputs"
