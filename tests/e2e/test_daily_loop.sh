#!/usr/bin/env bash
# The README's daily loop connects: one layer name through gen -> encode ->
# run --out -> ref --out -> compare. `axon compare ref.safetensors
# run.safetensors` compares <layer>.acc (exact) and <layer>.y and passes
# although only ref writes <layer>.vth; --strict fails on that tensor.
# Every file is announced with "wrote FILE" on stderr, never on stdout.
set -euo pipefail
: "${AXON:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
"$AXON" gen --preset tiny --weights-out w.safetensors --trace-out t.safetensors > gen.out 2> gen.err
grep -q "wrote w.safetensors" gen.err && grep -q "wrote t.safetensors" gen.err
if grep -q wrote gen.out; then echo "wrote line on stdout"; exit 1; fi
W=w.safetensors T=t.safetensors L=model.layers.0.mlp.up_proj
"$AXON" encode --input $T:$L.input --coding bitwise-signed --json > enc.json
"$AXON" run --weights $W --trace $T --layer $L --out run.safetensors > run.txt 2> run.err
grep -q "exact: true" run.txt && grep -q "wrote run.safetensors" run.err
"$AXON" ref --weights $W --trace $T --layer $L --out ref.safetensors > ref.txt 2> ref.err
grep -q "wrote ref.safetensors" ref.err
"$AXON" compare ref.safetensors run.safetensors --tensor acc > c1.txt
grep -q "$L.acc .*equal" c1.txt
"$AXON" compare ref.safetensors run.safetensors > c2.txt
grep -q "$L.acc .*equal" c2.txt && grep -q "$L.y .*float" c2.txt
grep -q "$L.vth .*only in A, not compared" c2.txt && grep -q "result: ok" c2.txt
set +e
"$AXON" compare ref.safetensors run.safetensors --strict > c3.txt; rc=$?
set -e
[ $rc = 1 ] && grep -q "$L.vth .*MISSING in B" c3.txt
"$AXON" compare $T:$L.output ref.safetensors:$L.y > c4.txt
grep -q "cosine" c4.txt
# --quiet silences the wrote lines (and progress); the report is unchanged
"$AXON" run --quiet --weights $W --trace $T --layer $L --out run2.safetensors > run2.txt 2> run2.err
[ ! -s run2.err ] || { echo "--quiet printed:"; cat run2.err; exit 1; }
# progress: a line every few seconds when stderr is not a terminal, nothing on stdout
AXON_PROGRESS_SECONDS=0.01 "$AXON" gen --preset tiny --tokens 20000 --no-output --weights-out w2.safetensors \
  --trace-out t2.safetensors > p.out 2> p.err
grep -q "^axon gen: .* MiB written" p.err && grep -q "^axon gen: done in" p.err \
  || { echo "no progress lines:"; cat p.err; exit 1; }
if grep -q "axon gen:" p.out; then echo "progress on stdout"; exit 1; fi
echo "daily loop connects"
