#!/usr/bin/env bash
# axon claim end to end. A claim on a small generated layer is checked
# against plain `axon run`s of the same configurations: the base, each
# tornado point (the base with that assumption alone, not the ones before
# it) and each waterfall point (every assumption up to it, later ones
# overriding earlier ones); a gen.* target in an assumption gives the
# stated statistic; targets list exactly the points that reach them; the
# shipped presets load and run (few tokens, one layer); CSV, plot and
# errors naming the claim file and line.
set -euo pipefail
: "${AXON:?}" "${AXON_ROOT:?}" "${AXON_PY:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
export AXON_CLAIM_DIR="$AXON_ROOT/claims" AXON_PLOT_DIR="$AXON_ROOT/plot"
"$AXON" claim --help > help.txt; grep -q -- '--preset' help.txt

cat > my.claim <<'CL'
[claim]
name = test-claim
statement = a made-up claim
source = this test
show = energy_pj, base_energy_pj, area_um2, sparsity, silent_channel_fraction, cosine

[workload]
gen.preset = tiny
gen.tokens = 12
gen.seed = 5
gen.proj = up,down

[base]
statement = the default core
clamp = -1023:1023

[assumption acc24]
statement = narrower accumulators
source = test
acc_bits = 24

[assumption single]
statement = one bank
double_buffer = off

[assumption acc16]
statement = overrides acc24 in the waterfall
acc_bits = 16
lanes = 8

[assumption target]
statement = a synthetic operating point
gen.steps = 3
gen.silent = 0.25
gen.target_sparsity = 0.6
steps = 3

[target energy]
metric = energy_reduction_pct
value = -10
statement = made up

[target small]
metric = energy_pj
value = 1e12
direction = at_most
CL
"$AXON" claim --claim my.claim --json --quiet > c.json
"$AXON" claim --claim my.claim --csv --quiet > c.csv
"$AXON" claim --claim my.claim --quiet > c.txt
grep -q '^assumption ledger' c.txt && grep -q '^tornado' c.txt && grep -q '^waterfall' c.txt
# the oracle: the same configurations through axon gen + axon run
"$AXON" gen --preset tiny --proj up,down --tokens 12 --seed 5 --weights-out w.st --trace-out t.st --quiet >/dev/null
"$AXON" gen --preset tiny --proj up,down --tokens 12 --seed 5 --steps 3 --silent 0.25 --target-sparsity 0.6 \
  --weights-out w2.st --trace-out t2.st --quiet >/dev/null
run() { local t=$1 out=$2; shift 2; "$AXON" run --weights w.st --trace "$t" --json --quiet --threads 1 "$@" > "$out"; }
run t.st base.json --clamp=-1023:1023
run t.st t_acc24.json --clamp=-1023:1023 --acc-bits 24
run t.st t_single.json --clamp=-1023:1023 --double-buffer=off
run t.st t_acc16.json --clamp=-1023:1023 --acc-bits 16 --lanes 8
run t2.st t_target.json --clamp=-1023:1023 --steps 3
run t.st w_single.json --clamp=-1023:1023 --acc-bits 24 --double-buffer=off
run t.st w_acc16.json --clamp=-1023:1023 --acc-bits 16 --lanes 8 --double-buffer=off
run t2.st w_target.json --clamp=-1023:1023 --acc-bits 16 --lanes 8 --double-buffer=off --steps 3
"$AXON_PY" - <<'PY'
import csv, json, math
c = json.load(open("c.json"))
# over the two layers: reductions from the sums of their pair, extensive
# fields summed, the others weighted by MACs (docs/claims.md)
pairs = {"energy_reduction_pct": ("energy_pj", "base_energy_pj"),
         "power_reduction_pct": ("power_common_mw", "base_power_common_mw"),
         "area_reduction_pct": ("area_um2", "base_area_um2")}
def L(f):
    ls = json.load(open(f))["layers"]
    assert len(ls) == 2
    out = {}
    for m in ls[0]:
        if m in pairs:
            a, b = pairs[m]
            out[m] = 100 * (1 - sum(l[a] for l in ls) / sum(l[b] for l in ls))
        elif m in ("energy_pj", "base_energy_pj", "area_um2"):
            out[m] = sum(l[m] for l in ls)
        elif isinstance(ls[0][m], (int, float)) and not isinstance(ls[0][m], bool):
            w = [l["tokens"] * l["in_features"] * l["out_features"] for l in ls]
            out[m] = sum(wi * l[m] for wi, l in zip(w, ls)) / sum(w)
    return out
want = {"base": L("base.json"),
        "+acc24": L("t_acc24.json"), "+single": L("t_single.json"),
        "+acc16": L("t_acc16.json"), "+target": L("t_target.json"),
        "..+acc24": L("t_acc24.json"), "..+single": L("w_single.json"),
        "..+acc16": L("w_acc16.json"), "..+target": L("w_target.json")}
pts = {p["point"]: p for p in c["points"]}
assert set(pts) == set(want), sorted(pts)
for name, ref in want.items():
    for m in c["metrics"]:
        a, b = pts[name]["metrics"][m], ref[m]
        assert (a is None and b is None) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), \
            (name, m, a, b)
        d = pts[name]["delta_vs_base"][m]
        assert a is None or math.isclose(d, a - pts["base"]["metrics"][m], abs_tol=1e-9)
# tornado points differ from each other (each toggles one thing)
assert pts["+single"]["metrics"]["area_um2"] != pts["..+single"]["metrics"]["area_um2"]
# the target assumption's statistic
t = pts["+target"]["metrics"]
assert abs(t["silent_channel_fraction"] - 0.25) <= 0.5 / 64 + 1e-12, t
assert abs(t["sparsity"] - 0.6) <= 0.5 / 64 + 1e-12, t
assert c["workload"]["layers"] == ["model.layers.0.mlp.up_proj", "model.layers.0.mlp.down_proj"]
# ledger and targets
assert [a["name"] for a in c["assumptions"]] == ["acc24", "single", "acc16", "target"]
assert c["assumptions"][0]["set"] == {"acc_bits": "24"} and c["assumptions"][0]["source"] == "test"
for tg in c["targets"]:
    for name, p in pts.items():
        v = p["metrics"][tg["metric"]]
        ok = v is not None and (v <= tg["value"] if tg["direction"] == "at_most" else v >= tg["value"])
        assert (name in tg["reached_by"]) == ok and (name in tg["not_reached_by"]) != ok, (tg, name)
# CSV: one row per point and field, the same numbers
rows = list(csv.DictReader(open("c.csv")))
assert len(rows) == len(c["points"]) * len(c["metrics"])
for r in rows:
    v = pts[r["point"]]["metrics"][r["metric"]]
    assert (v is None and r["value"] == "") or math.isclose(float(r["value"]), v, rel_tol=1e-15)
print("claim vs axon run: ok")
PY

# the shipped presets: ledger, targets, on one layer and few tokens
"$AXON" claim --preset spikingbrain2 --tokens 4 --layers model.layers.0.mlp.up_proj --json --quiet > sb2.json
"$AXON" claim --preset spikingbrain1-ideal --tokens 2 --json --quiet > sb1.json
"$AXON_PY" - <<'PY'
import json
s2, s1 = json.load(open("sb2.json")), json.load(open("sb1.json"))
assert s2["base"]["set"]["clock_mhz"] == "500"
names = [a["name"] for a in s2["assumptions"]]
assert "slots-T3" in names and "ideal-pricing" in names, names
assert {t["name"] for t in s2["targets"]} >= {"power", "area"}
pts = {p["point"]: p["metrics"] for p in s2["points"]}
# the two sparsity definitions: 64.31 % silent pairs vs 64.31 % of T = 3 slots
assert abs(pts["base"]["silent_channel_fraction"] - 0.6431) < 0.001
assert abs(pts["+slots-T3"]["sparsity"] - 0.6431) < 0.001 and pts["+slots-T3"]["steps_used"] == 3
p1 = {p["point"]: p["metrics"] for p in s1["points"]}
# SpikingBrain 1.0's arithmetic: 1.13 spikes per MAC-equivalent x 0.03 pJ
assert abs(p1["+1.13-per-mac"]["ideal_pj_per_mac"] - 0.0339) < 1e-4
assert abs(p1["+1.13-per-mac"]["ideal_vs_int8_pct"] - 85.26) < 0.01
print("presets: ok")
PY
if command -v gnuplot >/dev/null; then
  "$AXON" claim --preset spikingbrain2 --tokens 2 --layers model.layers.0.mlp.up_proj \
    --plot p.png --quiet > /dev/null
  head -c 8 p.png | od -An -tx1 | grep -q '89 50 4e 47'
fi

# errors name the claim file and its line
expect_fail() {
  local want=$1 pat=$2 rc=0; shift 2
  "$@" 2>err.txt >/dev/null || rc=$?
  if [ "$rc" -ne "$want" ] || ! grep -q -- "$pat" err.txt; then
    echo "expected exit $want and '$pat' from: $*; got $rc:"; cat err.txt; exit 1
  fi
}
sed 's/^acc_bits = 24/acc_bitz = 24/' my.claim > bad1.claim
expect_fail 2 "bad1.claim: line $(grep -n '^acc_bitz' bad1.claim | cut -d: -f1): unknown key .acc_bitz." "$AXON" claim --claim bad1.claim
sed 's/^metric = energy_pj$/metric = energy_picojoules/' my.claim > bad2.claim
expect_fail 2 "bad2.claim: line $(grep -n 'energy_picojoules' bad2.claim | cut -d: -f1): .energy_picojoules. is not a report field" "$AXON" claim --claim bad2.claim
sed 's/^\[assumption single\]/[asumption single]/' my.claim > bad3.claim
expect_fail 2 "bad3.claim: line $(grep -n 'asumption' bad3.claim | cut -d: -f1): unknown section" "$AXON" claim --claim bad3.claim
sed 's/^acc_bits = 16/acc_bits = 99/' my.claim > bad4.claim
expect_fail 2 "bad4.claim: line $(grep -n 'acc_bits = 99' bad4.claim | cut -d: -f1): --acc-bits" "$AXON" claim --claim bad4.claim
sed 's/^gen.target_sparsity = 0.6/gen.target_sparsity = 0.01/' my.claim > bad5.claim
expect_fail 2 'contradictory' "$AXON" claim --claim bad5.claim --quiet
expect_fail 2 "no claim preset 'nope'" "$AXON" claim --preset nope
expect_fail 2 'one of them' "$AXON" claim
expect_fail 2 'exclude' "$AXON" claim --preset spikingbrain2 --json --csv
echo "claim: ok"
