"""
axon from Python: spike-encoded INT8 layers on the modelled neuromorphic core,
over libaxon.so (the C library's public interface, include/axon.h) with ctypes.

    import axon
    r = axon.run("w.safetensors", "t.safetensors", layer="model.layers.0.mlp.fc1",
                 clock_mhz=250, tile="64x64", coding="ternary")
    r.report["duration_ns"], r.number("energy_pj"), r.acc, r.y

Parameters are the keyword names of the parameter table (docs/params.md):
the keys (clock_mhz, tile, group_size, ...) or the command-line flags with
'-' written '_' (clock, sram_latency, ...). Values are written as on the
command line; True/False mean on/off, a (rows, cols) tuple a pair such as a
tile. Weights and traces are file paths or dicts {tensor name: array}
(numpy arrays or torch tensors), written to a temporary safetensors file
through the library's own writer and removed afterwards.

acc and y are read-only numpy views of the result's C buffers (no copy);
they keep the result alive. See docs/api.md.
"""
import json
import os
import shutil
import tempfile
from ctypes import POINTER, byref, c_char_p, c_double, c_int, c_int64, c_size_t, c_void_p, cast
import ctypes

import numpy as np

from . import _lib

__all__ = ["run", "sweep", "query", "layers", "write_tensors", "Job", "Result", "AxonError",
           "ParameterError", "SweepError", "version", "library_path"]

__version__ = "0.2.0"

_L = _lib.load()


def version():
    """The library's version string (ax_version)."""
    return _L.ax_version().decode()


def library_path():
    """Path of the libaxon.so in use."""
    return _L.path


class AxonError(RuntimeError):
    """A library call failed; .code is the ax_result code, .code_name its text."""

    def __init__(self, code, message):
        self.code = code
        self.code_name = _L.ax_result_str(code).decode()
        super().__init__(f"{message} [{self.code_name}]")


class ParameterError(AxonError, ValueError):
    """An unknown or impossible parameter (AX_EPARAM): the message names it and gives a hint."""


class SweepError(AxonError):
    """Some points of a sweep failed; .stats holds the counts (their errors: query(db, 'errors'))."""

    def __init__(self, code, message, stats):
        super().__init__(code, message)
        self.stats = stats


def _take_string(ptr):
    """The C string at ptr (malloc'd by the library) as str, released with ax_free."""
    if not ptr:
        return None
    try:
        return ctypes.string_at(ptr).decode()
    finally:
        _L.ax_free(ptr)


def _check(code, err):
    if code == _lib.AX_OK:
        return
    msg = _take_string(err.value) or _L.ax_result_str(code).decode()
    raise (ParameterError if code == _lib.AX_EPARAM else AxonError)(code, msg)


def _call(fn, *args):
    err = c_void_p()
    code = fn(*args, byref(err))
    _check(code, err)


def _b(s):
    return None if s is None else os.fsencode(s) if isinstance(s, os.PathLike) else str(s).encode()


def _value_text(name, v):
    """A parameter value as the command line writes it."""
    if isinstance(v, bool):
        return "on" if v else "off"
    if isinstance(v, tuple) and len(v) == 2 and all(isinstance(x, (int, np.integer)) for x in v):
        return f"{int(v[0])}x{int(v[1])}"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return repr(float(v))
    if isinstance(v, (str, os.PathLike)):
        return os.fspath(v)
    raise TypeError(f"parameter {name}: {type(v).__name__} value {v!r} (hint: a number, a string "
                    f"such as '64x64', True/False, or for sweeps a list of those)")


# ---- tensors ----

_DTYPES = {np.dtype(np.float32): "F32", np.dtype(np.float16): "F16", np.dtype(np.int8): "I8",
           np.dtype(np.uint8): "U8", np.dtype(np.int16): "I16", np.dtype(np.int32): "I32"}


def _as_array(name, a):
    """(C-contiguous little-endian numpy array, safetensors dtype) for a numpy array or torch tensor."""
    dtype = None
    if hasattr(a, "detach") and hasattr(a, "dtype") and str(a.dtype) == "torch.bfloat16":
        import torch  # the raw bfloat16 bits, stored as BF16 (numpy has no bfloat16)
        a, dtype = a.detach().cpu().contiguous().view(torch.int16).numpy(), "BF16"
    elif hasattr(a, "detach"):  # another torch tensor
        a = a.detach().cpu().numpy()
    a = np.asarray(a)
    if dtype is None:
        if a.dtype == np.float64:
            a = a.astype(np.float32)
        elif a.dtype == np.bool_:
            a = a.astype(np.uint8)
        elif a.dtype.kind in "iu" and a.dtype not in _DTYPES:
            if a.size and (a.min() < -2**31 or a.max() > 2**31 - 1):
                raise ValueError(f"tensor {name}: {a.dtype} values outside int32")
            a = a.astype(np.int32)
        if a.dtype.newbyteorder("=") not in _DTYPES:
            raise TypeError(f"tensor {name}: dtype {a.dtype} (hint: float32, float16, bfloat16 "
                            f"(torch), int8, uint8, int16, int32; float64 and int64 are converted)")
        a = a.astype(a.dtype.newbyteorder("<"), copy=False)
        dtype = _DTYPES[a.dtype.newbyteorder("=")]
    return np.ascontiguousarray(a), dtype


def write_tensors(path, tensors):
    """Writes {name: array} to a safetensors file with the library's writer (ax_write_tensors)."""
    items = [(str(k),) + _as_array(k, v) for k, v in tensors.items()]
    n = len(items)
    names = (c_char_p * n)(*[_b(k) for k, _, _ in items])
    dtypes = (c_char_p * n)(*[_b(d) for _, _, d in items])
    ndims = (c_int * n)(*[a.ndim for _, a, _ in items])
    shapes = [(c_int64 * max(a.ndim, 1))(*a.shape) for _, a, _ in items]
    shape_ptrs = (POINTER(c_int64) * n)(*[cast(s, POINTER(c_int64)) for s in shapes])
    data = (c_void_p * n)(*[a.ctypes.data for _, a, _ in items])
    _call(_L.ax_write_tensors, _b(path), n, names, dtypes, ndims, shape_ptrs, data)


class _Files:
    """Paths for weights/trace given as paths or dicts (dicts written to a temporary folder)."""

    def __init__(self, weights, trace):
        self.tmp = None
        self.weights = self._path("weights", weights)
        self.trace = self._path("trace", trace)

    def _path(self, what, x):
        if x is None or isinstance(x, (str, os.PathLike)):
            return x
        if not isinstance(x, dict):
            raise TypeError(f"{what}: a file path or a dict of arrays, not {type(x).__name__}")
        if self.tmp is None:
            self.tmp = tempfile.mkdtemp(prefix="axon-")
        path = os.path.join(self.tmp, what + ".safetensors")
        write_tensors(path, x)
        return path

    def close(self):
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# ---- jobs ----

class Job:
    """A job handle (ax_job): parameters by name, input files, architecture files."""

    def __init__(self, weights=None, trace=None, image=None, ref=None, arch=None, **params):
        h = c_void_p()
        _call(_L.ax_job_new, byref(h))
        self._h = h
        if weights or trace or image or ref:
            self.set_files(weights, trace, image, ref)
        if arch:
            self.load_arch(arch)
        self.update(**params)

    def __del__(self):
        h, self._h = getattr(self, "_h", None), None
        if h and _L is not None:
            _L.ax_job_free(h)

    def set(self, name, value):
        """One parameter by key or flag; ParameterError (a ValueError) names a bad one."""
        _call(_L.ax_job_set, self._h, _b(name), _b(_value_text(name, value)))
        return self

    def update(self, **params):
        for k, v in params.items():
            self.set(k, v)
        return self

    def get(self, name):
        """The value as text ("128x128", "on", "500")."""
        out = c_void_p()
        _call(_L.ax_job_get, self._h, _b(name), byref(out))
        return _take_string(out.value)

    def set_threads(self, threads):
        """Threads of the runs (not a parameter: no result depends on it); 0 = every CPU."""
        _call(_L.ax_job_set_threads, self._h, int(threads))
        return self

    def set_files(self, weights=None, trace=None, image=None, ref=None):
        _call(_L.ax_job_set_files, self._h, _b(weights), _b(trace), _b(image), _b(ref))
        return self

    def load_arch(self, path):
        _call(_L.ax_job_load_arch, self._h, _b(path))
        return self

    def arch(self):
        """The effective parameters grouped by section (dict)."""
        s = _take_string(_L.ax_job_arch_json(self._h))
        if s is None:
            raise MemoryError("ax_job_arch_json")
        return json.loads(s)

    def layers(self):
        """The layers the files hold (weights or image, with an input in the trace)."""
        block, n = c_void_p(), c_size_t()
        _call(_L.ax_job_layers, self._h, byref(block), byref(n))
        try:
            arr = cast(block, POINTER(c_char_p))
            return [arr[i].decode() for i in range(n.value)]
        finally:
            _L.ax_free(block)

    def run(self):
        """Runs the job's layer (ax_run) and returns a Result."""
        h = c_void_p()
        _call(_L.ax_run, self._h, byref(h))
        return Result(h)


# ---- results ----

class _Owned:
    """Owns one ax_run_result: freed when the last Result or array that needs it is gone
    (arrays hold this, not the Result, so a Result caching its arrays is not a cycle)."""

    def __init__(self, handle):
        self.handle = handle

    def __del__(self):
        h, self.handle = self.handle, None
        if h and _L is not None:
            _L.ax_run_result_free(h)


class _View:
    """Hands numpy a C buffer (__array_interface__) and keeps its owner alive."""

    def __init__(self, owner, ptr, shape, typestr):
        self.owner = owner
        self.__array_interface__ = {"data": (ptr, True), "shape": tuple(shape),
                                    "typestr": typestr, "version": 3}


class Result:
    """One layer's run: .report (dict, `axon run --json`'s layer object), .acc (int32
    [tokens, out] or [tokens, out, groups]) and .y (float32 [tokens, out]) as read-only
    views of the C result's buffers, .number(name) for any numeric field."""

    def __init__(self, handle):
        self._owned = _Owned(handle)
        self._h = handle
        self.report = json.loads(_take_string(_L.ax_run_result_json(handle)))
        self._acc = self._y = None

    def _array(self, fn, typestr):
        nd, shape = c_int(), (c_int64 * 3)()
        ptr = fn(self._h, byref(nd), shape)
        dims = [shape[i] for i in range(nd.value)]
        if not ptr:  # an empty result: nothing to view
            return np.zeros(dims, dtype=np.dtype(typestr))
        return np.asarray(_View(self._owned, ptr, dims, typestr))

    @property
    def acc(self):
        if self._acc is None:
            self._acc = self._array(_L.ax_run_result_acc, "<i4")
        return self._acc

    @property
    def y(self):
        if self._y is None:
            self._y = self._array(_L.ax_run_result_y, "<f4")
        return self._y

    def number(self, name):
        """A number of the report: "duration_ns", "energy_pj", "counters.adds", or a bare
        name of a nested field ("energy_pj"); booleans as 0/1."""
        v = c_double()
        _call(_L.ax_run_result_number, self._h, _b(name), byref(v))
        return v.value

    def __getitem__(self, key):
        return self.report[key]

    @property
    def layer(self):
        return self.report["layer"]

    @property
    def exact(self):
        return bool(self.report["exact"])

    def __repr__(self):
        r = self.report
        return (f"<axon.Result {r['layer']}: {r['tokens']} tokens, {r['cores']} cores, "
                f"{r['duration_ns']:.6g} ns, exact={r['exact']}>")


# ---- the main entry points ----

def run(weights=None, trace=None, layer=None, *, image=None, ref=None, arch=None, threads=1,
        **params):
    """Runs one layer on the modelled chip and returns a Result.

    weights, trace: file paths, or dicts {tensor name: array} (`<layer>.weight` [out, in];
    `<layer>.input` [tokens, in], optionally `<layer>.output` [tokens, out] for accuracy).
    layer: the layer name (optional when the files hold one layer). image, ref: core image
    and `axon ref` file paths. arch: an architecture file applied before params.
    params: parameter-table keys or flags, e.g. clock_mhz=250, tile="64x64", coding="ternary".
    threads: threads of the run (0 = every CPU; not a parameter: no result depends on it).
    """
    for k, v in params.items():
        if isinstance(v, list):
            raise TypeError(f"parameter {k}: a list is a sweep axis (hint: axon.sweep)")
    with _Files(weights, trace) as f:
        job = Job(f.weights, f.trace, image, ref, arch)
        job.set_threads(threads)
        if layer is not None:
            job.set("layer", layer)
        job.update(**params)
        return job.run()


def layers(weights=None, trace=None, *, image=None):
    """The layers run() can run on these files."""
    with _Files(weights, trace) as f:
        return Job(f.weights, f.trace, image).layers()


def sweep(weights=None, trace=None, layer=None, *, db="results.db", jobs=1, image=None, arch=None,
          **params):
    """Runs every combination of the list-valued parameters (the axes; a scalar fixes a
    parameter) and records each point in the results database db (rerun = resume).
    layer may be a list too. Returns the counts: sweep_id, planned, skipped, ran, failed.
    Raises SweepError when points failed (their errors: query(db, "errors"))."""
    if layer is not None:
        params = {"layer": layer, **params}
    names, lists = [], []
    for k, v in params.items():
        vals = v if isinstance(v, list) else [v]
        names.append(_b(k))
        lists.append(_b(",".join(_value_text(k, x) for x in vals)))
    n = len(names)
    stats = _lib.SweepStats()
    with _Files(weights, trace) as f:
        job = Job(f.weights, f.trace, image, arch=arch)
        err = c_void_p()
        code = _L.ax_sweep(job._h, n, (c_char_p * n)(*names), (c_char_p * n)(*lists), _b(db),
                           int(jobs), byref(stats), byref(err))
    out = {k: getattr(stats, k) for k, _ in _lib.SweepStats._fields_}
    if code != _lib.AX_OK and stats.failed:
        raise SweepError(code, _take_string(err.value), out)
    _check(code, err)
    return out


def query(db, name_or_sql, **opts):
    """Rows of the results database as a list of dicts: a named query ("runs", "best",
    "pareto", "baseline", "sweeps", "errors", "columns", "list") with its options (sweep,
    where, x, y, max_x, max_y, metric, limit), or one SQL SELECT (read-only)."""
    keys = [_b(k) for k in opts]
    vals = [_b(_value_text(k, v)) for k, v in opts.items()]
    n = len(keys)
    out = c_void_p()
    _call(_L.ax_query_opts, _b(db), _b(name_or_sql), n, (c_char_p * n)(*keys),
          (c_char_p * n)(*vals), byref(out))
    return json.loads(_take_string(out.value))


def __getattr__(name):
    if name == "torch":  # axon.torch imports torch only when asked for
        import importlib
        return importlib.import_module(".torch", __name__)
    raise AttributeError(f"module 'axon' has no attribute {name!r}")
