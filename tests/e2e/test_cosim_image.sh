#!/usr/bin/env bash
# The core image of `axon map --image` drives the co-simulation and the RTL
# testbench: a real PP-OCRv4 layer (fc1 [240, 120], 32x32 tiles = the default
# cosim build, 4 x 8 cores) mapped in checkpoint order and with --reorder-by.
# 1. `axon cosim --image` on core 0 of the checkpoint-order image gives the same
#    stamps and accumulators as `axon cosim --weights` (its first tile).
# 2. For two column-blocks (one at the edge: 16 outputs, last row-block 24
#    inputs) every row-block's core co-simulates OK, and the cores' accumulators
#    summed over the row-blocks equal `axon run --image`'s acc for those outputs,
#    for both images; the reordered image's cores hold other channels (their
#    partial sums differ), so the trace's counts were permuted as the image's.
# 3. Another tile (t1 build, 16x20: C not divisible by L) and the async core.
# 4. The RTL testbench: axon-rtl-run --image loads a core's rows into the weight
#    SRAM; its stamps equal those of the same rows given as `w` records, of the
#    $readmemh dump (--rows), and the formulas of tests/e2e/rtl_oracle.py.
# 5. Errors: a flipped byte (exit 1 naming the file and offset), another tile
#    (exit 2 naming both), a core of another layer (exit 2), --weights with --image.
set -euo pipefail
root=${AXON_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${AXON_BUILD:-$root/build}
axon=${AXON:-$build/axon}
py=${AXON_PY:-/usr/bin/python3}
for v in sync t1 async; do
  [ -x "$build/rtl/$v/axon-cosim" ] || { echo "cosim helper $build/rtl/$v missing (make rtl-test-builds needs verilator)"; exit 77; }
done
W=$root/traces/ppocr/ppocr-rec.weights.safetensors
T=$root/traces/ppocr/ppocr-rec.trace.safetensors
[ -f "$W" ] && [ -f "$T" ] || { echo "traces/ppocr not present"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
L=model.layers.0.mlp.fc1
N=8 # tokens co-simulated

# --- maps: checkpoint order (a) and reordered by the trace (b); fc2 rides along
"$axon" map --weights "$W" --layers 'model.layers.0.mlp.*' --tile 32x32 --image "$work/a.axi" >/dev/null
"$axon" map --weights "$W" --layers 'model.layers.0.mlp.*' --tile 32x32 --reorder-by "$T" \
  --image "$work/b.axi" >/dev/null
"$axon" map --read-image "$work/b.axi" >"$work/b.txt"
grep -q "$L .*4x8 tiles from core 0, input channels permuted" "$work/b.txt"

# acc tensors of safetensors files, compared with numpy
pyst() { "$py" - "$root/tests/py" "$@"; }

# --- 1. image core 0 == --weights first tile (same stamps, same accumulators)
"$axon" cosim --image "$work/a.axi" --trace "$T" --layer "$L" --tokens $N --out "$work/a0.st" >"$work/a0.txt"
"$axon" cosim --weights "$W" --trace "$T" --layer "$L" --tokens $N --out "$work/w0.st" >"$work/w0.txt"
cat "$work/a0.txt"
grep -q "^cosim: core 0 of .*a.axi: layer $L \[240, 120\], tile (0, 0), inputs 0..31, outputs 0..31" "$work/a0.txt"
[ "$(grep '^cosim: OK' "$work/a0.txt")" = "$(grep '^cosim: OK' "$work/w0.txt")" ]
pyst "$work/a0.st" "$work/w0.st" <<'PY'
import sys; sys.path.insert(0, sys.argv[1])
import numpy as np, run_oracle as o
a, w = o.load(sys.argv[2])["acc"], o.load(sys.argv[3])["acc"]
assert a.shape == w.shape == (8, 32) and a.dtype == np.int32, (a.shape, w.shape)
assert np.array_equal(a, w) and np.any(a != 0)
PY

# --- 2. every row-block of two column-blocks, both images, against axon run --image
for img in a b; do
  "$axon" run --image "$work/$img.axi" --trace "$T" --layer "$L" --out "$work/run_$img.st" >"$work/run_$img.txt"
  grep -q 'exact: true' "$work/run_$img.txt"
  for c in 0 7; do
    for r in 0 1 2 3; do
      core=$((r * 8 + c))
      "$axon" cosim --image "$work/$img.axi" --trace "$T" --layer "$L" --core $core --tokens $N \
        --out "$work/${img}_$core.st" >"$work/${img}_$core.txt"
      grep -q '^cosim: OK' "$work/${img}_$core.txt"
      if [ $img = b ]; then grep -q 'input channels permuted' "$work/${img}_$core.txt"; fi
    done
  done
  grep '^cosim' "$work/${img}_31.txt"
done
grep -q "tile (3, 7), inputs 96..119, outputs 224..239" "$work/a_31.txt"
pyst "$work" $N <<'PY'
import sys; sys.path.insert(0, sys.argv[1])
import numpy as np, run_oracle as o
d, n = sys.argv[2], int(sys.argv[3])
for img in "ab":
    run = [v for k, v in o.load(f"{d}/run_{img}.st").items() if k.endswith(".acc")][0]
    assert run.shape == (240, 240), run.shape
    for c, cols in ((0, 32), (7, 16)):
        parts = [o.load(f"{d}/{img}_{r * 8 + c}.st")["acc"] for r in range(4)]
        assert all(p.shape == (n, cols) for p in parts), [p.shape for p in parts]
        s = sum(p.astype(np.int64) for p in parts)
        want = run[:n, 32 * c:32 * c + cols]
        assert np.array_equal(s, want), (img, c, np.argwhere(s != want)[:3])
# the reordered image's cores hold other channels: same column sums, other partial sums
diff = [r for r in range(4) if not np.array_equal(o.load(f"{d}/a_{r * 8}.st")["acc"], o.load(f"{d}/b_{r * 8}.st")["acc"])]
assert diff, "reordered image gave the same per-core sums: the permutation was not exercised"
print("column sums equal axon run --image (both images); per-core sums differ in row-blocks", diff)
PY

# --- 3. another tile (t1: 16x20) and the async core
"$axon" map --weights "$W" --layers "$L" --tile 16x20 --reorder-by "$T" --image "$work/t1.axi" >/dev/null
"$axon" cosim --rtl "$build/rtl/t1" --image "$work/t1.axi" --trace "$T" --core 95 --tokens 4 >"$work/t1.txt"
cat "$work/t1.txt"
grep -q "tile (7, 11), inputs 112..119 of the image's channel order (input channels permuted), outputs 220..239" "$work/t1.txt"
grep -q '^cosim: OK (t1' "$work/t1.txt"
"$axon" cosim --async --image "$work/b.axi" --trace "$T" --layer model.layers.0.mlp.fc2 --tokens 3 >"$work/as.txt"
cat "$work/as.txt"
grep -q "^cosim: core 32 of .*layer model.layers.0.mlp.fc2" "$work/as.txt"
grep -q '^cosim: OK (async' "$work/as.txt"

# --- 4. the RTL testbench loads the image's rows
run=$build/rtl/sync/axon-rtl-run
core=30 # tile (3, 6) of the reordered image: 24 rows used
"$axon" map --read-image "$work/b.axi" --core $core --json >"$work/core.json"
"$axon" map --read-image "$work/b.axi" --core $core >"$work/core.hex"
"$py" - "$root/tests/e2e" "$work" "$run" <<'PY'
import json, random, sys; sys.path.insert(0, sys.argv[1])
import rtl_oracle as ro
d, runner = sys.argv[2], sys.argv[3]
core = json.load(open(f"{d}/core.json"))
assert core["rows_used"] == 24 and core["layer"] == "model.layers.0.mlp.fc1", core
rng = random.Random(3)
items = []
for tok in range(6):
    for step in range(3):
        for ax in range(core["rows_used"]):
            if rng.random() < 0.4:
                items.append((ax, rng.randint(0, 1), rng.choice([0, 1, 2, 7])))
    items.append(None)
text = ["e" if it is None else "i %d %d %d" % it for it in items]
open(f"{d}/items.txt", "w").write("\n".join(text) + "\n")
w = ["w %d %s" % (k, " ".join(map(str, r))) for k, r in enumerate(core["rows"])]
open(f"{d}/full.txt", "w").write("\n".join(w + text) + "\n")
# the formulas of docs/core-timing.md and docs/design.md §2 on the image's rows
p = ro.params(runner)
want = ro.expect(p, core["rows"], items)
open(f"{d}/want.txt", "w").write("\n".join(" ".join(map(str, x)) for x in want) + "\n")
assert any(x[0] == "D" and any(x[2:]) for x in want)
PY
"$run" --seed 5 --image "$work/b.axi" --core $core "$work/items.txt" >"$work/img.out" 2>"$work/img.err"
grep -q "core $core of .*b.axi: layer $L tile (3, 6), 24 rows x 32 columns used" "$work/img.err"
"$run" --seed 5 "$work/full.txt" >"$work/full.out"
"$run" --seed 5 --rows "$work/core.hex" "$work/items.txt" >"$work/hex.out"
cmp "$work/img.out" "$work/full.out"
cmp "$work/img.out" "$work/hex.out"
# every stamp and accumulator against the oracle (per kind, in order)
for k in A S R B D END; do
  diff <(grep "^$k " "$work/img.out") <(grep "^$k " "$work/want.txt") >/dev/null ||
    { echo "axon-rtl-run --image: $k stamps differ from the oracle"; exit 1; }
done
echo "axon-rtl-run --image: $(grep -c '^D ' "$work/img.out") tokens, stamps equal to the oracle"

# --- 5. errors
cp "$work/b.axi" "$work/bad.axi"
size=$(stat -c %s "$work/bad.axi")
"$py" -c 'import sys; p, o = sys.argv[1], int(sys.argv[2]); b = bytearray(open(p, "rb").read()); b[o] ^= 0x40; open(p, "wb").write(b)' \
  "$work/bad.axi" $((size / 2))
set +e
"$axon" cosim --image "$work/bad.axi" --trace "$T" --layer "$L" >"$work/o" 2>"$work/err"; rc=$?
set -e
cat "$work/err"
[ $rc = 1 ]
grep -q "bad.axi: offset [0-9]*: checksum mismatch" "$work/err"
set +e
"$run" --image "$work/bad.axi" --core 0 "$work/items.txt" >"$work/o" 2>"$work/err"; rc=$?
set -e
[ $rc = 1 ] && grep -q "bad.axi: offset [0-9]*: checksum mismatch" "$work/err"
"$axon" map --weights "$W" --layers "$L" --tile 16x32 --image "$work/t16.axi" >/dev/null
set +e
"$axon" cosim --image "$work/t16.axi" --trace "$T" --layer "$L" >"$work/o" 2>"$work/err"; rc=$?
set -e
cat "$work/err"
[ $rc = 2 ] && grep -q "t16.axi: the image is mapped on 16x32 tiles but the RTL build's core is 32x32" "$work/err"
set +e
"$run" --image "$work/t16.axi" --core 0 "$work/items.txt" >"$work/o" 2>"$work/err"; rc=$?
set -e
[ $rc = 2 ] && grep -q "16x32 tiles" "$work/err"
set +e
"$axon" cosim --image "$work/a.axi" --trace "$T" --layer "$L" --core 40 >"$work/o" 2>"$work/err"; rc=$?
set -e
[ $rc = 2 ] && grep -q "core 40 belongs to layer 'model.layers.0.mlp.fc2', not '$L'" "$work/err"
set +e
"$axon" cosim --image "$work/a.axi" --weights "$W" --trace "$T" --layer "$L" >"$work/o" 2>"$work/err"; rc=$?
set -e
[ $rc = 2 ]
echo "ok"
