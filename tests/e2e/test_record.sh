#!/usr/bin/env bash
# traces/record.py on a small random transformer (Debian python3-torch):
# names, shapes, dtypes (bf16 kept), token range, layer filter, output = x·Wᵀ.
set -euo pipefail
PY=${AXON_PY:-/usr/bin/python3}
if ! "$PY" -c 'import torch' 2>/dev/null; then
  echo "skipped: python3-torch is not installed (make deps installs it)"; exit 77
fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
"$PY" "${AXON_ROOT:-.}/tests/py/check_record.py" "$work"
if [ -x "${AXON:-}" ] && "$AXON" encode --help >/dev/null 2>&1; then
  # axon reads the recorded file, bf16 included
  "$AXON" encode --input "$work/bf16.safetensors:lm_head.input" --json > "$work/enc.json"
  grep -q '"tokens": *20' "$work/enc.json"
fi
