#!/usr/bin/env bash
# --clock-gating (docs/power.md "Clock as built") through axon run and axon
# sweep on the shipped PP-OCR trace:
#  1. the default (off) leaves every figure as it was priced before (the base
#     table's assumed gating, the calibrated table's every-flop-every-cycle,
#     each named: --tech base-45nm, --tech cal-osu018 --node 0) and
#     the reports name the clock model (table, JSON clock_model);
#  2. on prices the clock as built: with the base table only the clock moves;
#     with the calibrated one the clock and the gated netlists' enable logic
#     (accumulator and FIFO rows fitted on clock-gated sets). An independent
#     oracle derives each change from the JSON counters and the table's rows
#     (the ungated flip-flops' share of the clock cancels);
#  3. the database stores clock_gating (runs) and clock_model (results), and a
#     sweep takes it as an axis (off,on: two points);
#  4. the async core has no clock to gate: refused, naming the parameter.
set -euo pipefail
: "${AXON:?}" "${AXON_ROOT:?}" "${AXON_PY:?}"
. "$AXON_ROOT/tests/e2e/ppocr_env.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() { "$AXON" run --weights "$W" --trace "$T" --layer "$L" "$@"; }

run --json --tech base-45nm > "$work/base_off.json"
run --json --tech base-45nm --clock-gating=on > "$work/base_on.json"
run --json --tech cal-osu018 --node 0 > "$work/cal_off.json"
run --json --tech cal-osu018 --node 0 --clock-gating=on > "$work/cal_on.json"
run --tech cal-osu018 --node 0 --clock-gating=on > "$work/cal_on.txt"
grep -q '^  clock: gated as built' "$work/cal_on.txt" || { cat "$work/cal_on.txt"; echo "the table does not name the gated clock"; exit 1; }
run --tech cal-osu018 --node 0 > "$work/cal_off.txt"
grep -q '^  clock: ungated as built (every flip-flop every cycle' "$work/cal_off.txt" || { echo "the table does not name the ungated clock"; exit 1; }

"$AXON_PY" - "$work" "$AXON_ROOT/power/tech/cal_osu018.csv" <<'EOF'
import csv, json, math, sys
work, cal = sys.argv[1], sys.argv[2]
def load(n):
    return json.load(open(f"{work}/{n}.json"))["layers"][0]
b0, b1, c0, c1 = (load(n) for n in ("base_off", "base_on", "cal_off", "cal_on"))
for d, want in ((b0, "assumed"), (b1, "gated"), (c0, "ungated"), (c1, "gated")):
    assert d["clock_model"] == want, (d["clock_model"], want)
# 1. off is the clock the base table always assumed: N_clk flops per active cycle
# (docs/power.md), 10 % in idle cycles, 0.002 pJ per flop-cycle at 45 nm
k = b0["counters"]
n_clk = 32 * 8 + 8 * 16 * 1 + 16 * 32 + 64 + 64
want = n_clk * 0.002 * (k["active_cycles"] + 0.1 * k["idle_cycles"])
assert math.isclose(b0["clock_pj"], want, rel_tol=1e-9), (b0["clock_pj"], want)
# 2. the base table: only the clock moves; the calibrated table: the clock, and the
# enable logic the gated netlists add (acc: cg_word_bit, cg_enable_cycle and,
# since table v6, cg_bank_switch per end of token; FIFO: item_entry_bit_cg in
# place of item_entry_bit), nothing else
E = {}
for r in csv.reader(l for l in open(cal) if l.strip() and not l.startswith("#")):
    if r[0] in ("clock", "acc", "fifo") and (r[0], r[1]) not in E and r[3]:
        E[(r[0], r[1])] = float(r[3])
R, C, Lw, A, F, NB = 128, 128, 16, 32, 8, 2
W = -(-C // Lw)
IW = 1 + math.ceil(math.log2(R)) + 1 + 5
cyc = k["active_cycles"] + k["idle_cycles"]           # summed over the cores: each core's cycles
items = k["events"] + k["eots"]
d_compute = (E[("acc", "cg_word_bit")] * k["sram_words"] * (C / W) * A +
             E[("acc", "cg_enable_cycle")] * cyc * NB * W +
             E[("acc", "cg_bank_switch")] * k["eots"] * NB * W)
d_memory = (E[("fifo", "item_entry_bit_cg")] - E[("fifo", "item_entry_bit")]) * items * F * IW
assert d_compute > 0, "the calibrated table prices no enable logic of the gated build"
for off, on, dc, dm in ((b0, b1, 0, 0), (c0, c1, d_compute, d_memory)):
    for f in ("leakage_pj", "noc_pj", "base_energy_pj"):
        assert math.isclose(off[f], on[f], rel_tol=1e-12, abs_tol=1e-9), (f, off[f], on[f])
    for f, d in (("compute_pj", dc), ("memory_pj", dm)):
        assert math.isclose(on[f] - off[f], d, rel_tol=1e-6, abs_tol=1e-6 * off[f]), (f, off[f], on[f], d)
    assert math.isclose(off["energy_pj"] - on["energy_pj"], off["clock_pj"] - on["clock_pj"] - dc - dm,
                        rel_tol=1e-9), "energy change is not the clock and enable-logic change"
    assert on["clock_pj"] < off["clock_pj"]
# the calibrated table: off - on = e_ff (g cycles - gated flop-cycles) - e_icg gates cycles,
# g = NB C A + F IW gated flip-flops per core, gates = NB W + F per core, IW = 1 + log2 R + 1 + 5
E = {a: v for (c, a), v in E.items() if c == "clock"}
cyc = k["active_cycles"] + k["idle_cycles"]           # summed over the cores: each core's cycles
g = NB * C * A + F * IW
gates = NB * W + F
work_ff = k["sram_words"] * (C / W) * A + k["eots"] * C * A + (k["events"] + k["eots"]) * IW
want = E["flop_cycle"] * (g * cyc - work_ff) - E["icg_cycle"] * gates * cyc
got = c0["clock_pj"] - c1["clock_pj"]
assert math.isclose(got, want, rel_tol=1e-6), (got, want)
print(f"clock as built ({c0['cores']} cores, {cyc} core-cycles): ungated {c0['clock_pj']:.4g} pJ, "
      f"gated {c1['clock_pj']:.4g} pJ ({100 * (c1['clock_pj'] / c0['clock_pj'] - 1):+.1f} %); "
      f"total {c0['energy_pj']:.4g} -> {c1['energy_pj']:.4g} pJ")
EOF

# 3. database and sweep axis
run --tech cal-osu018 --node 0 --clock-gating=on --db "$work/r.db" > /dev/null
run --tech cal-osu018 --node 0 --db "$work/r.db" > /dev/null
"$AXON" query --db "$work/r.db" --csv "SELECT clock_gating, clock_model FROM v_runs ORDER BY run_id" > "$work/q.csv"
cat "$work/q.csv"
[ "$(sed -n '2p' "$work/q.csv")" = "1,gated" ] && [ "$(sed -n '3p' "$work/q.csv")" = "0,ungated" ] ||
  { echo "database columns clock_gating / clock_model wrong"; exit 1; }
"$AXON" sweep --weights "$W" --trace "$T" --layer "$L" --tech base-45nm --clock-gating both --db "$work/s.db" > /dev/null
"$AXON" query --db "$work/s.db" --csv "SELECT clock_gating, clock_model, count(*) FROM v_sweep_points GROUP BY clock_gating ORDER BY clock_gating" > "$work/s.csv"
cat "$work/s.csv"
[ "$(sed -n '2p' "$work/s.csv")" = "0,assumed,1" ] && [ "$(sed -n '3p' "$work/s.csv")" = "1,gated,1" ] ||
  { echo "sweep over clock_gating did not store both points"; exit 1; }

# 4. async: no clock
set +e
run --async --clock-gating=on > /dev/null 2> "$work/err"; rc=$?
set -e
[ "$rc" -ne 0 ] && grep -q 'clock-gating' "$work/err" || { echo "async --clock-gating not refused (exit $rc)"; cat "$work/err"; exit 1; }
echo "clock gating e2e ok"
