"""axon.run against `axon run` on the same inputs: the report, acc bit for bit,
arrays that are views of the C result, parameters by key or flag, errors."""
import gc
import os
import tempfile
import weakref

import numpy as np
import pytest

import axon
from conftest import DOWN, UP, axon_cli, read_safetensors

PARAMS = {"clock_mhz": 250, "tile": "64x64", "coding": "ternary"}
FLAGS = ["--clock", "250", "--tile", "64x64", "--coding", "ternary"]


def cli_run(w, t, layer, tmp_path, flags=FLAGS):
    out = tmp_path / "cli.safetensors"
    rep = axon_cli("run", "--weights", w, "--trace", t, "--layer", layer, *flags, "--json",
                   "--out", out)
    import json
    return json.loads(rep)["layers"][0], read_safetensors(out)


def test_run_equals_cli(files, tmp_path):
    w, t = files
    r = axon.run(w, t, layer=UP, **PARAMS)
    cli, tensors = cli_run(w, t, UP, tmp_path)
    assert r.report == cli  # every field, the config hash included
    assert r.report["energy_pj"] == cli["energy_pj"]
    assert r.report["cycles"] == cli["cycles"]
    assert r.exact and cli["exact"] is True
    assert r.acc.dtype == np.int32 and r.acc.shape == (12, 96)
    assert np.array_equal(r.acc, tensors[UP + ".acc"])  # bit for bit
    assert np.array_equal(r.y.view(np.uint32), tensors[UP + ".y"].view(np.uint32))
    # the accessor returns the double itself; the JSON carries the same
    # double (ax_json_print: the shortest digits that read back exactly)
    assert r.number("energy_pj") == cli["energy_pj"]
    assert r.number("cycles") == cli["cycles"]
    assert r.number("counters.adds") == cli["counters"]["adds"]
    assert r.number("exact") == 1.0


def test_arrays_are_views_of_the_result(files):
    w, t = files
    r = axon.run(w, t, layer=DOWN)
    acc, y = r.acc, r.y
    for a in (acc, y):
        assert not a.flags.owndata and not a.flags.writeable and a.flags.c_contiguous
        assert isinstance(a.base, axon._View) and a.base.owner is r._owned
    # the very buffers the C result owns
    nd, shape = axon.c_int(), (axon.c_int64 * 3)()
    assert acc.__array_interface__["data"][0] == axon._L.ax_run_result_acc(r._h, axon.byref(nd), shape)
    assert y.__array_interface__["data"][0] == axon._L.ax_run_result_y(r._h, axon.byref(nd), shape)
    assert r.acc is acc  # cached, not rebuilt
    with pytest.raises(ValueError):
        acc[0, 0] = 1
    # the arrays keep the C result alive; without them it is freed at once (no cycle)
    keep = acc.copy()
    owned = weakref.ref(r._owned)
    del r
    gc.collect()
    assert owned() is not None and np.array_equal(acc, keep)
    del acc, y, a
    assert owned() is None


def test_flags_and_keys_are_the_same_parameters(files):
    w, t = files
    a = axon.run(w, t, layer=UP, clock_mhz=250, group_size=32, sram_latency_cycles=2)
    b = axon.run(w, t, layer=UP, clock=250.0, group=32, sram_latency=2)
    assert a.report == b.report
    assert a.report["groups"] == 2 and a.acc.shape == (12, 96, 2)
    on = axon.run(w, t, layer=UP, zero_gating=False)
    assert on.report["config_hash"] != a.report["config_hash"]


def test_clock_gating_prices_the_clock_as_built(files, tmp_path):
    """clock_gating is a kwarg like every run parameter: the same report as
    the CLI's --clock-gating=on, the model named; the calibrated table (v4,
    fitted on clock-gated netlists too) prices the gated build's clock as
    built and its accumulators' enable logic (acc cg_word_bit), nothing else."""
    w, t = files
    off = axon.run(w, t, layer=UP, tech="cal-osu018")
    on = axon.run(w, t, layer=UP, tech="cal-osu018", clock_gating="on")
    cli, _ = cli_run(w, t, UP, tmp_path, ["--tech", "cal-osu018", "--clock-gating=on"])
    assert on.report == cli  # every field, the table's name in params included
    assert (off.report["clock_model"], on.report["clock_model"]) == ("ungated", "gated")
    assert on.report["clock_pj"] < off.report["clock_pj"]
    assert on.report["compute_pj"] > off.report["compute_pj"]  # the enable logic
    assert on.report["compute_pj"] < 1.1 * off.report["compute_pj"]
    assert np.array_equal(on.acc, off.acc)


def test_default_table_is_the_calibrated_one(files):
    """No tech: the table calibrated at 180 nm, translated to 45 nm, named in
    the report; the uncalibrated table by name."""
    w, t = files
    d = axon.run(w, t, layer=UP)
    b = axon.run(w, t, layer=UP, tech="base-45nm")
    assert d.report["params"]["energy"]["tech"] == "cal-osu018"
    assert d.report["tech_version"] == "axon-cal-osu018-v6@45nm/0.90V"
    assert d.report["priced_by"].startswith("calibrated to gate level at 180 nm / 1.80 V, "
                                            "scaled to 45 nm / 0.90 V by Stillmaker & Baas 2017")
    assert (d.report["tech_node_nm"], d.report["node_nm"]) == (180, 45)
    assert b.report["params"]["energy"]["tech"] == "base-45nm"
    assert b.report["priced_by"].startswith("uncalibrated")
    assert b.report["tech_energy_scale"] == 1 and b.report["config_hash"] != d.report["config_hash"]


def test_unknown_parameter_raises_with_the_hint(files):
    w, t = files
    with pytest.raises(ValueError, match=r"unknown parameter 'clokc_mhz' \(hint: did you mean "
                                         r"clock_mhz\?\)"):
        axon.run(w, t, layer=UP, clokc_mhz=250)
    with pytest.raises(ValueError, match="--tile '64y64'"):
        axon.run(w, t, layer=UP, tile="64y64")
    with pytest.raises(axon.ParameterError, match="out of range"):
        axon.run(w, t, layer=UP, acc_bits=64)
    with pytest.raises(TypeError, match="axon.sweep"):
        axon.run(w, t, layer=UP, clock_mhz=[250, 500])


def test_errors_carry_the_code(files):
    w, t = files
    with pytest.raises(axon.AxonError) as e:
        axon.run(w, t, layer="model.nothing")
    assert e.value.code != 0 and "model.nothing" in str(e.value)
    with pytest.raises(axon.ParameterError, match="2 layers"):
        axon.run(w, t)  # two layers in the files: name one
    with pytest.raises(axon.AxonError):
        axon.run(w + ".missing", t, layer=UP)


def test_dict_inputs_equal_files_and_leave_nothing(files, tmp_path, monkeypatch):
    w, t = files
    W, T = read_safetensors(w), read_safetensors(t)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    r = axon.run({f"{DOWN}.weight": W[f"{DOWN}.weight"]},
                 {f"{DOWN}.input": T[f"{DOWN}.input"], f"{DOWN}.output": T[f"{DOWN}.output"]},
                 layer=DOWN, tile=(32, 32))
    f = axon.run(w, t, layer=DOWN, tile="32x32")
    assert np.array_equal(r.acc, f.acc) and np.array_equal(r.y, f.y)
    for k in ("cycles", "cosine", "exact", "spikes"):
        assert r.report[k] == f.report[k]
    assert r.report["energy_pj"] == f.report["energy_pj"]
    assert os.listdir(tmp_path) == []  # the temporary files are gone
    # float64 and int64 arrays are converted
    r64 = axon.run({f"{DOWN}.weight": W[f"{DOWN}.weight"].astype(np.float64)},
                   {f"{DOWN}.input": T[f"{DOWN}.input"].astype(np.float64)}, layer=DOWN,
                   tile="32x32")
    assert np.array_equal(r64.acc, f.acc)


def test_write_tensors_round_trip(tmp_path):
    p = tmp_path / "x.safetensors"
    data = {"a": np.arange(6, dtype=np.int32).reshape(2, 3), "b": np.float32([1.5, -2]),
            "c": np.int8([[1], [-1]]), "big": np.arange(4, dtype=">f4")}
    axon.write_tensors(p, data)
    back = read_safetensors(p)
    for k, v in data.items():
        assert np.array_equal(back[k], v) and back[k].shape == v.shape
    with pytest.raises(TypeError, match="complex"):
        axon.write_tensors(p, {"z": np.zeros(2, np.complex64)})


def test_job_layers_arch_and_get(files, tmp_path):
    w, t = files
    assert axon.layers(w, t) == [UP, DOWN]
    j = axon.Job(w, t, tile="64x32", coding="binary")
    assert j.get("tile") == "64x32" and j.get("coding") == "binary" and j.get("clock") == "500"
    assert j.arch()["core"]["tile"] == "64x32"
    arch = tmp_path / "a.arch"
    arch.write_text("[timing]\nclock_mhz = 125\n")
    j.load_arch(arch)
    assert j.get("clock_mhz") == "125"
    with pytest.raises(ValueError, match="did you mean"):
        j.get("tiles")
    assert axon.version() == axon.__version__


def test_threads_change_no_result(files):
    w, t = files
    r1 = axon.run(w, t, layer=DOWN)  # one thread: the library's default
    r2 = axon.run(w, t, layer=DOWN, threads=2)
    r0 = axon.run(w, t, layer=DOWN, threads=0)  # every CPU, as `axon run`
    for r in (r2, r0):
        assert np.array_equal(r.acc, r1.acc) and np.array_equal(r.y, r1.y)
        assert r["energy_pj"] == r1["energy_pj"] and r["cycles"] == r1["cycles"]
    with pytest.raises(ValueError, match="threads -1"):
        axon.run(w, t, layer=DOWN, threads=-1)
