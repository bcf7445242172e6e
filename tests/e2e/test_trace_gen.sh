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
out=$("$AXON" gen --list-presets); grep -q 'qwen7b-mlp' <<< "$out"
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
out=$("$AXON" gen --list-presets); grep -q '^qwen7b ' <<< "$out"
out=$("$AXON" gen --list-presets); grep -q '^spikingbrain2-5b ' <<< "$out"
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
# synthetic operating points: the statistic, measured independently by axon
# encode on the int32 counts, is the stated one within 0.5/in per figure
"$AXON" gen --preset tiny --proj up,down --tokens 20 --steps 3 --silent 0.184 --target-sparsity 0.6431 \
  --weights-out ws.safetensors --trace-out ts.safetensors --quiet > gen_t.txt
grep -q 'achieved (in 64): steps 3, silent pairs' gen_t.txt
for l in up down; do
  "$AXON" encode --input "ts.safetensors:model.layers.0.mlp.${l}_proj.input" --steps 3 --json > enc_$l.json
done
"$AXON_PY" - <<'PY'
import json
for l, d in (("up", 64), ("down", 96)):
    e = json.load(open(f"enc_{l}.json"))
    tol = 0.5 / d + 1e-12
    assert e["counts_from"] != "threshold" or True
    assert abs(e["silent_channel_fraction"] - 0.184) <= tol, (l, e["silent_channel_fraction"])
    assert abs(e["sparsity"] - 0.6431) <= tol / 3 + tol, (l, e["sparsity"])
    assert e["steps"] == 3 and max(abs(e["count_min"]), abs(e["count_max"])) <= 7
print("gen target statistic: ok")
PY
# --ev-per-act and --spikes-per-firing state the same quantity
"$AXON" gen --preset tiny --tokens 20 --steps 7 --silent 0.6431 --spikes-per-firing 1.13 \
  --trace-out ts2.safetensors --json --quiet > gen_t2.json
"$AXON" encode --input ts2.safetensors:model.layers.0.mlp.up_proj.input --steps 7 --json > enc2.json
"$AXON_PY" - <<'PY'
import json
g = json.load(open("gen_t2.json"))["target"][0]
e = json.load(open("enc2.json"))
assert abs(g["silent_channel_fraction"] - e["silent_channel_fraction"]) < 1e-12
assert abs(g["spikes_per_firing_channel"] - e["spikes_per_firing_channel"]) < 1e-12
assert abs(g["sparsity"] - e["sparsity"]) < 1e-12
assert abs(g["ev_per_act"] - 0.3569 * 1.13) <= 0.5 / 64 + 1e-12, g
print("gen target json: ok")
PY
expect_fail 2 'contradictory' "$AXON" gen --steps 3 --silent 0.9 --ev-per-act 1.0 --trace-out x.safetensors
expect_fail 2 'more than one' "$AXON" gen --steps 3 --silent 0.1 --ev-per-act 1 --target-sparsity 0.6 --trace-out x.safetensors
expect_fail 2 'none of' "$AXON" gen --steps 3 --silent 0.1 --trace-out x.safetensors
expect_fail 2 '--silent' "$AXON" gen --steps 3 --ev-per-act 1 --trace-out x.safetensors
expect_fail 2 '--steps' "$AXON" gen --silent 0.2 --ev-per-act 1 --trace-out x.safetensors
# every preset states the clamp that keeps cosine >= 0.99 (on fewer tokens
# and one projection of each width; the default clamp does not on the large ones)
for p in tiny qwen7b-mlp spikingbrain2-5b-mlp; do
  clamp=$("$AXON" gen --list-presets | awk -v p="$p" '$1 == p { print $NF }')
  [ -n "$clamp" ] || { echo "no clamp listed for $p"; exit 1; }
  "$AXON" gen --preset "$p" --proj up,down --tokens 8 --dtype bf16 --weights-out pw.safetensors \
    --trace-out pt.safetensors --json --quiet > pg.json
  "$AXON_PY" -c "import json; assert json.load(open('pg.json'))['run_clamp'] == '$clamp'"
  "$AXON" run --weights pw.safetensors --trace pt.safetensors --clamp="$clamp" --functional --json \
    --quiet > pr.json
  "$AXON_PY" -c "
import json; d = json.load(open('pr.json'))
for l in d['layers']:
    assert l['cosine'] >= 0.99, ('$p', l['layer'], l['cosine'])
print('$p clamp $clamp: cosine', min(l['cosine'] for l in d['layers']))"
done
echo "gen targets and preset clamps: ok"
echo "gen: ok"
