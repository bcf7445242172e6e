#!/usr/bin/env python3
"""Records a PyTorch model's linear layers into axon's trace layout.

Forward hooks on every matching nn.Linear capture its input and output; the
result is one safetensors trace with, per layer (Hugging Face module names):
  <name>.input   [tokens, in_features]   (the activations the chip receives)
  <name>.output  [tokens, out_features]  = x · Wᵀ, the bias removed (axon's
                                          convention; the bias is in the weights)
and optionally a weights file with <name>.weight [out, in] and <name>.bias.
Tensors keep their dtype (bf16 stays BF16, fp16 stays F16) unless --dtype
says otherwise. Token range and layer filters keep traces small.

Library use (any nn.Module, e.g. a SpikingBrain / HF AutoModelForCausalLM):
    from record import Recorder
    with Recorder(model, layers=['model.layers.*.mlp.*'], tokens=(0, 256)) as rec:
        model(**inputs)
    rec.save('trace.safetensors', weights_path='weights.safetensors')

Command line (needs the `transformers` package, for users' GPU machines):
    python3 traces/record.py --model PATH_OR_NAME --text "..." --out trace.safetensors \
        [--weights-out w.safetensors] [--layers 'model.layers.*.mlp.*'] [--tokens 0:256] \
        [--device cuda] [--dtype bf16|fp16|fp32]
"""
import argparse
import fnmatch
import json
import struct

import torch

_ST = {torch.float32: 'F32', torch.float16: 'F16', torch.bfloat16: 'BF16', torch.int8: 'I8',
       torch.uint8: 'U8', torch.int16: 'I16', torch.int32: 'I32'}


def save_safetensors(path, tensors, metadata=None):
    """Writes a safetensors file (format: 8-byte LE header size, JSON header, raw LE data)."""
    header, blobs, off = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        if t.dtype not in _ST:
            raise ValueError(f'record.py: tensor {name} has dtype {t.dtype}, which axon does not read')
        raw = t.view(torch.int16) if t.dtype == torch.bfloat16 else t
        b = raw.numpy().tobytes()
        header[name] = {'dtype': _ST[t.dtype], 'shape': list(t.shape), 'data_offsets': [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    if metadata:
        header['__metadata__'] = {str(k): str(v) for k, v in metadata.items()}
    h = json.dumps(header, separators=(',', ':')).encode()
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


class Recorder:
    """Context manager that hooks every nn.Linear whose name matches `layers`.

    layers: list of fnmatch globs over module names (None = all linears).
    tokens: (start, stop) over the flattened token stream of all forward calls
            (tokens = every leading dimension of the input, flattened).
    dtype:  None keeps each tensor's dtype; else a torch dtype to cast to.
    """

    def __init__(self, model, layers=None, tokens=None, dtype=None):
        self.model, self.layers, self.tokens, self.dtype = model, layers, tokens, dtype
        self.inputs, self.outputs, self.seen, self.handles, self.modules = {}, {}, {}, [], {}

    def _want(self, name):
        return self.layers is None or any(fnmatch.fnmatchcase(name, p) for p in self.layers)

    def _hook(self, name):
        def hook(mod, inp, out):
            x = inp[0].detach().reshape(-1, mod.in_features)
            y = out.detach().reshape(-1, mod.out_features)
            first = self.seen.get(name, 0)
            self.seen[name] = first + x.shape[0]
            lo, hi = (0, None) if self.tokens is None else self.tokens
            a = max(0, lo - first)
            b = x.shape[0] if hi is None else min(x.shape[0], hi - first)
            if b <= a:
                return
            x, y = x[a:b], y[a:b]
            if mod.bias is not None:  # axon's .output is x · Wᵀ without the bias
                y = (y.float() - mod.bias.detach().float()).to(y.dtype)
            self.inputs.setdefault(name, []).append(x.cpu())
            self.outputs.setdefault(name, []).append(y.cpu())
        return hook

    def __enter__(self):
        for name, mod in self.model.named_modules():
            if isinstance(mod, torch.nn.Linear) and self._want(name):
                self.modules[name] = mod
                self.handles.append(mod.register_forward_hook(self._hook(name)))
        if not self.modules:
            raise ValueError(f'record.py: no nn.Linear matches {self.layers}')
        return self

    def __exit__(self, *exc):
        for h in self.handles:
            h.remove()
        self.handles = []
        return False

    def _cast(self, t):
        return t if self.dtype is None else t.to(self.dtype)

    def save(self, path, weights_path=None, metadata=None):
        tensors = {}
        for name in self.inputs:
            tensors[name + '.input'] = self._cast(torch.cat(self.inputs[name]))
            tensors[name + '.output'] = self._cast(torch.cat(self.outputs[name]))
        if not tensors:
            raise ValueError('record.py: nothing recorded (did the model run inside the Recorder, '
                             'and does --tokens overlap the input?)')
        md = {'generator': 'traces/record.py', 'layers': json.dumps(sorted(self.inputs)),
              'tokens': json.dumps(self.tokens), 'output_convention': 'x @ W.T without bias'}
        md.update(metadata or {})
        save_safetensors(path, tensors, md)
        if weights_path:
            w = {}
            for name in self.inputs:
                mod = self.modules[name]
                w[name + '.weight'] = self._cast(mod.weight.detach())
                if mod.bias is not None:
                    w[name + '.bias'] = self._cast(mod.bias.detach())
            save_safetensors(weights_path, w, {'generator': 'traces/record.py'})


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--model', required=True, help='HF model name or local path (AutoModelForCausalLM)')
    ap.add_argument('--text', required=True, help='prompt text to run')
    ap.add_argument('--out', required=True, help='trace safetensors to write')
    ap.add_argument('--weights-out', help='also write the recorded layers\' weights')
    ap.add_argument('--layers', action='append', help='glob over module names (repeatable)')
    ap.add_argument('--tokens', default=None, help='START:STOP over the flattened tokens')
    ap.add_argument('--device', default='cpu')
    ap.add_argument('--dtype', choices=['bf16', 'fp16', 'fp32'], default=None)
    a = ap.parse_args()
    from transformers import AutoModelForCausalLM, AutoTokenizer  # only needed here
    dt = {'bf16': torch.bfloat16, 'fp16': torch.float16, 'fp32': torch.float32}.get(a.dtype)
    tok = AutoTokenizer.from_pretrained(a.model, trust_remote_code=True)
    model = AutoModelForCausalLM.from_pretrained(a.model, torch_dtype=dt or 'auto',
                                                 trust_remote_code=True).to(a.device).eval()
    rng = None
    if a.tokens:
        lo, hi = a.tokens.split(':')
        rng = (int(lo or 0), int(hi) if hi else None)
    inputs = tok(a.text, return_tensors='pt').to(a.device)
    with torch.no_grad(), Recorder(model, layers=a.layers, tokens=rng) as rec:
        model(**inputs)
    rec.save(a.out, a.weights_out, {'model': a.model, 'text': a.text})


if __name__ == '__main__':
    main()
