#!/usr/bin/env bash
# The documented install of the Python package, offline: a venv that sees
# Debian's numpy and torch, `pip install --no-build-isolation` of a copy of
# python/ (so the source tree stays clean), with no network at all when the
# test may create a network namespace (unshare -n, as root). The installed
# package must load the libaxon.so packaged inside it, from outside the tree.
set -euo pipefail
: "${AXON_BUILD:?}" "${AXON_ROOT:?}" "${AXON_PY:=/usr/bin/python3}"
"$AXON_PY" -c 'import ensurepip, venv' 2>/dev/null ||
  { echo "python3-venv is not installed (make deps installs it)"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
offline=()
if unshare -n true 2>/dev/null; then offline=(unshare -n); fi
cp -r "$AXON_ROOT/python" "$work/src"
rm -rf "$work/src/build" "$work/src/"*.egg-info "$work/src/axon/libaxon.so"
"$AXON_PY" -m venv --system-site-packages "$work/v"
AXON_LIB="$AXON_BUILD/libaxon.so" "${offline[@]}" "$work/v/bin/pip" install --no-build-isolation \
  --no-input "$work/src" > "$work/pip.log" 2>&1 || { cat "$work/pip.log"; exit 1; }
cd "$work"
env -u AXON_LIB -u PYTHONPATH "$work/v/bin/python" - <<'PY'
import os, axon
site = os.path.dirname(axon.__file__)
assert site.startswith(os.path.join(os.getcwd(), "v", "lib")), site
assert axon.library_path() == os.path.join(site, "libaxon.so"), axon.library_path()
assert axon.version() == axon.__version__
print("installed:", site, "library", axon.library_path())
PY
echo "pip install ${offline[*]:+(no network) }ok"
