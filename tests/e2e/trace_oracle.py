"""Oracle for the traces e2e tests (run with Debian's python3 + numpy).

  trace_oracle.py io TRACE_DUMP WORKDIR
      numpy writes NPY files (v1.0 by np.save, v2.0 and v3.0 by
      np.lib.format.write_array) of every trace dtype, and this script
      writes a safetensors file straight from the spec (json + struct, no
      safetensors package); axon's reader (through trace_dump) must return
      the same values, reject Fortran order / big-endian / float64 files
      with the right message, and the NPY files axon re-saves must load in
      numpy with the same dtype, shape and values.
  trace_oracle.py gen WEIGHTS TRACE TOKENS
      parses `axon gen` output with a spec-following reader and checks
      names, shapes, dtypes, metadata, the activation statistics and that
      <layer>.output equals input @ weight.T (float64 oracle).
"""
import json
import os
import struct
import subprocess
import sys

import numpy as np

ST_DT = {"F32": "<f4", "F16": "<f2", "BF16": "<u2", "I8": "i1", "U8": "u1", "I16": "<i2", "I32": "<i4"}


def bf16_bits(f):
    u = np.asarray(f, dtype=np.float32).view(np.uint32).astype(np.uint64)
    return ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)


def bf16_value(bits):
    return (bits.astype(np.uint32) << 16).view(np.float32)


def run_dump(dump, refs, extra=()):
    p = subprocess.run([dump, *extra, *refs], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def parse_dump(text):
    out, cur = [], None
    for line in text.splitlines():
        if line.startswith("tensor "):
            _, name, dt, shape = line.split(" ")
            shape = () if shape == "scalar" else tuple(int(s) for s in shape.split(","))
            cur = {"name": name, "dtype": dt, "shape": shape, "values": []}
            out.append(cur)
        elif not line.startswith("meta "):
            cur["values"].append(line)
    return out


def check_values(tag, got, dtype, shape, ref_f32):
    assert got["dtype"] == dtype, f"{tag}: dtype {got['dtype']} != {dtype}"
    assert got["shape"] == tuple(shape), f"{tag}: shape {got['shape']} != {shape}"
    if dtype.startswith(("F", "BF")):  # %.9g round-trips float32, not float64
        g = np.array([float(v) for v in got["values"]], dtype=np.float32).astype(np.float64)
    else:
        g = np.array([int(v) for v in got["values"]], dtype=np.int64).astype(np.float64)
    e = np.asarray(ref_f32, dtype=np.float64).ravel()
    assert g.shape == e.shape and np.array_equal(g, e), f"{tag}: values differ\n{g[:8]}\n{e[:8]}"


def io(dump, work):
    rng = np.random.default_rng(1234)
    cases = []  # (ref, axon dtype, shape, values as float64/int, numpy array re-saved)

    def arr(kind, shape):
        if kind in ("f4", "f2"):
            return (rng.standard_t(3, size=shape) * 4).astype("<" + kind)
        info = np.iinfo(np.dtype(kind))
        return rng.integers(info.min, info.max, size=shape, endpoint=True).astype(np.dtype(kind).newbyteorder("<"))

    kinds = [("f4", "F32"), ("f2", "F16"), ("i1", "I8"), ("u1", "U8"), ("i2", "I16"), ("i4", "I32")]
    shapes = [(7,), (3, 5), (2, 3, 4), (), (0, 4)]
    n = 0
    for ver in [(1, 0), (2, 0), (3, 0)]:
        for kind, name in kinds:
            for shape in shapes:
                a = arr(kind, shape)
                path = os.path.join(work, f"n{n}.npy")
                n += 1
                if ver == (1, 0):
                    np.save(path, a)
                else:
                    with open(path, "wb") as fp:
                        np.lib.format.write_array(fp, a, version=ver)
                cases.append((path, name, shape, a.astype(np.float64), a))
    # bf16: numpy has no bfloat16; the bits go in as uint16 and are declared
    f = rng.standard_normal((4, 6)).astype(np.float32) * 3
    bits = bf16_bits(f)
    path = os.path.join(work, "bf16.npy")
    np.save(path, bits)
    cases.append((path + "@bf16", "BF16", bits.shape, bf16_value(bits).astype(np.float64), bits))

    # safetensors straight from the spec, tensors deliberately out of order
    # in the buffer and an odd-length int8 first (misaligned floats follow)
    st = {
        "c.i8": arr("i1", (3, 3)), "a.f32": arr("f4", (2, 5)), "b.f16": arr("f2", (4,)),
        "d.bf16": bf16_bits(rng.standard_normal((2, 3)).astype(np.float32)), "e.u8": arr("u1", (5,)),
        "f.i16": arr("i2", (3,)), "g.i32": arr("i4", (2, 2)), "h.scalar": arr("f4", ()),
        "i.empty": arr("f4", (0, 3)),
    }
    dts = {"c.i8": "I8", "a.f32": "F32", "b.f16": "F16", "d.bf16": "BF16", "e.u8": "U8", "f.i16": "I16",
           "g.i32": "I32", "h.scalar": "F32", "i.empty": "F32"}
    header, buf = {"__metadata__": {"format": "pt", "seed": "42"}}, b""
    for k in ["c.i8", "h.scalar", "a.f32", "e.u8", "b.f16", "i.empty", "g.i32", "f.i16", "d.bf16"]:
        raw = st[k].tobytes()
        header[k] = {"dtype": dts[k], "shape": list(st[k].shape), "data_offsets": [len(buf), len(buf) + len(raw)]}
        buf += raw
    keys = list(header)
    rng.shuffle(keys)
    hj = json.dumps({k: header[k] for k in keys}).encode()
    hj += b" " * (-len(hj) % 8)
    stpath = os.path.join(work, "spec.safetensors")
    with open(stpath, "wb") as fp:
        fp.write(struct.pack("<Q", len(hj)) + hj + buf)
    for k, a in st.items():
        vals = bf16_value(a) if dts[k] == "BF16" else a
        cases.append((f"{stpath}:{k}", dts[k], a.shape, np.asarray(vals, dtype=np.float64), a))

    rc, out, err = run_dump(dump, [c[0] for c in cases])
    assert rc == 0, f"trace_dump failed: {err}"
    got = parse_dump(out)
    assert len(got) == len(cases), f"{len(got)} tensors dumped, {len(cases)} expected"
    for c, g in zip(cases, got):
        check_values(c[0], g, c[1], c[2], c[3])
    print(f"reader: {len(cases)} tensors from numpy NPY v1/v2/v3 and spec safetensors match")

    rc, out, err = run_dump(dump, ["--meta", stpath + ":a.f32"])
    assert rc == 0 and "meta format pt" in out and "meta seed 42" in out, out + err

    # axon's NPY writer, read back by numpy
    resave = os.path.join(work, "resave")
    os.mkdir(resave)
    rc, out, err = run_dump(dump, [c[0] for c in cases], ["--npy-out", resave])
    assert rc == 0, err
    for i, c in enumerate(cases):
        b = np.load(os.path.join(resave, f"{i}.npy"))
        a = c[4]
        assert b.shape == a.shape and b.dtype.itemsize == a.dtype.itemsize and b.dtype.kind == a.dtype.kind, \
            f"{c[0]}: numpy reads {b.dtype}{b.shape}, wrote {a.dtype}{a.shape}"
        assert b.tobytes() == np.ascontiguousarray(a).tobytes(), f"{c[0]}: bytes differ"
    print(f"writer: numpy loads all {len(cases)} NPY files axon wrote, bit for bit")

    # what numpy can write but axon must refuse, with a clear message
    bad = [
        ("fortran.npy", np.asfortranarray(arr("f4", (3, 4))), "Fortran order"),
        ("big.npy", arr("f4", (5,)).astype(">f4"), "big-endian"),
        ("f64.npy", rng.standard_normal(4), "'<f8'"),
        ("u16.npy", np.arange(4, dtype="<u2"), "@bf16"),
    ]
    for name, a, msg in bad:
        path = os.path.join(work, name)
        np.save(path, a)
        rc, out, err = run_dump(dump, [path])
        assert rc != 0 and msg in err and path in err and "hint" in err, f"{name}: rc {rc}: {err}"
    with open(os.path.join(work, "n0.npy"), "rb") as fp:
        whole = fp.read()
    cut = os.path.join(work, "cut.npy")
    with open(cut, "wb") as fp:
        fp.write(whole[:-3])
    rc, out, err = run_dump(dump, [cut])
    assert rc != 0 and "truncated" in err, err
    print(f"rejects: {len(bad) + 1} numpy-written files refused with clear messages")


def read_st(path):
    with open(path, "rb") as fp:
        raw = fp.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    data = raw[8 + n:]
    out, end = {}, 0
    for k, e in header.items():
        b, en = e["data_offsets"]
        dt = np.dtype(ST_DT[e["dtype"]])
        a = np.frombuffer(data[b:en], dtype=dt).reshape(e["shape"])
        if e["dtype"] == "BF16":
            a = bf16_value(a)
        out[k] = (e["dtype"], a)
        end = max(end, en)
    assert end == len(data), "buffer not fully described"
    return meta, out


def gen(wpath, tpath, tokens):
    tokens = int(tokens)
    wmeta, w = read_st(wpath)
    tmeta, t = read_st(tpath)
    for m in (wmeta, tmeta):
        assert m.get("generator", "").startswith("axon gen"), m
        assert "seed" in m, m
    layers = sorted(k[:-len(".weight")] for k in w if k.endswith(".weight"))
    assert layers, "no weights"
    for layer in layers:
        dt, W = w[layer + ".weight"]
        W = W.astype(np.float64)
        out_f, in_f = W.shape
        assert abs(W.std() * np.sqrt(in_f) - 1) < 0.1, f"{layer}: weight std {W.std()} not ~1/sqrt({in_f})"
        _, x = t[layer + ".input"]
        assert x.shape == (tokens, in_f) and x.dtype == np.float32, (layer, x.shape, x.dtype)
        x = x.astype(np.float64)
        ax = np.abs(x)
        kurt = ((x - x.mean()) ** 4).mean() / x.var() ** 2
        assert kurt > 4, f"{layer}: activations not heavy-tailed (kurtosis {kurt:.2f})"
        ch = ax.max(axis=0)
        assert ch.max() > 10 * np.median(ch), f"{layer}: no outlier channel"
        if layer + ".output" in t:
            _, y = t[layer + ".output"]
            ref = x @ W.T
            err = np.abs(y - ref).max() / max(np.abs(ref).max(), 1e-30)
            assert y.shape == (tokens, out_f) and err < 1e-5, f"{layer}: output differs from x @ W.T ({err})"
        print(f"{layer}: weight {dt} {W.shape}, input {x.shape}, kurtosis {kurt:.1f}, "
              f"outlier ratio {ch.max() / np.median(ch):.1f}")


if __name__ == "__main__":
    {"io": io, "gen": gen}[sys.argv[1]](*sys.argv[2:])
