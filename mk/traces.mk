# traces: the test helper the trace e2e tests drive (prints tensors as text,
# re-saves them as NPY). Not part of the product, so not in libaxon.
TRACE_DUMP := $(BUILD)/trace_dump
TEST_EXTRA += $(TRACE_DUMP)

$(TRACE_DUMP): $(BUILD)/tests/tools/trace_dump.o $(LIBAXON)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

-include $(BUILD)/tests/tools/trace_dump.d

# bench/bench_trace: writer, open and conversion speed against plain
# write/memcpy in the same run; runs with `make bench`.
BENCH_TRACE := $(BUILD)/bench_trace
ALL_EXTRA += $(BENCH_TRACE)
$(BENCH_TRACE): $(BUILD)/bench/bench_trace.o $(LIBAXON)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
.PHONY: bench-trace
bench: bench-trace
bench-trace: $(BENCH_TRACE)
	$(BENCH_TRACE)
-include $(BUILD)/bench/bench_trace.d
