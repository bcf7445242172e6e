"""Generates the bad-input matrix of tests/e2e/test_bad_inputs.sh: malformed
files (truncated, lying headers, bad dtypes, shape mismatches, NaN, damaged
core images, non-databases, broken tables and architecture files) and the
command lines that feed each of them to every reader and subcommand, plus
bad output paths for every writer.

usage: gen_bad_inputs.py DIR [GOOD_IMAGE.axi]

Writes the files into DIR and DIR/cases.tsv, one case per line:
    id <TAB> expected exit (1, 2, or 12 for either) <TAB> regex <TAB> argv
argv is space-separated (no path holds a space); {OUT} is a fresh, empty
directory per case that must still be empty afterwards (no output, no
temporary), {FIFO} a FIFO that must still be one. The regex must match the
command's stderr: it names the file or parameter and the problem.
"""
import json
import os
import shutil
import struct
import sys

import numpy as np

D = sys.argv[1]
GOOD_IMAGE = sys.argv[2] if len(sys.argv) > 2 else None
os.makedirs(D, exist_ok=True)
cases = []


def path(name):
    return os.path.join(D, name)


def case(cid, expect, regex, *argv):
    assert '\t' not in regex
    cases.append((cid, str(expect), regex, ' '.join(argv)))


# ---- writers of raw files ----

def st_bytes(header, data, pad=True):
    h = json.dumps(header).encode() if not isinstance(header, bytes) else header
    if pad:
        h += b' ' * (-len(h) % 8)
    return struct.pack('<Q', len(h)) + h + data


def st_write(name, tensors, meta=None):
    """A valid safetensors file of numpy arrays."""
    hdr, off, blobs = {}, 0, []
    if meta:
        hdr['__metadata__'] = meta
    code = {np.float32: 'F32', np.int8: 'I8', np.int32: 'I32', np.int64: 'I64', np.float16: 'F16'}
    for k, a in tensors.items():
        b = np.ascontiguousarray(a).tobytes()
        hdr[k] = {'dtype': code[a.dtype.type], 'shape': list(a.shape), 'data_offsets': [off, off + len(b)]}
        off += len(b)
        blobs.append(b)
    with open(path(name), 'wb') as f:
        f.write(st_bytes(hdr, b''.join(blobs)))
    return path(name)


def raw(name, b):
    with open(path(name), 'wb') as f:
        f.write(b)
    return path(name)


def npy_bytes(descr, shape, data, fortran=False, version=(1, 0), extra=''):
    d = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, %s}" % (
        descr, 'True' if fortran else 'False', repr(tuple(shape)), extra)
    hl = 10 + len(d) + 1
    d += ' ' * (-hl % 64) + '\n'
    return b'\x93NUMPY' + bytes(version) + struct.pack('<H', len(d)) + d.encode() + data


# ---- the good files ----

rng = np.random.default_rng(5)
W = rng.standard_normal((8, 16)).astype(np.float32)
X = rng.standard_normal((4, 16)).astype(np.float32)
good_w = st_write('w.safetensors', {'L.weight': W})
good_t = st_write('t.safetensors', {'L.input': X, 'L.output': (X @ W.T).astype(np.float32)})
np.save(path('x.npy'), X)

# ---- malformed safetensors, each used as weights and as trace ----

wb = W.tobytes()
good_hdr = {'L.weight': {'dtype': 'F32', 'shape': [8, 16], 'data_offsets': [0, len(wb)]}}


def bad_st(tag, b, regex):
    return (raw('bad-%s.safetensors' % tag, b), regex)


def hdr_with(**kw):
    h = json.loads(json.dumps(good_hdr))
    h['L.weight'].update(kw)
    return h


BAD_ST = [
    bad_st('empty', b'', r'empty|truncated|too short|bytes'),
    bad_st('short', b'\x10\x00\x00', r'truncated|too short|bytes'),
    bad_st('hlen-huge', struct.pack('<Q', 1 << 40) + b'{}', r'header|length|bytes'),
    bad_st('hlen-past-end', struct.pack('<Q', 4096) + b'{"a":1}', r'header|length|bytes|truncated'),
    bad_st('not-json', st_bytes(b'{"L.weight": [nope', wb), r'JSON|json|parse'),
    bad_st('not-object', st_bytes(b'[1, 2, 3]', wb), r'object'),
    bad_st('dtype-f64', st_bytes(hdr_with(dtype='F64'), wb), r"dtype 'F64' is not one of"),
    bad_st('dtype-lower', st_bytes(hdr_with(dtype='f32'), wb), r"dtype 'f32' is not one of"),
    bad_st('shape-neg', st_bytes(hdr_with(shape=[-8, 16]), wb), r'shape'),
    bad_st('shape-float', st_bytes(hdr_with(shape=[8.5, 16]), wb), r'shape'),
    bad_st('shape-9d', st_bytes(hdr_with(shape=[1] * 9), wb), r'dimensions'),
    bad_st('offsets-reversed', st_bytes(hdr_with(data_offsets=[len(wb), 0]), wb), r'reversed'),
    bad_st('offsets-outside', st_bytes(hdr_with(data_offsets=[0, len(wb) + 64]), wb), r'outside the'),
    bad_st('offsets-one', st_bytes(hdr_with(data_offsets=[0]), wb), r'two non-negative'),
    bad_st('lying-shape', st_bytes(hdr_with(shape=[8, 32]), wb), r'lies about the shape|need'),
    bad_st('truncated-data', st_bytes(good_hdr, wb)[:-100], r'outside the|truncated'),
    bad_st('trailing', st_bytes(good_hdr, wb + b'\0' * 16), r'after the last tensor'),
    bad_st('hole', st_bytes(hdr_with(data_offsets=[8, len(wb) + 8]), b'\0' * 8 + wb), r'hole'),
    bad_st('meta-not-string', st_bytes(dict(good_hdr, __metadata__={'a': 1}), wb), r'__metadata__'),
    bad_st('missing-keys', st_bytes({'L.weight': {'dtype': 'F32'}}, wb), r'missing or mistyped'),
]
# two tensors overlapping, and a duplicate name (raw JSON text)
ov = {'L.weight': {'dtype': 'F32', 'shape': [8, 16], 'data_offsets': [0, len(wb)]},
      'L.other': {'dtype': 'F32', 'shape': [2], 'data_offsets': [0, 8]}}
BAD_ST.append(bad_st('overlap', st_bytes(ov, wb), r'overlap'))
dup = ('{"L.weight":{"dtype":"F32","shape":[8,16],"data_offsets":[0,%d]},'
       '"L.weight":{"dtype":"F32","shape":[8,16],"data_offsets":[%d,%d]}}' % (len(wb), len(wb), 2 * len(wb)))
BAD_ST.append(bad_st('dup-name', st_bytes(dup.encode(), wb + wb), r'twice'))

for f, rx in BAD_ST:
    tag = os.path.basename(f)
    # as weights
    case('run-w-' + tag, 1, rx, 'run', '--weights', f, '--trace', good_t, '--layer', 'L',
         '--out', '{OUT}/o.safetensors')
    case('ref-w-' + tag, 1, rx, 'ref', '--weights', f, '--trace', good_t, '--layer', 'L',
         '--out', '{OUT}/r.safetensors')
    case('map-w-' + tag, 1, rx, 'map', '--weights', f, '--image', '{OUT}/m.axi')
    # as trace
    case('run-t-' + tag, 1, rx, 'run', '--weights', good_w, '--trace', f, '--layer', 'L',
         '--out', '{OUT}/o.safetensors')
    case('ref-t-' + tag, 1, rx, 'ref', '--weights', good_w, '--trace', f, '--layer', 'L',
         '--out', '{OUT}/r.safetensors')
    case('encode-' + tag, 1, rx, 'encode', '--input', f + ':L.weight', '--counts-out',
         '{OUT}/c.npy')
    case('raster-' + tag, 1, rx, 'plot', '--raster', '--trace', f + ':L.weight', '--out',
         '{OUT}/r.png')
    case('map-t-' + tag, 1, rx, 'map', '--weights', good_w, '--trace', f)
    case('compare-' + tag, 1, rx, 'compare', good_w, f)

# ---- malformed NPY ----

xb = X.tobytes()
BAD_NPY = [
    (raw('bad-magic.npy', b'\x93NUMPX\x01\x00' + npy_bytes('<f4', (4, 16), xb)[8:]), r'magic|NPY|NUMPY'),
    (raw('bad-version.npy', npy_bytes('<f4', (4, 16), xb, version=(9, 0))), r'version'),
    (raw('bad-fortran.npy', npy_bytes('<f4', (4, 16), xb, fortran=True)), r'[Ff]ortran'),
    (raw('bad-bigendian.npy', npy_bytes('>f4', (4, 16), xb)), r'big-endian'),
    (raw('bad-f8.npy', npy_bytes('<f8', (4, 16), xb + xb)), r"dtype '<f8' is not one of"),
    (raw('bad-truncated.npy', npy_bytes('<f4', (4, 16), xb[:-10])), r'truncated'),
    (raw('bad-trailing.npy', npy_bytes('<f4', (4, 16), xb + b'1234')), r'does not describe|after the data'),
    (raw('bad-hdr-cut.npy', npy_bytes('<f4', (4, 16), xb)[:30]), r'truncated|header'),
    (raw('bad-extra-key.npy', npy_bytes('<f4', (4, 16), xb, extra="'x': 1, ")), r'keys'),
    (raw('bad-shape-neg.npy', npy_bytes('<f4', (-4, 16), xb)), r'shape'),
]
for f, rx in BAD_NPY:
    tag = os.path.basename(f)
    case('encode-' + tag, 1, rx, 'encode', '--input', f, '--counts-out', '{OUT}/c.npy')
    case('run-t-' + tag, 1, rx, 'run', '--weights', good_w, '--trace', f, '--layer', 'L',
         '--out', '{OUT}/o.safetensors')
    case('raster-' + tag, 1, rx, 'plot', '--raster', '--trace', f, '--out', '{OUT}/r.png')
    case('map-' + tag, 1, rx, 'map', '--weights', f, '--image', '{OUT}/m.axi')

# ---- well-formed files with bad content: NaN, shapes, dtypes, ranges ----

Xn = X.copy()
Xn[2, 5] = np.nan
Wi = W.copy()
Wi[3, 7] = np.inf
q = rng.integers(-127, 128, (8, 16)).astype(np.int8)
q128 = q.copy()
q128[1, 1] = -128
cnt64 = rng.integers(-5, 6, (4, 16)).astype(np.int64)
cnt64[1, 3] = 1 << 40
content = {
    'nan-input': ({'L.weight': W}, {'L.input': Xn}, r'activation of token 2, channel 5 is NaN'),
    'inf-weight': ({'L.weight': Wi}, {'L.input': X}, r'weight\[3\]\[7\] is \+Inf'),
    'in-mismatch': ({'L.weight': W}, {'L.input': X[:, :12].copy()}, r'12 features but L.weight'),
    'out-mismatch': ({'L.weight': W}, {'L.input': X, 'L.output': np.zeros((4, 5), np.float32)},
                     r"'L.output' does not fit"),
    'weight-3d': ({'L.weight': W.reshape(2, 4, 16)}, {'L.input': X}, r'dimensions'),
    'int8-minus128': ({'L.weight': q128, 'L.weight_scale': np.ones(8, np.float32)}, {'L.input': X},
                      r'-128, outside \[-127, 127\]'),
    'scale-shape': ({'L.weight': q, 'L.weight_scale': np.ones(3, np.float32)}, {'L.input': X},
                    r'weight_scale.*shape|does not fit'),
    'int64-overflow': ({'L.weight': W}, {'L.input': cnt64}, r'outside int32'),
    'i32-weight': ({'L.weight': q.astype(np.int32)}, {'L.input': X}, r'expected a float or int8'),
    'no-input': ({'L.weight': W}, {'L.other': X}, r"no tensor 'L.input'"),
    'no-weight': ({'M.weight': W}, {'L.input': X}, r"no tensor 'L.weight'"),
    'empty-tokens': ({'L.weight': W}, {'L.input': np.zeros((0, 16), np.float32)}, r'empty|0 tokens|tokens'),
}
for tag, (wt, tt, rx) in content.items():
    wf = st_write('c-%s-w.safetensors' % tag, wt)
    tf = st_write('c-%s-t.safetensors' % tag, tt)
    case('run-' + tag, 1, rx, 'run', '--weights', wf, '--trace', tf, '--layer', 'L', '--out',
         '{OUT}/o.safetensors', '--vcd', '{OUT}/o.vcd', '--db', '{OUT}/r.db')
    if tag != 'out-mismatch':  # ref does not read <layer>.output
        case('ref-' + tag, 1, rx, 'ref', '--weights', wf, '--trace', tf, '--layer', 'L', '--out',
             '{OUT}/r.safetensors')
for tag in ('nan-input', 'int64-overflow'):
    tf = path('c-%s-t.safetensors' % tag)
    rx = content[tag][2]
    case('encode-' + tag, 1, rx, 'encode', '--input', tf + ':L.input', '--counts-out',
         '{OUT}/c.npy', '--trains-out', '{OUT}/t.npy')
    case('raster-' + tag, 1, rx, 'plot', '--raster', '--trace', tf + ':L.input', '--out',
         '{OUT}/r.png')
case('map-t-in-mismatch', 1, r'12 features but L.weight is \[8, 16\]', 'map', '--weights', good_w,
     '--trace', path('c-in-mismatch-t.safetensors'), '--image', '{OUT}/m.axi')
for tag in ('inf-weight', 'int8-minus128', 'weight-3d'):
    wf = path('c-%s-w.safetensors' % tag)
    case('map-' + tag, 1, content[tag][2], 'map', '--weights', wf, '--image', '{OUT}/m.axi')

# ---- damaged core images ----

if GOOD_IMAGE:
    img = open(GOOD_IMAGE, 'rb').read()
    bad_img = {
        'img-empty': (b'', r'truncated'),
        'img-header-cut': (img[:40], r'truncated'),
        'img-magic': (b'X' + img[1:], r'bad magic'),
        'img-version': (img[:8] + b'\x09' + img[9:], r'unsupported version 9'),
        'img-checksum': (img[:200] + bytes([img[200] ^ 0x5a]) + img[201:], r'checksum|offset'),
        'img-truncated': (img[:-7], r'truncated|says'),
        'img-trailing': (img + b'\0' * 8, r'trailing'),
    }
    for tag, (b, rx) in bad_img.items():
        f = raw(tag + '.axi', b)
        case('readimage-' + tag, 1, rx, 'map', '--read-image', f)
        case('runimage-' + tag, 1, rx, 'run', '--image', f, '--trace', good_t, '--layer', 'L',
             '--out', '{OUT}/o.safetensors')

# ---- not databases, bad tables and architecture files ----

notdb = raw('notdb.db', b'this is not a database' * 50)
for cid, argv in [('query', ['query', '--db', notdb, 'runs']),
                  ('plot', ['plot', '--db', notdb, '--x', 'clock_mhz', '--y', 'power_mw', '--out', '{OUT}/p.png']),
                  ('dbcheck', ['db', 'check', notdb]),
                  ('dbmerge', ['db', 'merge', '{OUT}/m.db', notdb]),
                  ('run-db', ['run', '--weights', good_w, '--trace', good_t, '--layer', 'L', '--db', notdb])]:
    case('notdb-' + cid, 1, r'notdb.db.*(not a database|not an axon)', *argv)
case('dbmerge-missing', 1, r'no such shard', 'db', 'merge', '{OUT}/m.db', path('absent.db'))
case('db-unknown', 2, r"unknown subcommand 'frobnicate'", 'db', 'frobnicate')
case('query-jsoncsv', 2, r'exclude each other', 'query', '--json', '--csv', 'runs')
case('map-jsoncsv', 2, r'exclude each other', 'map', '--weights', good_w, '--json', '--csv')
case('encode-jsoncsv', 2, r'exclude each other', 'encode', '--input', good_t + ':L.input', '--json', '--csv')

tech = raw('bad-tech.csv', b'component,action,attributes,energy_pj,area_um2,leakage_uw,source\nadd,int8,,abc,,,x\n')
case('tech-csv', 1, r'bad-tech.csv', 'run', '--weights', good_w, '--trace', good_t, '--layer', 'L', '--tech', tech)
arch = raw('bad-arch.json', b'{"tile": "0x0", "clock_mhz": "fast"')
case('arch-json', 12, r'bad-arch.json', 'run', '--weights', good_w, '--trace', good_t, '--layer', 'L', '--arch', arch)
claim = raw('bad.claim', b'[claim]\nname = x\n[workload]\ngen.preset = tiny\n[assumption a]\nlanes = many\n')
case('claim-value', 2, r'bad.claim: line 6: --lanes', 'claim', '--claim', claim)
claim2 = raw('bad2.claim', b'[claim]\nname = x\n[workload]\nweights = w.st\n[target t]\nmetric = layer\nvalue = 1\n')
case('claim-metric', 2, r'bad2.claim: line 6: .layer. is a text field', 'claim', '--claim', claim2)
case('claim-trunc', 1, r'bad3.claim: line 3: expected \[section\]', 'claim', '--claim',
     raw('bad3.claim', b'[claim]\nname = x\n[workl'))

# ---- bad output paths, for every writer ----

writers = {
    'gen': ['gen', '--weights-out', '{P}', '--trace-out', '{OUT}/t.safetensors'],
    'run-out': ['run', '--weights', good_w, '--trace', good_t, '--layer', 'L', '--out', '{P}'],
    'run-vcd': ['run', '--weights', good_w, '--trace', good_t, '--layer', 'L', '--vcd', '{P}'],
    'ref-out': ['ref', '--weights', good_w, '--trace', good_t, '--layer', 'L', '--out', '{P}'],
    'map-image': ['map', '--weights', good_w, '--image', '{P}'],
    'encode-counts': ['encode', '--input', good_t + ':L.input', '--counts-out', '{P}'],
    'raster-out': ['plot', '--raster', '--trace', good_t + ':L.input', '--out', '{P}.png'],
    'claim-plot': ['claim', '--claim', os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..',
                                                  'claims', 'spikingbrain2.claim'), '--plot', '{P}.png'],
}
os.makedirs(path('adir'), exist_ok=True)
targets = {
    'nodir': ('{OUT}/no/such/dir/f', r"'.*no/such/dir' does not exist"),
    'fifo': ('{FIFO}', r'is a FIFO; refusing'),
    'device': ('/dev/null', r'is a device; refusing'),
    'directory': (path('adir'), r'is a directory; refusing'),
}
for w, argv in writers.items():
    for t, (p, rx) in targets.items():
        if w in ('raster-out', 'claim-plot') and t in ('fifo', 'device', 'directory'):
            continue  # the .png suffix makes these other paths
        case('path-%s-%s' % (w, t), 1, rx, *[a.replace('{P}', p) for a in argv])
case('path-gen-same', 2, r'are the same file', 'gen', '--weights-out', '{OUT}/a.st', '--trace-out',
     '{OUT}/../' + '{OUTNAME}/a.st')
case('path-gen-huge', 1, r'needs .* GiB .* free', 'gen', '--preset', 'qwen7b-mlp', '--tokens', '16000000',
     '--weights-out', '{OUT}/w.st', '--trace-out', '{OUT}/t.st')
case('path-merge-nodir', 1, r'does not exist', 'db', 'merge', '{OUT}/no/dir/m.db', notdb)

with open(path('cases.tsv'), 'w') as f:
    for c in cases:
        f.write('\t'.join(c) + '\n')
print(len(cases), 'cases in', path('cases.tsv'))
