#!/usr/bin/env bash
# Every run option is a sweep axis with one set of names (docs/params.md):
#  * every option `axon run --help` shows is a row of the parameter table
#    (`axon arch --list --csv`: its flag or its key with dashes) or one of the
#    options listed below as not a parameter (files, outputs, execution);
#  * every row's flag is an option of `axon sweep` (one parser: the table);
#  * the options `axon map` and `axon cosim` show are table rows or their own
#    listed non-parameters, so no quantity has a second spelling there;
#  * the quantities of the hardware questions (accumulator bits, banks,
#    clamp, DRAM, node, supply, technology table, lanes, FIFO, handshake) are
#    rows, and a sweep over all of them at once plans every combination with
#    a distinct config hash.
set -euo pipefail
: "${AXON:?}" "${AXON_ROOT:?}" "${AXON_PY:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$AXON" arch --list --csv >"$work/params.csv"
for c in run sweep map cosim; do "$AXON" "$c" --help >"$work/$c.txt" 2>&1 || true; done

"$AXON_PY" - "$work" <<'EOF'
import csv, re, sys
work = sys.argv[1]
rows = list(csv.DictReader(open(f"{work}/params.csv")))
flags = {r['flag'][2:] for r in rows} | {r['key'].replace('_', '-') for r in rows}
# not parameters: what is read or written, how the host computes, aliases
own = {
    'run': {'weights', 'trace', 'image', 'ref', 'out', 'vcd', 'json', 'db', 'per-core', 'explain',
            'threads', 'functional', 'arch', 'async', 'help'},
    'sweep': {'weights', 'trace', 'db', 'jobs', 'shard', 'shards', 'emit-slurm', 'dry-run', 'json',
              'eval', 'no-cache', 'arch', 'async', 'help'},
    'map': {'weights', 'layers', 'list', 'cores', 'trace', 'reorder-by', 'compress', 'image',
            'tiles', 'read-image', 'core', 'threads', 'json', 'csv', 'help'},
    'cosim': {'random', 'weights', 'trace', 'image', 'core', 'out', 'tokens', 'async', 'wave',
              'wave-window', 'seed', 'rtl', 'verbose', 'help'},
}
def options(cmd):
    text = open(f"{work}/{cmd}.txt").read()
    text = re.sub(r'`[^`]*`', '', text)  # `axon arch --dump` and the like are prose
    opts = set()
    for m in re.finditer(r'(?<![\w-])--([a-z](?:[a-z0-9-]*[a-z0-9])?)(?![\w-])', text):
        o = m.group(1)
        if o.startswith('no-') and o[3:] in flags:  # --no-X of an on/off parameter
            continue
        opts.add(o)
    return opts
bad = []
for cmd in ('run', 'sweep', 'map', 'cosim'):
    opts = options(cmd)
    assert opts, f"axon {cmd} --help lists no options"
    for o in sorted(opts - flags - own[cmd]):
        bad.append(f"axon {cmd}: --{o} is neither a parameter-table row (run/run_param.c) "
                   f"nor a listed non-parameter")
    for o in sorted(own[cmd] & flags):
        bad.append(f"axon {cmd}: --{o} is listed as a non-parameter but is a table row")
run_opts = options('run')
sweep_opts = options('sweep')
for r in rows:
    f = r['flag'][2:]
    if f not in run_opts:
        bad.append(f"--{f} ({r['key']}) is a table row missing from axon run --help")
    if f not in sweep_opts:
        bad.append(f"--{f} ({r['key']}) is a table row but not a sweep axis")
keys = {r['key'] for r in rows}
for k in ('acc_bits', 'double_buffer', 'clamp', 'dram', 'dram_burst_bytes', 'node_nm', 'vdd_v',
          'tech', 'lanes', 'fifo_depth', 'handshake_phases', 'power_model', 'coding', 'steps'):
    if k not in keys:
        bad.append(f"{k} is not a row of the parameter table")
assert not bad, "\n".join(bad)
print(f"{len(rows)} parameters; run, sweep, map and cosim options audited")
EOF

W="$AXON_ROOT/traces/ppocr/ppocr-rec.weights.safetensors"
T="$AXON_ROOT/traces/ppocr/ppocr-rec.trace.safetensors"
[ -f "$W" ] && [ -f "$T" ] || { echo "shipped PP-OCR trace missing"; exit 77; }
(cd "$work" && "$AXON" sweep --weights "$W" --trace "$T" --layer model.layers.0.mlp.fc2 \
  --dry-run --json --db "$work/s.db" --acc-bits 24,32 --double-buffer both --clamp on,off \
  --dram both --node 45,7 --vdd 0.8,0.9 --tech base-45nm,cal-osu018 --lanes 8,16 --fifo 4,8 \
  >"$work/plan.json")
(cd "$work" && "$AXON" sweep --weights "$W" --trace "$T" --layer model.layers.0.mlp.fc2 \
  --dry-run --json --db "$work/s.db" --timing async --handshake 2,4 >"$work/plan_hs.json")
"$AXON_PY" - "$work" <<'EOF'
import json, sys
work = sys.argv[1]
p = json.load(open(f"{work}/plan.json"))
assert p['points'] == 2 ** 9, p['points']
hashes = {x['config_hash'] for x in p['plan']}
assert len(hashes) == 2 ** 9, len(hashes)
for k in ('acc_bits', 'double_buffer', 'clamp', 'dram', 'node_nm', 'vdd_v', 'tech', 'lanes',
          'fifo_depth'):
    assert all(k + '=' in x['point'] for x in p['plan']), k
h = json.load(open(f"{work}/plan_hs.json"))
assert h['points'] == 2 and len({x['config_hash'] for x in h['plan']}) == 2
print("every hardware quantity is a sweep axis: 512 + 2 distinct points planned")
EOF
