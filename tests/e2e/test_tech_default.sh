#!/usr/bin/env bash
# The technology table that prices a run by default (docs/power.md
# "Calibration", "Node and voltage scaling"), on the shipped PP-OCR layer fc2:
#  1. with no --tech and no --node the run is priced by the calibrated table
#     (cal-osu018, at 180 nm / 1.8 V) translated to 45 nm: the same report,
#     bit for bit, and the same config hash as `--tech cal-osu018 --node 45`;
#  2. the translation is its own labelled step in the human report
#     ("priced by: calibrated to gate level at 180 nm / 1.80 V, scaled to
#     45 nm / 0.90 V by Stillmaker & Baas 2017") and in the JSON (priced_by,
#     tech_node_nm, tech_vdd_v, tech_energy_scale, tech_calibrated); an
#     independent oracle recomputes the energy factor from the paper's
#     Table 5 polynomials;
#  3. the SRAM is stated with its source and uncertainty in the JSON
#     (sram_source, sram_pj, base_sram_pj, energy_reduction_sram_half_pct,
#     energy_reduction_sram_double_pct): the reductions recomputed from the
#     JSON's energies, the SRAM rows of the table translated by the same factor;
#  4. the uncalibrated table stays available by name (--tech base-45nm): its
#     report says so, with no translation, and its config hash differs, so a
#     database holding a base-45nm run does not answer for a default run;
#  5. the config hash holds the table's content: a copy of the calibrated
#     table has the default's hash, a copy refitted under the same version
#     (one energy changed) another, and the database stores it as a new run.
set -euo pipefail
: "${AXON:?}" "${AXON_ROOT:?}" "${AXON_PY:?}"
. "$AXON_ROOT/tests/e2e/ppocr_env.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() { "$AXON" run --weights "$W" --trace "$T" --layer "$L" "$@"; }

run --json > "$work/def.json"
run --json --tech cal-osu018 --node 45 > "$work/cal45.json"
run --json --tech base-45nm > "$work/base.json"
run --json --tech cal-osu018 --node 0 > "$work/cal180.json"
run > "$work/def.txt"
run --tech base-45nm > "$work/base.txt"

# 2. the human report names the table and the translation
grep -q '^  priced by: calibrated to gate level at 180 nm / 1.80 V, scaled to 45 nm / 0.90 V by Stillmaker & Baas 2017' "$work/def.txt" ||
  { echo "default report does not name the calibrated table and its translation"; cat "$work/def.txt"; exit 1; }
grep -q '^  priced by: uncalibrated (assumed logic energies) at 45 nm / 0.90 V (axon-base-45nm-v1)$' "$work/base.txt" ||
  { echo "--tech base-45nm report does not name the uncalibrated table"; exit 1; }
grep -q '^  SRAM: published macro data.*source: \[H14\].*energy reduction [-0-9.]* % with both x0.5, [-0-9.]* % with both x2$' "$work/def.txt" ||
  { echo "no SRAM source and sensitivity line"; exit 1; }

"$AXON_PY" - "$work" "$AXON_ROOT/power/tech/cal_osu018.csv" <<'EOF'
import csv, json, re, sys
work, cal = sys.argv[1], sys.argv[2]
def layer(n):
    d = json.load(open(f"{work}/{n}.json"))['layers']
    assert len(d) == 1, n
    return d[0]
d, c45, b, c180 = layer('def'), layer('cal45'), layer('base'), layer('cal180')

# 1. the default is the calibrated table at 45 nm, bit for bit
assert d == c45, [k for k in d if d[k] != c45.get(k)]
assert d['tech_version'] == 'axon-cal-osu018-v6@45nm/0.90V', d['tech_version']
assert d['node_nm'] == 45 and d['vdd_v'] == 0.9
assert d['clock_model'] == 'ungated', d['clock_model']

# 1b. power at a common throughput: the dense tile, calibrated and clocked as built
# (every flip-flop every cycle), pays its whole clock per cycle while it idles,
# not the uncalibrated table's idle fraction
assert d['base_latency_ns'] < d['duration_ns'], 'this layer should have the dense tile idle'
tail = d['common_time_ns'] - d['base_latency_ns']
mw = d['base_leakage_pj'] / d['base_latency_ns'] + d['base_clock_pj'] / d['base_cycles'] * d['clock_mhz'] * 1e-3
got = d['base_energy_common_pj'] - d['base_energy_pj']
assert abs(got - tail * mw) <= 1e-6 * got, (got, tail * mw)

# 2. the translation: Stillmaker & Baas 2017 Table 5, a V^2 + b V + c at the nominal supply
def sb(a, b_, c, v):
    return a * v * v + b_ * v + c
e180 = sb(0, 24.64, -17.98, 1.8)
e45 = sb(1.018, -0.3107, 0.1539, 0.9)
f = e45 / e180
assert d['tech_calibrated'] is True and b['tech_calibrated'] is False
assert d['tech_node_nm'] == 180 and d['tech_vdd_v'] == 1.8, (d['tech_node_nm'], d['tech_vdd_v'])
assert abs(d['tech_energy_scale'] / f - 1) < 1e-9, (d['tech_energy_scale'], f)
assert 'scaled to 45 nm / 0.90 V by Stillmaker & Baas 2017' in d['priced_by'], d['priced_by']
assert d['priced_by'].startswith('calibrated to gate level at 180 nm / 1.80 V'), d['priced_by']
# the table's own node: no translation step
assert c180['node_nm'] == 180 and c180['tech_energy_scale'] == 1, c180['tech_energy_scale']
assert 'scaled' not in c180['priced_by'] and c180['tech_version'].endswith('@180nm/1.80V')
assert abs(c180['sram_pj'] * f / d['sram_pj'] - 1) < 1e-9  # SRAM reads: same count, x f
# the uncalibrated table by name: no translation, a different table, a different hash
assert b['tech_version'] == 'axon-base-45nm-v1@45nm/0.90V', b['tech_version']
assert b['tech_node_nm'] == 45 and b['tech_energy_scale'] == 1
assert b['priced_by'].startswith('uncalibrated'), b['priced_by']
assert b['clock_model'] == 'assumed'
assert b['config_hash'] != d['config_hash']
assert b['energy_pj'] != d['energy_pj']

# 3. SRAM with its source and uncertainty, both sides
for r in (d, b):
    for k in ('sram_pj', 'base_sram_pj'):
        assert r[k] > 0, (k, r[k])
    pct = lambda s, bb: 100 * (1 - s / bb)
    assert abs(r['energy_reduction_pct'] - pct(r['energy_pj'], r['base_energy_pj'])) < 1e-9
    h = pct(r['energy_pj'] - 0.5 * r['sram_pj'], r['base_energy_pj'] - 0.5 * r['base_sram_pj'])
    x2 = pct(r['energy_pj'] + r['sram_pj'], r['base_energy_pj'] + r['base_sram_pj'])
    assert abs(r['energy_reduction_sram_half_pct'] - h) < 1e-9, (r['energy_reduction_sram_half_pct'], h)
    assert abs(r['energy_reduction_sram_double_pct'] - x2) < 1e-9, (r['energy_reduction_sram_double_pct'], x2)
    assert h != x2
# the SRAM rows of the calibrated table (at 180 nm) translated by f, as the source string prints them
rows = [l for l in csv.reader(x for x in open(cal) if x.strip() and not x.lstrip().startswith('#'))]
sram = [(float(a.split('=')[1]), float(e)) for comp, act, a, e, *_ in rows if comp == 'sram' and act == 'read64']
got = [(float(e), float(s), u) for e, s, u in re.findall(r'([0-9.e+-]+) pJ at ([0-9.]+) (KB|MB)', d['sram_source'])]
assert len(got) == len(sram) == 3, (got, sram)
for (sz, e), (ge, gs, u) in zip(sram, got):
    assert abs(gs * (1048576 if u == 'MB' else 1024) - sz) < 1e-6, (gs, u, sz)
    assert abs(ge / (e * f) - 1) < 1e-3, (ge, e * f)
assert '45 nm / 0.90 V; source: [H14]' in d['sram_source'], d['sram_source']
print(f"default: {d['tech_version']}, energy factor {f:.6g}, energy reduction "
      f"{d['energy_reduction_pct']:.1f} % (SRAM x0.5 {d['energy_reduction_sram_half_pct']:.1f} %, "
      f"x2 {d['energy_reduction_sram_double_pct']:.1f} %); base-45nm {b['energy_reduction_pct']:.1f} %")
EOF

# 4. one database: a base-45nm run is not taken for a default run
run --tech base-45nm --db "$work/r.db" > /dev/null
run --db "$work/r.db" > /dev/null
q=$("$AXON" query --db "$work/r.db" --csv "SELECT tech_file, tech_version FROM runs ORDER BY id")
[ "$q" = "tech_file,tech_version
base-45nm,axon-base-45nm-v1@45nm/0.90V
cal-osu018,axon-cal-osu018-v6@45nm/0.90V" ] || { echo "runs stored: $q"; exit 1; }

# 5. the table's content, not only its version
cp "$AXON_ROOT/power/tech/cal_osu018.csv" "$work/same.csv"
sed 's/^acc,event_bit,\(.*\),0\.[0-9]*,,,/acc,event_bit,\1,0.2,,,/' "$work/same.csv" > "$work/refit.csv"
! cmp -s "$work/same.csv" "$work/refit.csv" || { echo "refit.csv unchanged"; exit 1; }
run --json --tech "$work/same.csv" > "$work/same.json"
run --json --tech "$work/refit.csv" > "$work/refit.json"
"$AXON_PY" - "$work" <<'EOF'
import json, sys
l = lambda n: json.load(open(f"{sys.argv[1]}/{n}.json"))['layers'][0]
d, s, r = l('def'), l('same'), l('refit')
assert d['tech_version'] == s['tech_version'] == r['tech_version'], (d['tech_version'], r['tech_version'])
assert s['config_hash'] == d['config_hash'], 'a copy of the table is the same point'
assert r['config_hash'] != d['config_hash'], 'a refitted table under the same version aliased'
assert r['energy_pj'] != d['energy_pj']
EOF
run --tech "$work/refit.csv" --db "$work/r.db" > /dev/null
n=$("$AXON" query --db "$work/r.db" --csv "SELECT count(*) FROM runs")
[ "$n" = "count(*)
3" ] || { echo "refitted table's run not stored as a new run: $n"; exit 1; }
echo "ok"
