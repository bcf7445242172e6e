#!/usr/bin/env bash
# axon plot --raster on the shipped real trace (PP-OCRv4 recogniser, fc2
# input): a PNG is written (signature, non-trivial size), and the firing rate
# axon prints for the whole tensor equals an independent numpy computation of
# docs/design.md §2 (adaptive threshold k=3, clamp ±127, ternary: T = max|count|,
# rate = Σ|count| / (T · tokens · channels)).
set -euo pipefail
: "${AXON:?}" "${AXON_ROOT:?}" "${AXON_PY:=/usr/bin/python3}"
command -v gnuplot >/dev/null || { echo "gnuplot not installed (make deps)"; exit 77; }
trace="$AXON_ROOT/traces/ppocr/ppocr-rec.trace.safetensors"
[ -f "$trace" ] || { echo "shipped trace $trace missing"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
name=model.layers.0.mlp.fc2.input
"$AXON" plot --raster --trace "$trace:$name" --coding ternary --k 3 --tokens 0:16 --neurons 96 \
  --out r.png | tee out.txt
[ "$(head -c 8 r.png | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
[ "$(stat -c %s r.png)" -gt 10000 ]
"$AXON" plot --raster --trace "$trace:$name" --coding ternary --k 3 --out r.svg --tokens 4 \
  --title "whole tensor" > /dev/null
grep -q '<svg' r.svg
# the title (PNG run) carried both rates; recompute the whole-tensor one
"$AXON" plot --raster --trace "$trace:$name" --coding ternary --k 3 --tokens 0:240 --neurons 1 \
  --out all.png > all.txt
axon_rate=$(sed -n 's/.*firing rate \([0-9.]*\))$/\1/p' all.txt)
"$AXON_PY" - "$trace" "$name" "$axon_rate" <<'PY'
import json, struct, sys
import numpy as np
path, name, got = sys.argv[1], sys.argv[2], float(sys.argv[3])
with open(path, "rb") as f:
    n = struct.unpack("<Q", f.read(8))[0]
    h = json.loads(f.read(n))
    e = h[name]
    assert e["dtype"] == "F32"
    f.seek(8 + n + e["data_offsets"][0])
    x = np.frombuffer(f.read(e["data_offsets"][1] - e["data_offsets"][0]), dtype="<f4")
x = x.reshape(e["shape"]).astype(np.float32)
vth = np.clip(np.mean(np.abs(x), axis=1, dtype=np.float32) / np.float32(3), 1e-5, 1e4).astype(np.float32)
c = np.clip(np.rint(x / vth[:, None]), -127, 127)
T = int(np.max(np.abs(c)))
rate = np.abs(c).sum() / (T * c.size)
print("axon %.4f numpy %.6f (T=%d)" % (got, rate, T))
assert abs(rate - got) < 6e-5, (rate, got)
PY
set +e
"$AXON" plot --raster --trace "$trace:no.such.tensor" --out x.png 2> err.txt; rc=$?
set -e
[ $rc = 1 ] && grep -q no.such.tensor err.txt
# the default coding is the project's (bitwise-signed, as axon run); a window past the
# tensor or an empty one is an error (exit 2) that names the size, and writes nothing
"$AXON" plot --raster --trace "$trace:$name" --tokens 4 --out d.png > d.txt
grep -q "firing rate" d.txt && [ -s d.png ]
"$AXON" plot --raster --trace "$trace:$name" --tokens 4 --out d.svg > /dev/null
grep -q "bitwise-signed" d.svg || { echo "default coding is not bitwise-signed"; exit 1; }
for bad in "--tokens 0:100000" "--neurons 0" "--tokens 5:5" "--neurons 200:300"; do
  set +e; "$AXON" plot --raster --trace "$trace:$name" $bad --out bad.png 2> err.txt; rc=$?; set -e
  [ $rc = 2 ] || { echo "$bad: exit $rc"; cat err.txt; exit 1; }
  [ ! -e bad.png ] || { echo "$bad: wrote bad.png"; exit 1; }
done
"$AXON" plot --raster --trace "$trace:$name" --tokens 0:100000 --out bad.png 2> err.txt || true
grep -q "tokens 0:100000 reaches past the tensor, which has 240 tokens" err.txt
if ls -a | grep -q '^\.'"bad"; then echo "temporary left"; exit 1; fi
echo "raster ok"
