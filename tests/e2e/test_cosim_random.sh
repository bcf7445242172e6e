#!/usr/bin/env bash
# axon cosim in lockstep (C model vs Verilated RTL) on random streams with
# random initial register values (seeded --x-initial unique values and
# +verilator+rand+reset+2), over every test build: the default small core;
# t1: C=20 not divisible by L=8, RB=96 (wide beats), FIFO depth 1, SRAM latency 2,
# single buffer;
# t2: no zero gating, L=4, A=24, RB=40; t3: L=C=16, A=16 (wrapping), Ls=2;
# t4: L=40 > 32 lanes, RB=320 > 256-bit beats; t5: R = C = L = 1, A=8;
# async: 4-phase default delays (ps); async2: 2-phase, t_sram < t_add, F=1;
# async3: zero t_decode/t_sram/t_readout, RB=72 > 64 (beats in DPI chunks);
# rr, rr2: the row-reuse core (REUSE=1, docs/core-timing.md "Row reuse"), fed in
# (token, axon, step) order: rr with C not divisible by L, Ls=2 and gating, rr2
# one word per row, no gating, single bank, 16-bit wrapping accumulators; their
# word slots added from the row register must equal the C model's and occur.
# cg, cg2: the clock-gated core (CG=1, docs/rtl.md "Clock gating": latch + AND
# clock gates on the accumulator words and FIFO entries): cg with C not
# divisible by L, Ls=2, double buffering and zero gating; cg2 FIFO depth 1,
# single bank, no zero gating, 16-bit accumulators and row reuse (fed in row
# order like rr). Every stamp and value must equal the ungated C model's.
# The random streams cover the core's contract (docs/core-timing.md): per seed
# small shifts or shifts 0..23 with bitwise counts up to 2^24 - 1 (overflowing
# accumulators: the sticky overflow flag is compared), one core at arrival 0 or
# core 1 of a 1x2 chip (arrivals > 0 and gaps from hops and narrow links).
# Each run must end "cosim: OK" with every stamp and accumulator compared, the
# activity counters and the overflow flag equal, both overflow 0 and 1 and both
# kinds of run must occur on every build, and a tile that differs from the build
# must be a usage error (exit 2).
set -euo pipefail
root=${AXON_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${AXON_BUILD:-$root/build}
axon=${AXON:-$build/axon}
builds="sync t1 t2 t3 t4 t5 rr rr2 cg cg2 async async2 async3"
for v in $builds; do
  [ -x "$build/rtl/$v/axon-cosim" ] || { echo "cosim helper $build/rtl/$v/axon-cosim missing (make rtl-test-builds needs verilator)"; exit 77; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export AXON_RTL_PLUSARGS=+verilator+rand+reset+2
runs=0
for v in $builds; do
  flag=; case $v in async*) flag=--async ;; esac
  : > "$work/all"
  ntok=12; [ "$v" = t5 ] && ntok=40  # one accumulator: longer streams
  # seed % 3: quiet / small / wide shifts; seed / 3 % 2: one core / core 1 of a chip
  for seed in 101 102 103 104 105 106; do
    "$axon" cosim --rtl "$build/rtl/$v" $flag --random $ntok --seed "$seed" -v > "$work/out" || {
      echo "cosim failed on build $v seed $seed:"; cat "$work/out"; exit 1; }
    grep -q '^cosim: OK' "$work/out"
    grep -q '^cosim: activity equal: [0-9]* SRAM words read' "$work/out"
    n=$(sed -n '/^cosim: OK/s/.* \([0-9][0-9]*\) stamps and \([0-9][0-9]*\) accumulators equal.*/\1 \2/p' "$work/out")
    set -- $n
    [ "$1" -gt 40 ] && [ "$2" -gt 0 ] || { echo "too little compared: $(cat "$work/out")"; exit 1; }
    cat "$work/out" >> "$work/all"
    runs=$((runs + 1))
  done
  for want in 'overflow flag 0 on both' 'overflow flag 1 on both' '^cosim: core 1 of a 1x2 chip' \
              'activity equal: [1-9][0-9]* SRAM words read'; do
    grep -q "$want" "$work/all" || { echo "build $v: no run with '$want'"; cat "$work/all"; exit 1; }
  done
  case $v in rr*|cg2)
    grep -q 'row reuse equal: [1-9][0-9]* word slots added from the row register' "$work/all" ||
      { echo "build $v: no run reused a row"; cat "$work/all"; exit 1; }
    grep -q '^cosim: OK .* row-reuse[) ]' "$work/all" || { echo "build $v: not a row-reuse build"; exit 1; } ;;
  *) ! grep -q 'row reuse equal' "$work/all" || { echo "build $v reports row reuse"; exit 1; } ;;
  esac
  case $v in cg*)
    grep -q '^cosim: OK .* clock-gated)' "$work/all" || { echo "build $v: not a clock-gated build"; exit 1; } ;;
  *) ! grep -q 'clock-gated)' "$work/all" || { echo "build $v reports clock gating"; exit 1; } ;;
  esac
  echo "$v: $(tr '\n' ' ' < "$work/out")"
done
# seed 0: no random reset, still equal
"$axon" cosim --random 6 --seed 0 > "$work/zero"
grep -q '^cosim: OK' "$work/zero"
# a tile other than the build's is refused, not silently simulated
set +e
"$axon" cosim --random 2 --tile 64x64 > "$work/bad" 2>&1; rc=$?
set -e
[ "$rc" -eq 2 ] || { echo "--tile 64x64 on a 32x32 build: exit $rc, want 2"; cat "$work/bad"; exit 1; }
grep -q 'RTL build' "$work/bad"
# shifts above the C model's limit (23) are refused by the RTL harness too
printf 'i 0 0 24\ne\n' > "$work/s24"
set +e
"$build/rtl/sync/axon-rtl-run" "$work/s24" > "$work/s24.out" 2>&1; rc=$?
set -e
[ "$rc" -ne 0 ] && grep -q 'shift 24 (0..23)' "$work/s24.out" || { echo "shift 24 not refused: exit $rc"; cat "$work/s24.out"; exit 1; }
echo "$runs lockstep runs equal"
