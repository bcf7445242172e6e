"""
Shared fixtures of the Python package's tests: the axon binary and tree of
the build under test (AXON, AXON_ROOT as tests/run.sh exports them, else
this checkout's build/), small generated weights/trace files (`axon gen`),
and a plain safetensors reader (numpy) to read what `axon run --out` wrote.
"""
import json
import os
import subprocess

import numpy as np
import pytest

ROOT = os.environ.get("AXON_ROOT") or os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
AXON = os.environ.get("AXON") or os.path.join(ROOT, "build", "axon")
UP = "model.layers.0.mlp.up_proj"
DOWN = "model.layers.0.mlp.down_proj"


def axon_cli(*args):
    """Runs the axon command; returns stdout (raises with stderr on failure)."""
    p = subprocess.run([AXON, *map(str, args)], capture_output=True, text=True)
    if p.returncode != 0:
        raise AssertionError(f"axon {' '.join(map(str, args))}: exit {p.returncode}\n{p.stderr}")
    return p.stdout


def read_safetensors(path):
    """{name: numpy array} of a safetensors file (F32/I32/... little-endian)."""
    kinds = {"F32": "<f4", "F16": "<f2", "I32": "<i4", "I16": "<i2", "I8": "i1", "U8": "u1",
             "BF16": "<u2"}
    with open(path, "rb") as f:
        blob = f.read()
    n = int.from_bytes(blob[:8], "little")
    head = json.loads(blob[8:8 + n])
    data = blob[8 + n:]
    out = {}
    for name, t in head.items():
        if name == "__metadata__":
            continue
        a, b = t["data_offsets"]
        out[name] = np.frombuffer(data[a:b], dtype=kinds[t["dtype"]]).reshape(t["shape"])
    return out


@pytest.fixture(scope="session")
def files(tmp_path_factory):
    """(weights, trace) with two layers: up_proj 64 -> 96 and down_proj 96 -> 64, 12 tokens."""
    d = tmp_path_factory.mktemp("gen")
    w, t = d / "w.safetensors", d / "t.safetensors"
    axon_cli("gen", "--tokens", 12, "--in", 64, "--out", 96, "--proj", "up,down",
             "--weights-out", w, "--trace-out", t)
    return str(w), str(t)
