#!/usr/bin/env bash
# Outputs and early checks, command by command (docs/design.md §6 "Outputs"):
#   1. SIGTERM / SIGHUP during `axon gen` and `axon run --vcd`: no temporary
#      left, the previous files untouched;
#   2. a file-size limit (SIGXFSZ) during `axon gen`: exit 1 naming the file and
#      offset, nothing left;
#   3. two `axon map --image` runs to one path: both succeed, the image is whole;
#   4. gen --weights-out F --trace-out F: usage error, F untouched; a petabyte
#      request is refused before anything is written;
#   5. run --vcd over the size limit: refused before simulating, the old VCD kept;
#   6. a bad --out is reported before the simulation (nothing on stdout), a
#      weight/trace mismatch of a 16 GiB declared weight at once from the headers;
#   7. all-zero activations: energy per synaptic operation NULL in the database,
#      null in JSON with the reason; int8 weights without a scale (note) and int64
#      counts run exact.
set -euo pipefail
: "${AXON:?}" "${AXON_ROOT:?}" "${AXON_PY:=/usr/bin/python3}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
temps() { find "$work" -name '.*.??????' | head -3; }
no_temps() { local t; t=$(temps); [ -z "$t" ] || { echo "$1: temporary left: $t"; exit 1; }; }

# --- 1. signals
echo old-w > w.st; echo old-t > t.st
"$AXON" gen --preset spikingbrain2-5b-mlp --weights-out w.st --trace-out t.st --quiet \
  > /dev/null 2>&1 &
pid=$!
for _ in $(seq 200); do [ -n "$(temps)" ] && break; sleep 0.05; done
[ -n "$(temps)" ] || { echo "gen made no temporary"; kill $pid; exit 1; }
kill -TERM $pid
set +e; wait $pid; rc=$?; set -e
[ $rc = 143 ] || { echo "gen after SIGTERM: exit $rc"; exit 1; }
no_temps "gen SIGTERM"
[ "$(cat w.st)" = old-w ] && [ "$(cat t.st)" = old-t ] || { echo "gen SIGTERM touched the old files"; exit 1; }

# a stepped run writing a large VCD (the lm_head of the shipped trace, about 270 MB)
W=$AXON_ROOT/traces/ppocr/ppocr-rec.weights.safetensors T=$AXON_ROOT/traces/ppocr/ppocr-rec.trace.safetensors
echo old-vcd > big.vcd
AXON_VCD_MAX_MIB=2000 "$AXON" run --weights "$W" --trace "$T" --layer lm_head --vcd big.vcd \
  --quiet > /dev/null 2>&1 &
pid=$!
for _ in $(seq 400); do [ -n "$(temps)" ] && break; sleep 0.02; done
[ -n "$(temps)" ] || { echo "run --vcd made no temporary"; kill $pid; exit 1; }
kill -HUP $pid # (a background job of a script ignores SIGINT; tests/test_ax_out.c raises it)
set +e; wait $pid; rc=$?; set -e
[ $rc = 129 ] || { echo "run --vcd after SIGHUP: exit $rc"; exit 1; }
[ "$(cat big.vcd)" = old-vcd ] || { echo "SIGHUP touched the old VCD"; exit 1; }
no_temps "run --vcd SIGHUP"

# --- 2. a file-size limit
set +e
(ulimit -f 64; "$AXON" gen --preset tiny --tokens 4000 --weights-out w.st --trace-out t.st) \
  > /dev/null 2> err.txt
rc=$?
set -e
[ $rc = 1 ] && grep -Eq "t.st: (write failed at offset [0-9]*|cannot reserve [0-9]* bytes): File too large" err.txt \
  || { echo "SIGXFSZ: exit $rc"; cat err.txt; exit 1; }
no_temps "SIGXFSZ"
[ "$(cat w.st)" = old-w ] || { echo "SIGXFSZ: the old weights were replaced"; exit 1; }

# a database created under the limit is removed again, not left empty
set +e
(ulimit -f 2; "$AXON" run --weights "$AXON_ROOT/traces/ppocr/ppocr-rec.weights.safetensors" \
  --trace "$AXON_ROOT/traces/ppocr/ppocr-rec.trace.safetensors" --layer model.layers.0.mlp.fc1 \
  --db full.db) > /dev/null 2> err.txt
rc=$?
set -e
[ $rc = 1 ] && grep -q "full.db: .*disk I/O error (hint: is the disk full" err.txt \
  || { echo "db under a size limit: exit $rc"; cat err.txt; exit 1; }
if ls full.db* 2>/dev/null; then echo "a database was left behind"; exit 1; fi

# --emit-slurm under the limit: the previous plan, script and merge script stay whole
mkdir slurm && echo old-plan > slurm/plan.tsv
printf w > w.fake; printf t > t.fake
set +e
(ulimit -f 1; "$AXON" sweep --weights w.fake --trace t.fake --clock 100,200,300,400,500,600 \
  --tile 64x64,128x128,256x256 --k 1,2,3 --eval fake --emit-slurm slurm) > /dev/null 2> err.txt
rc=$?
set -e
[ $rc = 1 ] && grep -q "File too large" err.txt && [ "$(cat slurm/plan.tsv)" = old-plan ] \
  && [ ! -e slurm/sweep.sbatch ] || { echo "emit-slurm under a limit: exit $rc"; cat err.txt; exit 1; }
no_temps "emit-slurm"

# --- 3. two map --image to one path
"$AXON" gen --preset tiny --in 256 --out 512 --weights-out m.st --no-output --quiet
"$AXON" map --weights m.st --tile 32x32 --image same.axi --quiet > /dev/null &
"$AXON" map --weights m.st --tile 32x32 --image same.axi --quiet > /dev/null &
wait %1 && wait %2
"$AXON" map --read-image same.axi > /dev/null
no_temps "concurrent map --image"

# --- 4. gen's own checks
set +e
"$AXON" gen --weights-out w.st --trace-out ./w.st 2> err.txt; rc=$?
set -e
[ $rc = 2 ] && grep -q "are the same file" err.txt && [ "$(cat w.st)" = old-w ]
set +e
"$AXON" gen --preset qwen7b-mlp --tokens 16000000 --weights-out p.st --trace-out q.st 2> err.txt; rc=$?
set -e
[ $rc = 1 ] && grep -q "needs .* GiB" err.txt && [ ! -e p.st ] && [ ! -e q.st ] \
  || { echo "huge gen: exit $rc"; cat err.txt; exit 1; }

# --- 5. run --vcd over the limit
echo old-vcd > r.vcd
set +e
AXON_VCD_MAX_MIB=2 "$AXON" run --weights "$W" --trace "$T" --layer model.layers.0.mlp.fc1 \
  --vcd r.vcd > out.txt 2> err.txt; rc=$?
set -e
[ $rc = 1 ] && grep -q "r.vcd: the VCD of this run .* would be about [0-9]* MiB, over the limit of 2 MiB" err.txt \
  || { echo "vcd limit: exit $rc"; cat err.txt; exit 1; }
[ "$(cat r.vcd)" = old-vcd ] && [ ! -s out.txt ]
no_temps "vcd"

# --- 6. early errors
set +e
"$AXON" run --weights "$W" --trace "$T" --out nodir/y.safetensors > out.txt 2> err.txt; rc=$?
set -e
[ $rc = 1 ] && grep -q "nodir' does not exist" err.txt && [ ! -s out.txt ] \
  || { echo "bad --out: exit $rc"; cat err.txt out.txt; exit 1; }
"$AXON_PY" - <<'PY'
import json, struct, os
# a 16 GiB declared bf16 weight (a sparse file) and a trace whose in-features differ
hdr = {'L.weight': {'dtype': 'BF16', 'shape': [131072, 65536], 'data_offsets': [0, 2 * 131072 * 65536]}}
h = json.dumps(hdr).encode(); h += b' ' * (-len(h) % 8)
with open('huge.st', 'wb') as f:
    f.write(struct.pack('<Q', len(h)) + h)
    f.truncate(8 + len(h) + 2 * 131072 * 65536)
x = b'\0' * (4 * 3 * 100)
th = json.dumps({'L.input': {'dtype': 'F32', 'shape': [3, 100], 'data_offsets': [0, len(x)]}}).encode()
th += b' ' * (-len(th) % 8)
open('small.st', 'wb').write(struct.pack('<Q', len(th)) + th + x)
PY
for cmd in run ref; do
  set +e
  timeout 20 "$AXON" $cmd --weights huge.st --trace small.st --layer L --out o.st 2> err.txt; rc=$?
  set -e
  [ $rc = 1 ] && grep -q "100 features but L.weight in huge.st is \[131072, 65536\]" err.txt \
    || { echo "$cmd mismatch: exit $rc"; cat err.txt; exit 1; }
done
rm -f huge.st

# a database the user cannot write is reported before the run, with a hint run can follow
if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null; then
  as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
else
  as_user() { "$@"; }
fi
mkdir -m 755 ro && "$AXON" run --weights "$W" --trace "$T" --layer model.layers.0.mlp.fc1 \
  --db ro/r.db > /dev/null 2>&1 && chmod 444 ro/r.db && chmod 555 ro && chmod 755 "$work"
set +e
as_user "$AXON" run --weights "$W" --trace "$T" --layer model.layers.0.mlp.fc2 --db "$work/ro/r.db" \
  > out.txt 2> err.txt; rc=$?
set -e
chmod 755 ro
if [ "$(id -u)" != 0 ] || command -v setpriv > /dev/null; then
  [ $rc = 1 ] && grep -q "is not writable" err.txt && ! grep -q -- "--write" err.txt && [ ! -s out.txt ] \
    || { echo "read-only db: exit $rc"; cat err.txt; exit 1; }
fi

# --- 7. undefined ratios, int8 without a scale, int64 counts
"$AXON_PY" - <<'PY'
import json, struct, numpy as np
def save(path, tensors):  # a minimal safetensors writer (I64 included)
    code = {np.float32: 'F32', np.int8: 'I8', np.int64: 'I64'}
    hdr, off, blobs = {}, 0, []
    for k, a in tensors.items():
        b = a.tobytes()
        hdr[k] = {'dtype': code[a.dtype.type], 'shape': list(a.shape), 'data_offsets': [off, off + len(b)]}
        off += len(b)
        blobs.append(b)
    h = json.dumps(hdr).encode(); h += b' ' * (-len(h) % 8)
    open(path, 'wb').write(struct.pack('<Q', len(h)) + h + b''.join(blobs))
rng = np.random.default_rng(3)
w = rng.standard_normal((24, 40)).astype(np.float32)
q = rng.integers(-127, 128, (24, 40)).astype(np.int8)
save('z-w.safetensors', {'L.weight': w, 'Q.weight': q})
c = rng.integers(-9, 10, (5, 40)).astype(np.int64)  # PyTorch's default integer dtype
save('z-t.safetensors', {'L.input': np.zeros((6, 40), np.float32), 'Q.input': c})
PY
"$AXON" run --weights z-w.safetensors --trace z-t.safetensors --layer L --json --db z.db > z.json
"$AXON_PY" - <<'PY'
import json, sqlite3
d = json.load(open('z.json'))['layers'][0]
assert d['energy_pj_per_synop'] is None, d['energy_pj_per_synop']
assert 'zero' in d['undefined']['energy_pj_per_synop'], d['undefined']
v = sqlite3.connect('z.db').execute('SELECT energy_pj_per_synop FROM v_runs').fetchall()
assert v == [(None,)], v
PY
out=$("$AXON" run --weights z-w.safetensors --trace z-t.safetensors --layer L); grep -q "energy per synaptic op: undefined" <<< "$out"
"$AXON" run --weights z-w.safetensors --trace z-t.safetensors --layer Q --out zq.st > zq.txt 2> zq.err
grep -q "exact: true" zq.txt
grep -q "note: Q.weight is int8 without Q.weight_scale: a unit scale is assumed" zq.err
echo "outputs and early checks ok"
