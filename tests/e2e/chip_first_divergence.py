#!/usr/bin/env python3
"""The first divergence of a chip co-simulation, from both sides' whole runs.

Reads the stamps `axon-chip-cosim --dump FILE` wrote (a line each: side C or
R, core, kind, time, item, word, skipped, accumulators) after running the C
chip model and the RTL to their ends, and prints the first divergence as the
lockstep run reports it (docs/rtl.md "Chip"): per (core, kind) both sides'
stamps sorted by (time, item, word); the first index where they differ, or
where one side has a stamp and the other none, at the earlier time present;
over all (core, kind) the earliest such time, ties to the lower core, then
flit, accept, start, sram-read, readout-beat, readout-done, reduce-head,
reduce-tail, reduce-done. Written from that rule, not from the C harness, so
the lockstep's incremental bookkeeping (what each side has made final when)
is checked against a plain sort of whole runs.

usage: chip_first_divergence.py DUMP MC
"""
import sys

RANK = ["flit", "accept", "start", "sram-read", "readout-beat", "readout-done",
        "reduce-head", "reduce-tail", "reduce-done"]


def main(path, mc):
    q = {}
    for line in open(path):
        f = line.split()
        side, core, kind = f[0], int(f[1]), f[2]
        t, item, word, skipped = (int(x) for x in f[3:7])
        q.setdefault((core, kind), {"C": [], "R": []})[side].append((t, item, word, skipped, tuple(f[7:])))
    best = None
    for (core, kind), s in q.items():
        a, b = sorted(s["C"]), sorted(s["R"])
        for i in range(max(len(a), len(b))):
            x = a[i] if i < len(a) else None
            y = b[i] if i < len(b) else None
            if x == y:
                continue
            t = min(v[0] for v in (x, y) if v is not None)
            key = (t, core, RANK.index(kind))
            if best is None or key < best[0]:
                best = (key, core, kind, i, x, y, a)
            break
    if best is None:
        print("no divergence")
        return 0
    (t, core, _), core, kind, i, x, y, a = best
    print(f"chip cosim: MISMATCH: first divergence at cycle {t}: core {core} (row-block {core // mc}, "
          f"column {core % mc}) {kind} #{i} (times in cycles)")
    for who, v, n in (("C model: ", x, len(a)), ("RTL:     ", y, None)):
        if v is None:
            print(f"  {who}no such stamp ({n if n is not None else len(sorted(q[(core, kind)]['R']))} in all)")
            continue
        t1, item, word, skipped, _ = v
        if kind.startswith("reduce"):
            what = f"token {item} group {word}"
        elif kind == "sram-read":
            what = f"item {item} word {word}" + (" skipped" if skipped else "")
        elif kind == "readout-beat":
            what = f"beat {word}"
        elif kind == "readout-done":
            what = f"token {i}"
        else:
            what = f"item {item}"
        print(f"  {who}{what} at {t1}")
    if x and y and kind in ("readout-done", "reduce-done") and x[:4] == y[:4]:
        j = next(j for j in range(len(x[4])) if x[4][j] != y[4][j])
        print(f"  accumulator {j}: C model {x[4][j]}, RTL {y[4][j]}")
    if i > 0:
        print(f"  last equal {kind}: #{i - 1} at {a[i - 1][0]}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
