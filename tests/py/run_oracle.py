"""Oracle of tests/e2e/test_run.sh: writes small safetensors inputs (gen)
and checks `axon run` outputs against numpy (check). Debian python3 + numpy."""
import json
import struct
import sys

import numpy as np

DT = {"F32": np.float32, "I32": np.int32, "I8": np.int8}
NAME = {np.dtype(v): k for k, v in DT.items()}


def save(path, tensors):
    header, off, blobs = {}, 0, []
    for k, a in tensors.items():
        b = np.ascontiguousarray(a).tobytes()
        header[k] = {"dtype": NAME[a.dtype], "shape": list(a.shape), "data_offsets": [off, off + len(b)]}
        off += len(b)
        blobs.append(b)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def load(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        a, b = v["data_offsets"]
        out[k] = np.frombuffer(data[8 + n + a:8 + n + b], dtype=DT[v["dtype"]]).reshape(v["shape"])
    return out


def gen(d):
    rng = np.random.default_rng(7)
    w = rng.standard_normal((48, 70)).astype(np.float32)
    x = (rng.standard_normal((5, 70)) * (rng.random((5, 70)) < 0.6)).astype(np.float32)
    q = rng.integers(-127, 128, size=(40, 33)).astype(np.int8)
    q[rng.random((40, 33)) < 0.3] = 0
    sc = (rng.random(40) * 0.01 + 0.001).astype(np.float32)
    c = rng.integers(-127, 128, size=(4, 33)).astype(np.int32)
    c[rng.random((4, 33)) < 0.5] = 0
    save(d + "/w.safetensors", {"lin.weight": w, "q.weight": q, "q.weight_scale": sc})
    save(d + "/t.safetensors", {"lin.input": x, "lin.output": x @ w.T, "q.input": c})


def check_int(d):
    w, t, o = load(d + "/w.safetensors"), load(d + "/t.safetensors"), load(d + "/o.safetensors")
    q, sc, c = w["q.weight"].astype(np.int64), w["q.weight_scale"], t["q.input"].astype(np.int64)
    acc = c @ q.T
    # axon run --out names the tensors <layer>.acc / <layer>.y, as axon ref does
    assert set(o) == {"q.acc", "q.y"}, sorted(o)
    assert o["q.acc"].shape == (4, 40), o["q.acc"].shape
    assert (o["q.acc"] == acc).all(), "acc differs from numpy"
    y = (acc * sc[None, :].astype(np.float64)).astype(np.float32)
    assert np.allclose(o["q.y"], y, rtol=1e-6, atol=1e-6), "y differs from numpy"


if __name__ == "__main__":
    {"gen": gen, "check_int": check_int}[sys.argv[1]](sys.argv[2])
