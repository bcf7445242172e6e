"""rtl_oracle — test oracle for the RTL core alone (no C simulator needed).

Generates a random item stream and weights for the parameters of an RTL build,
runs the build's axon-rtl-run on it, and recomputes every stamp from the
recurrences of docs/core-timing.md (sync mode in cycles, async mode in ps) and every accumulator from
docs/design.md §2 (acc[j] += ±(q[j][axon] << shift), wrapping at A bits). Any
difference in any stamp or accumulator fails, printing the first one.

usage: rtl_oracle.py RUNNER SEED [TOKENS]   (exit 0 = all stamps equal)
       rtl_oracle.py --emit RUNNER SEED [TOKENS]  (print the stream only)
"""
import random
import subprocess
import sys

NEG_INF = -(1 << 62)


def params(runner):
    out = subprocess.run([runner], input="", capture_output=True, text=True, check=True).stdout
    lines = out.split("\n")
    f = lines[0].split()
    assert f[0] == "P", out
    p = dict(zip("R C L LS F A RB DB GATE".split(), map(int, f[1:])))
    g = lines[1].split()
    if g and g[0] == "PA":  # async build: delays in ps
        p.update(zip("PH TREQ TACK TDEC TSRAM TADD TRO".split(), map(int, g[1:])))
    return p


def gen(p, rng, tokens):
    R, C, L = p["R"], p["C"], p["L"]
    W = (C + L - 1) // L
    rows = []
    for _ in range(R):
        row = [rng.randint(-127, 127) if rng.random() < 0.7 else 0 for _ in range(C)]
        for w in range(W):  # some all-zero words, for zero gating
            if rng.random() < 0.25:
                for j in range(w * L, min(C, (w + 1) * L)):
                    row[j] = 0
        rows.append(row)
    items = []
    for _ in range(tokens):
        steps = rng.choice([0, 1, 2, 3, 5])
        dens = rng.choice([0.0, 0.05, 0.2, 0.6, 1.0])
        for t in range(steps):
            for ax in range(R):
                if rng.random() < dens:
                    items.append((ax, rng.randint(0, 1), rng.choice([0, 0, 1, 2, 3, 7, t, rng.randint(0, 23)])))
        items.append(None)
    return rows, items


def expect(p, rows, items):
    R, C, L, Ls, F, A, RB, DB, G = (p[k] for k in "R C L LS F A RB DB GATE".split())
    W = (C + L - 1) // L
    B = (C * A + RB - 1) // RB
    if "PH" in p:  # async (docs/core-timing.md "Async mode"), ps
        hs = (p["TREQ"] + p["TACK"]) * (1 if p["PH"] == 2 else 2)
        step, dec, wp = hs, p["TDEC"], max(p["TSRAM"], p["TADD"]) + hs
        lat, bp, gap = p["TSRAM"] + p["TADD"], p["TRO"] + hs, hs
    else:  # sync, cycles
        step, dec, wp, lat, bp, gap = 1, 1, 1, Ls, 1, 1
    out = []
    s_hist = []
    a_prev = r_prev = o_prev = NEG_INF
    acc = [0] * C
    ovf = 0
    tok = 0
    end = 0
    for k, it in enumerate(items):
        a = max(0, a_prev + step, s_hist[k - F] if k >= F else NEG_INF)
        s = max(a + dec, r_prev)
        out.append(("A", k, a))
        out.append(("S", k, s))
        s_hist.append(s)
        a_prev = a
        if it is not None:
            ax, neg, sh = it
            for w in range(W):
                js = range(w * L, min(C, (w + 1) * L))
                skip = 1 if G and all(rows[ax][j] == 0 for j in js) else 0
                out.append(("R", k, w, s + w * wp, skip))
                for j in js:
                    term = rows[ax][j] << sh
                    v = acc[j] + (-term if neg else term)
                    if v < -(1 << (A - 1)) or v >= (1 << (A - 1)):
                        ovf = 1
                    acc[j] = ((v + (1 << (A - 1))) % (1 << A)) - (1 << (A - 1))
            r_prev = s + W * wp
        else:
            o = max(s + lat, o_prev + B * bp)
            for b in range(B):
                out.append(("B", tok, b, o + b * bp))
            out.append(("D", tok) + tuple(acc))
            acc = [0] * C
            r_prev = o + B * bp if not DB else max(s + gap, o_prev + B * bp)
            o_prev = o
            end = o + B * bp
            tok += 1
    out.append(("END", end, ovf))
    return out


def main():
    args = sys.argv[1:]
    emit = bool(args) and args[0] == "--emit"
    if emit:
        args = args[1:]
    runner, seed = args[0], int(args[1])
    tokens = int(args[2]) if len(args) > 2 else 12
    p = params(runner)
    rng = random.Random(seed)
    rows, items = gen(p, rng, tokens)
    text = ["w %d %s" % (i, " ".join(map(str, r))) for i, r in enumerate(rows)]
    text += ["e" if it is None else "i %d %d %d" % it for it in items]
    if emit:
        print("\n".join(text))
        return 0
    res = subprocess.run([runner, "--seed", str(seed)], input="\n".join(text) + "\n",
                         capture_output=True, text=True)
    if res.returncode != 0:
        print("runner failed:", res.stderr)
        return 1
    got = []
    for line in res.stdout.split("\n")[1:]:
        f = line.split()
        if not f or f[0] == "PA":
            continue
        got.append((f[0],) + tuple(int(x) for x in f[1:]))
    want = expect(p, rows, items)
    # compare per kind, in order (the runner prints kinds interleaved by cycle)
    for kind in ("A", "S", "R", "B", "D", "END"):
        g = [x for x in got if x[0] == kind]
        w = [x for x in want if x[0] == kind]
        for i in range(max(len(g), len(w))):
            gi = g[i] if i < len(g) else None
            wi = w[i] if i < len(w) else None
            if gi != wi:
                print("MISMATCH %s #%d: rtl %s, formula %s" % (kind, i, gi, wi))
                return 1
    print("ok: %d items, %d tokens, %d stamps equal (params %s)" %
          (len(items), tokens, len(want), " ".join("%s=%d" % kv for kv in p.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
