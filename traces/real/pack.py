"""Packs what run_ort.js recorded into an axon trace, and checks the model.

For every linear layer of LAYERS.json: `<name>.input` [tokens, in] and
`<name>.output` [tokens, out] = x · Wᵀ *without* the bias (what axon
computes; the bias is in the weights file as `<name>.bias`). 3-D MatMul
activations [lines, positions, features] flatten to tokens; 1x1-conv
activations [N, C, H, W] become [N·H·W, C] (one token per pixel).
The CTC head's output is greedy-decoded with the model's own dictionary and
compared with the rendered text: the run fails if the model misreads it
(character accuracy below --min-accuracy).
Usage: pack.py OUTDIR LAYERS.json KEYS.txt TRACE.safetensors META.json
       [--f16-outputs NAME,...] [--min-accuracy 0.9] LINE...
"""
import argparse
import json
import os

import numpy as np

import st


def ctc_decode(prob, chars):
    idx = prob.argmax(-1)
    out, prev = [], -1
    for i in idx:
        if i != prev and i != 0:
            out.append(chars[i])
        prev = i
    return ''.join(out)


def char_accuracy(ref, hyp):
    """1 - Levenshtein(ref, hyp) / len(ref)."""
    d = list(range(len(hyp) + 1))
    for i, a in enumerate(ref, 1):
        prev, d[0] = d[0], i
        for j, b in enumerate(hyp, 1):
            prev, d[j] = d[j], min(d[j] + 1, d[j - 1] + 1, prev + (a != b))
    return 1.0 - d[len(hyp)] / max(1, len(ref))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('outdir')
    ap.add_argument('layers')
    ap.add_argument('keys')
    ap.add_argument('trace')
    ap.add_argument('meta')
    ap.add_argument('--f16-outputs', default='')
    ap.add_argument('--min-accuracy', type=float, default=0.9)
    ap.add_argument('lines', nargs='+')
    a = ap.parse_args()

    man = json.load(open(os.path.join(a.outdir, 'manifest.json')))
    rec = {}
    for e in man:
        rec[e['name']] = np.fromfile(os.path.join(a.outdir, e['file']), dtype='<f4').reshape(e['dims'])
    spec = json.load(open(a.layers))
    meta = json.load(open(a.meta))

    with open(a.keys, encoding='utf-8') as f:
        keys = [ln.rstrip('\n') for ln in f]
    chars = ['<blank>'] + keys + [' ']
    prob = rec[spec['final_output']]
    decoded = [ctc_decode(p, chars).strip() for p in prob]
    accs = [char_accuracy(r, h) for r, h in zip(a.lines, decoded)]
    for r, h, c in zip(a.lines, decoded, accs):
        print(f'  read {h!r:40} expected {r!r:40} char accuracy {c:.3f}')
    if min(accs) < a.min_accuracy:
        raise SystemExit(f'pack.py: the model misread a line (char accuracy {min(accs):.3f} < {a.min_accuracy}); '
                         'the recorded trace would not be a faithful run')

    f16 = set(filter(None, a.f16_outputs.split(',')))
    w, _ = st.load(meta['weights'])
    tensors = {}
    for L in spec['layers']:
        x, y = rec[L['input']], rec[L['output']]
        if L['kind'] == 'conv1x1':
            x = x.transpose(0, 2, 3, 1)
            y = y.transpose(0, 2, 3, 1)
        x = x.reshape(-1, x.shape[-1])
        y = y.reshape(-1, y.shape[-1])
        if L['bias_in_output']:
            y = y - w[L['name'] + '.bias'][None, :]
        tensors[L['name'] + '.input'] = np.ascontiguousarray(x, dtype=np.float32)
        tensors[L['name'] + '.output'] = np.ascontiguousarray(
            y, dtype=np.float16 if L['name'] in f16 else np.float32)
    md = dict(meta.get('provenance', {}))
    md['text_lines'] = json.dumps(a.lines)
    md['decoded_lines'] = json.dumps(decoded)
    md['char_accuracy'] = json.dumps([round(c, 4) for c in accs])
    md['output_convention'] = 'x @ W.T without bias; conv1x1 tokens are pixels (N*H*W)'
    st.save(a.trace, tensors, metadata=md)


if __name__ == '__main__':
    main()
