#!/usr/bin/env bash
# axon map end to end:
#  1. CLI contract: --help (0), bad options (2), --list of the committed real checkpoint;
#  2. the real PP-OCRv4 checkpoint mapped with grouped quantization, reordering by its
#     real trace, compression and a core image; a Python oracle reads the image from the
#     documented format (checksums, placement, weights and scales bit for bit against a
#     NumPy quantization, zero counts, quantization errors);
#  3. a model that does not fit is a clear error (exit 1) unless --dram.
# The 7B-shaped memory bound is tests/e2e/test_map_memory.sh.
set -euo pipefail
root=${AXON_ROOT:-.}
AXON=${AXON:-$root/build/axon}
PY=${AXON_PY:-/usr/bin/python3}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
W=$root/traces/ppocr/ppocr-rec.weights.safetensors
T=$root/traces/ppocr/ppocr-rec.trace.safetensors

"$AXON" map --help > "$work/help.txt"; grep -q -- '--reorder-by' "$work/help.txt"
set +e
"$AXON" map --weights "$W" --tile 12 >/dev/null 2>&1; [ $? -eq 2 ] || { echo "bad --tile must exit 2"; exit 1; }
"$AXON" map --bogus >/dev/null 2>&1; [ $? -eq 2 ] || { echo "unknown option must exit 2"; exit 1; }
"$AXON" map --weights "$work/missing.safetensors" >/dev/null 2>"$work/err"; rc=$?
set -e
[ $rc -eq 1 ] && grep -q missing.safetensors "$work/err" || { echo "missing file: rc $rc"; cat "$work/err"; exit 1; }

"$AXON" map --weights "$W" --list > "$work/list"
[ "$(wc -l < "$work/list")" -eq 9 ] || { cat "$work/list"; exit 1; }
grep -q '^lm_head .*\[6625, 120\] F32' "$work/list"

# 2. real checkpoint, grouped, reordered, compressed, imaged
"$AXON" map --weights "$W" --reorder-by "$T" --group 64 --tile 64x64 --mesh 20x20 \
  --compress bitmap --image "$work/m.axi" --json > "$work/r.json"
out=$("$AXON" map --read-image "$work/m.axi"); grep -q 'valid core image, tile 64x64' <<< "$out"
"$AXON" map --read-image "$work/m.axi" --core 7 --json > "$work/core7.json"
"$AXON" map --read-image "$work/m.axi" --core 7 > "$work/core7.hex"
[ "$(grep -vc '^//' "$work/core7.hex")" -eq 64 ] && ! grep -v '^//' "$work/core7.hex" | grep -qvE '^[0-9a-f]{128}$'
"$PY" "$root/tests/py/check_map_image.py" "$W" "$work/m.axi" "$work/r.json" 64 "$root/traces/real" "$work/core7.json"
head -c 1000 "$work/m.axi" > "$work/cut.axi"
set +e
"$AXON" map --read-image "$work/cut.axi" 2> "$work/err"; rc=$?
set -e
[ $rc -eq 1 ] && grep -q 'cut.axi: offset .*truncated' "$work/err" || { echo "truncated image: rc $rc"; cat "$work/err"; exit 1; }
"$PY" - "$work/r.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
t = r['totals']
assert t['layers'] == 9 and t['resident_cores'] == t['tiles'] == sum(l['cores'] for l in r['layers'])
assert t['passes'] == 1 and 0 < t['mesh_util_pct'] <= 100
p = r['sram']  # priced by power/: a 64x64 tile reads a 64-byte row as 8 x 64-bit
assert p['macro_bytes'] == 4096 and abs(p['row_read_pj'] - 8 * p['read64_pj']) < 1e-9 and p['read64_pj'] > 0
for l in r['layers']:
    assert l['reordered'] and l['tokens'] == 240
    # reordering never fetches more bursts than the checkpoint order on this trace
    assert l['bursts_per_token_reordered'] <= l['bursts_per_token'] + 1e-9
    assert l['bursts_per_token'] <= l['bursts_stored']
    assert l['compressed_bytes'] > 0 and 0 <= l['activation_sparsity_pct'] <= 100
    assert abs(l['sram_pj_per_token'] - l['core_events_per_token'] * p['row_read_pj']) < 1e-6 * l['sram_pj_per_token']
    assert abs(l['sram_area_um2'] - l['cores'] * p['core_sram_area_um2']) < 1e-6 * l['sram_area_um2']
print('report ok')
EOF
# CSV and table carry the same layers
"$AXON" map --weights "$W" --layers 'model.layers.*.mlp.*' --csv > "$work/r.csv"
[ "$(wc -l < "$work/r.csv")" -eq 5 ] || { cat "$work/r.csv"; exit 1; }
head -1 "$work/r.csv" | grep -q 'sram_bytes,sram_util_pct'
out=$("$AXON" map --weights "$W" --layers lm_head --tiles); grep -q 'tile (0, 51)' <<< "$out"

# f16, bf16 and int8 (+ group scales) layers in one checkpoint, grouped, imaged, checked
"$PY" - "$work/mix.safetensors" "$root/traces/real" <<'EOF'
import sys
import numpy as np
sys.path.insert(0, sys.argv[2])
import st
rng = np.random.default_rng(3)
b = rng.standard_normal((17, 40)).astype(np.float32)
st.save(sys.argv[1], {'h.weight': rng.standard_normal((30, 50)).astype(np.float16),
                      'b.weight': st.f32_to_bf16_bits(b),
                      'q.weight': rng.integers(-127, 128, (9, 16)).astype(np.int8),
                      'q.weight_scale': rng.random((9, 2)).astype(np.float32)}, bf16=('b.weight',))
EOF
"$AXON" map --weights "$work/mix.safetensors" --group 8 --tile 16x8 --image "$work/mix.axi" --json > "$work/mix.json"
# --threads: the same image and report bytes on one thread and on three
for th in 1 3; do
  "$AXON" map --weights "$work/mix.safetensors" --group 8 --tile 16x8 --threads $th \
    --image "$work/mix$th.axi" --json > "$work/mix$th.json"
  cmp "$work/mix.axi" "$work/mix$th.axi" || { echo "--threads $th: another image"; exit 1; }
  "$PY" - "$work/mix.json" "$work/mix$th.json" <<'PY' || { echo "--threads $th: another report"; exit 1; }
import json, sys
def strip(o):  # the process's own peak memory is the one field that may differ
    if isinstance(o, dict):
        return {k: strip(v) for k, v in o.items() if k != 'peak_rss_kib'}
    return [strip(v) for v in o] if isinstance(o, list) else o
a, b = (strip(json.load(open(f))) for f in sys.argv[1:3])
sys.exit(a != b)
PY
  "$AXON" map --read-image "$work/mix$th.axi" --threads $th | grep -q 'valid core image'
done
"$PY" "$root/tests/py/check_map_image.py" "$work/mix.safetensors" "$work/mix.axi" "$work/mix.json" 8 "$root/traces/real"

# the simulator tiles a grouped layer the same way: groups of 64 inputs, 48-row tiles
# -> fc2 (in 240) has 3 x 2 + 1 = 7 row-blocks that never straddle a group, x 2 column-blocks
"$AXON" map --weights "$W" --layers model.layers.0.mlp.fc2 --tile 48x64 --group 64 --trace "$T" \
  --coding bitwise-signed --json > "$work/g.json"
"$AXON" run --weights "$W" --trace "$T" --layer model.layers.0.mlp.fc2 --tile 48x64 --group 64 --json > "$work/run.json"
"$PY" -c "
import json, sys
m = json.load(open(sys.argv[1]))['layers'][0]
s = json.load(open(sys.argv[2]))['layers'][0]
assert (m['row_blocks'], m['col_blocks'], m['cores']) == (7, 2, 14), m
assert s['cores'] == m['cores'] and (s['mesh_w'], s['mesh_h']) == (m['col_blocks'], m['row_blocks']), s
assert s['exact'] is True
# same coding (axon run's default): the spikes and the events the cores received agree exactly
assert round(m['events_per_token'] * m['tokens']) == s['spikes'], (m['events_per_token'], s['spikes'])
assert round(m['core_events_per_token'] * m['tokens']) == s['counters']['events']" "$work/g.json" "$work/run.json"

# NPY weights (one layer, named after the file) and an NPY trace of integer counts
"$PY" -c "
import numpy as np, sys
np.save(sys.argv[1] + '/fc1.npy', np.random.default_rng(1).standard_normal((40, 24)).astype(np.float32))
np.save(sys.argv[1] + '/fc1_in.npy', np.random.default_rng(2).integers(-3, 4, (5, 24)).astype(np.int32))" "$work"
"$AXON" map --weights "$work/fc1.npy" --tile 16x16 --reorder-by "$work/fc1_in.npy" --json > "$work/n.json"
"$PY" -c "
import json, sys
l = json.load(open(sys.argv[1]))['layers']
assert len(l) == 1 and l[0]['layer'] == 'fc1' and l[0]['cores'] == 6 and l[0]['tokens'] == 5, l" "$work/n.json"

# a sharded checkpoint (two files, shell-expanded after --weights) maps like the whole one
"$PY" - "$W" "$work" "$root/traces/real" <<'EOF'
import sys
sys.path.insert(0, sys.argv[3])
import st
t, _ = st.load(sys.argv[1])
names = sorted(t)
st.save(sys.argv[2] + '/shard-00001.safetensors', {k: t[k] for k in names[:8]})
st.save(sys.argv[2] + '/shard-00002.safetensors', {k: t[k] for k in names[8:]})
EOF
"$AXON" map --weights "$work"/shard-0000*.safetensors --json > "$work/sh.json"
"$AXON" map --weights "$W" --json > "$work/whole.json"
"$PY" -c "
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
key = lambda l: (l['layer'], l['cores'], l['zero_weights'], l['quant_rel_l2'], l['multicast_hops'])
assert sorted(map(key, a['layers'])) == sorted(map(key, b['layers'])), 'shards differ'
assert len({l['file'] for l in a['layers']}) == 2" "$work/sh.json" "$work/whole.json"
set +e
"$AXON" map --weights "$work/shard-00001.safetensors" "$work/shard-00001.safetensors" 2> "$work/err"; rc=$?
set -e
[ $rc -eq 1 ] && grep -q 'is in both' "$work/err" || { echo "duplicate shard: rc $rc"; cat "$work/err"; exit 1; }

# 3. does not fit
set +e
"$AXON" map --weights "$W" --mesh 4x4 > /dev/null 2> "$work/err"; rc=$?
set -e
[ $rc -eq 1 ] && grep -q 'does not fit' "$work/err" && grep -q -- '--dram' "$work/err" \
  || { echo "no-fit: rc $rc"; cat "$work/err"; exit 1; }
"$AXON" map --weights "$W" --mesh 4x4 --dram --json > "$work/d.json"
"$PY" -c "import json,sys; t=json.load(open(sys.argv[1]))['totals']; assert t['passes']>1 and t['resident_cores']<=16, t" "$work/d.json"

# images written by axon 0.1 (format version 1, its FNV seed) are still read
for f in "$root"/tests/fuzz/corpus/image/v1-*.axi; do
  { out=$("$AXON" map --read-image "$f") && grep -q "valid core image" <<< "$out"; } || { echo "$f not read"; exit 1; }
done
echo "axon map e2e ok"
