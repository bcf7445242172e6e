"""Oracle for `axon encode` (docs/design.md §2), run by tests/e2e/test_encode.sh.

numpy recomputes the adaptive-threshold counts exactly as the contract says
(float32 sum of |x| in index order, / D, / k, clamp to [1e-5, 1e4], float32
division, np.rint = round half to even, clamp) and compares them with the
counts axon writes, element for element, on a random file that contains
exact ties (x / vth = m + 0.5). It also decodes the trains axon writes for
every coding and checks the --json statistics against numpy's own count.

usage: check_encode.py AXON WORKDIR
"""
import json
import struct
import subprocess
import sys

import numpy as np

AXON, WORK = sys.argv[1], sys.argv[2]
rng = np.random.default_rng(20241123)
checks = 0


def run(*args, rc=0):
    p = subprocess.run([AXON, "encode", *args], capture_output=True, text=True)
    if p.returncode != rc:
        sys.exit(f"axon encode {' '.join(args)}: exit {p.returncode}, wanted {rc}\n{p.stderr}")
    return p


def ok(cond, what):
    global checks
    if not cond:
        sys.exit("FAIL: " + what)
    checks += 1


def oracle_counts(x, k=3.0, clamp=(-127, 127)):
    x = x.astype(np.float32)
    tokens, d = x.shape
    acc = np.zeros(tokens, np.float32)
    for i in range(d):  # index order, float32 rounding at every add
        acc = (acc + np.abs(x[:, i])).astype(np.float32)
    vth = (acc / np.float32(d)).astype(np.float32)
    vth = (vth / np.float32(k)).astype(np.float32)
    vth = np.minimum(np.maximum(vth, np.float32(1e-5)), np.float32(1e4)).astype(np.float32)
    q = np.rint((x / vth[:, None]).astype(np.float32))
    if clamp is not None:
        q = np.clip(q, clamp[0], clamp[1])
    return q.astype(np.int64), vth, (x / vth[:, None]).astype(np.float32)


def tie_row(d, vth):
    """A row whose mean|x|/3 is exactly vth (a power of two) and whose first
    d-1 entries are exact ties (m + 0.5) * vth."""
    m = rng.integers(-3, 3, d - 1).astype(np.float64) + 0.5
    row = m * vth
    rest = 3 * d * vth - np.abs(row).sum()
    assert rest > 0
    return np.append(row, rest).astype(np.float32)


# ---- a random file with ties: [tokens, d] float32
d = 48
rows = [tie_row(d, 2.0 ** -j) for j in range(0, 8)]
rows += [rng.standard_normal(d).astype(np.float32) for _ in range(12)]
rows += [(rng.standard_t(2, d) * 5).astype(np.float32) for _ in range(6)]  # heavy tails: clamps
rows += [np.zeros(d, np.float32)]
spiky = np.full(d, 0.01, np.float32)
spiky[3] = 500.0  # |count| far above 127: clamped, and unclamped
rows.append(spiky)
x = np.stack(rows)
np.save(f"{WORK}/x.npy", x)
_, _, ratio = oracle_counts(x)
nties = int(np.sum(np.abs(ratio - np.floor(ratio)) == 0.5))
ok(nties >= 40, f"the test file holds exact ties ({nties})")

for extra, clamp in [([], (-127, 127)), (["--clamp", "-20,30"], (-20, 30)),
                     (["--no-clamp"], None), (["--k", "2.5"], (-127, 127))]:
    k = float(extra[1]) if extra[:1] == ["--k"] else 3.0
    run("--input", f"{WORK}/x.npy", "--counts-out", f"{WORK}/s.npy", *extra)
    s = np.load(f"{WORK}/s.npy")
    want, _, _ = oracle_counts(x, k, clamp)
    ok(s.dtype == np.int32 and s.shape == x.shape, f"counts int32 {x.shape}: {s.dtype} {s.shape}")
    bad = np.argwhere(s != want)
    ok(len(bad) == 0, f"counts {extra} differ from numpy at {bad[:5].tolist()}")
want_nc, _, _ = oracle_counts(x, 3.0, None)
ok(want_nc.max() > 127, "the file exercises the clamp")


# ---- trains: decode with numpy for every coding and steps mode
def weights(coding, T):
    if coding in ("binary", "ternary"):
        return np.ones(T, np.int64)
    w = 2 ** np.arange(T - 1, -1, -1, dtype=np.int64)
    if coding == "bitwise-2c":
        w[0] = -w[0]
    return w


def rule(coding, c):
    a = int(np.abs(c).max())
    if coding == "binary":
        return max(1, int(c.max()))
    if coding == "ternary":
        return max(1, a)
    if coding in ("bitwise", "bitwise-signed"):
        return max(1, a.bit_length())
    return max(2, a.bit_length() + 1)


counts = oracle_counts(x)[0]
for coding in ["binary", "ternary", "bitwise", "bitwise-signed", "bitwise-2c"]:
    src = f"{WORK}/x.npy"
    c = counts
    if coding in ("binary", "bitwise"):  # non-negative counts only: integer input
        c = np.abs(counts).astype(np.int32)
        src = f"{WORK}/abs.npy"
        np.save(src, c)
    for steps in ["auto", "token", "fixed"]:
        T_auto = rule(coding, c)
        arg = str(T_auto + 2) if steps == "fixed" else steps
        p = run("--input", src, "--coding", coding, "--steps", arg, "--json",
                "--trains-out", f"{WORK}/t.npy", "--steps-out", f"{WORK}/T.npy")
        j = json.loads(p.stdout)
        tr = np.load(f"{WORK}/t.npy").astype(np.int64)
        Ts = np.load(f"{WORK}/T.npy")
        Tper = np.array([rule(coding, row) for row in c]) if steps == "token" else \
            np.full(len(c), T_auto + (2 if steps == "fixed" else 0))
        ok((Ts == Tper).all(), f"{coding} {steps}: per-token T")
        ok(tr.shape == (Tper.max(),) + c.shape, f"{coding} {steps}: trains shape {tr.shape}")
        vals = set(np.unique(tr).tolist())
        alphabet = {0, 1} if coding in ("binary", "bitwise", "bitwise-2c") else {-1, 0, 1}
        ok(vals <= alphabet, f"{coding}: spike values {vals}")
        dec = np.zeros(c.shape, np.int64)
        for n, T in enumerate(Tper):
            dec[n] = (tr[:T, n, :] * weights(coding, T)[:, None]).sum(0)
            ok(not tr[T:, n, :].any(), f"{coding} {steps}: padding after T of token {n}")
        ok((dec == c).all(), f"{coding} {steps}: decoded trains == counts")
        spikes = int(np.abs(tr).sum())
        slots = int((Tper * c.shape[1]).sum())
        ok(j["spikes"] == spikes and j["slots"] == slots, f"{coding} {steps}: spikes/slots")
        ok(abs(j["firing_rate"] - spikes / slots) < 1e-12, f"{coding} {steps}: firing_rate")
        ok(abs(j["sparsity"] - (1 - spikes / slots)) < 1e-12, f"{coding} {steps}: sparsity")
        ok(abs(j["silent_channel_fraction"] - np.mean(c == 0)) < 1e-12, "silent fraction")
        ok(j["tokens"] == c.shape[0] and j["channels"] == c.shape[1], "tokens/channels")
        ok(j["steps"] == int(Tper.max()), f"{coding} {steps}: steps {j['steps']}")
        hist = j["abs_count_hist"]["counts"]
        ok(len(hist) == 130 and sum(hist) == c.size, "histogram size and total")
        ok(hist[0] == int(np.sum(c == 0)), "histogram bin 0")

# ---- vth in --json for the float file
j = json.loads(run("--input", f"{WORK}/x.npy", "--json").stdout)
_, vth, _ = oracle_counts(x)
ok(np.float32(j["vth"]["min"]) == vth.min() and np.float32(j["vth"]["max"]) == vth.max(),
   f"vth min/max {j['vth']} vs {vth.min()!r} {vth.max()!r}")
ok(j["counts_from"] == "adaptive threshold" and j["clamp"] == [-127, 127], "json params")

# ---- shapes: 1-D is one token, 3-D [batch, seq, d] flattens
np.save(f"{WORK}/x1.npy", x[5])
run("--input", f"{WORK}/x1.npy", "--counts-out", f"{WORK}/s1.npy")
s1 = np.load(f"{WORK}/s1.npy")
ok(s1.shape == (1, d) and (s1[0] == counts[5]).all(), "1-D input = one token")
x3 = x[:24].reshape(4, 6, d)
np.save(f"{WORK}/x3.npy", x3)
run("--input", f"{WORK}/x3.npy", "--counts-out", f"{WORK}/s3.npy")
ok((np.load(f"{WORK}/s3.npy") == counts[:24]).all(), "3-D input flattens to tokens")

# ---- safetensors input, FILE:NAME (header written by hand: 8-byte length + JSON)
a = x[:4]
hdr = json.dumps({"layer.input": {"dtype": "F32", "shape": list(a.shape),
                                  "data_offsets": [0, a.nbytes]}}).encode()
hdr += b" " * (-len(hdr) % 8)
with open(f"{WORK}/x.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(hdr)) + hdr + a.tobytes())
run("--input", f"{WORK}/x.safetensors:layer.input", "--counts-out", f"{WORK}/ss.npy")
ok((np.load(f"{WORK}/ss.npy") == counts[:4]).all(), "safetensors input")

# ---- half-precision safetensors: F16 and BF16 (bf16 = the top 16 bits of an f32)
def write_st(path, name, dtype, shape, raw):
    h = json.dumps({name: {"dtype": dtype, "shape": list(shape),
                           "data_offsets": [0, len(raw)]}}).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + raw)


xh = x[:6].astype(np.float16)
write_st(f"{WORK}/h.safetensors", "a", "F16", xh.shape, xh.tobytes())
run("--input", f"{WORK}/h.safetensors:a", "--counts-out", f"{WORK}/sh.npy")
ok((np.load(f"{WORK}/sh.npy") == oracle_counts(xh.astype(np.float32))[0]).all(), "F16 input")
bits = (x[:6].view(np.uint32) >> 16).astype(np.uint16)
xb = (bits.astype(np.uint32) << 16).view(np.float32)
write_st(f"{WORK}/b.safetensors", "a", "BF16", xb.shape, bits.tobytes())
run("--input", f"{WORK}/b.safetensors:a", "--counts-out", f"{WORK}/sb.npy")
ok((np.load(f"{WORK}/sb.npy") == oracle_counts(xb)[0]).all(), "BF16 input")
bits[4, 9] = 0x7FC0  # a bf16 NaN
write_st(f"{WORK}/bn.safetensors", "a", "BF16", xb.shape, bits.tobytes())
p = run("--input", f"{WORK}/bn.safetensors:a", rc=1)
ok("token 4, channel 9" in p.stderr and "NaN" in p.stderr, "BF16 NaN named: " + p.stderr)

# ---- integer counts pass through unchanged (no threshold, no clamp)
ci = np.array([[0, 1, -1, 5, -5, 7, -8]], np.int8)
np.save(f"{WORK}/ci.npy", ci)
p = run("--input", f"{WORK}/ci.npy", "--coding", "bitwise-2c", "--json", "--counts-out",
        f"{WORK}/co.npy")
j = json.loads(p.stdout)
ok((np.load(f"{WORK}/co.npy") == ci).all(), "integer input taken as counts")
ok(j["steps"] == 5 and abs(j["firing_rate"] - 0.485714) < 1e-6, "design §2 two's complement vector via the CLI")
ok(j["vth"] is None and j["counts_from"] == "integer input", "no vth for integer input")

# ---- errors: clear message, exit 1; usage errors exit 2
xn = x.copy()
xn[7, 11] = np.nan
np.save(f"{WORK}/nan.npy", xn)
p = run("--input", f"{WORK}/nan.npy", rc=1)
ok("token 7, channel 11" in p.stderr and "NaN" in p.stderr, "NaN names token/channel: " + p.stderr)
p = run("--input", f"{WORK}/ci.npy", "--coding", "bitwise-2c", "--steps", "3", rc=1)
ok("does not fit" in p.stderr or "needs" in p.stderr, "count not fitting T: " + p.stderr)
p = run("--input", f"{WORK}/ci.npy", "--coding", "binary", rc=1)
ok("negative" in p.stderr, "negative binary count: " + p.stderr)
run("--input", f"{WORK}/x.npy", "--coding", "unary", rc=2)
run("--input", f"{WORK}/x.npy", "--no-clamp", "--clamp", "1,2", rc=2)
run("--steps", "4", rc=2)
run("--help", rc=0)
p = run("--input", f"{WORK}/x.npy", "--csv")
lines = p.stdout.strip().split("\n")
ok(len(lines) == 2 and lines[0].startswith("tokens,channels,"), "csv header + one row")
p = run("--input", f"{WORK}/x.npy")
ok("firing rate" in p.stdout and "% of slots" in p.stdout, "human table with units")
print(f"encode oracle: {checks} checks passed ({nties} exact ties in the random file)")
