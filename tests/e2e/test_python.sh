#!/usr/bin/env bash
# The Python package (python/axon) with pytest (python/tests) against this
# build's libaxon.so: run results equal to `axon run` (report, acc bit for
# bit), zero-copy arrays, parameter errors, SpikingLinear, sweep + query, and
# the demo table. Debian's python3 with python3-numpy/-torch/-pytest.
set -euo pipefail
: "${AXON:?}" "${AXON_BUILD:?}" "${AXON_ROOT:?}" "${AXON_PY:=/usr/bin/python3}"
if ! "$AXON_PY" -c 'import pytest' 2>/dev/null; then
  echo "pytest is not installed for $AXON_PY (make deps installs python3-pytest)"; exit 77
fi
lib="$AXON_BUILD/libaxon.so"
[ -f "$lib" ] || { echo "$lib missing (make builds it)"; exit 1; }
export AXON_LIB="$lib" PYTHONPATH="$AXON_ROOT/python${PYTHONPATH:+:$PYTHONPATH}"
# a sanitizer build's library needs its runtime loaded first into python
for rt in libasan libubsan; do
  if readelf -d "$lib" | grep -q "NEEDED.*$rt\.so"; then
    export LD_PRELOAD="$(${CC:-cc} -print-file-name=$rt.so)${LD_PRELOAD:+:$LD_PRELOAD}"
    export ASAN_OPTIONS="detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
  fi
done
cd "$AXON_ROOT/python"
"$AXON_PY" -m pytest -q -p no:cacheprovider tests
