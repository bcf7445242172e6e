#!/usr/bin/env bash
# axon's NPY and safetensors readers against files numpy really wrote (NPY
# v1.0, v2.0, v3.0, every trace dtype, bf16 declared as FILE.npy@bf16) and a
# safetensors file written from the spec by a Python oracle; axon's NPY
# writer read back by numpy; numpy-written files axon must refuse.
set -euo pipefail
: "${AXON_BUILD:?}" "${AXON_ROOT:?}" "${AXON_PY:?}"
"$AXON_PY" -c 'import numpy' 2>/dev/null || { echo "skip: $AXON_PY has no numpy"; exit 77; }
dump="$AXON_BUILD/trace_dump"
[ -x "$dump" ] || { echo "missing $dump (built by make test via mk/traces.mk)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$AXON_PY" "$AXON_ROOT/tests/e2e/trace_oracle.py" io "$dump" "$work"
