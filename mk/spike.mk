# spike/: bench_spike (event-stream construction against a naive dense
# generator, ratios only). Built by `make`; `make bench` also runs it.
BENCH_SPIKE := $(BUILD)/bench_spike
$(BENCH_SPIKE): $(BUILD)/bench/bench_spike.o $(LIBAXON)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
ALL_EXTRA += $(BENCH_SPIKE)
.PHONY: bench-spike
bench-spike: $(BENCH_SPIKE)
	$(BENCH_SPIKE)
bench: bench-spike
