#!/usr/bin/env bash
# `axon compare`: identical files -> exit 0; one integer element changed ->
# exit 1 naming its multi-dimensional index and both values; a bf16 copy of
# an f32 tensor -> exit 0 with cosine / rel L2 / max abs / SNR equal to
# numpy's; NaN in one input -> exit 1, reported with its index, metrics stay
# finite; a shape mismatch and a missing tensor -> exit 1 with a clear line
# (--json: shapes as arrays of integers);
# FILE:TENSOR references and --tensor suffix selection; usage -> exit 2.
set -euo pipefail
: "${AXON:?}" "${AXON_PY:?}" "${AXON_ROOT:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
"$AXON_PY" - "$AXON_ROOT" <<'PY'
import sys, json
import numpy as np
sys.path.insert(0, sys.argv[1] + '/traces/real')
import st
rng = np.random.default_rng(3)
acc = rng.integers(-50000, 50000, (5, 7, 3)).astype(np.int32)
y = rng.standard_normal((5, 7)).astype(np.float32)
st.save('a.safetensors', {'L.acc': acc, 'L.y': y})
acc2 = acc.copy(); acc2[2, 4, 1] ^= 1  # one bit
st.save('b.safetensors', {'L.acc': acc2, 'L.y': y})
yb = st.f32_to_bf16_bits(y)
st.save('bf.safetensors', {'L.acc': acc, 'L.y': yb}, bf16={'L.y'})
yn = y.copy(); yn[1, 3] = np.nan; yn[4, 0] = np.inf
st.save('nan.safetensors', {'L.acc': acc, 'L.y': yn})
st.save('shape.safetensors', {'L.acc': acc[:4], 'L.y': y})
st.save('missing.safetensors', {'L.acc': acc})
# numpy metrics of bf16 vs f32
b = (yb.astype(np.uint32) << 16).view(np.float32).astype(np.float64); a = y.astype(np.float64)
e = a - b
json.dump({'cosine': float((a*b).sum() / np.sqrt((a*a).sum() * (b*b).sum())),
           'rel_l2': float(np.sqrt((e*e).sum() / (a*a).sum())),
           'max_abs': float(np.abs(e).max()),
           'snr_db': float(10 * np.log10((a*a).sum() / (e*e).sum()))}, open('want.json', 'w'))
PY
run() { set +e; "$@" >out.txt 2>err.txt; rc=$?; set -e; }

run "$AXON" compare a.safetensors a.safetensors
[ $rc -eq 0 ] || { cat out.txt err.txt; echo "identical: exit $rc"; exit 1; }
grep -q "L.acc .*equal (105 elements)" out.txt

run "$AXON" compare a.safetensors b.safetensors
[ $rc -eq 1 ] || { cat out.txt; echo "one bit: exit $rc, expected 1"; exit 1; }
grep -q "1 of 105 elements differ" out.txt
acc_a=$("$AXON_PY" -c "import sys; sys.path.insert(0,'$AXON_ROOT/traces/real'); import st; print(int(st.load('a.safetensors')[0]['L.acc'][2,4,1]))")
grep -Eq "at \[2,4,1\] +A $acc_a +B $((acc_a ^ 1))" out.txt || { cat out.txt; exit 1; }

run "$AXON" compare a.safetensors bf.safetensors --json
[ $rc -eq 0 ] || { cat out.txt err.txt; echo "bf16: exit $rc"; exit 1; }
"$AXON_PY" - <<'PY'
import json
j = json.load(open('out.txt')); w = json.load(open('want.json'))
t = {x['tensor']: x for x in j['tensors']}
y = t['L.y']
assert y['kind'] == 'float' and y['dtype_b'] == 'BF16', y
assert y['shape'] == [5, 7] and t['L.acc']['shape'] == [5, 7, 3], y
for k in ('cosine', 'rel_l2', 'max_abs', 'snr_db'):
    assert abs(y[k] - w[k]) <= 1e-9 * max(1, abs(w[k])), (k, y[k], w[k])
assert 0.99 < y['cosine'] < 1 and y['snr_db'] > 40, y
assert t['L.acc']['equal'] is True and j['ok'] is True
assert abs(j['overall']['snr_db'] - w['snr_db']) < 1e-9
PY

run "$AXON" compare a.safetensors nan.safetensors
[ $rc -eq 1 ] || { cat out.txt; echo "NaN: exit $rc, expected 1"; exit 1; }
grep -q "NON-FINITE: 0 in A, 2 in B" out.txt
grep -Eq "at \[1,3\] +A .* B nan" out.txt
grep -Eq "at \[4,0\] +A .* B inf" out.txt
if grep -qi "cosine nan" out.txt; then echo "NaN leaked into the metrics"; exit 1; fi

run "$AXON" compare a.safetensors shape.safetensors
[ $rc -eq 1 ] && grep -q "SHAPE MISMATCH: A \[5,7,3\] vs B \[4,7,3\]" out.txt || { cat out.txt; exit 1; }
run "$AXON" compare a.safetensors shape.safetensors --json
[ $rc -eq 1 ] || { cat out.txt; echo "shape --json: exit $rc"; exit 1; }
"$AXON_PY" - <<'PY'
import json
t = {x['tensor']: x for x in json.load(open('out.txt'))['tensors']}
a = t['L.acc']
assert a['kind'] == 'shape-mismatch' and a['shape'] == [5, 7, 3] and a['shape_b'] == [4, 7, 3], a
PY

# a tensor in one file only: listed, not compared, exit 0; a failure with --strict
run "$AXON" compare a.safetensors missing.safetensors
[ $rc -eq 0 ] && grep -q "L.y .*only in A, not compared" out.txt || { cat out.txt; exit 1; }
run "$AXON" compare a.safetensors missing.safetensors --strict
[ $rc -eq 1 ] && grep -q "L.y .*MISSING in B" out.txt || { cat out.txt; exit 1; }
run "$AXON" compare missing.safetensors a.safetensors --json
[ $rc -eq 0 ] || { cat out.txt; exit 1; }
# nothing compared (disjoint names, or empty tensors only): exit 1 (docs/gpu.md)
"$AXON_PY" -c "
import sys; sys.path.insert(0, '$AXON_ROOT/traces/real'); import st, numpy as np
st.save('other.safetensors', {'M.acc': np.zeros((2, 2), np.int32)})
st.save('e1.safetensors', {'L.acc': np.zeros((0, 3), np.int32), 'L.y': np.zeros((0, 3), np.float32)})
st.save('e2.safetensors', {'L.acc': np.zeros((0, 3), np.int32), 'L.y': np.zeros((0, 3), np.float32)})"
run "$AXON" compare a.safetensors other.safetensors
[ $rc -eq 1 ] && grep -q "nothing compared: no tensor is in both files" out.txt || { cat out.txt; exit 1; }
run "$AXON" compare e1.safetensors e2.safetensors
[ $rc -eq 1 ] && grep -q "nothing compared: every tensor pair is empty" out.txt || { cat out.txt; exit 1; }
run "$AXON" compare e1.safetensors:L.acc e2.safetensors:L.acc --json
[ $rc -eq 1 ] && grep -Eq '"nothing_compared":[[:space:]]*true' out.txt || { cat out.txt; exit 1; }
run "$AXON" compare a.safetensors missing.safetensors --tensor acc
[ $rc -eq 0 ] || { cat out.txt; echo "--tensor acc: exit $rc"; exit 1; }

run "$AXON" compare a.safetensors:L.y bf.safetensors:L.y
[ $rc -eq 0 ] && grep -q "^L.y .*float" out.txt || { cat out.txt err.txt; exit 1; }
run "$AXON" compare a.safetensors:L.nope bf.safetensors
[ $rc -eq 1 ] || { echo "missing tensor ref: exit $rc"; exit 1; }
# two NPY files (one tensor each, no names)
"$AXON_PY" -c "
import numpy as np
a = np.arange(12, dtype=np.int16).reshape(3, 4); np.save('p.npy', a); a[2, 1] = -5; np.save('q.npy', a)"
run "$AXON" compare p.npy q.npy
[ $rc -eq 1 ] && grep -Eq "at \[2,1\] +A 9 +B -5" out.txt || { cat out.txt err.txt; echo "npy: exit $rc"; exit 1; }

run "$AXON" compare a.safetensors
[ $rc -eq 2 ] || { echo "one file: exit $rc, expected 2"; exit 1; }
run "$AXON" compare --help
[ $rc -eq 0 ]
echo "axon compare: exact ints, float metrics == numpy, NaN/shape/missing reported"
