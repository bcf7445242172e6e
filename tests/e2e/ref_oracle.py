"""Independent numpy oracle of `axon ref` (docs/design.md §2), used by test_ref_numpy.sh.

  gen DIR SEED    writes DIR/w.safetensors, DIR/t.safetensors and DIR/cases.json
                  (random layers: shapes, group sizes, k, clamp, f32/f16 inputs)
  check DIR CASE R.safetensors   checks R against numpy: acc exactly, y to 1e-6
                  relative (numpy sums in its own order), vth exactly.
  real W T R GROUP K   the same checks for every layer of R (clamped counts),
                  for weights W and trace T given as files (e.g. the shipped trace).

Weights: scale = max|W_g| / 127 in float32, q = rint(W / scale) clipped to
[-127, 127]. Counts: vth = clamp(sum(|x|) / D / k, 1e-5, 1e4) in float32 with
the sum in index order (np.cumsum is sequential), s = rint(x / vth) (half to
even), clipped to [-127, 127] unless no-clamp. acc = sum s*q per group in int64.
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.environ.get('AXON_ROOT', '.'), 'traces', 'real'))
import st  # noqa: E402  (the project's minimal safetensors reader/writer)


def quantize(w, group):
    out, inn = w.shape
    g = inn if group == 0 or group > inn else group
    ng = (inn + g - 1) // g
    q = np.zeros((out, inn), np.int64)
    scale = np.zeros((out, ng), np.float32)
    for k in range(ng):
        blk = w[:, k * g:(k + 1) * g]
        amax = np.max(np.abs(blk), axis=1).astype(np.float32)
        sc = (amax / np.float32(127)).astype(np.float32)
        scale[:, k] = sc
        safe = np.where(sc > 0, sc, np.float32(1))
        v = np.rint((blk / safe[:, None]).astype(np.float32))
        v = np.where(sc[:, None] > 0, v, 0)
        q[:, k * g:(k + 1) * g] = np.clip(v, -127, 127).astype(np.int64)
    return q, scale, g, ng


def counts(x, k, clamp):
    x = x.astype(np.float32)
    d = x.shape[1]
    s = np.cumsum(np.abs(x), axis=1, dtype=np.float32)[:, -1]
    vth = ((s / np.float32(d)).astype(np.float32) / np.float32(k)).astype(np.float32)
    vth = np.clip(vth, np.float32(1e-5), np.float32(1e4)).astype(np.float32)
    c = np.rint((x / vth[:, None]).astype(np.float32))
    if clamp:
        c = np.clip(c, -127, 127)
    return c.astype(np.int64), vth


def reference(w, x, group, k, clamp, counts_vth=None):
    q, scale, g, ng = quantize(w, group)
    c, vth = counts_vth if counts_vth is not None else counts(x, k, clamp)
    acc = np.zeros((x.shape[0], w.shape[0], ng), np.int64)
    for kk in range(ng):
        acc[:, :, kk] = c[:, kk * g:(kk + 1) * g] @ q[:, kk * g:(kk + 1) * g].T
    y = (vth.astype(np.float64)[:, None] *
         np.sum(scale.astype(np.float64)[None, :, :] * acc, axis=2)).astype(np.float32)
    return acc, y, vth


def gen(d, seed):
    rng = np.random.default_rng(seed)
    ws, ts, cases = {}, {}, []
    for i in range(6):
        tokens, inn, out = int(rng.integers(1, 40)), int(rng.integers(1, 300)), int(rng.integers(1, 70))
        group = int(rng.choice([0, 1, 3, 32, 128, inn, inn + 5]))
        k = float(rng.choice([3.0, 1.5, 100.0]))
        clamp = bool(i % 3 != 2)
        if not clamp:
            k = 100.0  # unclamped counts well beyond int8 (up to ~k * 4)
        name = f'model.layers.{i}.mlp.proj'
        w = (rng.standard_normal((out, inn)) * rng.uniform(0.01, 2)).astype(np.float32)
        x = (rng.standard_normal((tokens, inn)) * rng.uniform(0.1, 10)).astype(np.float32)
        x[rng.random(x.shape) < 0.3] = 0  # silent channels
        if i == 4:
            x = x.astype(np.float16)  # f16 trace
        if i == 1:
            x[0, :] = 0  # an all-zero token: vth floor 1e-5
        ws[name + '.weight'] = w
        ts[name + '.input'] = x
        cases.append({'layer': name, 'group': group, 'k': k, 'clamp': clamp})
    # a trace that already holds integer counts (int16) and their vth
    name = 'model.layers.6.mlp.counts'
    tokens, inn, out = int(rng.integers(1, 30)), int(rng.integers(1, 200)), int(rng.integers(1, 50))
    ws[name + '.weight'] = rng.standard_normal((out, inn)).astype(np.float32)
    ts[name + '.input'] = rng.integers(-300, 301, (tokens, inn)).astype(np.int16)
    ts[name + '.vth'] = rng.uniform(0.01, 2, tokens).astype(np.float32)
    cases.append({'layer': name, 'group': 16, 'k': 3.0, 'clamp': True})
    st.save(os.path.join(d, 'w.safetensors'), ws)
    st.save(os.path.join(d, 't.safetensors'), ts)
    with open(os.path.join(d, 'cases.json'), 'w') as f:
        json.dump(cases, f)


def check(d, case, rpath):
    cases = json.load(open(os.path.join(d, 'cases.json')))
    c = cases[int(case)]
    ws, _ = st.load(os.path.join(d, 'w.safetensors'))
    ts, _ = st.load(os.path.join(d, 't.safetensors'))
    r, meta = st.load(rpath)
    check_layer(ws, ts, r, c)


def real(wpath, tpath, rpath, group, k):
    ws, _ = st.load(wpath)
    ts, _ = st.load(tpath)
    r, _ = st.load(rpath)
    layers = [n[:-4] for n in r if n.endswith('.acc')]
    assert layers, 'no <layer>.acc in ' + rpath
    for L in layers:
        check_layer(ws, ts, r, {'layer': L, 'group': group, 'k': k, 'clamp': True})


def check_layer(ws, ts, r, c):
    L = c['layer']
    w, x = ws[L + '.weight'], ts[L + '.input']
    if x.dtype.kind in 'iu':  # integer counts: used as they are, vth from <layer>.vth
        vin = ts.get(L + '.vth', np.ones(x.shape[0], np.float32))
        acc, y, vth = reference(w, x, c['group'], c['k'], c['clamp'], counts_vth=(x.astype(np.int64), vin))
    else:
        x = x.astype(np.float32)
        acc, y, vth = reference(w, x, c['group'], c['k'], c['clamp'])
    got = r[L + '.acc']
    want = acc if acc.shape[2] > 1 else acc[:, :, 0]
    assert got.dtype == np.int32, got.dtype
    assert got.shape == want.shape, (got.shape, want.shape)
    bad = np.argwhere(got.astype(np.int64) != want)
    assert len(bad) == 0, f'{L}: {len(bad)} acc mismatches, first {bad[0]}: {got[tuple(bad[0])]} vs {want[tuple(bad[0])]}'
    assert np.array_equal(r[L + '.vth'], vth), f'{L}: vth differs'
    gy = r[L + '.y']
    assert gy.shape == y.shape and gy.dtype == np.float32
    tol = 1e-6 * np.maximum(np.abs(y), np.max(np.abs(y)) * 1e-3 + 1e-30)
    assert np.all(np.abs(gy - y) <= tol), f'{L}: y off by {np.max(np.abs(gy - y))}'
    nbig = int(np.sum(np.abs(x) > 127)) if x.dtype.kind in 'iu' else \
        int(np.sum(np.abs(counts(x, c["k"], c["clamp"])[0]) > 127))
    print(f'ok {L}: tokens {x.shape[0]} in {x.shape[1]} out {w.shape[0]} group {c["group"]} '
          f'groups {acc.shape[2]} k {c["k"]} clamp {c["clamp"]} counts>127: {nbig} '
          f'acc exact, y max rel err {np.max(np.abs(gy - y) / np.maximum(np.abs(y), 1e-30)):.2e}')


if __name__ == '__main__':
    if sys.argv[1] == 'gen':
        gen(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1] == 'check':
        check(sys.argv[2], sys.argv[3], sys.argv[4])
    elif sys.argv[1] == 'real':
        real(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), float(sys.argv[6]))
    elif sys.argv[1] == 'field':
        print(json.load(open(os.path.join(sys.argv[2], 'cases.json')))[int(sys.argv[3])][sys.argv[4]])
