#!/usr/bin/env bash
# The baselines of `--baseline` (docs/power.md "Baselines") end to end on the
# shipped PP-OCR trace: JSON fields, the zero-skip baseline below the dense one
# by its silent activations (never above), the bit-serial latency = bit-planes
# x the dense busy cycles + the same readout, `--baseline wide
# --base-lanes 16` priced exactly as the dense baseline at 16 lanes, the
# matched wide baseline no slower than the spiking run, the area by part of
# bit-serial its own synthesized tile's (power/tech/area_osu018.csv), the
# parameter stored in the database and a sweep axis, --base-lanes refused
# without wide, and --batch-tokens priced by every baseline.
set -euo pipefail
: "${AXON:?}" "${AXON_ROOT:?}"
PY=${AXON_PY:-python3}
W=$AXON_ROOT/traces/ppocr/ppocr-rec.weights.safetensors
T=$AXON_ROOT/traces/ppocr/ppocr-rec.trace.safetensors
L=model.layers.0.mlp.fc1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for b in dense zero-skip bit-serial wide; do
  "$AXON" run --weights "$W" --trace "$T" --layer $L --baseline $b --json > "$work/$b.json"
done
"$AXON" run --weights "$W" --trace "$T" --layer $L --baseline wide --base-lanes 16 --json > "$work/w16.json"
"$PY" - "$work" <<'PYEOF'
import json, sys, os
w = sys.argv[1]
def get(n):
    d = json.load(open(os.path.join(w, n + '.json')))
    return d['layers'][0] if 'layers' in d else d
d, z, b, wd, w16 = (get(n) for n in ('dense', 'zero-skip', 'bit-serial', 'wide', 'w16'))
for p in (d, z, b, wd, w16):
    assert p['energy_pj'] == d['energy_pj'], 'the spiking side does not depend on the baseline'
assert d['base_lanes_used'] == 16 and z['base_lanes_used'] == 16, (d['base_lanes_used'], z['base_lanes_used'])
# zero-skip: strictly less work than dense when some activation is zero, never more
assert z['base_energy_pj'] < d['base_energy_pj'], (z['base_energy_pj'], d['base_energy_pj'])
assert z['base_latency_ns'] < d['base_latency_ns']
assert z['energy_reduction_pct'] < d['energy_reduction_pct']
# wide at the dense lane count is the dense baseline
for k in ('base_energy_pj', 'base_latency_ns', 'base_area_um2', 'energy_reduction_pct'):
    assert abs(w16[k] - d[k]) <= 1e-9 * abs(d[k]) + 1e-9, (k, w16[k], d[k])
# matched wide: no slower than the spiking run, and one lane fewer would be
assert wd['base_latency_ns'] <= wd['duration_ns'], (wd['base_latency_ns'], wd['duration_ns'])
assert 1 <= wd['base_lanes_used'] <= 128
# bit-serial: planes in 1..8, latency = planes x dense busy cycles + the same readout
assert 1 <= b['base_planes'] <= 8, b['base_planes']
tok = d['tokens']
ro = d['base_cycles'] - tok * 120 * 8  # dense: tokens x (R_eff x W_eff) + tokens x (Ls + B)
assert abs(b['base_cycles'] - (tok * 120 * 8 * b['base_planes'] + ro)) < 1e-6, (b['base_cycles'], ro)
print(f"fc1: spiking {d['energy_pj']:.4g} pJ; dense {d['base_energy_pj']:.4g} ({d['energy_reduction_pct']:+.1f} %), "
      f"zero-skip {z['base_energy_pj']:.4g} ({z['energy_reduction_pct']:+.1f} %), "
      f"bit-serial {b['base_energy_pj']:.4g} ({b['energy_reduction_pct']:+.1f} %, P={b['base_planes']}), "
      f"wide {wd['base_energy_pj']:.4g} ({wd['energy_reduction_pct']:+.1f} %, {wd['base_lanes_used']} lanes)")
# area by part: each baseline's own tile, the synthesized rows of power/tech/area_osu018.csv at
# its parameters (180 nm, scaled to 45 nm by the same factor), not the dense tile's split
rows = {}
for line in open(os.path.join(os.environ['AXON_ROOT'], 'power/tech/area_osu018.csv')):
    if line.startswith('#') or line.startswith('module,'):
        continue
    m, rest = line.rstrip('\n').split(',', 1)
    par, _, a = rest.rsplit(',', 2)
    rows[(m, par)] = float(a)
if b['base_area_exact'] and d['base_area_exact']:
    dp, bp = 'C=128 L=16 A=32 RB=64 ZS=0', 'C=128 L=16 A=32 RB=64 P=%d' % b['base_planes']
    n = d['cores']
    s = d['base_lanes_area_um2'] / (n * (rows[('axon_mac_baseline.mul', dp)] + rows[('axon_mac_baseline.add', dp)]))
    assert abs(s * 19 - 1) < 1e-9, s  # 180 nm -> 45 nm
    near = lambda x, y: abs(x - y) <= 1e-9 * abs(y) + 1e-6
    for k, part in (('lanes', 'lane'), ('acc', 'acc'), ('readout', 'readout')):
        want = rows[('axon_mac_bitserial.' + part, bp)] * s * n
        assert near(b['base_%s_area_um2' % k], want), (k, b['base_%s_area_um2' % k], want)
    assert near(d['base_acc_area_um2'], rows[('axon_mac_baseline.acc', dp)] * s * n)
    # the logic differs from dense by the two tiles, and the reductions follow it
    dlog = (rows[('axon_mac_baseline', dp)] - rows[('axon_mac_bitserial', bp)]) * s * n
    assert near(d['base_logic_area_um2'] - b['base_logic_area_um2'], dlog), (d['base_logic_area_um2'], b['base_logic_area_um2'], dlog)
    assert near(b['logic_area_reduction_pct'], 100 * (1 - b['logic_area_um2'] / b['base_logic_area_um2']))
    assert b['logic_area_reduction_pct'] != d['logic_area_reduction_pct']
    assert b['datapath_area_reduction_pct'] != d['datapath_area_reduction_pct']
    for p in (d, z, b, wd):
        assert near(p['base_sram_area_um2'] + p['base_logic_area_um2'], p['base_area_um2'])
    print(f"area by part: logic reduction dense {d['logic_area_reduction_pct']:+.1f} %, bit-serial "
          f"{b['logic_area_reduction_pct']:+.1f} % (lanes {b['base_lanes_area_um2']:.0f} um2 vs {d['base_lanes_area_um2']:.0f} um2)")
else:
    print('area by part: the table has no exact rows for this run (not checked against synthesis)')
PYEOF
# --batch-tokens N: every baseline shares a row read over the batch (docs/power.md "Row reuse and
# token batches") and holds N accumulator sets for it: each kind's energy falls, and each gains the
# same accumulator area (N - 1 sets of C x A bits at one per-bit cost)
for nb in 1 8; do
  for b in dense zero-skip bit-serial; do
    "$AXON" run --weights "$W" --trace "$T" --layer $L --baseline $b --row-reuse --batch-tokens $nb --json > "$work/nb$nb-$b.json"
  done
done
"$PY" - "$work" <<'PYEOF'
import json, sys, os
w = sys.argv[1]
def get(n):
    d = json.load(open(os.path.join(w, n + '.json')))
    return d['layers'][0] if 'layers' in d else d
e = {(nb, b): get('nb%d-%s' % (nb, b))['base_energy_pj'] for nb in (1, 8) for b in ('dense', 'zero-skip', 'bit-serial')}
for b in ('dense', 'zero-skip', 'bit-serial'):
    assert e[(8, b)] < e[(1, b)], (b, e[(8, b)], e[(1, b)])
sd, sb = e[(1, 'dense')] - e[(8, 'dense')], e[(1, 'bit-serial')] - e[(8, 'bit-serial')]
acc = {b: get('nb8-' + b)['base_acc_area_um2'] - get('nb1-' + b)['base_acc_area_um2']
       for b in ('dense', 'zero-skip', 'bit-serial')}
assert acc['dense'] > 0 and all(abs(v - acc['dense']) <= 1e-9 * acc['dense'] for v in acc.values()), acc
print(f"batch 8: baseline energy dense -{sd:.4g} pJ, bit-serial -{sb:.4g} pJ, zero-skip -{e[(1, 'zero-skip')] - e[(8, 'zero-skip')]:.4g} pJ; "
      f"accumulator sets +{acc['dense']:.6g} um2 on each")
PYEOF
# database and sweep axis
"$AXON" sweep --weights "$W" --trace "$T" --layer $L --baseline dense,zero-skip,bit-serial --db "$work/s.db" > /dev/null
n=$("$AXON" query --db "$work/s.db" --csv "SELECT COUNT(DISTINCT baseline) AS n FROM v_baseline" | tail -n 1 | tr -d "\r")
[ "$n" = 3 ] || { echo "expected 3 baselines in the database, got '$n'"; exit 1; }
"$AXON" query --db "$work/s.db" "SELECT baseline, base_planes, energy_reduction_pct FROM v_baseline ORDER BY baseline"
# --base-lanes without wide: an error naming the flag
if "$AXON" run --weights "$W" --trace "$T" --layer $L --base-lanes 8 2> "$work/err"; then
  echo "--base-lanes without --baseline wide accepted"; exit 1
fi
grep -q -- "--base-lanes applies to the wide baseline only" "$work/err"
if "$AXON" run --weights "$W" --trace "$T" --layer $L --baseline bitserial 2> "$work/err"; then
  echo "--baseline bitserial accepted"; exit 1
fi
grep -q "expected one of dense|zero-skip|bit-serial|wide" "$work/err"
echo "baseline kinds ok"
