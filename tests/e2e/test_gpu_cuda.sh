#!/usr/bin/env bash
# On a machine with a GPU: the CUDA kernels equal the CPU twin bit for bit
# (acc and y) on random shapes, group sizes, INT8 and unclamped counts, and
# report the same overflow (build/gpu-check); and `axon-cuda ref --device
# cuda` writes the same file content as `--device cpu` (checked with
# `axon compare`). Skips (77) with the reason when nvcc or a GPU is missing.
set -euo pipefail
root=${AXON_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${AXON_BUILD:-$root/build}
. "$root/tests/e2e/cuda_env.sh"
cuda_require_nvcc
if ! command -v nvidia-smi >/dev/null || ! nvidia-smi -L >/dev/null 2>&1; then
  echo "skipped: no GPU (nvidia-smi -L failed or is missing); the CUDA kernels compile (test_gpu_build) but cannot run here"
  exit 77
fi
for b in gpu-check axon-cuda; do
  if [ ! -x "$build/$b" ]; then
    echo "FAIL: $build/$b missing (make test builds it when a GPU is present; or run make gpu)"
    exit 1
  fi
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$build/gpu-check" 40 7
"$build/gpu-check" 40 20260102
echo "gpu-check: CUDA == CPU"

# axon ref on the CUDA device vs the CPU, through the CLI, on the numpy
# oracle's random layers (clamped -> dp4a kernel, --no-clamp -> wide kernel).
py=${AXON_PY:-/usr/bin/python3}
export AXON_ROOT="$root"
"$py" "$root/tests/e2e/ref_oracle.py" gen "$work" 21
for clamp in "" --no-clamp; do
  for dev in cpu cuda; do
    "$build/axon-cuda" ref --weights "$work/w.safetensors" --trace "$work/t.safetensors" \
      --group 32 --k 50 $clamp --device "$dev" --out "$work/$dev.safetensors"
  done
  "$build/axon-cuda" compare "$work/cpu.safetensors" "$work/cuda.safetensors" --json >"$work/cmp.json"
  "$py" - "$work/cmp.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j['ok'], j
for t in j['tensors']:
    assert t.get('equal', t.get('identical')) is True, t  # acc equal, y and vth bit-identical
print('cpu == cuda:', len(j['tensors']), 'tensors')
PY
done
echo "axon ref --device cuda == --device cpu (acc, y, vth)"
