"""Turns PaddleOCR's PP-OCRv4 recogniser (ONNX) into axon's inputs.

1. Finds every linear layer: MatMul with a constant weight (Paddle stores
   it [in, out]) and 1x1 Conv with group 1 (a per-pixel linear layer, weight
   [out, in, 1, 1]).
2. Names them as Hugging Face would (layer map below) and writes their
   weights as `<name>.weight` [out, in] float32 (+ `<name>.bias`).
3. Rewrites the graph so that the input and output of every selected layer
   become extra graph outputs, for run_ort.js to record.
Usage: extract.py MODEL.onnx OUT_MODEL.onnx WEIGHTS.safetensors LAYERS.json [--full]
Without --full only the transformer blocks and the output layer are kept.
"""
import json
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

import st

# The SVTR neck of PP-OCRv4 rec: 2 transformer blocks of width 120, then the
# CTC head. MatMuls with constant weights appear in this order in the graph.
TRANSFORMER = ['model.layers.{b}.self_attn.qkv_proj', 'model.layers.{b}.self_attn.o_proj',
               'model.layers.{b}.mlp.fc1', 'model.layers.{b}.mlp.fc2']


def main():
    src, dst, wout, lout = sys.argv[1:5]
    full = '--full' in sys.argv[5:]
    m = onnx.load(src)
    g = m.graph
    const = {}
    for n in g.node:
        if n.op_type == 'Constant':
            for a in n.attribute:
                if a.name == 'value':
                    const[n.output[0]] = numpy_helper.to_array(a.t)
    consumers = {}
    for n in g.node:
        for x in n.input:
            consumers.setdefault(x, []).append(n)

    layers, weights = [], {}
    mm = 0
    in_neck = False  # PP-LCNetV3 ends with an AveragePool; the SVTR neck follows it
    for n in g.node:
        if n.op_type == 'AveragePool':
            in_neck = True
        if n.op_type == 'MatMul' and n.input[1] in const:
            w = const[n.input[1]]
            if mm < 8:
                name = TRANSFORMER[mm % 4].format(b=mm // 4)
            elif mm == 8:
                name = 'lm_head'
            else:
                raise SystemExit(f'extract.py: unexpected MatMul {n.name}: the model is not PP-OCRv4 rec')
            mm += 1
            bias = None
            for c in consumers.get(n.output[0], []):
                if c.op_type == 'Add':
                    other = [x for x in c.input if x != n.output[0]]
                    if other and other[0] in const:
                        bias = const[other[0]]
            layers.append({'name': name, 'onnx_node': n.name, 'onnx_weight': n.input[1], 'kind': 'matmul',
                           'input': n.input[0], 'output': n.output[0], 'bias_in_output': False})
            weights[name + '.weight'] = np.ascontiguousarray(w.T.astype(np.float32))
            if bias is not None:
                weights[name + '.bias'] = bias.astype(np.float32)
        elif full and n.op_type == 'Conv' and n.input[1] in const:
            w = const[n.input[1]]
            attrs = {a.name: helper.get_attribute_value(a) for a in n.attribute}
            if w.shape[2:] != (1, 1) or attrs.get('group', 1) != 1:
                continue
            pname = n.input[1].rsplit('.', 1)[0]
            part = 'neck' if in_neck else 'backbone'
            name = f'model.{part}.{pname}'
            layers.append({'name': name, 'onnx_node': n.name, 'onnx_weight': n.input[1], 'kind': 'conv1x1',
                           'input': n.input[0], 'output': n.output[0],
                           'bias_in_output': len(n.input) > 2})
            weights[name + '.weight'] = np.ascontiguousarray(w.reshape(w.shape[0], w.shape[1]).astype(np.float32))
            if len(n.input) > 2:
                weights[name + '.bias'] = const[n.input[2]].astype(np.float32)
    if mm != 9:
        raise SystemExit(f'extract.py: found {mm} MatMul layers, expected 9 (2 blocks x 4 + head)')

    have = {o.name for o in g.output}
    for L in layers:
        for t in (L['input'], L['output']):
            if t not in have:
                g.output.append(helper.make_tensor_value_info(t, onnx.TensorProto.FLOAT, None))
                have.add(t)
    onnx.save(m, dst)
    st.save(wout, weights, metadata={'source': 'PaddleOCR PP-OCRv4 ch_PP-OCRv4_rec_infer.onnx',
                                     'license': 'Apache-2.0', 'layout': 'HF [out, in] float32'})
    with open(lout, 'w') as f:
        json.dump({'final_output': g.output[0].name, 'layers': layers}, f, indent=1)


if __name__ == '__main__':
    main()
