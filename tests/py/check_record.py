"""Oracle test of traces/record.py on a small randomly initialised transformer.

Builds a 2-block decoder (attention q/k/v/o and MLP up/down projections as
nn.Linear, plus lm_head), records it in fp32 and in bf16, and checks names,
shapes, dtypes, the token range, the layer filter and that every recorded
output equals x · Wᵀ (bias removed) for the recorded input.
Usage: check_record.py WORKDIR
"""
import os
import sys

import torch

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(root, 'traces'))
sys.path.insert(0, os.path.join(root, 'traces', 'real'))
import st  # noqa: E402
from record import Recorder  # noqa: E402

torch.manual_seed(0)
D, F, V = 32, 64, 50


class Block(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.self_attn = torch.nn.Module()
        for n in ('q_proj', 'k_proj', 'v_proj', 'o_proj'):
            setattr(self.self_attn, n, torch.nn.Linear(D, D, bias=(n != 'o_proj')))
        self.mlp = torch.nn.Module()
        self.mlp.up_proj = torch.nn.Linear(D, F)
        self.mlp.down_proj = torch.nn.Linear(F, D)

    def forward(self, h):
        a = self.self_attn
        q, k, v = a.q_proj(h), a.k_proj(h), a.v_proj(h)
        att = torch.softmax(q @ k.transpose(-1, -2) / D ** 0.5, -1)
        h = h + a.o_proj(att @ v)
        return h + self.mlp.down_proj(torch.nn.functional.silu(self.mlp.up_proj(h)))


class Tiny(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.model = torch.nn.Module()
        self.model.embed = torch.nn.Embedding(V, D)
        self.model.layers = torch.nn.ModuleList([Block(), Block()])
        self.lm_head = torch.nn.Linear(D, V, bias=False)

    def forward(self, ids):
        h = self.model.embed(ids)
        for b in self.model.layers:
            h = b(h)
        return self.lm_head(h)


def check(path, wpath, dtype, tol, layers, ntok):
    t, meta = st.load(path)
    w, _ = st.load(wpath)
    names = sorted({k.rsplit('.', 1)[0] for k in t})
    assert names == sorted(layers), (names, layers)
    for n in names:
        x, y = t[n + '.input'].astype('float32'), t[n + '.output'].astype('float32')
        W = w[n + '.weight'].astype('float32')
        assert x.shape == (ntok, W.shape[1]), (n, x.shape)
        assert y.shape == (ntok, W.shape[0]), (n, y.shape)
        ref = x @ W.T
        err = abs(y - ref).max() / max(1e-6, abs(ref).max())
        assert err < tol, f'{n}: output differs from x @ W.T by {err} (bias not removed?)'
    with open(path, 'rb') as f:
        import json
        import struct
        hdr = json.loads(f.read(struct.unpack('<Q', f.read(8))[0]))
    want = {'bf16': 'BF16', 'fp32': 'F32'}[dtype]
    for n in names:
        assert hdr[n + '.input']['dtype'] == want, hdr[n + '.input']
    assert meta['generator'] == 'traces/record.py'


def main():
    work = sys.argv[1]
    m = Tiny().eval()
    ids = torch.randint(0, V, (3, 10))  # 30 tokens in one call
    for dtype in ('fp32', 'bf16'):
        mm = m if dtype == 'fp32' else Tiny().eval().to(torch.bfloat16)
        if dtype == 'bf16':
            mm.load_state_dict({k: v.to(torch.bfloat16) for k, v in m.state_dict().items()})
        p, wp = os.path.join(work, f'{dtype}.safetensors'), os.path.join(work, f'{dtype}.w.safetensors')
        with torch.no_grad(), Recorder(mm, layers=['model.layers.*.mlp.*', 'lm_head'], tokens=(4, 24)) as rec:
            mm(ids)
        rec.save(p, weights_path=wp)
        layers = [f'model.layers.{i}.mlp.{n}' for i in range(2) for n in ('up_proj', 'down_proj')] + ['lm_head']
        check(p, wp, dtype, 1e-5 if dtype == 'fp32' else 3e-2, layers, 20)
    # token range spanning two forward calls, all layers
    with torch.no_grad(), Recorder(m, tokens=(25, 35)) as rec:
        m(ids)
        m(ids)
    p, wp = os.path.join(work, 'span.safetensors'), os.path.join(work, 'span.w.safetensors')
    rec.save(p, weights_path=wp)
    every = [n for n, mod in m.named_modules() if isinstance(mod, torch.nn.Linear)]
    check(p, wp, 'fp32', 1e-5, every, 10)
    # a filter that matches nothing is a clear error
    try:
        with Recorder(m, layers=['nope.*']):
            pass
        raise AssertionError('expected an error for a filter matching nothing')
    except ValueError as e:
        assert 'no nn.Linear matches' in str(e)
    print('record.py: all checks passed')


if __name__ == '__main__':
    main()
