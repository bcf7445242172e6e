#!/usr/bin/env bash
# axon run --image and --ref end to end: a layer run from the core image of
# `axon map --image` gives acc bit-identical to the same run from the
# checkpoint (per channel and grouped, with and without --reorder-by, so with
# the input permutation applied to the trace's counts), exact: true; --tile /
# --group that contradict the image are usage errors; an image of another
# checkpoint is refused. --ref compares acc (exact) and y with `axon ref`'s
# file, exit 1 when acc differs. With --db both land in the results database.
set -euo pipefail
: "${AXON:?}" "${AXON_ROOT:?}" "${AXON_PY:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
py="$AXON_ROOT/tests/py/run_oracle.py"
"$AXON_PY" "$py" gen "$work"
W="$work/w.safetensors" T="$work/t.safetensors"

jget() { "$AXON_PY" -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }
# acc and y of two --out files, bit for bit
same_out() {
  "$AXON_PY" - "$py" "$1" "$2" <<'PY'
import sys, importlib.util
s = importlib.util.spec_from_file_location("o", sys.argv[1]); o = importlib.util.module_from_spec(s); s.loader.exec_module(o)
a, b = o.load(sys.argv[2]), o.load(sys.argv[3])
assert sorted(a) == sorted(b), (sorted(a), sorted(b))
for k in a:
    assert a[k].shape == b[k].shape and a[k].dtype == b[k].dtype, k
    assert a[k].tobytes() == b[k].tobytes(), k + " differs"
PY
}

# 1. image vs checkpoint: {per channel, --group} x {checkpoint order, --reorder-by}
for group in 0 10; do
  gopt=(); [ "$group" = 0 ] || gopt=(--group "$group")
  for reo in no yes; do
    ropt=(); [ "$reo" = no ] || ropt=(--reorder-by "$T")
    tag="g$group-$reo"
    "$AXON" map --weights "$W" --tile 16x8 "${gopt[@]}" "${ropt[@]}" --image "$work/$tag.axi" \
      --json >/dev/null
    if [ "$reo" = yes ]; then
      "$AXON" map --read-image "$work/$tag.axi" >"$work/$tag.img.txt"
      grep -q 'lin .*input channels permuted' "$work/$tag.img.txt"
    fi
    "$AXON" run --weights "$W" --trace "$T" --tile 16x8 "${gopt[@]}" --json \
      --out "$work/$tag.w.safetensors" >"$work/$tag.w.json"
    # tile and group come from the image
    "$AXON" run --image "$work/$tag.axi" --trace "$T" --json \
      --out "$work/$tag.i.safetensors" >"$work/$tag.i.json"
    [ "$(jget "$work/$tag.i.json" 'd["exact"]')" = True ]
    [ "$(jget "$work/$tag.i.json" 'len(d["layers"])')" = 2 ]
    [ "$(jget "$work/$tag.i.json" 'all(l["permuted"] == ("'$reo'" == "yes") for l in d["layers"])')" = True ]
    [ "$(jget "$work/$tag.i.json" 'd["layers"][0]["groups"]')" = "$([ "$group" = 0 ] && echo 1 || echo 7)" ]
    same_out "$work/$tag.w.safetensors" "$work/$tag.i.safetensors"
    # spike statistics do not depend on the channel order
    [ "$(jget "$work/$tag.i.json" 'd["layers"][0]["spikes"]')" = \
      "$(jget "$work/$tag.w.json" 'd["layers"][0]["spikes"]')" ]
    # with --weights too: the image is checked against the checkpoint, same result
    "$AXON" run --image "$work/$tag.axi" --weights "$W" --trace "$T" --layer lin --tile 16x8 \
      "${gopt[@]}" --out "$work/$tag.b.safetensors" >"$work/$tag.b.txt"
    grep -q 'exact: true' "$work/$tag.b.txt"
    grep -q 'weights from core image' "$work/$tag.b.txt"
  done
done

# 1b. DRAM streaming from a reordered image fetches the bursts of the reordered layout: the
# simulator's bursts equal `axon map`'s bursts_per_token_reordered x tokens, and the run from
# the checkpoint those of the checkpoint order (bursts_per_token)
"$AXON" map --weights "$W" --tile 16x8 --reorder-by "$T" --layer lin --burst 32 \
  --image "$work/dr.axi" --json >"$work/dr.json"
"$AXON" run --image "$work/dr.axi" --trace "$T" --layer lin --dram --burst 32 --json >"$work/dri.json"
"$AXON" run --weights "$W" --tile 16x8 --trace "$T" --layer lin --dram --burst 32 --json >"$work/drw.json"
[ "$(jget "$work/dri.json" 'd["exact"]')" = True ]
m_re=$(jget "$work/dr.json" 'round(d["layers"][0]["bursts_per_token_reordered"] * 5)')
m_ck=$(jget "$work/dr.json" 'round(d["layers"][0]["bursts_per_token"] * 5)')
[ "$(jget "$work/dri.json" 'd["layers"][0]["counters"]["dram_bursts"]')" = "$m_re" ]
[ "$(jget "$work/drw.json" 'd["layers"][0]["counters"]["dram_bursts"]')" = "$m_ck" ]
[ "$m_re" -lt "$m_ck" ] # this trace has silent channels to gather: reordering saves bursts

# 2. contradicting the image: usage errors (exit 2) naming both values
set +e
"$AXON" run --image "$work/g0-yes.axi" --trace "$T" --tile 32x8 2>"$work/err"; rc=$?
[ $rc -eq 2 ] && grep -q -- '--tile 32x8 differs from the image.s 16x8' "$work/err" || { echo "tile: rc $rc"; cat "$work/err"; exit 1; }
"$AXON" run --image "$work/g10-no.axi" --trace "$T" --group 5 2>"$work/err"; rc=$?
[ $rc -eq 2 ] && grep -q -- '--group 5 differs from layer .* weight group 10' "$work/err" || { echo "group: rc $rc"; cat "$work/err"; exit 1; }
"$AXON" run --image "$work/g0-no.axi" --trace "$T" --layer nope 2>"$work/err"; rc=$?
[ $rc -eq 1 ] && grep -q "no layer 'nope' in the core image" "$work/err" || { echo "layer: rc $rc"; cat "$work/err"; exit 1; }
# an image of another checkpoint (scaled weights) does not pass for this one
"$AXON_PY" - "$py" "$W" "$work/w2.safetensors" <<'PY'
import sys, importlib.util
s = importlib.util.spec_from_file_location("o", sys.argv[1]); o = importlib.util.module_from_spec(s); s.loader.exec_module(o)
w = o.load(sys.argv[2])
w = {k: (v * 1.5).astype(v.dtype) if k == "lin.weight" else v for k, v in w.items()}
o.save(sys.argv[3], w)
PY
"$AXON" map --weights "$work/w2.safetensors" --tile 16x8 --image "$work/w2.axi" >/dev/null
"$AXON" run --image "$work/w2.axi" --weights "$W" --trace "$T" --layer lin 2>"$work/err" >/dev/null; rc=$?
[ $rc -eq 1 ] && grep -q "layer 'lin' of the image differs from the quantized" "$work/err" || { echo "other ckpt: rc $rc"; cat "$work/err"; exit 1; }
set -e

# 3. --ref: the reference of `axon ref` (per channel and grouped), from checkpoint and image
"$AXON" ref --weights "$W" --trace "$T" --out "$work/ref.safetensors" >/dev/null
"$AXON" ref --weights "$W" --trace "$T" --group 10 --out "$work/ref10.safetensors" >/dev/null
"$AXON" run --weights "$W" --trace "$T" --ref "$work/ref.safetensors" --json >"$work/r.json"
[ "$(jget "$work/r.json" 'd["ref_acc_exact"]')" = True ]
[ "$(jget "$work/r.json" 'all(l["ref_acc_exact"] and l["ref_acc_mismatches"] == 0 for l in d["layers"])')" = True ]
[ "$(jget "$work/r.json" 'd["layers"][0]["ref_acc_compared"]')" = 240 ]
[ "$(jget "$work/r.json" 'd["layers"][0]["ref_y_cosine"] > 0.999999')" = True ]
"$AXON" run --image "$work/g10-yes.axi" --trace "$T" --layer lin --ref "$work/ref10.safetensors" \
  >"$work/r.txt"
grep -q 'reference .*ref10.safetensors: acc exact (0 of 1680 differ' "$work/r.txt"
grep -q 'reference y: cosine 1.000000' "$work/r.txt"
# axon run --out (<layer>.acc / <layer>.y, as axon ref names them) works as a reference too
"$AXON" run --weights "$W" --trace "$T" --layer q --out "$work/q.safetensors" >/dev/null
"$AXON" run --weights "$W" --trace "$T" --layer q --ref "$work/q.safetensors" >"$work/qr.txt"
grep -q 'acc exact (0 of 160' "$work/qr.txt"
# a reference whose acc differs in one element: reported, exit 1
"$AXON_PY" - "$py" "$work/ref.safetensors" "$work/bad.safetensors" <<'PY'
import sys, importlib.util
s = importlib.util.spec_from_file_location("o", sys.argv[1]); o = importlib.util.module_from_spec(s); s.loader.exec_module(o)
r = {k: v.copy() for k, v in o.load(sys.argv[2]).items()}
r["q.acc"][2, 5] += 3
o.save(sys.argv[3], r)
PY
set +e
"$AXON" run --weights "$W" --trace "$T" --layer q --ref "$work/bad.safetensors" --json >"$work/bad.json" 2>"$work/err"; rc=$?
[ $rc -eq 1 ] && grep -q 'acc differs from the reference' "$work/err" || { echo "bad ref: rc $rc"; cat "$work/err"; exit 1; }
[ "$(jget "$work/bad.json" 'd["layers"][0]["ref_acc_mismatches"]')" = 1 ]
[ "$(jget "$work/bad.json" 'd["layers"][0]["ref_acc_max_abs_diff"]')" = 3 ]
[ "$(jget "$work/bad.json" 'd["exact"]')" = True ]
"$AXON" run --weights "$W" --trace "$T" --layer q --ref "$work/bad.safetensors" >"$work/bad.txt" 2>/dev/null
grep -q 'acc DIFFERS (1 of 160 differ, max |diff| 3), first at \[2,5\]' "$work/bad.txt" || { cat "$work/bad.txt"; exit 1; }
# a reference of another grouping: shape error naming the tensor
"$AXON" run --weights "$W" --trace "$T" --layer lin --ref "$work/ref10.safetensors" 2>"$work/err" >/dev/null; rc=$?
[ $rc -eq 1 ] && grep -q "'lin.acc' is not an integer \[5, 48\]" "$work/err" || { echo "shape: rc $rc"; cat "$work/err"; exit 1; }
set -e

# 4. into the database: image and reference files, permutation, the comparison
db="$work/r.db"
"$AXON" run --image "$work/g10-yes.axi" --trace "$T" --layer lin --ref "$work/ref10.safetensors" \
  --db "$db" >/dev/null 2>&1
set +e
"$AXON" run --weights "$W" --trace "$T" --layer q --ref "$work/bad.safetensors" --db "$db" >/dev/null 2>&1
[ $? -eq 1 ] || { echo "bad ref with --db should exit 1"; exit 1; }
set -e
qv() { "$AXON" query --db "$db" --csv "$1" | tail -n 1; }
[ "$(qv "SELECT count(*) FROM v_runs")" = 2 ]
[ "$(qv "SELECT image_file LIKE '%g10-yes.axi' AND length(image_fnv1a64) = 16 AND permuted = 1 AND group_size = 10 AND tile = '16x8' FROM v_runs WHERE layer = 'lin'")" = 1 ]
[ "$(qv "SELECT has_ref = 1 AND ref_acc_exact = 1 AND ref_acc_mismatches = 0 AND ref_acc_compared = 1680 AND ref_y_cosine > 0.999999 AND ref_y_max_abs = 0 AND ref_y_snr_db IS NULL FROM v_runs WHERE layer = 'lin'")" = 1 ]
[ "$(qv "SELECT ref_file LIKE '%bad.safetensors' AND ref_acc_exact = 0 AND ref_acc_mismatches = 1 AND ref_acc_max_abs_diff = 3 AND exact = 1 AND image_file IS NULL AND permuted = 0 FROM v_runs WHERE layer = 'q'")" = 1 ]
echo "axon run --image/--ref e2e: ok"
