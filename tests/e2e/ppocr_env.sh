# Sourced by the e2e tests that run on the shipped PP-OCRv4 trace (traces/ppocr/,
# docs/real-traces.md): W and T are its weights and trace, L its default layer
# (fc2, two cores); without the trace the test is skipped (exit 77).
W="$AXON_ROOT/traces/ppocr/ppocr-rec.weights.safetensors"
T="$AXON_ROOT/traces/ppocr/ppocr-rec.trace.safetensors"
L=model.layers.0.mlp.fc2
[ -f "$W" ] && [ -f "$T" ] || { echo "shipped PP-OCR trace missing"; exit 77; }
