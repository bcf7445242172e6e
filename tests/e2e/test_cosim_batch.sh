#!/usr/bin/env bash
# axon cosim in lockstep on the batched row-reuse core (NT > 1, docs/core-timing.md
# "Token batches"): rrb three tokens per batch with two banks (six accumulator
# sets), C not divisible by L, Ls=2, gating; rrb2 four tokens, one bank, no gating,
# 16-bit wrapping accumulators. 13 tokens: the last batch is partial (13 = 4*3 + 1,
# 3*4 + 1). Each run must end "cosim: OK" with every stamp (accept, start, SRAM
# read, readout beat, token done) and every accumulator compared, the SRAM reads,
# lane adds and row-register word slots equal; over the seeds both overflow
# flags, the single core and core 1 of a chip must occur, and a run must reuse a
# row across the tokens of a batch (more word slots from the row register than
# the same stream on the unbatched core rr gives, which cannot share across
# tokens) and name its batch size.
set -euo pipefail
root=${AXON_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${AXON_BUILD:-$root/build}
axon=${AXON:-$build/axon}
for v in rrb rrb2 rr; do
  [ -x "$build/rtl/$v/axon-cosim" ] || { echo "cosim helper $build/rtl/$v/axon-cosim missing (make rtl-test-builds needs verilator)"; exit 77; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export AXON_RTL_PLUSARGS=+verilator+rand+reset+2
for v in rrb rrb2; do
  nt=3; [ "$v" = rrb2 ] && nt=4
  : > "$work/all"
  for seed in 101 102 103 104 105 106; do
    "$axon" cosim --rtl "$build/rtl/$v" --random 13 --seed "$seed" -v > "$work/out" || {
      echo "cosim failed on build $v seed $seed:"; cat "$work/out"; exit 1; }
    grep -q '^cosim: OK .* row-reuse): 13 tokens' "$work/out" || { echo "$v seed $seed: $(cat "$work/out")"; exit 1; }
    grep -q "^cosim: token batches of $nt tokens" "$work/out" || { echo "$v: no batch line"; cat "$work/out"; exit 1; }
    n=$(sed -n '/^cosim: OK/s/.* \([0-9][0-9]*\) stamps and \([0-9][0-9]*\) accumulators equal.*/\1 \2/p' "$work/out")
    set -- $n
    [ "$1" -gt 40 ] && [ "$2" -eq $((13 * $(sed -n '/^cosim: OK/s/.* C=\([0-9]*\) .*/\1/p' "$work/out"))) ] ||
      { echo "too little compared: $(cat "$work/out")"; exit 1; }
    cat "$work/out" >> "$work/all"
  done
  for want in 'overflow flag 0 on both' 'overflow flag 1 on both' '^cosim: core 1 of a 1x2 chip' \
              'row reuse equal: [1-9][0-9]* word slots'; do
    grep -q "$want" "$work/all" || { echo "build $v: no run with '$want'"; cat "$work/all"; exit 1; }
  done
  echo "$v: $(grep -c '^cosim: OK' "$work/all") runs equal"
done
# the same quiet stream (seed 102, single core) on rr (16x20, no batches) and rrb (its
# batched twin): batches read fewer rows, so fewer SRAM words and more row-register slots
"$axon" cosim --rtl "$build/rtl/rr" --random 13 --seed 102 -v > "$work/rr"
"$axon" cosim --rtl "$build/rtl/rrb" --random 13 --seed 102 -v > "$work/rrb"
ru() { sed -n 's/.*row reuse equal: \([0-9]*\) word slots.*/\1/p' "$1"; }
wr() { sed -n 's/.*activity equal: \([0-9]*\) SRAM words read.*/\1/p' "$1"; }
echo "seed 102: rr $(wr "$work/rr") words read, $(ru "$work/rr") reused; rrb $(wr "$work/rrb") read, $(ru "$work/rrb") reused"
[ "$(ru "$work/rrb")" -gt "$(ru "$work/rr")" ] && [ "$(wr "$work/rrb")" -lt "$(wr "$work/rr")" ] ||
  { echo "batches did not share rows across tokens"; cat "$work/rr" "$work/rrb"; exit 1; }
echo "cosim batch: OK"
