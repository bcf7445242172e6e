# bench/bench_sim: simulator speed against a naive dense loop on the same
# input, as a ratio measured in the same run (never a timed assertion).
# bench/bench_perf: the hot path against the SIMD limit measured in the same
# run, thread scaling, timing cost (cycle-accurate vs functional) and the
# Brian2 comparison (docs/performance.md).
# `make bench` runs every benchmark; `make bench-sim` / `make bench-perf` one
# (BENCH_SIM_ARGS='--full', BENCH_PERF_ARGS='--full' for the 3584 -> 18944
# layer, 128 tokens).
BENCH_SIM := $(BUILD)/bench_sim
BENCH_PERF := $(BUILD)/bench_perf
ALL_EXTRA += $(BENCH_SIM) $(BENCH_PERF)
$(BENCH_SIM): $(BUILD)/bench/bench_sim.o $(LIBAXON)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(BENCH_PERF): $(BUILD)/bench/bench_perf.o $(LIBAXON)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
# the limit loops are plain C: -O3 lets the compiler vectorize them per target
$(BUILD)/bench/bench_perf.o: CFLAGS += -O3
.PHONY: bench bench-sim bench-perf
bench: bench-sim bench-perf
bench-sim: $(BENCH_SIM)
	$(BENCH_SIM) $(BENCH_SIM_ARGS)
bench-perf: $(BENCH_PERF)
	AXON_ROOT=$(CURDIR) $(BENCH_PERF) $(BENCH_PERF_ARGS)
-include $(BUILD)/bench/bench_sim.d $(BUILD)/bench/bench_perf.d
-include $(BUILD)/bench/bench_sim.d

# bench/bench_io: the fixed costs of a run and of a sweep (weight loading
# and its peak RSS, core image open and per-layer load, axon gen, sweep
# points/s with and without sharing, cost growth), each against a baseline
# or a limit measured in the same run. BENCH_IO_ARGS='--quick' for small
# sizes (make bench uses the full ones).
BENCH_IO := $(BUILD)/bench_io
ALL_EXTRA += $(BENCH_IO)
$(BENCH_IO): $(BUILD)/bench/bench_io.o $(LIBAXON)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
.PHONY: bench-io
bench: bench-io
bench-io: $(BENCH_IO)
	$(BENCH_IO) $(BENCH_IO_ARGS)
-include $(BUILD)/bench/bench_io.d

# bench/bench_whole.sh: whole-process `axon run --threads 1` against
# `--threads 2` on the Qwen2.5-7B up_proj (128 tokens), and the 36-point
# sweep against one run (64 tokens, --jobs 2); ratios of wall and CPU time
# measured in the same session (BENCH_WHOLE_REPEAT, default 3).
.PHONY: bench-whole
bench: bench-whole
bench-whole: $(AXON)
	bash bench/bench_whole.sh $(AXON) $(BENCH_WHOLE_REPEAT)
