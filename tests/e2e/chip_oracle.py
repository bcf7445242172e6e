"""chip_oracle — independent model of the chip timing, written from the documents
(docs/core-timing.md for a core, docs/sim.md "Chip: tiling, NoC and reduction",
"DRAM weight streaming" and "Counters" for the chip), not from sim/.

It reads the inputs of a golden case (parameters, weights, events: written by
tests/test_sim_golden.c with AXON_GOLDEN_INPUTS=DIR) and checks the golden file
the simulator wrote (tests/golden/sim_<name>.txt): the first 150 stamps of core 0
(accept, start, SRAM read, readout beat, readout done, flit, handshake, stall),
the number of cores, the mesh, the duration, and the counters of every core.

usage: chip_oracle.py INPUTS.in GOLDEN.txt    (exit 0: every checked value equal)
"""
import sys

NEG = -(1 << 62)


def cdiv(a, b):
    return -(-a // b)


def read_inputs(path):
    p, w, ev = {}, [], []
    for line in open(path):
        f = line.split()
        if not f:
            continue
        if f[0] == "param":
            p[f[1]] = int(f[2])
        elif f[0] == "layer":
            p.update(inp=int(f[2]), out=int(f[4]), group=int(f[6]), tokens=int(f[8]))
        elif f[0] == "w":
            w.append([int(x) for x in f[1:]])
        elif f[0] == "ev":
            t, st, ax, neg, sh = map(int, f[1:])
            ev.append((t, st, ax, neg, sh))
    return p, w, ev


class Chip:
    def __init__(self, p, w, ev):
        self.p, self.w, self.ev = p, w, ev
        R, C, L = p["rows"], p["cols"], p["lanes"]
        self.R, self.C, self.L = R, C, L
        self.W = cdiv(C, L)
        self.B = cdiv(C * p["acc_bits"], p["readout_bits"])
        self.async_ = p["async"] == 1
        if self.async_:
            hs = p["t_req_ps"] + p["t_ack_ps"]
            if p["handshake"] == 4:
                hs *= 2
            self.hs = hs
            P = max(p["t_sram_ps"], p["t_add_ps"]) + hs
            Q = p["t_readout_ps"] + hs
            # (accept spacing, decode, word period, data latency, beat period, EOT gap)
            self.k = (hs, p["t_decode_ps"], P, p["t_sram_ps"] + p["t_add_ps"], Q, hs)
            self.u, self.hop = hs, p["hop_ps"]
        else:
            self.hs = 0
            self.k = (1, 1, 1, p["sram_latency"], 1, 1)
            self.u, self.hop = 1, p["hop_cycles"]
        # tiling: column blocks; row-blocks never straddle a group
        inp, out, G = p["inp"], p["out"], p["group"]
        self.ncb = cdiv(out, C)
        self.rbs = []  # (lo, hi, group)
        for g in range(cdiv(inp, G)):
            g0, g1 = g * G, min(inp, (g + 1) * G)
            for r in range(cdiv(g1 - g0, R)):
                self.rbs.append((g0 + r * R, min(g1, g0 + (r + 1) * R), g))
        self.nrb = len(self.rbs)
        self.mesh_w = p["mesh_w"] or self.ncb
        self.mesh_h = p["mesh_h"] or self.nrb

    def core_index(self, rb, cb):
        return rb * self.ncb + cb

    def items(self, rb):
        """Items of row-block rb: (axon-local, neg, shift, token, is_eot), events in
        (token, step, axon) order then one EOT per token."""
        lo, hi, _ = self.rbs[rb]
        out = []
        for n in range(self.p["tokens"]):
            for (t, st, ax, neg, sh) in self.ev:
                if t == n and lo <= ax < hi:
                    out.append((ax - lo, neg, sh, n, False))
            out.append((None, 0, 0, n, True))
        return out

    def cols_used(self, cb):
        return min(self.p["out"], (cb + 1) * self.C) - cb * self.C

    def weight(self, rb, cb, i, j):
        """Weight of core-local axon i, core-local output j (0 = padding)."""
        lo = self.rbs[rb][0]
        o = cb * self.C + j
        if j >= self.C or o >= self.p["out"] or lo + i >= self.rbs[rb][1]:
            return 0
        return self.w[o][lo + i]

    def multicast(self, rb, nitems):
        """Arrival of each item at every core of the row-block's mesh row."""
        fc = cdiv(32, self.p["link_bits"])
        u, hop = self.u, self.hop
        arr = [[0] * nitems for _ in range(self.ncb)]
        free = [NEG] * self.ncb
        stall = [0] * self.ncb  # waiting for a busy link (not at the head router)
        hops = [0] * self.ncb
        for k in range(nitems):
            at = 0
            for x in range(self.ncb):
                arr[x][k] = at
                if x + 1 < self.ncb:
                    enter = max(at, free[x])
                    if x > 0:
                        stall[x] += enter - at
                    free[x] = enter + fc * u
                    hops[x] += 1
                    at = enter + hop + (fc - 1) * u
        return arr, stall, hops, fc

    def dram_arrivals(self, rb, cb, items, arr, s_eot_of):
        """DRAM streaming: an event is available at max(NoC arrival, ready time of
        the last burst of its axon's row). Needs the starts of EOTs (s_eot_of)."""
        raise NotImplementedError

    def run(self):
        p = self.p
        step, dec, wp, lat, bp, gap = self.k
        R, C, L, W, B, F = self.R, self.C, self.L, self.W, self.B, p["fifo_depth"]
        gate, db = p["zero_gating"], p["double_buffer"]
        ncores = self.nrb * self.ncb
        stamps = {c: [] for c in range(ncores)}
        cnt = {c: dict.fromkeys(
            "events eots sram_words sram_words_skipped adds adds_gated acc_writes readout_beats "
            "flits flit_hops handshakes reduce_adds dram_bursts dram_bursts_skipped active idle "
            "stall_fifo stall_readout stall_noc stall_dram".split(), 0) for c in range(ncores)}
        o_tok = {}  # (rb, cb) -> [o_n]
        self.last_start = NEG
        for rb in range(self.nrb):
            items = self.items(rb)
            n = len(items)
            arr, mstall, mhops, fc = self.multicast(rb, n)
            for cb in range(self.ncb):
                core = self.core_index(rb, cb)
                c = cnt[core]
                st = stamps[core]
                cu = self.cols_used(cb)
                c["stall_noc"] += mstall[cb]
                c["flit_hops"] += mhops[cb]
                if self.async_:
                    c["handshakes"] += mhops[cb] * fc
                if cb == 0:
                    c["flits"] += n
                # zero words and nonzero lanes of each local row
                zero = [[all(self.weight(rb, cb, i, j) == 0 for j in range(w * L, min(C, (w + 1) * L)))
                         for w in range(W)] for i in range(R)]
                nz = [sum(1 for j in range(C) if self.weight(rb, cb, i, j) != 0) for i in range(R)]
                dram = DramCore(self, rb, cb, items) if p["dram"] else None
                a = [0] * n
                s = [0] * n
                r_prev = NEG
                o_prev = NEG
                os_ = []
                busy = []
                for k in range(n):
                    ax, neg, sh, tok, eot = items[k]
                    arr_k = arr[cb][k]
                    if dram is not None and not eot:
                        before = arr_k
                        arr_k = max(arr_k, dram.ready(k, s, tok, ax))
                    base = max(arr_k if dram is None or eot else before,
                               a[k - 1] + step if k else NEG)
                    a_free = s[k - F] if k >= F else NEG
                    a[k] = max(arr_k, a[k - 1] + step if k else NEG, a_free)
                    if a_free > max(arr_k, a[k - 1] + step if k else NEG):
                        c["stall_fifo"] += a_free - max(arr_k, a[k - 1] + step if k else NEG)
                        st.append((max(arr_k, a[k - 1] + step if k else NEG), "stall", k,
                                   a_free - max(arr_k, a[k - 1] + step if k else NEG), 0))
                    if dram is not None and not eot and arr_k > max(base, a_free):
                        c["stall_dram"] += arr_k - max(base, a_free)
                    st.append((a[k], "accept", k, -1, 0))
                    if self.async_:
                        c["handshakes"] += 1
                        st.append((a[k], "handshake", k, -1, 0))
                    s[k] = max(a[k] + dec, r_prev)
                    self.last_start = max(self.last_start, s[k])
                    st.append((s[k], "start", k, -1, 0))
                    if not eot:
                        c["events"] += 1
                        for wd in range(W):
                            t = s[k] + wd * wp
                            skip = bool(gate and zero[ax][wd])
                            st.append((t, "sram_read", k, wd, 1 if skip else 0))
                            if skip:
                                c["sram_words_skipped"] += 1
                            else:
                                c["sram_words"] += 1
                                if self.async_:
                                    c["handshakes"] += 1
                                    st.append((t, "handshake", k, wd, 0))
                        added = nz[ax] if gate else cu
                        c["adds"] += added
                        c["acc_writes"] += added
                        c["adds_gated"] += cu - added
                        r_k = s[k] + W * wp
                        busy.append((s[k], r_k))
                    else:
                        c["eots"] += 1
                        o = max(s[k] + lat, o_prev + B * bp)
                        for b in range(B):
                            st.append((o + b * bp, "readout_beat", k, b, 0))
                            if self.async_:
                                c["handshakes"] += 1
                                st.append((o + b * bp, "handshake", k, b, 0))
                        st.append((o + B * bp, "readout_done", k, -1, 0))
                        c["readout_beats"] += B
                        if db:
                            r_k = max(s[k] + gap, o_prev + B * bp)
                        else:
                            r_k = o + B * bp
                        c["stall_readout"] += r_k - (s[k] + gap)
                        busy.append((s[k], r_k))
                        busy.append((o, o + B * bp))
                        o_prev = o
                        os_.append(o)
                        if dram is not None:
                            dram.eot_started(tok, s[k])
                    r_prev = r_k
                if dram is not None:
                    c["dram_bursts"] += dram.fetched
                    c["dram_bursts_skipped"] += dram.skipped
                o_tok[(rb, cb)] = os_
                c["active"] = union_len(busy)
        # reduction south along each column, packets in (token, group) order
        self.done = [NEG] * p["tokens"]
        fcr = cdiv(p["readout_bits"], p["link_bits"])
        u, hop = self.u, self.hop
        for cb in range(self.ncb):
            free = [NEG] * self.nrb
            for tok in range(p["tokens"]):
                groups = sorted({g for (_, _, g) in self.rbs})
                for g in groups:
                    rows = [rb for rb in range(self.nrb) if self.rbs[rb][2] == g]
                    head = tail = None
                    for y in range(rows[0], self.nrb):
                        core = self.core_index(y, cb)
                        if self.rbs[y][2] == g:
                            o = o_tok[(y, cb)][tok]
                            h, t = o, o + (self.B - 1) * bp
                            if head is None:
                                head, tail = h, t
                            else:
                                head, tail = max(head, h), max(tail, t)
                                cnt[core]["reduce_adds"] += self.cols_used(cb)
                        if y + 1 < self.nrb:
                            eh = max(head, free[y])
                            et = max(eh + (self.B - 1) * fcr * u, tail)
                            cnt[core]["stall_noc"] += eh - head
                            free[y] = et + fcr * u
                            cnt[core]["flit_hops"] += self.B
                            if self.async_:
                                cnt[core]["handshakes"] += self.B * fcr
                            head, tail = eh + hop, et + hop + (fcr - 1) * u
                    self.done[tok] = max(self.done[tok], tail + bp)
            if self.nrb > 1:
                for rb in range(self.nrb):
                    cnt[self.core_index(rb, cb)]["flits"] += self.B * p["tokens"]
        self.duration = max(self.done) if self.done else 0
        for core in cnt:
            cnt[core]["idle"] = self.duration - cnt[core]["active"]
        return stamps, cnt


class DramCore:
    """docs/sim.md "DRAM weight streaming" for one core."""

    def __init__(self, chip, rb, cb, items):
        p = chip.p
        self.Bb = p["dram_burst_bytes"]
        self.C, self.R = chip.C, chip.R
        self.nb = cdiv(self.R * self.C, self.Bb)
        if chip.async_:
            self.tb, self.lat = p["dram_burst_ps"], p["dram_latency_ps"]
        else:
            self.tb, self.lat = cdiv(self.Bb, p["dram_bytes_per_cycle"]), p["dram_latency"]
        self.active = {}
        for (ax, _, _, tok, eot) in items:
            if not eot:
                self.active.setdefault(tok, set()).add(ax)
        self.ch_free = 0
        self.s_eot = {}
        self.ready_of = {}
        self.fetched = self.skipped = 0

    def rows_of(self, b):
        lo, hi = b * self.Bb, (b + 1) * self.Bb
        return [i for i in range(self.R) if i * self.C < hi and (i + 1) * self.C > lo]

    def eot_started(self, tok, t):
        self.s_eot[tok] = t

    def fetch(self, tok):
        f = max(self.ch_free, self.s_eot.get(tok - 2, NEG))
        act = self.active.get(tok, set())
        need = [b for b in range(self.nb) if any(i in act for i in self.rows_of(b))]
        self.fetched += len(need)
        self.skipped += self.nb - len(need)
        ready = {}
        for i, b in enumerate(need):
            ready[b] = f + self.lat + (i + 1) * self.tb  # the (i+1)-th burst of the fetch
        self.ch_free = f + len(need) * self.tb
        self.ready_of[tok] = ready

    def ready(self, k, s, tok, ax):
        if tok not in self.ready_of:
            # every token is fetched, even one without events (it fetches nothing)
            for t in range(max(self.ready_of, default=-1) + 1, tok + 1):
                self.fetch(t)
        ready = self.ready_of[tok]
        last = (ax * self.C + self.C - 1) // self.Bb
        return ready[last]


def union_len(iv):
    iv = sorted(x for x in iv if x[1] > x[0])
    tot, cur_s, cur_e = 0, None, None
    for s, e in iv:
        if cur_e is None or s > cur_e:
            if cur_e is not None:
                tot += cur_e - cur_s
            cur_s, cur_e = s, e
        else:
            cur_e = max(cur_e, e)
    if cur_e is not None:
        tot += cur_e - cur_s
    return tot


ORDER = {"accept": 0, "stall": 0, "start": 1, "sram_read": 2, "handshake": 3, "readout_beat": 4,
         "readout_done": 5, "flit": 6}


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    p, w, ev = read_inputs(argv[1])
    golden = open(argv[2]).read().split("\n")
    gst = [l.split() for l in golden if l.startswith("stamp ")]
    gcore = {}
    for l in golden:
        f = l.split()
        if f and (f[0].startswith("core") and f[0] != "cores" or f[0] == "total"):
            gcore[f[0]] = {f[i]: int(f[i + 1]) for i in range(1, len(f) - 1, 2)}
        if f and f[0] == "cores":
            ginfo = f
    chip = Chip(p, w, ev)
    stamps, cnt = chip.run()
    bad = []
    # core 0's stamps, as a multiset per time (the golden lists them in event order)
    want = [(int(f[1]), f[2], int(f[4]), int(f[6]), int(f[8])) for f in gst]
    mine = sorted(stamps[0])
    tmax = want[-1][0] if want else 0
    mine_t = sorted(x for x in mine if x[0] < tmax)
    want_t = sorted(x for x in want if x[0] < tmax)
    if mine_t != want_t:
        for a, b in zip(mine_t, want_t):
            if a != b:
                bad.append(f"core 0 stamps: oracle {a}, golden {b}")
                break
        else:
            bad.append(f"core 0 stamps: oracle {len(mine_t)}, golden {len(want_t)} before {tmax}")
    nc = int(ginfo[1])
    mw, mh = map(int, ginfo[3].split("x"))
    dur = int(ginfo[5])
    if nc != chip.nrb * chip.ncb:
        bad.append(f"cores: oracle {chip.nrb * chip.ncb}, golden {nc}")
    if (mw, mh) != (chip.mesh_w, chip.mesh_h):
        bad.append(f"mesh: oracle {chip.mesh_w}x{chip.mesh_h}, golden {mw}x{mh}")
    if dur != chip.duration:
        bad.append(f"duration: oracle {chip.duration}, golden {dur}")
    checked = 0
    for core in sorted(cnt):
        g = gcore.get(f"core{core}", {})
        for k, v in cnt[core].items():
            if k in g:
                checked += 1
                if g[k] != v:
                    bad.append(f"core{core} {k}: oracle {v}, golden {g[k]}")
    name = argv[2].rsplit("/", 1)[-1]
    if bad:
        print(f"{name}: {len(bad)} differences (of {len(want_t)} stamps, duration, {checked} counters)")
        for b in bad[:40]:
            print("  " + b)
        return 1
    print(f"{name}: ok: {len(want_t)} stamps of core 0, duration {dur}, {checked} counters of "
          f"{nc} cores equal")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
