# bench/bench_sim: simulator speed against a naive dense loop on the same
# input, as a ratio measured in the same run (never a timed assertion).
# `make bench` runs every benchmark; `make bench-sim` only this one
# (BENCH_SIM_ARGS='--full' for the 3584 -> 18944 layer, 128 tokens).
BENCH_SIM := $(BUILD)/bench_sim
ALL_EXTRA += $(BENCH_SIM)
$(BENCH_SIM): $(BUILD)/bench/bench_sim.o $(LIBAXON)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
.PHONY: bench bench-sim
bench: bench-sim
bench-sim: $(BENCH_SIM)
	$(BENCH_SIM) $(BENCH_SIM_ARGS)
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
