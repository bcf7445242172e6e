# Real-model traces (docs/real-traces.md).
#   make traces-real            transformer blocks + output layer -> build/traces-real/
#   make traces-real FULL=1     also every 1x1 conv of the backbone and neck (large)
#   make traces-real OUT=traces/ppocr   regenerate the committed trace
REAL_OUT ?= $(if $(OUT),$(OUT),build/traces-real)
.PHONY: traces-real
traces-real:
	bash traces/real/make_real.sh $(REAL_OUT) $(if $(FULL),--full) $(if $(LINES),--lines $(LINES))
