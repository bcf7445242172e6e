#!/usr/bin/env bash
# `axon ref` (CPU) against an independent numpy computation: random shapes,
# group sizes (per channel, 1, 3, 32, 128, = in, > in), k, clamped and
# unclamped counts, f32 and f16 traces, and a trace holding int16 counts
# with their vth. acc must equal numpy's int64 sums
# exactly, vth bit for bit, y within 1e-6 relative. Also runs the default
# "every layer" mode and checks it equals the per-layer results.
set -euo pipefail
: "${AXON:?}" "${AXON_PY:?}" "${AXON_ROOT:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
oracle="$AXON_ROOT/tests/e2e/ref_oracle.py"
for seed in 11 12; do
  d="$work/s$seed"
  mkdir -p "$d"
  "$AXON_PY" "$oracle" gen "$d" "$seed"
  for i in 0 1 2 3 4 5 6; do
    layer=$("$AXON_PY" "$oracle" field "$d" $i layer)
    group=$("$AXON_PY" "$oracle" field "$d" $i group)
    k=$("$AXON_PY" "$oracle" field "$d" $i k)
    clamp=$("$AXON_PY" "$oracle" field "$d" $i clamp)
    extra=()
    [ "$clamp" = False ] && extra+=(--no-clamp)
    "$AXON" ref --weights "$d/w.safetensors" --trace "$d/t.safetensors" --layer "$layer" \
      --group "$group" --k "$k" "${extra[@]}" --out "$d/r$i.safetensors" >/dev/null
    "$AXON_PY" "$oracle" check "$d" $i "$d/r$i.safetensors"
  done
done
# every layer at once (group 32, k 3, clamped) == each layer alone
d="$work/s11"
"$AXON" ref --weights "$d/w.safetensors" --trace "$d/t.safetensors" --group 32 --out "$d/all.safetensors" --json >"$d/all.json"
"$AXON_PY" - "$d/all.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert len(j['layers']) == 7, j
assert all(l['acc_time_ms'] >= 0 for l in j['layers'])
PY
"$AXON" ref --weights "$d/w.safetensors" --trace "$d/t.safetensors" --group 32 \
  --layer model.layers.3.mlp.proj --out "$d/one.safetensors" >/dev/null
"$AXON" compare "$d/all.safetensors:model.layers.3.mlp.proj.acc" "$d/one.safetensors:model.layers.3.mlp.proj.acc"
# every SIMD path (AXON_SIMD caps the widest) and thread count gives the same acc
for simd in portable avx2 avx512; do
  for thr in 1 3; do
    AXON_SIMD=$simd "$AXON" ref --weights "$d/w.safetensors" --trace "$d/t.safetensors" --group 32 \
      --threads $thr --out "$d/p.safetensors" >/dev/null
    "$AXON" compare "$d/all.safetensors" "$d/p.safetensors" --tensor acc >/dev/null ||
      { echo "AXON_SIMD=$simd --threads $thr: acc differs"; exit 1; }
  done
done
# usage and errors
set +e
"$AXON" ref --weights "$d/w.safetensors" --trace "$d/t.safetensors" >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || { echo "missing --out: exit $rc, expected 2"; exit 1; }
"$AXON" ref --weights "$d/w.safetensors" --trace "$d/t.safetensors" --layer nope --out "$d/x.safetensors" 2>"$d/err"; rc=$?
[ $rc -eq 1 ] && grep -q "nope.weight" "$d/err" || { echo "unknown layer: exit $rc"; cat "$d/err"; exit 1; }
"$AXON" ref --weights "$d/w.safetensors" --trace "$d/t.safetensors" --device gpu --out "$d/x.safetensors" 2>/dev/null; rc=$?
[ $rc -eq 2 ] || { echo "--device gpu: exit $rc, expected 2"; exit 1; }
"$AXON" ref --weights "$d/w.safetensors" --trace "$d/t.safetensors" --threads 0 --out "$d/x.safetensors" 2>/dev/null; rc=$?
[ $rc -eq 2 ] || { echo "--threads 0: exit $rc, expected 2"; exit 1; }
# the plain build has no CUDA: --device cuda must say so (exit 1), not fall back
"$AXON" ref --weights "$d/w.safetensors" --trace "$d/t.safetensors" --device cuda --out "$d/x.safetensors" 2>"$d/err"; rc=$?
[ $rc -eq 1 ] && grep -Eq "without CUDA|no CUDA device" "$d/err" || { echo "--device cuda: exit $rc"; cat "$d/err"; exit 1; }
[ ! -e "$d/x.safetensors" ] || { echo "a failed ref wrote its output"; exit 1; }
set -e
echo "axon ref == numpy on 14 random layers"
