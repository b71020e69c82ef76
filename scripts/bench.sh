#!/usr/bin/env bash
# Benchmarks: the native model benchmark, then the browser benchmark (writes BENCHMARKS.md).
# LOUPE_DIST picks the bundle folder (dist by default) for the build and the browser run.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
if [ -f benches/model.rs ]; then
  cargo bench --bench model
fi
if [ -f benches/suggest.rs ]; then
  cargo bench --bench suggest
fi
scripts/build.sh
# Training in a worker, on the corpus the suggest benchmark wrote (tests/bench/trainer.md).
if [ -f benches/suggest.rs ]; then
  node tests/bench/trainer-bench.mjs
fi
node tests/bench/browser-bench.mjs
