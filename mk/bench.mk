# bench/: benchmarks that print ratios measured in the same run (never
# timed assertions). `make bench` builds and runs them.
BENCH_SIM := $(BUILD)/bench_sim
$(BENCH_SIM): $(BUILD)/bench/bench_sim.o $(LIBAXON)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
ALL_EXTRA += $(BENCH_SIM)
.PHONY: bench
bench: $(BENCH_SIM)
	$(BENCH_SIM)
