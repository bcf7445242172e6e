#!/usr/bin/env bash
# Chip RTL (rtl/axon_chip.sv: cores, multicast routers and the partial-sum
# reduction) against the C chip model in lockstep (the host steps both; each
# stamp is compared once both sides have made it), for every core (flit
# arrivals, accepts, starts, SRAM words, readout beats and ends with the
# accumulators), the reduction's stamps per packet (head and tail flit
# entering each link, completion at the chip output with the reduced sums),
# per-core activity (words, adds, reduction stalls, flit hops, reduce adds),
# the duration and both overflow flags: a 2x2 mesh with 8-bit links (a flit in
# 4 units, a beat in 8), a 4x2 mesh (4 columns, 2 rows) with hop 2, SRAM
# latency 2, FIFO depth 1, single buffer, no gating, and a 2x4 mesh (4 rows) of
# 64x64 cores whose middle routers merge and forward. Inputs span the
# row-blocks of every mesh (per channel, weight groups of one or two
# row-blocks, partly filled cores); cores off the first column see arrivals
# > 0 and gaps; tokens without spikes occur; --hot runs drive reduced sums out
# of 32 bits. More tokens than the 512-item ingress queue holds are refused
# (exit 2) with the depth needed and the tokens that fit.
set -euo pipefail
root=${AXON_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${AXON_BUILD:-$root/build}
for v in chip22 chip42 chipocr; do
  [ -x "$build/rtl/$v/axon-chip-cosim" ] || { echo "chip build $build/rtl/$v missing (make rtl-test-builds needs verilator)"; exit 77; }
done
n=0 ovf=0 rovf=0 rnone=0 groups=0 late=0 gaps=0
run() { # BUILD ARGS...
  local v=$1 out
  shift
  out=$("$build/rtl/$v/axon-chip-cosim" "$@") || { echo "chip cosim failed on $v $*: $out"; exit 1; }
  case $out in "chip cosim: OK"*) ;; *) echo "$v $*: $out"; exit 1 ;; esac
  case $out in *"overflow flag 1"*) ovf=$((ovf + 1)) ;; esac
  case $out in *"reduction overflow 1"*) rovf=$((rovf + 1)) ;; *) rnone=$((rnone + 1)) ;; esac
  case $out in *"in 1 groups"*) ;; *) groups=$((groups + 1)) ;; esac
  # the input streams of the cores off the first column: arrivals after cycle 0, and gaps
  [[ $out =~ ([0-9]+)\ items\ arrived\ after\ cycle\ 0,\ ([0-9]+)\ after\ a\ gap ]] ||
    { echo "no arrival counts in: $out"; exit 1; }
  late=$((late + BASH_REMATCH[1])) gaps=$((gaps + BASH_REMATCH[2]))
  n=$((n + 1))
  last="$v $*: $out"
}
for v in chip22 chip42; do
  for seed in 1 2 3 4 5 6 7 8 9; do
    run "$v" --seed "$seed"
  done
  echo "$last"
done
# weight groups: one row-block each (packets pass the last router), and groups smaller than R
for seed in 1 2 3; do
  run chip22 --seed "$seed" --group 8
  run chip22 --seed "$seed" --in 12 --group 6
  run chip22 --seed "$seed" --in 13
  run chip42 --seed "$seed" --group 6
done
echo "$last"
# 4 row-blocks: merging and forwarding routers, links carrying 2 or 4 groups
for seed in 1 2 3; do
  run chipocr --seed "$seed" --tokens 4
  run chipocr --seed "$seed" --tokens 4 --group 128
  run chipocr --seed "$seed" --tokens 4 --in 200 --group 64
done
echo "$last"
# reduced sums leaving 32 bits
for seed in 1 2 3; do
  run chip22 --seed "$seed" --hot
  run chipocr --seed "$seed" --hot --tokens 3
done
echo "$last"
# real layers: PP-OCRv4 fc2 [120, 240] as `axon map --tile 64x64` tiles it (8 cores, 4 row-blocks),
# per channel and with weight groups of 120 (2 row-blocks each), both transformer layers
W=$root/traces/ppocr/ppocr-rec.weights.safetensors T=$root/traces/ppocr/ppocr-rec.trace.safetensors
L=model.layers.0.mlp.fc2
if [ -x "$build/axon" ]; then
  cores=$("$build/axon" map --weights "$W" --layers "$L" --tile 64x64 --json |
    "${AXON_PY:-python3}" -c 'import json,sys; l=json.load(sys.stdin)["layers"][0]; print(l["cores"], l["row_blocks"], l["reduce_hops"])')
  [ "$cores" = "8 4 3" ] || { echo "axon map --tile 64x64 puts $L on (cores, row-blocks, reduction hops) $cores, want 8 4 3"; exit 1; }
fi
# 8 tokens: the multicast to column 1 outruns its cores (a 32-bit link passes an item a cycle,
# a core takes one each 4), so more tokens of this trace overflow the 512-item ingress queue
run chipocr --weights "$W" --trace "$T" --layer "$L" --tokens 8
echo "$last"
run chipocr --weights "$W" --trace "$T" --layer "$L" --tokens 8 --group 120
echo "$last"
run chipocr --weights "$W" --trace "$T" --layer model.layers.1.mlp.fc2 --tokens 8
echo "$last"
# more tokens overflow the ingress queue: refused (exit 2) naming the core, the depth and what fits
rc=0
out=$("$build/rtl/chipocr/axon-chip-cosim" --weights "$W" --trace "$T" --layer "$L" --tokens 12) || rc=$?
[ "$rc" = 2 ] || { echo "12 tokens of $L: exit $rc, want 2 (refused): $out"; exit 1; }
for want in "refused: core 5 (row-block 2, column 1): its ingress queue (IQ = 512 items" \
  "these 12 tokens need 735 items" "--tokens 8 or fewer fit" "RTL_CHIPOCR='MR=4 MC=2" " IQ=735 RQ=512"; do
  case $out in *"$want"*) ;; *) echo "the refusal does not say '$want': $out"; exit 1 ;; esac
done
rc=0
out=$("$build/rtl/chipocr/axon-chip-cosim" --weights "$W" --trace "$T" --layer "$L" --tokens 9) || rc=$?
[ "$rc" = 2 ] || { echo "9 tokens of $L: exit $rc, want 2 (8 fit, not 9): $out"; exit 1; }
[ "$late" -gt 0 ] && [ "$gaps" -gt 0 ] ||
  { echo "the cores off the first column saw $late arrivals after cycle 0 and $gaps gaps (want both > 0)"; exit 1; }
[ "$ovf" -gt 0 ] || { echo "no run overflowed: the cores' overflow flag was never exercised"; exit 1; }
[ "$rovf" -gt 0 ] && [ "$rnone" -gt 0 ] || { echo "the reduction overflow flag was not both set ($rovf) and clear ($rnone)"; exit 1; }
[ "$groups" -gt 0 ] || { echo "no run had several weight groups"; exit 1; }
echo "$n chip co-simulations equal in lockstep ($ovf with a core overflow, $rovf with a reduction overflow, $groups with weight groups; $late items arrived after cycle 0, $gaps after a gap)"
