#!/usr/bin/env python3
"""Brian2 on bench_perf's workload (docs/performance.md): a layer of IN input
neurons and OUT output neurons, all-to-all synapses with the int8 weights
q[out][in], and one spike of input axon i at token t for each (t, i) of the
spike file: every spike adds its weight column to the outputs' v
(on_pre: v_post += w), one time step per token, no other dynamics.

usage: brian2_bench.py WEIGHTS.i8 SPIKES.i32 IN OUT TOKENS

Prints `brian2 TARGET EVENTS_PER_S` (synaptic events = spikes x OUT, over
the process CPU time of run(), best of 3, after a warm-up run that compiles
the code, as bench_perf times one thread: other load on a shared machine
does not count), `check ...` (v against numpy's column sums), or
`unavailable: REASON`. The cython target is tried first (it compiles with
the local C compiler, offline); numpy if it fails.
"""
import sys
import time


def main():
    wpath, spath = sys.argv[1], sys.argv[2]
    n_in, n_out, tokens = (int(a) for a in sys.argv[3:6])
    try:
        import numpy as np
        import brian2 as b2
    except ImportError as e:
        print(f"unavailable: brian2 is not importable ({e}); Debian: apt-get install "
              "--no-install-recommends python3-brian")
        return 0
    q = np.fromfile(wpath, dtype=np.int8).reshape(n_out, n_in)
    sp = np.fromfile(spath, dtype=np.int32).reshape(-1, 2)
    tok, axon = sp[:, 0], sp[:, 1]
    want = q[:, axon].sum(axis=1, dtype=np.int64) if len(axon) else np.zeros(n_out, np.int64)
    events = len(axon) * n_out
    last_err = None
    for target in ("cython", "numpy"):
        try:
            b2.start_scope()
            b2.prefs.codegen.target = target
            b2.defaultclock.dt = 1 * b2.ms
            # token t at step t + 1: the warm-up step 0 carries no spike
            gen = b2.SpikeGeneratorGroup(n_in, axon, (tok + 1) * b2.ms)
            post = b2.NeuronGroup(n_out, "v : 1")
            syn = b2.Synapses(gen, post, "w : 1", on_pre="v_post += w")
            syn.connect()
            syn.w[:] = q[syn.j[:], syn.i[:]].astype(np.float64)
            net = b2.Network(gen, post, syn)
            net.run(1 * b2.ms)  # compiles the code
            net.store()
            t = float("inf")
            for _ in range(3):  # best of 3, as bench_perf
                net.restore()
                t0 = time.process_time()
                net.run(tokens * b2.ms)
                t = min(t, time.process_time() - t0)
            got = np.asarray(post.v[:], dtype=np.float64)
            ok = np.array_equal(got, want.astype(np.float64))
            print(f"check v == column sums of the spikes: {'yes' if ok else 'NO'}")
            print(f"brian2 {target} {events / t:.6g}")
            return 0
        except Exception as e:  # the cython target can fail without a compiler
            last_err = f"{target}: {type(e).__name__}: {e}"
            continue
    print(f"unavailable: {last_err}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
