#!/usr/bin/env bash
# make demo: a real model on the modelled chip. PaddleOCR's PP-OCRv4 text recogniser
# (weights and activations recorded from it, traces/ppocr/, docs/real-traces.md) runs layer by
# layer on the simulated neuromorphic chip; the integer result is checked bit for bit against
# the reference, the dequantized output against the model's own float outputs, and the run is
# priced against a dense INT8 tile.
set -euo pipefail
BUILD=${1:-build}
AX="$BUILD/axon"
W=traces/ppocr/ppocr-rec.weights.safetensors
T=traces/ppocr/ppocr-rec.trace.safetensors
out="$BUILD/demo"
mkdir -p "$out"
rm -f "$out/demo.db" "$out/demo.db-wal" "$out/demo.db-shm"

echo "== axon demo: PaddleOCR PP-OCRv4 recogniser, real weights and activations, on the modelled chip"
echo "   4 text lines of the Apache-2.0 licence = 240 tokens through 9 linear layers"
echo "   (2 transformer blocks + the 6625-class CTC head); provenance in the trace's metadata"
echo
echo "== 1. spike coding of lm_head's input (axon encode, k = 3, bitwise-signed)"
"$AX" encode --input "$T:lm_head.input"
echo
echo "== 2. every layer on the chip: 128x128 tiles, 16 lanes, sync 500 MHz, priced by the table calibrated"
echo "   to gate level at 180 nm, translated to 45 nm (axon run --db; the default --tech cal-osu018 --node 45)"
"$AX" run --weights "$W" --trace "$T" --db "$out/demo.db" > "$out/run.txt" 2> "$out/run.err" ||
  { cat "$out/run.err" >&2; exit 1; }
# the uncalibrated table beside it (uncal_reduction_pct): the same runs priced by --tech base-45nm
"$AX" run --weights "$W" --trace "$T" --tech base-45nm --db "$out/demo.db" > "$out/run_base45.txt" 2> "$out/run.err" ||
  { cat "$out/run.err" >&2; exit 1; }
# the row-reuse core beside it (row_reuse_* columns): one SRAM row read per non-silent
# (token, axon), every bit-plane added from the row register (docs/core-timing.md "Row reuse")
"$AX" run --weights "$W" --trace "$T" --row-reuse --db "$out/demo.db" > "$out/run_row_reuse.txt" 2> "$out/run.err" ||
  { cat "$out/run.err" >&2; exit 1; }
"$AX" query --db "$out/demo.db" "SELECT layer, cores, exact,
    round(100*sparsity, 1) AS sparsity_pct, round(cosine, 5) AS cosine_vs_model, round(snr_db, 2) AS snr_db,
    round(duration_ns / 1000, 1) AS layer_time_us, round(tokens_per_s) AS tokens_per_s,
    round(energy_pj_per_token) AS spiking_pj_per_token, round(base_energy_pj_per_token) AS dense_int8_pj_per_token,
    round(energy_reduction_pct, 1) AS energy_reduction_pct,
    (SELECT round(b.energy_pj_per_token) FROM v_runs b WHERE b.layer = a.layer AND b.row_reuse = 1 AND b.tech_file = a.tech_file) AS row_reuse_pj_per_token,
    (SELECT round(b.energy_reduction_pct, 1) FROM v_runs b WHERE b.layer = a.layer AND b.row_reuse = 1 AND b.tech_file = a.tech_file) AS row_reuse_reduction_pct,
    (SELECT round(b.energy_reduction_pct, 1) FROM v_runs b WHERE b.layer = a.layer AND b.row_reuse = 0 AND b.tech_file = 'base-45nm') AS uncal_reduction_pct,
    round(area_reduction_pct, 1) AS area_reduction_pct
  FROM v_runs a WHERE row_reuse = 0 AND tech_file = 'cal-osu018' ORDER BY run_id"
echo "   (row_reuse_*: the same chip with --row-reuse: one SRAM row read per non-silent (token, axon)"
echo "    instead of one per spike; uncal_reduction_pct: priced by the uncalibrated --tech base-45nm;"
echo "    full reports with every counter: $out/run.txt, $out/run_row_reuse.txt, $out/run_base45.txt;"
echo "    results database: $out/demo.db)"
echo "   which table priced them, and the SRAM (published macro data) with its uncertainty, fc2 as an example:"
sed -n '/^layer model.layers.0.mlp.fc2/,/^layer /p' "$out/run.txt" | grep -E '^  (priced by|SRAM):' | sed 's/^  /   /'
echo
echo "== 3. where SpikingBrain's idealised saving goes (axon run --explain, model.layers.0.mlp.fc1)"
"$AX" run --weights "$W" --trace "$T" --layer model.layers.0.mlp.fc1 --explain | sed -n '/ideal per MAC/,$p'
echo
echo "== next: axon sweep (clock/tile/coding/k), axon query pareto, axon plot, axon cosim -- see README.md"
