#!/usr/bin/env bash
# axon gen end to end: the files parse with a spec-following Python reader,
# names/shapes/dtypes/metadata are right, activations are heavy-tailed with
# outlier channels, <layer>.output = input @ weight.T (float64 oracle), the
# output is byte-identical for a seed, and usage/failure exit codes hold.
set -euo pipefail
: "${AXON:?}" "${AXON_ROOT:?}" "${AXON_PY:?}"
"$AXON_PY" -c 'import numpy' 2>/dev/null || { echo "skip: $AXON_PY has no numpy"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
"$AXON" gen --help > "$work/help.txt"; grep -q -- '--weights-out' "$work/help.txt"
"$AXON" gen --list-presets | grep -q 'qwen7b-mlp'
"$AXON" gen --preset tiny --proj up,gate,down --layers 0,2-3 --dtype bf16 --tokens 24 --seed 7 \
  --weights-out w.safetensors --trace-out t.safetensors > table.txt
grep -q 'model.layers.3.mlp.down_proj.weight' table.txt
"$AXON_PY" "$AXON_ROOT/tests/e2e/trace_oracle.py" gen w.safetensors t.safetensors 24
"$AXON" gen --preset tiny --proj up,gate,down --layers 0,2-3 --dtype bf16 --tokens 24 --seed 7 \
  --weights-out w2.safetensors --trace-out t2.safetensors --json > out.json
cmp w.safetensors w2.safetensors
cmp t.safetensors t2.safetensors
"$AXON_PY" -c 'import json,sys; d=json.load(open("out.json")); assert len(d["tensors"]) == 27, d' 
# the bytes do not depend on the thread count or the SIMD path
"$AXON" gen --preset tiny --proj up,gate,down --layers 0,2-3 --dtype bf16 --tokens 24 --seed 7 \
  --threads 1 --weights-out w4.safetensors --trace-out t4.safetensors > /dev/null
AXON_SIMD=portable "$AXON" gen --preset tiny --proj up,gate,down --layers 0,2-3 --dtype bf16 --tokens 24 \
  --seed 7 --threads 3 --weights-out w5.safetensors --trace-out t5.safetensors > /dev/null
cmp w.safetensors w4.safetensors && cmp t.safetensors t4.safetensors
cmp w.safetensors w5.safetensors && cmp t.safetensors t5.safetensors
# attention projections: q hidden -> q-out, k and v hidden -> kv-out, o q-out -> hidden
"$AXON" gen --preset tiny --proj attn,down --q-out 80 --kv-out 16 --tokens 8 \
  --weights-out wa.safetensors --trace-out ta.safetensors --json > attn.json 2> attn.err
# a small job prints no progress, only a "wrote FILE" line per file
! grep -v "^axon gen: wrote " attn.err || { echo "gen printed on stderr for a small job:"; cat attn.err; exit 1; }
"$AXON_PY" - attn.json <<'PY'
import json, sys
t = {x["tensor"]: x["shape"] for x in json.load(open(sys.argv[1]))["tensors"]}
want = {"q": [80, 64], "k": [16, 64], "v": [16, 64], "o": [64, 80]}
for p, sh in want.items():
    assert t[f"model.layers.0.self_attn.{p}_proj.weight"] == sh, (p, t)
    assert t[f"model.layers.0.self_attn.{p}_proj.output"] == [8, sh[0]], (p, t)
assert t["model.layers.0.mlp.down_proj.weight"] == [64, 96], t
assert len(t) == 15, t
PY
"$AXON_PY" "$AXON_ROOT/tests/e2e/trace_oracle.py" gen wa.safetensors ta.safetensors 8
"$AXON" gen --list-presets | grep -q '^qwen7b '
"$AXON" gen --list-presets | grep -q '^spikingbrain2-5b '
"$AXON" gen --preset tiny --seed 8 --weights-out w3.safetensors --no-output --trace-out t3.safetensors >/dev/null
if cmp -s w.safetensors w3.safetensors; then echo "seeds 7 and 8 gave the same weights"; exit 1; fi
# expect_fail RC PATTERN CMD...: the command exits RC and stderr holds PATTERN
expect_fail() {
  local want=$1 pat=$2 rc=0; shift 2
  "$@" 2>err.txt >/dev/null || rc=$?
  if [ "$rc" -ne "$want" ] || ! grep -q -- "$pat" err.txt; then
    echo "expected exit $want and '$pat' from: $*; got $rc:"; cat err.txt; exit 1
  fi
}
expect_fail 2 "no preset 'nope'" "$AXON" gen --preset nope --weights-out x.safetensors
expect_fail 2 '--tokens' "$AXON" gen --tokens 0 --weights-out x.safetensors
expect_fail 2 'nothing to write' "$AXON" gen
expect_fail 2 '--proj' "$AXON" gen --proj sideways --weights-out x.safetensors
expect_fail 2 '--threads' "$AXON" gen --threads 0 --weights-out x.safetensors
expect_fail 1 'no/dir/w.safetensors' "$AXON" gen --weights-out "$work/no/dir/w.safetensors"
echo "gen: ok"
