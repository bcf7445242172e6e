#!/usr/bin/env bash
# bench_whole — whole-process figures of issue 13 as ratios measured in the
# same session (printed, never asserted; docs/performance.md "Whole-process
# thread scaling and the sweep ratio"):
#   threads  `axon run` of a Qwen2.5-7B up_proj (3584 -> 18944, bf16 from
#            `axon gen --preset qwen7b-mlp --proj up`), 128 tokens, defaults,
#            `--threads 1` against `--threads 2`: wall time, CPU time
#            (user + sys) and CPUs used (CPU / wall); the speed-up in wall time;
#   sweep    the 36-point sweep (3 clocks x 2 tiles x 2 codings x 3 k) of the
#            same layer at 64 tokens, `--jobs 2`, against one `axon run`
#            (defaults): the ratio of wall times and of CPU times.
# Runs alternate (1, 2, 1, 2, ...) so a change of the machine's load hits
# both sides; each figure is printed as the median and the best of REPEAT
# (wall from a monotonic clock, CPU from wait4). The load average is printed
# before and after: a second thread only helps when a second CPU is free.
# usage: bench_whole.sh AXON [REPEAT]   (env BENCH_WHOLE_DIR: keep the files there)
set -euo pipefail
axon=${1:?usage: bench_whole.sh AXON [REPEAT]}
rep=${2:-5}
dir=${BENCH_WHOLE_DIR:-$(mktemp -d)}
[ -n "${BENCH_WHOLE_DIR:-}" ] || trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir"
L=model.layers.0.mlp.up_proj
for n in 128 64; do
  [ -s "$dir/t$n.safetensors" ] ||
    "$axon" gen --preset qwen7b-mlp --tokens "$n" --proj up --dtype bf16 \
      --weights-out "$dir/w$n.safetensors" --trace-out "$dir/t$n.safetensors" >/dev/null 2>&1
done

# one timed command: prints "wall cpu" in seconds (wall from a monotonic
# clock, CPU = user + sys of the command and its children, from wait4)
timed() {
  python3 - "$@" <<'PY'
import os, subprocess, sys, time
t0 = time.perf_counter()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, ru = os.wait4(p.pid, 0)
wall = time.perf_counter() - t0
if os.waitstatus_to_exitcode(status):
    sys.exit("bench_whole: command failed: " + " ".join(sys.argv[1:]))
print("%.4f %.4f" % (wall, ru.ru_utime + ru.ru_stime))
PY
}
# the median of a column of "wall cpu" lines (the run in the middle by wall)
median() { sort -n -k1 | awk '{l[NR] = $0} END {print l[int((NR + 1) / 2)]}'; }
best() { sort -n -k"$1" | head -1; }
# pairs LABEL A B FMT: the wall-time ratio A / B of each pair of runs (line i
# of A and of B ran one after the other, so a change of the machine's speed
# between pairs cancels): median, min, max
pairs() {
  paste -d' ' "$2" "$3" | awk '{print $1 / $3}' | sort -n | awk -v l="$1" -v f="$4" '{v[NR] = $1}
    END {printf "  %s: median " f "x, range " f "-" f "x over %d pairs\n", l, v[int((NR + 1) / 2)], v[1], v[NR], NR}'
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== threads: axon run, 3584 -> 18944 bf16, 128 tokens (median and best of $rep, alternating)"
: >"$dir/r1" && : >"$dir/r2"
for ((i = 0; i < rep; i++)); do
  for t in 1 2; do
    timed "$axon" run --weights "$dir/w128.safetensors" --trace "$dir/t128.safetensors" --layer $L \
      --threads $t >>"$dir/r$t"
  done
done
# the speed-up pair by pair (the runs of one pair follow each other, so a
# change of the machine's speed between pairs cancels): median, min, max
pairs "speed-up pair by pair (wall, threads 1 / threads 2)" "$dir/r1" "$dir/r2" %.2f
for how in median best; do
  read -r w1 c1 < <($how 1 <"$dir/r1")
  read -r w2 c2 < <($how 1 <"$dir/r2")
  awk -v how="$how" -v w1="$w1" -v c1="$c1" -v w2="$w2" -v c2="$c2" 'BEGIN {
    printf "  %s --threads 1: %.3f s wall, %.3f s CPU, %.2f CPUs used\n", how, w1, c1, c1 / w1
    printf "  %s --threads 2: %.3f s wall, %.3f s CPU, %.2f CPUs used\n", how, w2, c2, c2 / w2
    printf "  %s speed-up (wall, threads 1 / threads 2): %.2fx (target >= 1.7x); CPU 2 / 1: %.2fx\n",
      how, w1 / w2, c2 / c1 }'
done

echo "== sweep: 36 points, 64 tokens, --jobs 2, against one run (median and best of $rep, alternating)"
: >"$dir/s1" && : >"$dir/s36"
for ((i = 0; i < rep; i++)); do
  timed "$axon" run --weights "$dir/w64.safetensors" --trace "$dir/t64.safetensors" --layer $L >>"$dir/s1"
  rm -f "$dir/s.db"
  timed "$axon" sweep --weights "$dir/w64.safetensors" --trace "$dir/t64.safetensors" --layer $L \
    --clock 250,500,1000 --tile 64x64,128x128 --coding bitwise-signed,bitwise-2c --k 2,3,4 \
    --jobs 2 --db "$dir/s.db" >>"$dir/s36"
done
pairs "sweep / one run pair by pair (wall)" "$dir/s36" "$dir/s1" %.1f
for how in median best; do
  read -r ow oc < <($how 1 <"$dir/s1")
  read -r sw sc < <($how 1 <"$dir/s36")
  awk -v how="$how" -v ow="$ow" -v oc="$oc" -v sw="$sw" -v sc="$sc" 'BEGIN {
    printf "  %s one run: %.3f s wall, %.3f s CPU\n", how, ow, oc
    printf "  %s sweep:   %.3f s wall, %.3f s CPU, %.2f CPUs used\n", how, sw, sc, sc / sw
    printf "  %s sweep / one run: %.1fx wall (target <= 10x), %.1fx CPU\n", how, sw / ow, sc / oc }'
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
