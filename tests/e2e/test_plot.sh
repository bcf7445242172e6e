#!/usr/bin/env bash
# axon plot: a sweep (fake evaluator) plotted through gnuplot; the PNG has
# the PNG signature and a non-trivial size, the SVG carries the axis labels
# with units and one legend entry per series; bad columns and extensions
# are refused with exit 2 / 1 and a message naming them.
set -euo pipefail
: "${AXON:?}"
command -v gnuplot >/dev/null || { echo "gnuplot not installed (make deps)"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
printf 'weights' > w.st
printf 'trace' > t.st
"$AXON" sweep --weights w.st --trace t.st --clock 250,500,1000 --tile 64x64,128x128,256x256 \
  --coding ternary --k 3 --eval fake --db r.db > /dev/null
"$AXON" plot --db r.db --sweep 1 --x clock_mhz --y power_mw --by tile --out p.png
[ "$(head -c 8 p.png | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || { echo "not a PNG"; exit 1; }
size=$(stat -c %s p.png)
echo "p.png: $size bytes"
[ "$size" -gt 10000 ] || { echo "PNG suspiciously small"; exit 1; }
"$AXON" plot --db r.db --sweep 1 --x clock_mhz --y energy_pj_per_token --by tile --out p.svg
grep -q '<svg' p.svg
grep -q 'clock (MHz)' p.svg
grep -q 'energy (pJ/token)' p.svg
for t in 64x64 128x128 256x256; do grep -q ">$t<" p.svg || { echo "legend entry $t missing"; exit 1; }; done
# errors: unknown column (names it), bad extension (usage)
set +e
"$AXON" plot --db r.db --x clock_mhz --y joy --out q.png 2> err.txt; rc=$?
set -e
[ $rc = 1 ] && grep -q "'joy'" err.txt
set +e
"$AXON" plot --db r.db --x clock_mhz --y power_mw --out q.jpg 2> err.txt; rc=$?
set -e
[ $rc = 2 ] && grep -q "q.jpg" err.txt
[ ! -e q.png ] && [ ! -e q.jpg ]
# a failure keeps an older plot byte for byte and leaves no 0-byte file or temporary:
# unknown column, a text column as --x or --y, --logy over values <= 0, a missing sweep
cp p.png keep.png
fails() { # expected exit, grep pattern, plot arguments...
  local want=$1 pat=$2; shift 2
  set +e; "$AXON" plot --db r.db "$@" --out p.png 2> err.txt; local rc=$?; set -e
  [ $rc = "$want" ] || { echo "plot $*: exit $rc, expected $want"; cat err.txt; exit 1; }
  grep -q -- "$pat" err.txt || { echo "plot $*: no '$pat'"; cat err.txt; exit 1; }
  cmp -s p.png keep.png || { echo "plot $*: the old p.png changed"; exit 1; }
  if ls -a | grep -q '^\.p\.png\.'; then echo "plot $*: temporary left"; exit 1; fi
}
fails 1 "'joy'" --x clock_mhz --y joy
fails 2 "--y tile holds text (.64x64.)" --x clock_mhz --y tile
fails 2 "--x coding holds text ('ternary')" --x coding --y power_mw
fails 1 "no sweep 99" --sweep 99 --x clock_mhz --y power_mw
"$AXON" query --db r.db "UPDATE runs SET clock_mhz = -clock_mhz WHERE id = 1" --write > /dev/null
fails 1 "logx: clock_mhz has values <= 0" --x clock_mhz --y power_mw --logx
# an output directory that does not exist is reported before any work
set +e; "$AXON" plot --db r.db --x clock_mhz --y power_mw --out nodir/p.png 2> err.txt; rc=$?; set -e
[ $rc = 1 ] && grep -q "nodir' does not exist" err.txt
# query --sweep of a missing sweep is the same error, not an empty table
set +e; "$AXON" query --db r.db runs --sweep 99 > out.txt 2> err.txt; rc=$?; set -e
[ $rc = 1 ] && grep -q "no sweep 99" err.txt && [ ! -s out.txt ] || { echo "query --sweep 99: exit $rc"; cat err.txt; exit 1; }
set +e; "$AXON" query --db r.db --json --csv runs 2> err.txt; rc=$?; set -e
[ $rc = 2 ] && grep -q "exclude each other" err.txt
echo "plot ok"
