#!/usr/bin/env bash
# The bad-input matrix: tests/py/gen_bad_inputs.py writes malformed files
# (truncated, lying headers, bad dtypes, shape mismatches, NaN, damaged core
# images, non-databases, broken tables) and bad output paths, and the command
# lines that feed each to every reader and subcommand. Every case must:
#   - exit 1 or 2 (the expected one), never 0, never a crash;
#   - say on stderr what is wrong (the case's regex: the file or parameter
#     and the problem);
#   - leave nothing at its output path or beside it: its output directory is
#     still empty, no temporary ".NAME.XXXXXX" appears anywhere, a FIFO
#     target is still a FIFO;
#   - under a sanitizer build (AXON_SANITIZER, or axon linked to libasan /
#     libubsan), print no sanitizer report.
set -uo pipefail
: "${AXON:?}" "${AXON_ROOT:?}" "${AXON_PY:=/usr/bin/python3}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
d=$work/in
mkdir -p "$d"
# a good core image, for the damaged copies
"$AXON_PY" -c "
import sys; sys.path.insert(0, '$AXON_ROOT/traces/real'); import st, numpy as np
st.save('$work/img-w.safetensors', {'L.weight': np.random.default_rng(1).standard_normal((40, 50)).astype(np.float32)})"
"$AXON" map --weights "$work/img-w.safetensors" --tile 16x16 --image "$work/good.axi" --quiet > /dev/null \
  || { echo "cannot write the good image"; exit 1; }
"$AXON_PY" "$AXON_ROOT/tests/py/gen_bad_inputs.py" "$d" "$work/good.axi" || exit 1
mkfifo "$work/fifo"
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=99
export UBSAN_OPTIONS=${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}print_stacktrace=1
n=0 bad=0
start=$(date +%s)
while IFS=$'\t' read -r id expect regex args; do
  n=$((n + 1))
  out="$work/out/$id"
  mkdir -p "$out"
  args=${args//\{OUT\}/$out}
  args=${args//\{OUTNAME\}/$id}
  args=${args//\{FIFO\}/$work/fifo}
  read -ra argv <<< "$args"
  "$AXON" "${argv[@]}" > "$work/stdout" 2> "$work/stderr" < /dev/null
  rc=$?
  why=""
  case "$expect" in
    12) [ $rc -eq 1 ] || [ $rc -eq 2 ] || why="exit $rc, expected 1 or 2" ;;
    *) [ $rc -eq "$expect" ] || why="exit $rc, expected $expect" ;;
  esac
  if [ -z "$why" ] && ! grep -Eq -- "$regex" "$work/stderr"; then why="stderr does not match /$regex/"; fi
  if [ -z "$why" ] && grep -Eq 'Sanitizer|runtime error:' "$work/stderr"; then why="sanitizer report"; fi
  if [ -z "$why" ] && [ -n "$(ls -A "$out")" ]; then why="left in its output directory: $(ls -A "$out" | tr '\n' ' ')"; fi
  if [ -z "$why" ] && [ ! -p "$work/fifo" ]; then why="the FIFO was replaced"; fi
  if [ -z "$why" ]; then
    left=$(find "$work" -name '.*.??????' 2>/dev/null | head -3)
    [ -z "$left" ] || why="temporary left: $left"
  fi
  if [ -n "$why" ]; then
    bad=$((bad + 1))
    echo "FAIL $id: $why"
    echo "    axon $args"
    sed 's/^/    | /' "$work/stderr" | head -8
    [ -p "$work/fifo" ] || { rm -rf "$work/fifo"; mkfifo "$work/fifo"; }
  fi
  rm -rf "$out"
done < "$d/cases.tsv"
echo "bad inputs: $n cases, $bad failed, $(( $(date +%s) - start )) s"
[ "$n" -gt 150 ] || { echo "too few cases ($n)"; exit 1; }
[ $bad -eq 0 ]
