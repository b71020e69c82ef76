# The two commands a user needs: `make run` and `make test`. Each installs what is missing.
.PHONY: setup run build test bench fuzz

setup:
	scripts/setup.sh

build: setup
	scripts/build.sh

run: setup
	scripts/run.sh

test: setup
	scripts/test.sh

bench: setup
	scripts/bench.sh

# A short cargo-fuzz run of every parser (nightly; FUZZ_SECONDS each, 20 by default).
fuzz:
	scripts/fuzz.sh
