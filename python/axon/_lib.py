"""
Loading libaxon.so and declaring the C functions of axon.h for ctypes.

Where the library is looked for, first match wins:
  1. the AXON_LIB environment variable (the file, or a folder holding libaxon.so);
  2. next to this package (the copy `pip install` puts there);
  3. the build tree this package sits in (python/axon -> ../../build/libaxon.so);
  4. the system's library path (ctypes.util.find_library, e.g. after `make install`).
"""
import ctypes
import ctypes.util
import os

c_int, c_int64, c_size_t, c_double = ctypes.c_int, ctypes.c_int64, ctypes.c_size_t, ctypes.c_double
c_char_p, c_void_p, POINTER = ctypes.c_char_p, ctypes.c_void_p, ctypes.POINTER
ERR = POINTER(c_void_p)  # char **err: read with string_at, released with ax_free

# name: (restype, argtypes)
_PROTOTYPES = {
    "ax_version": (c_char_p, []),
    "ax_result_str": (c_char_p, [c_int]),
    "ax_free": (None, [c_void_p]),
    "ax_job_new": (c_int, [POINTER(c_void_p), ERR]),
    "ax_job_free": (None, [c_void_p]),
    "ax_job_set": (c_int, [c_void_p, c_char_p, c_char_p, ERR]),
    "ax_job_get": (c_int, [c_void_p, c_char_p, POINTER(c_void_p), ERR]),
    "ax_job_set_files": (c_int, [c_void_p, c_char_p, c_char_p, c_char_p, c_char_p, ERR]),
    "ax_job_set_threads": (c_int, [c_void_p, c_int, ERR]),
    "ax_job_load_arch": (c_int, [c_void_p, c_char_p, ERR]),
    "ax_job_arch_json": (c_void_p, [c_void_p]),
    "ax_job_layers": (c_int, [c_void_p, POINTER(c_void_p), POINTER(c_size_t), ERR]),
    "ax_run": (c_int, [c_void_p, POINTER(c_void_p), ERR]),
    "ax_run_result_free": (None, [c_void_p]),
    "ax_run_result_json": (c_void_p, [c_void_p]),
    "ax_run_result_number": (c_int, [c_void_p, c_char_p, POINTER(c_double), ERR]),
    "ax_run_result_acc": (c_void_p, [c_void_p, POINTER(c_int), POINTER(c_int64)]),
    "ax_run_result_y": (c_void_p, [c_void_p, POINTER(c_int), POINTER(c_int64)]),
    "ax_sweep": (c_int, [c_void_p, c_size_t, POINTER(c_char_p), POINTER(c_char_p), c_char_p, c_int,
                         c_void_p, ERR]),
    "ax_query_opts": (c_int, [c_char_p, c_char_p, c_size_t, POINTER(c_char_p), POINTER(c_char_p),
                              POINTER(c_void_p), ERR]),
    "ax_write_tensors": (c_int, [c_char_p, c_size_t, POINTER(c_char_p), POINTER(c_char_p),
                                 POINTER(c_int), POINTER(POINTER(c_int64)), POINTER(c_void_p), ERR]),
}

# ax_result codes (axon.h)
AX_OK, AX_EPARAM, AX_ENOTFOUND = 0, 5, 7


class SweepStats(ctypes.Structure):
    _fields_ = [("sweep_id", c_int64), ("planned", c_size_t), ("skipped", c_size_t),
                ("ran", c_size_t), ("failed", c_size_t)]


def candidates():
    """The paths tried, in order (see the module docstring)."""
    out = []
    env = os.environ.get("AXON_LIB")
    if env:
        out.append(os.path.join(env, "libaxon.so") if os.path.isdir(env) else env)
    here = os.path.dirname(os.path.abspath(__file__))
    out.append(os.path.join(here, "libaxon.so"))
    out.append(os.path.normpath(os.path.join(here, "..", "..", "build", "libaxon.so")))
    return out


def load():
    tried = candidates()
    env = os.environ.get("AXON_LIB")
    for i, path in enumerate(tried):
        if os.path.exists(path):
            lib = ctypes.CDLL(path)
            break
        if i == 0 and env:  # an explicit AXON_LIB that does not exist is an error
            raise OSError(f"AXON_LIB={env}: no such file (hint: the path of libaxon.so or its folder)")
    else:
        found = ctypes.util.find_library("axon")
        if not found:
            raise OSError("libaxon.so not found; tried " + ", ".join(tried) +
                          " and the system library path (hint: run `make` in the axon tree, "
                          "`make install`, or set AXON_LIB=/path/to/libaxon.so)")
        lib = ctypes.CDLL(found)
        path = found
    for name, (res, args) in _PROTOTYPES.items():
        fn = getattr(lib, name)
        fn.restype = res
        fn.argtypes = args
    lib.path = path
    return lib
