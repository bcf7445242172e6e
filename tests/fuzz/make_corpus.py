"""Regenerates the committed seed corpus of the trace fuzz targets (small,
valid files; the fuzzers and the replay driver mutate them).
Run with Debian's python3 (numpy): python3 tests/fuzz/make_corpus.py"""
import json
import os
import struct

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
npy_dir = os.path.join(here, "corpus", "npy")
st_dir = os.path.join(here, "corpus", "safetensors")
rng = np.random.default_rng(5)

arrays = {
    "f4_2x3": rng.standard_normal((2, 3)).astype("<f4"),
    "f2_5": rng.standard_normal(5).astype("<f2"),
    "i1_4x2": rng.integers(-128, 127, (4, 2)).astype("i1"),
    "u1_3": np.arange(3, dtype="u1"),
    "i2_2x2x2": rng.integers(-999, 999, (2, 2, 2)).astype("<i2"),
    "i4_scalar": np.array(7, dtype="<i4"),
    "f4_empty": np.zeros((0, 4), dtype="<f4"),
    "u2_bf16": np.array([0x3F80, 0xC000, 0x0000], dtype="<u2"),
}
for name, a in arrays.items():
    np.save(os.path.join(npy_dir, f"v1_{name}.npy"), a)
for ver in [(2, 0), (3, 0)]:
    with open(os.path.join(npy_dir, f"v{ver[0]}_f4_2x3.npy"), "wb") as fp:
        np.lib.format.write_array(fp, arrays["f4_2x3"], version=ver)


def st(path, tensors, meta=None, order=None):
    header, buf = {}, b""
    if meta:
        header["__metadata__"] = meta
    for k in order or tensors:
        dt, a = tensors[k]
        raw = a.tobytes()
        header[k] = {"dtype": dt, "shape": list(a.shape), "data_offsets": [len(buf), len(buf) + len(raw)]}
        buf += raw
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as fp:
        fp.write(struct.pack("<Q", len(h)) + h + buf)


st(os.path.join(st_dir, "one_f32.safetensors"), {"model.layers.0.mlp.up_proj.input": ("F32", arrays["f4_2x3"])})
st(os.path.join(st_dir, "all_dtypes.safetensors"), {
    "a": ("F32", arrays["f4_2x3"]), "b": ("F16", arrays["f2_5"]), "c": ("BF16", arrays["u2_bf16"]),
    "d": ("I8", arrays["i1_4x2"]), "e": ("U8", arrays["u1_3"]), "f": ("I16", arrays["i2_2x2x2"]),
    "g": ("I32", arrays["i4_scalar"]), "h": ("F32", arrays["f4_empty"]),
}, meta={"format": "pt", "seed": "1"}, order=["e", "a", "d", "b", "c", "f", "g", "h"])
st(os.path.join(st_dir, "meta_only.safetensors"), {}, meta={"k": "v"})
