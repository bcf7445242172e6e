"""Independent oracle for `axon map`: reads a core image written by
`axon map --image` following docs/core-image.md only (not the C reader),
checks every checksum (XXH64, implemented here from xxHash's specification,
and compared with libxxhash through ctypes when the library is installed),
the layer directory, that every tile is placed exactly once
on distinct cores, and that the reassembled int8 weights and scales equal a
NumPy quantization of the checkpoint (docs/design.md §2, rint half-to-even) bit for
bit, in the original channel order after undoing the stored permutation.
It also checks the JSON report's zero counts and quantization errors.

With CORE.json (the output of `axon map --read-image IMAGE --core N --json`)
it also checks that core's rows and placement against its own reading.

usage: check_map_image.py WEIGHTS.safetensors IMAGE.axi REPORT.json GROUP ST_DIR [CORE.json]
"""
import json
import struct
import sys

import numpy as np

sys.path.insert(0, sys.argv[5] if len(sys.argv) > 5 else 'traces/real')
import st  # noqa: E402  (the repository's minimal safetensors reader)

MASK = (1 << 64) - 1
P1, P2, P3 = 0x9E3779B185EBCA87, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9
P4, P5 = 0x85EBCA77C2B2AE63, 0x27D4EB2F165667C5


def _rotl(x, r):
    return ((x << r) | (x >> (64 - r))) & MASK


def _round(acc, v):
    return (_rotl((acc + v * P2) & MASK, 31) * P1) & MASK


def xxh64(b, seed=0):
    """XXH64 as xxHash's doc/xxhash_spec.md defines it (plain Python, test sizes)."""
    n, p = len(b), 0
    if n >= 32:
        v = [(seed + P1 + P2) & MASK, (seed + P2) & MASK, seed, (seed - P1) & MASK]
        while p + 32 <= n:
            for i in range(4):
                v[i] = _round(v[i], int.from_bytes(b[p + 8 * i:p + 8 * i + 8], 'little'))
            p += 32
        h = (_rotl(v[0], 1) + _rotl(v[1], 7) + _rotl(v[2], 12) + _rotl(v[3], 18)) & MASK
        for x in v:
            h = (((h ^ _round(0, x)) * P1) + P4) & MASK
    else:
        h = (seed + P5) & MASK
    h = (h + n) & MASK
    while p + 8 <= n:
        h ^= _round(0, int.from_bytes(b[p:p + 8], 'little'))
        h = (_rotl(h, 27) * P1 + P4) & MASK
        p += 8
    if p + 4 <= n:
        h ^= (int.from_bytes(b[p:p + 4], 'little') * P1) & MASK
        h = (_rotl(h, 23) * P2 + P3) & MASK
        p += 4
    while p < n:
        h ^= (b[p] * P5) & MASK
        h = (_rotl(h, 11) * P1) & MASK
        p += 1
    h ^= h >> 33
    h = (h * P2) & MASK
    h ^= h >> 29
    h = (h * P3) & MASK
    return h ^ (h >> 32)


def _libxxhash():
    try:
        import ctypes
        lib = ctypes.CDLL('libxxhash.so.0')
        lib.XXH64.restype = ctypes.c_uint64
        lib.XXH64.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint64]
        return lib
    except OSError:
        return None


LIBXXH = _libxxhash()


def checksum(b):
    h = xxh64(b)
    if LIBXXH is not None:  # the reference implementation agrees
        assert LIBXXH.XXH64(bytes(b), len(b), 0) == h, 'xxh64 differs from libxxhash'
    return h


def quantize(w, group):
    out, n = w.shape
    g = n if group == 0 or group > n else group
    ng = (n + g - 1) // g
    q = np.zeros((out, n), np.int8)
    s = np.zeros((out, ng), np.float32)
    for k in range(ng):
        blk = w[:, k * g:(k + 1) * g].astype(np.float32)
        amax = np.abs(blk).max(axis=1).astype(np.float32)
        sc = (amax / np.float32(127)).astype(np.float32)
        s[:, k] = sc
        with np.errstate(divide='ignore', invalid='ignore'):
            v = np.where(sc[:, None] > 0, np.rint(blk / sc[:, None]), 0)
        q[:, k * g:(k + 1) * g] = np.clip(v, -127, 127).astype(np.int8)
    return q, s, g


def main():
    wpath, ipath, rpath, group = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    tensors, _ = st.load(wpath)
    report = json.load(open(rpath))
    b = open(ipath, 'rb').read()
    assert b[:8] == b'AXONIMG1', 'magic'
    ver, hbytes, R, C, W, H, nl = struct.unpack_from('<7I', b, 8)
    ncores, fbytes, hsum = struct.unpack_from('<3Q', b, 40)
    assert ver == 3 and hbytes == 64 and fbytes == len(b), 'header fields'
    assert hsum == checksum(b[:56]), 'header checksum'
    # the layer directory is the last section: offset and bytes of each layer
    doff = len(b) - 24 - 16 * nl
    kind, idx, n, s = struct.unpack_from('<IIQQ', b, doff)
    assert kind == 3 and idx == nl and n == 16 * nl, 'directory section'
    assert checksum(b[doff + 24:]) == s, 'directory checksum'
    directory = [struct.unpack_from('<QQ', b, doff + 24 + 16 * i) for i in range(nl)]
    off, layers, used, cores = 64, [], set(), []
    cur = None
    while off < doff:
        kind, idx, n, s = struct.unpack_from('<IIQQ', b, off)
        p = off + 24
        payload = b[p:p + n]
        assert checksum(payload) == s, f'section checksum at {off}'
        if kind == 1:
            assert directory[idx][0] == off, f'directory offset of layer {idx}'
            if layers:
                prev = directory[idx - 1]
                assert prev[0] + prev[1] == off, f'directory bytes of layer {idx - 1}'

            out, inn, g, ng, rb, cb, first = struct.unpack_from('<7Q', payload, 0)
            perm_flag, nlen = struct.unpack_from('<II', payload, 56)
            name = payload[64:64 + nlen].decode()
            perm = np.frombuffer(payload[64 + nlen:], '<u4') if perm_flag else None
            cur = dict(name=name, out=out, inn=inn, g=g, ng=ng, rb=rb, cb=cb, perm=perm,
                       q=np.zeros((out, inn), np.int8), s=np.full((out, ng), np.nan, np.float32),
                       tiles=0)
            layers.append(cur)
        else:
            f = struct.unpack_from('<12I', payload, 0)
            li, r, c, pas, x, y, nr, nc, g0, gn, row0, col0 = f
            assert layers[li] is cur and x < W and y < H
            key = (pas, x, y)
            assert key not in used, f'core {key} used twice'
            used.add(key)
            # row-blocks never straddle a weight group: row0 follows the group rule
            rpg = -(-cur['g'] // R)
            assert row0 == (r // rpg) * cur['g'] + (r % rpg) * R and col0 == c * C, 'tile origin'
            assert nr == min(R, min(cur['g'], cur['inn'] - (r // rpg) * cur['g']) - (r % rpg) * R)
            rows = np.frombuffer(payload[48:48 + R * C], np.int8).reshape(R, C)
            assert idx == len(cores), 'core index'
            cores.append((f, rows))
            assert not rows[nr:, :].any() and not rows[:, nc:].any(), 'padding not zero'
            cur['q'][col0:col0 + nc, row0:row0 + nr] = rows[:nr, :nc].T
            sc = np.frombuffer(payload[48 + R * C:], '<f4').reshape(nc, gn)
            cur['s'][c * C:c * C + nc, g0:g0 + gn] = sc
            cur['tiles'] += 1
        off = p + n
    assert off == doff and len(layers) == nl and len(used) == ncores
    assert directory[-1][0] + directory[-1][1] == doff, 'directory bytes of the last layer'
    rep = {l['layer']: l for l in report['layers']}
    for L in layers:
        g = L['g']
        rb = (L['ng'] - 1) * -(-g // R) + -(-(L['inn'] - (L['ng'] - 1) * g) // R)
        assert L['tiles'] == L['rb'] * L['cb'] == rb * -(-L['out'] // C)
        q = L['q']
        if L['perm'] is not None:  # core order -> checkpoint order
            assert sorted(L['perm'].tolist()) == list(range(L['inn']))
            q2 = np.empty_like(q)
            q2[:, L['perm']] = q
            q = q2
        w = tensors[L['name'] + '.weight']
        if w.dtype == np.int8:  # an int8 checkpoint is taken as it is
            ws = tensors[L['name'] + '.weight_scale'].astype(np.float32).reshape(w.shape[0], -1)
            wq, g = w, -(-w.shape[1] // ws.shape[1])
        else:
            wq, ws, g = quantize(w, group)
        assert L['g'] == g, (L['g'], g)
        assert np.array_equal(q, wq), f"{L['name']}: weights differ from the NumPy quantization"
        assert np.array_equal(L['s'].view(np.uint32), ws.view(np.uint32)), f"{L['name']}: scales"
        r = rep[L['name']]
        assert r['zero_weights'] == int((wq == 0).sum()), 'zero count'
        if w.dtype == np.int8:
            assert r['quant_rel_l2'] is None and r['cores'] == L['tiles']
            continue
        deq = wq.astype(np.float64) * np.repeat(ws.astype(np.float64), g, axis=1)[:, :w.shape[1]]
        err = np.linalg.norm(w.astype(np.float64) - deq) / np.linalg.norm(w.astype(np.float64))
        assert abs(r['quant_rel_l2'] - err) <= 1e-9 + 1e-6 * err, (r['quant_rel_l2'], err)
        assert r['cores'] == L['tiles']
    if len(sys.argv) > 6:
        d = json.load(open(sys.argv[6]))
        f, rows = cores[d['core']]
        assert (d['r'], d['c'], d['pass'], d['x'], d['y']) == (f[1], f[2], f[3], f[4], f[5])
        assert np.array_equal(np.array(d['rows'], np.int8), rows), 'dumped rows differ'
        print(f"core {d['core']} dump ok")
    print(f'image ok: {len(layers)} layers, {len(used)} cores, weights and scales bit exact')


main()
