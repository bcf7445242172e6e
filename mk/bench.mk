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
