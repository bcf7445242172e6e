#!/usr/bin/env bash
# make demo-numbers: every number the README's demo section and docs/power.md
# "Defaults" quote, from one run of the demo (mk/demo.sh) and one JSON run of
# the shipped trace: the demo's table, the ranges the prose gives (energy
# reduction with the calibrated and the uncalibrated table, row reuse,
# break-even ev/act, the SRAM at x0.5 and x2 on both sides) and the explain
# chain of fc1. Rerun it whenever a technology table changes.
set -euo pipefail
BUILD=${1:-build}
AX="$BUILD/axon"
W=traces/ppocr/ppocr-rec.weights.safetensors
T=traces/ppocr/ppocr-rec.trace.safetensors
bash mk/demo.sh "$BUILD"
db="$BUILD/demo/demo.db"
echo
echo "== ranges over the 9 layers (README \"What make demo shows\")"
"$AX" query --db "$db" "SELECT tech_file, row_reuse,
    round(min(energy_reduction_pct), 1) AS min_energy_reduction_pct,
    round(max(energy_reduction_pct), 1) AS max_energy_reduction_pct,
    round(min(break_even_ev_per_act), 3) AS min_break_even_ev_per_act,
    round(max(break_even_ev_per_act), 3) AS max_break_even_ev_per_act,
    round(min(ev_per_act), 3) AS min_ev_per_act, round(max(ev_per_act), 3) AS max_ev_per_act
  FROM v_runs GROUP BY tech_file, row_reuse ORDER BY tech_file DESC, row_reuse"
for tech in cal-osu018 base-45nm; do
  "$AX" run --weights "$W" --trace "$T" --tech "$tech" --json > "$BUILD/demo/$tech.json"
  python3 - "$BUILD/demo/$tech.json" <<'PY'
import json, sys
L = json.load(open(sys.argv[1]))['layers']
def rng(k):
    v = [l[k] for l in L]
    return f"{min(v):.1f} .. {max(v):.1f}"
print(f"{L[0]['tech_version']}: energy_reduction_pct {rng('energy_reduction_pct')} %, "
      f"SRAM x0.5 {rng('energy_reduction_sram_half_pct')} %, x2 {rng('energy_reduction_sram_double_pct')} %, "
      f"SRAM share of the spiking energy {min(l['sram_pj'] / l['energy_pj'] for l in L) * 100:.1f} .. "
      f"{max(l['sram_pj'] / l['energy_pj'] for l in L) * 100:.1f} %, of the baseline's "
      f"{min(l['base_sram_pj'] / l['base_energy_pj'] for l in L) * 100:.1f} .. "
      f"{max(l['base_sram_pj'] / l['base_energy_pj'] for l in L) * 100:.1f} %")
PY
done
