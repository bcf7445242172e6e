#!/usr/bin/env python3
"""
The table of `make demo` (mk/demo.sh, README "What `make demo` shows") from
Python: every layer of the shipped PaddleOCR PP-OCRv4 trace (traces/ppocr/)
on the modelled chip at the default parameters (128x128 tiles, 16 lanes,
sync 500 MHz, k = 3, bitwise-signed, priced by the table calibrated at
180 nm translated to 45 nm), one axon.run per layer, the columns computed
from each run's report and rounded as the demo's SQL rounds them, printed as
`axon query` prints a table; the row_reuse_* columns are a second run of
each layer with row_reuse="on" (the row-reuse core), uncal_reduction_pct a
third priced by the uncalibrated table (tech="base-45nm").

    python3 python/examples/demo_table.py              # all 9 layers
    python3 python/examples/demo_table.py --layers 1   # the first layer only
    python3 python/examples/demo_table.py --json       # rows as JSON
"""
import argparse
import json
import math
import os
import sys

try:
    import axon
except ImportError:  # run from the source tree without installing the package
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    import axon

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
WEIGHTS = os.path.join(ROOT, "traces", "ppocr", "ppocr-rec.weights.safetensors")
TRACE = os.path.join(ROOT, "traces", "ppocr", "ppocr-rec.trace.safetensors")


def sql_round(x, digits=0):
    """SQLite's round(): half away from zero."""
    s = 10.0 ** digits
    return math.trunc(x * s + (0.5 if x >= 0 else -0.5)) / s


def row(r, rr, ru):
    """One line of the demo's table from a Result, the row-reuse run's and the
    uncalibrated table's (the demo's SELECT)."""
    rep = r.report
    tokens = rep["tokens"]
    return {
        "layer": rep["layer"],
        "cores": rep["cores"],
        "exact": int(rep["exact"]),
        "sparsity_pct": sql_round(100 * rep["sparsity"], 1),
        "cosine_vs_model": sql_round(rep["cosine"], 5),
        "snr_db": sql_round(rep["snr_db"], 2),
        "layer_time_us": sql_round(rep["duration_ns"] / 1000, 1),
        "tokens_per_s": sql_round(rep["tokens_per_s"]),
        "spiking_pj_per_token": sql_round(r.number("energy_pj_per_token")),
        "dense_int8_pj_per_token": sql_round(r.number("base_energy_pj") / tokens),
        "energy_reduction_pct": sql_round(r.number("energy_reduction_pct"), 1),
        "row_reuse_pj_per_token": sql_round(rr.number("energy_pj_per_token")),
        "row_reuse_reduction_pct": sql_round(rr.number("energy_reduction_pct"), 1),
        "uncal_reduction_pct": sql_round(ru.number("energy_reduction_pct"), 1),
        "area_reduction_pct": sql_round(r.number("area_reduction_pct"), 1),
    }


def cell(v):
    """As `axon query` prints a cell (db/db_query.c cell_text)."""
    if isinstance(v, float):
        a = abs(v)
        return f"{v:.4e}" if a != 0 and (a < 1e-3 or a >= 1e9) else f"{v:.6g}"
    return str(v)


def table(rows):
    cols = list(rows[0]) if rows else []
    cells = [[cell(r[c]) for c in cols] for r in rows]
    w = [max([len(c)] + [len(line[i]) for line in cells]) for i, c in enumerate(cols)]
    out = ["  ".join(c.ljust(w[i]) for i, c in enumerate(cols)).rstrip(),
           "  ".join("-" * w[i] for i in range(len(cols)))]
    for r, line in zip(rows, cells):
        out.append("  ".join(s.ljust(w[i]) if isinstance(r[cols[i]], str) else s.rjust(w[i])
                             for i, s in enumerate(line)))
    out.append(f"({len(rows)} row{'' if len(rows) == 1 else 's'})")
    return "\n".join(out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--weights", default=WEIGHTS)
    ap.add_argument("--trace", default=TRACE)
    ap.add_argument("--layers", type=int, metavar="N", help="only the first N layers")
    ap.add_argument("--layer", action="append", metavar="NAME", help="only this layer (repeatable)")
    ap.add_argument("--json", action="store_true", help="print the rows as JSON")
    a = ap.parse_args(argv)
    names = a.layer or axon.layers(a.weights, a.trace)
    if a.layers is not None:
        names = names[: a.layers]
    rows = [row(axon.run(a.weights, a.trace, layer=n),
                axon.run(a.weights, a.trace, layer=n, row_reuse="on"),
                axon.run(a.weights, a.trace, layer=n, tech="base-45nm")) for n in names]
    print(json.dumps(rows, indent=1) if a.json else table(rows))


if __name__ == "__main__":
    main()
