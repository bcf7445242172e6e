// Runs an ONNX model on CPU with onnxruntime-node and dumps every output.
// Usage: node run_ort.js MODEL.onnx INPUT.bin N,C,H,W OUTDIR
// INPUT.bin is raw little-endian float32; each output is written as
// OUTDIR/<i>.bin (float32) and OUTDIR/manifest.json lists names and shapes.
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

async function main() {
  const [model, input, shapeArg, outdir] = process.argv.slice(2);
  const shape = shapeArg.split(',').map(Number);
  const buf = fs.readFileSync(input);
  const data = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  const sess = await ort.InferenceSession.create(model, { graphOptimizationLevel: 'disabled' });
  const feeds = { [sess.inputNames[0]]: new ort.Tensor('float32', data, shape) };
  const res = await sess.run(feeds);
  fs.mkdirSync(outdir, { recursive: true });
  const manifest = [];
  sess.outputNames.forEach((name, i) => {
    const t = res[name];
    if (t.type !== 'float32') throw new Error(`output ${name} has type ${t.type}`);
    fs.writeFileSync(path.join(outdir, `${i}.bin`), Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    manifest.push({ name, file: `${i}.bin`, dims: t.dims });
  });
  fs.writeFileSync(path.join(outdir, 'manifest.json'), JSON.stringify(manifest));
}

main().catch((e) => { console.error(`run_ort.js: ${e.message}`); process.exit(1); });
