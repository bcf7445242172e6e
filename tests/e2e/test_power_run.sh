#!/usr/bin/env bash
# power/ through `axon run --tech base-45nm` (the uncalibrated table, named:
# the default is the calibrated one) on the shipped PP-OCR trace: an
# independent Python oracle re-prices the counters of the run's JSON from
# power/tech/base_45nm.csv
# (compute, memory, clock, NoC groups; ideal energy; SpikingBrain comparison),
# checks node/voltage scaling, the ideal model, --explain, and the errors of
# a bad or incomplete --tech table (file:line, component and action named).
set -euo pipefail
: "${AXON:?}" "${AXON_ROOT:?}" "${AXON_PY:?}"
. "$AXON_ROOT/tests/e2e/ppocr_env.sh"
help=$("$AXON" run --help 2>&1 || true)
if grep -q "not implemented" <<<"$help" || ! grep -q -- "--explain" <<<"$help"; then
  echo "axon run in this build has no energy options (--tech/--model/--explain) yet"; exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() { "$AXON" run --weights "$W" --trace "$T" --layer "$L" --tech base-45nm "$@"; }
all() { "$AXON" run --weights "$W" --trace "$T" --tech base-45nm "$@"; } # every layer of the trace

all --json >"$work/real.json"
all --json --model ideal >"$work/ideal.json"
all --json --node 7 >"$work/n7.json"
all --json --vdd 0.45 >"$work/v45.json"
run --json --dram >"$work/dram.json"
run --explain >"$work/explain.txt"
grep -q "ideal: SOPs x int8 add" "$work/explain.txt"
grep -q "= realistic" "$work/explain.txt"
grep -q "dense INT8" "$work/explain.txt"

"$AXON_PY" - "$AXON_ROOT/power/tech/base_45nm.csv" "$work" <<'EOF'
import csv, json, math, sys
tab, work = sys.argv[1], sys.argv[2]
E, meta, sram = {}, {}, []
with open(tab) as f:
    rows = list(csv.reader(l for l in f if l.strip() and not l.lstrip().startswith('#')))
assert rows[0] == ['component', 'action', 'attributes', 'energy_pj', 'area_um2', 'leakage_uw',
                   'source'], rows[0]
for c, a, at, e, *_ in rows[1:]:
    if c == 'meta':
        meta[a] = at
    elif c == 'sram' and a == 'read64':
        sram.append((float(at.split('=')[1]), float(e)))
    elif e:
        E[(c, a)] = float(e)
sram.sort()

def sram64(size):  # log-log through the points, end segments extended
    k = 0
    while k < len(sram) - 2 and size > sram[k + 1][0]:
        k += 1
    (x0, y0), (x1, y1) = sram[k], sram[k + 1]
    s = (math.log(y1) - math.log(y0)) / (math.log(x1) - math.log(x0))
    return math.exp(math.log(y0) + s * (math.log(size) - math.log(x0)))

def load(n):
    return json.load(open(f"{work}/{n}.json"))['layers']

R = C = 128; Lw = 16; A = 32; RB = 64; F = 8; Ls = 1
fidle = float(meta['clock_idle_fraction'])
# 7 nm at its nominal 0.7 V vs 45 nm at 0.9 V: Stillmaker & Baas Table 5 (HP45, HP7)
f7 = (0.1776 * 0.49 - 0.09097 * 0.7 + 0.02447) / (1.018 * 0.81 - 0.3107 * 0.9 + 0.1539)

def check(r, q, n7, v):
    name = r['layer']
    def close(a, b, what, rel=1e-9):
        assert abs(a - b) <= rel * max(1.0, abs(b)), f"{name}: {what}: axon {a} vs oracle {b}"
    k, p = r['counters'], r
    ncb = math.ceil(r['out_features'] / C)
    compute = (k['adds'] * E['add', 'int32'] * A / 32 + k['adds_gated'] * E['add', 'gated']
               + k['acc_writes'] * A * E['reg', 'write_bit'])
    memory = (k['events'] * E['core', 'decode'] + (k['events'] + k['eots']) * E['fifo', 'push_pop']
              + k['sram_words'] * sram64(R * C) * Lw * 8 / 64
              + k['sram_words_skipped'] * E['sram', 'zero_flag_read']
              + k['readout_beats'] * RB * E['readout', 'beat_bit'])
    nclk = 32 * F + 8 * Lw * Ls + Lw * A + RB + 64
    clock = nclk * E['clock', 'flop_cycle'] * (k['active_cycles'] + fidle * k['idle_cycles'])
    hev = (k['events'] + k['eots']) * (ncb - 1) / ncb
    noc = ((hev * 32 + (k['flit_hops'] - hev) * RB) * E['noc', 'bit_hop']
           + k['reduce_adds'] * E['add', 'int32'] * A / 32)
    close(p['compute_pj'], compute, 'compute_pj')
    close(p['memory_pj'], memory, 'memory_pj')
    close(p['clock_pj'], clock, 'clock_pj')
    close(p['noc_pj'], noc, 'noc_pj')
    total = compute + memory + clock + noc + p['handshake_pj'] + p['dram_pj'] + p['leakage_pj']
    close(p['energy_pj'], total, 'energy_pj')
    close(p['leakage_pj'], p['leakage_mw'] * r['duration_ns'], 'leakage = P x t')
    sops = k['adds'] + k['adds_gated']
    macs = r['tokens'] * r['in_features'] * r['out_features']
    close(p['sops'], sops, 'sops')
    close(p['energy_pj_per_synop'], total / sops, 'pJ/SOP')
    close(p['power_mw'], total / r['duration_ns'], 'mW')
    close(sum(e['delta_pj'] for e in p['explain']), total, 'explain chain')
    ideal_mac = sops / macs * E['add', 'int8']  # SpikingBrain's comparison from the table
    close(p['ideal_pj_per_mac'], ideal_mac, 'ideal per MAC')
    close(p['ideal_vs_int8_pct'], 100 * (1 - ideal_mac / (E['mult', 'int8'] + E['add', 'int8'])),
          'vs INT8')
    close(p['ideal_vs_fp16_pct'], 100 * (1 - ideal_mac / (E['fmult', 'fp16'] + E['fadd', 'fp16'])),
          'vs FP16')
    # baseline latency: tokens x (min(R,in)·ceil(min(C,out)/L) + Ls + B) cycles at 500 MHz
    B = math.ceil(min(C, r['out_features']) * A / RB)
    cyc = r['tokens'] * (min(R, r['in_features']) * math.ceil(min(C, r['out_features']) / Lw) + Ls + B)
    close(p['base_latency_ns'], cyc * 2.0, 'baseline latency')
    close(p['energy_reduction_pct'], 100 * (1 - p['energy_pj'] / p['base_energy_pj']), 'reduction')
    assert p['tech_version'].startswith(meta['version'] + '@45nm/0.90V'), p['tech_version']
    # ideal model: the headline is SOPs x int8 add, nothing else
    close(q['energy_pj'], sops * E['add', 'int8'], 'ideal energy')
    assert q['power_model'] == 'ideal' and q['leakage_pj'] == 0 and q['clock_pj'] == 0
    close(q['realistic_pj'], total, 'ideal run keeps the realistic figure')
    close(n7['compute_pj'] + n7['memory_pj'] + n7['clock_pj'], f7 * (compute + memory + clock),
          '7 nm', 1e-9)
    assert n7['tech_version'].endswith('@7nm/0.70V'), n7['tech_version']
    close(v['compute_pj'] + v['memory_pj'] + v['noc_pj'], 0.25 * (compute + memory + noc),
          'E ~ V^2', 1e-9)
    return p, ncb

layers = load('real')
assert len(layers) >= 2, 'expected several layers in the trace'
multicast = 0
for r, q, n7, v in zip(layers, load('ideal'), load('n7'), load('v45')):
    p, ncb = check(r, q, n7, v)
    multicast += ncb > 1
    print(f"{r['layer']}: {p['energy_pj']:.6g} pJ, {p['energy_pj_per_mac']:.4g} pJ/MAC-equiv. "
          f"vs dense {p['base_energy_pj_per_mac']:.4g}, ideal {p['ideal_pj_per_mac']:.4g}")
assert multicast > 0, 'no layer exercised the event multicast'
# DRAM streaming: each fetched 64-byte burst = 8 DRAM 64-bit reads + 8 buffer writes (priced as
# SRAM reads); the dense baseline fetches every burst, the skipped ones included
d = load('dram')[0]
k, p = d['counters'], d
assert k['dram_bursts'] > 0 and k['dram_bursts_skipped'] > 0, k
per = 8 * (E['dram', 'read64'] + sram64(R * C))
assert abs(p['dram_pj'] - k['dram_bursts'] * per) <= 1e-9 * p['dram_pj'], (p['dram_pj'], k)
print(f"dram: {k['dram_bursts']} bursts fetched, {k['dram_bursts_skipped']} skipped, "
      f"{p['dram_pj']:.6g} pJ, energy reduction vs dense {p['energy_reduction_pct']:.1f} %")
print(f"oracle ok on {len(layers)} layers")
EOF

# incomplete table: NoC traffic without a noc,bit_hop row
grep -v '^noc,bit_hop,' "$AXON_ROOT/power/tech/base_45nm.csv" >"$work/cut.csv"
if "$AXON" run --weights "$W" --trace "$T" --layer "$L" --tech "$work/cut.csv" >"$work/out" 2>"$work/err"; then
  echo "a table without noc,bit_hop must fail on a multi-core layer"; exit 1
fi
grep -q "component 'noc' action 'bit_hop'" "$work/err" || { cat "$work/err"; exit 1; }
# a bad number names the file and the line
sed 's/^add,int32,bits=32,0.1,/add,int32,bits=32,0.1x,/' "$AXON_ROOT/power/tech/base_45nm.csv" >"$work/bad.csv"
line=$(grep -n '^add,int32,' "$work/bad.csv" | cut -d: -f1)
set +e
"$AXON" run --weights "$W" --trace "$T" --layer "$L" --tech "$work/bad.csv" >/dev/null 2>"$work/err"
rc=$?
set -e
[ "$rc" -eq 1 ] || { echo "bad table: exit $rc, expected 1"; exit 1; }
grep -q "bad.csv:$line: column energy_pj: '0.1x'" "$work/err" || { cat "$work/err"; exit 1; }
echo "power e2e ok"
