#!/usr/bin/env bash
# axon encode against a numpy oracle (tests/py/check_encode.py): counts bit
# for bit on a random file with exact ties (clamped, custom clamp,
# unclamped, other k), trains of every coding and steps mode decoded back
# to the counts, --json statistics, 1-D/3-D/safetensors (F32/F16/BF16) inputs, integer
# counts, and the error paths (NaN, count not fitting T, negative binary).
set -euo pipefail
PY=${AXON_PY:-/usr/bin/python3}
AXON=${AXON:-build/axon}
if ! "$PY" -c 'import numpy' 2>/dev/null; then
  echo "skipped: $PY has no numpy (make deps installs python3-numpy)"; exit 77
fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
"$PY" "${AXON_ROOT:-.}/tests/py/check_encode.py" "$AXON" "$work"
