"""Minimal safetensors writer/reader for axon's test oracles and trace scripts.

safetensors layout: 8-byte little-endian header length N, N bytes of JSON
({"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {str: str}}),
then the raw little-endian tensor bytes. Debian ships no safetensors package,
so this follows the published format description directly.
"""
import json
import struct

import numpy as np

_DT = {np.dtype('float32'): 'F32', np.dtype('float16'): 'F16', np.dtype('int8'): 'I8',
       np.dtype('uint8'): 'U8', np.dtype('int16'): 'I16', np.dtype('int32'): 'I32'}
_NP = {v: k for k, v in _DT.items()}
_NP['BF16'] = np.dtype('uint16')


def save(path, tensors, metadata=None, bf16=()):
    """tensors: dict name -> ndarray (C order). Names in `bf16` hold uint16 bf16 bits."""
    header, blobs, off = {}, [], 0
    for name, arr in tensors.items():
        arr = np.ascontiguousarray(arr)
        dt = 'BF16' if name in bf16 else _DT[arr.dtype.newbyteorder('=')]
        b = arr.astype(arr.dtype.newbyteorder('<'), copy=False).tobytes()
        header[name] = {'dtype': dt, 'shape': list(arr.shape), 'data_offsets': [off, off + len(b)]}
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


def load(path):
    """Returns (dict name -> ndarray, metadata dict). BF16 comes back as float32."""
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop('__metadata__', {})
    out = {}
    for name, d in header.items():
        b, e = d['data_offsets']
        a = np.frombuffer(data[b:e], dtype=_NP[d['dtype']].newbyteorder('<')).reshape(d['shape'])
        if d['dtype'] == 'BF16':
            a = (a.astype(np.uint32) << 16).view(np.float32)
        out[name] = a
    return out, meta


def f32_to_bf16_bits(a):
    """Round-to-nearest-even float32 -> bf16 bit patterns (uint16)."""
    u = np.ascontiguousarray(a, dtype=np.float32).view(np.uint32).astype(np.uint64)
    u = (u + 0x7FFF + ((u >> 16) & 1)) >> 16
    return u.astype(np.uint16)
