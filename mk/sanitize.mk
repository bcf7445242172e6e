# The sanitizer suite in CI size (issue: "run the sanitizer suites in CI-sized
# form"). `make test` builds axon and the unit-test binary a second time with
# AddressSanitizer and UndefinedBehaviorSanitizer into build-san/ (-O1, so the
# build stays short), and tests/e2e/test_sanitize.sh runs the unit tests, the
# bad-input matrix and the everyday end-to-end tests on it, failing on any
# sanitizer report. The full suite under one sanitizer is still
# `make SANITIZER=address test` (or undefined), in build-address/.
SAN_BUILD := build-san
SAN_KINDS := address,undefined
.PHONY: sanitize-build
sanitize-build:
	$(MAKE) BUILD=$(SAN_BUILD) SANITIZER=$(SAN_KINDS) OPT=-O1 $(SAN_BUILD)/axon $(SAN_BUILD)/test_unit
# Not inside a sanitizer build of the whole suite (it is that already).
ifeq ($(SANITIZER),)
TEST_EXTRA += sanitize-build
endif
