#!/usr/bin/env bash
# make install into a temporary PREFIX (and a DESTDIR staging install), then
# a small program over the public header (tests/tools/api_run.c) compiled
# with nothing but `pkg-config --cflags --libs axon` against the installed
# copy: its report of one layer must equal `axon run --json` (the installed
# axon) and its acc must equal `axon run --out` bit for bit. Also checks that
# libaxon.so exports exactly the AX_API functions of axon.h.
set -euo pipefail
: "${AXON_BUILD:?}" "${AXON_ROOT:?}" "${AXON_PY:=/usr/bin/python3}"
command -v pkg-config >/dev/null || { echo "pkg-config not installed (make deps installs it)"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
b=$(basename "$AXON_BUILD")
san=""
[ "$b" = build ] || san=${b#build-}
prefix="$work/prefix"
make -s -C "$AXON_ROOT" install PREFIX="$prefix" SANITIZER="$san" > "$work/install.log"
for f in bin/axon lib/libaxon.so lib/libaxon.so.0 lib/libaxon.a include/axon.h lib/pkgconfig/axon.pc; do
  [ -e "$prefix/$f" ] || { echo "make install: $prefix/$f missing"; exit 1; }
done
# DESTDIR: files under the staging root, paths inside them without it
make -s -C "$AXON_ROOT" install PREFIX=/opt/axon DESTDIR="$work/stage" SANITIZER="$san" > /dev/null
[ -x "$work/stage/opt/axon/bin/axon" ]
grep -qx 'prefix=/opt/axon' "$work/stage/opt/axon/lib/pkgconfig/axon.pc"

# exported symbols = the AX_API declarations of the installed header
sed -n 's/^AX_API .*[ *]\(ax_[a-z0-9_]*\)(.*/\1/p' "$prefix/include/axon.h" | sort > "$work/api.txt"
nm -D --defined-only "$prefix/lib/libaxon.so" | awk '$2 ~ /^[TDBR]$/ {print $3}' | sort > "$work/exported.txt"
diff "$work/api.txt" "$work/exported.txt" || { echo "exported symbols differ from axon.h's AX_API list"; exit 1; }
echo "libaxon.so exports $(wc -l < "$work/exported.txt") symbols, all AX_API"

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
[ "$(pkg-config --modversion axon)" = "$(sed -n 's/^#define AX_VERSION "\(.*\)"/\1/p' "$prefix/include/axon.h")" ]
flags=$(pkg-config --cflags --libs axon)
cc -std=c11 -Wall -Wextra -Werror ${san:+-fsanitize=$san} "$AXON_ROOT/tests/tools/api_run.c" $flags \
  -o "$work/api_run"
export LD_LIBRARY_PATH="$prefix/lib"
ldd "$work/api_run" > "$work/ldd.txt"
grep -q "$prefix/lib/libaxon.so.0" "$work/ldd.txt"

ax="$prefix/bin/axon"
layer=model.layers.0.mlp.down_proj
"$ax" gen --tokens 6 --in 48 --out 80 --layers 0 --proj down --weights-out "$work/w.st" \
  --trace-out "$work/t.st" > /dev/null
"$work/api_run" "$work/w.st" "$work/t.st" "$layer" "$work/api.st" tile=32x64 clock=250 \
  coding=ternary > "$work/api.json"
"$ax" run --weights "$work/w.st" --trace "$work/t.st" --layer "$layer" --tile 32x64 --clock-mhz 250 \
  --coding ternary --json --out "$work/cli.st" > "$work/cli.json"
"$AXON_PY" - "$work/api.json" "$work/cli.json" <<'PY'
import json, sys
api = json.load(open(sys.argv[1]))
cli = json.load(open(sys.argv[2]))["layers"][0]
assert api == cli, [k for k in set(api) | set(cli) if api.get(k) != cli.get(k)]
assert api["exact"] is True and api["clock_mhz"] == 250 and api["coding"] == "ternary"
print("report equal:", api["layer"], api["cycles"], "cycles,",
      api["energy_pj"], "pJ")
PY
"$ax" compare "$work/api.st" "$work/cli.st" --tensor "$layer.acc"
"$ax" compare "$work/api.st" "$work/cli.st" --tensor "$layer.y" --json > "$work/y.json"
grep -q '"identical":.*true' "$work/y.json"
# an unknown parameter: the library's message with the hint
if "$work/api_run" "$work/w.st" "$work/t.st" "$layer" "$work/x.st" clokc=250 2> "$work/err.txt"; then
  echo "unknown parameter accepted"; exit 1
fi
grep -q "unknown parameter 'clokc' (hint: did you mean clock_mhz?)" "$work/err.txt"
echo "install test ok"
