#!/usr/bin/env bash
# Regenerates the seed corpus of the core-image fuzz target (tests/fuzz/corpus/image):
# small valid images (format version 3) written by `axon map --image` from tiny synthetic
# checkpoints.
# The v1-*.axi files are the same images as axon 0.1 wrote them (format version 1,
# checksums with its FNV seed); they are kept, not regenerated, so the reader's
# version-1 path stays covered.
# usage: bash tests/fuzz/make_image_corpus.sh [AXON]   (default build/axon; Debian python3 + numpy)
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
AXON=${1:-$here/build/axon}
out=$here/tests/fuzz/corpus/image
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
/usr/bin/python3 - "$work" "$here/traces/real" <<'PY'
import sys
import numpy as np
sys.path.insert(0, sys.argv[2])
import st
rng = np.random.default_rng(11)
w = {'a.weight': rng.standard_normal((20, 12)).astype(np.float32),
     'b.weight': (rng.standard_normal((6, 17)) * (rng.random((6, 17)) < 0.6)).astype(np.float32)}
st.save(sys.argv[1] + '/w.safetensors', w)
q = {'q.weight': rng.integers(-127, 128, (9, 10)).astype(np.int8),
     'q.weight_scale': rng.random((9, 2)).astype(np.float32)}
st.save(sys.argv[1] + '/q.safetensors', q)
x = {'a.input': rng.integers(-5, 6, (4, 12)).astype(np.int32) * (rng.random((4, 12)) < 0.5),
     'b.input': rng.standard_normal((3, 17)).astype(np.float32)}
st.save(sys.argv[1] + '/t.safetensors', {k: np.ascontiguousarray(v) for k, v in x.items()})
PY
"$AXON" map --weights "$work/w.safetensors" --tile 8x8 --mesh 4x4 --image "$out/two_layers.axi" >/dev/null
"$AXON" map --weights "$work/w.safetensors" --tile 4x4 --mesh 3x3 --dram --group 4 \
  --reorder-by "$work/t.safetensors" --image "$out/grouped_reordered_passes.axi" >/dev/null
"$AXON" map --weights "$work/q.safetensors" --tile 16x4 --image "$out/int8.axi" >/dev/null
ls -l "$out"
