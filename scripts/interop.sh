#!/usr/bin/env bash
# The interop checks: every tests/interop/check_*.py, run in .venv (made by scripts/setup.sh),
# feeds Loupe's exports to the program they are for. The checks run the CLI at $LOUPE_BIN
# (target/debug/loupe, built here when it is not given).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
if [ ! -x .venv/bin/python ]; then
  echo "interop: .venv is missing; run scripts/setup.sh (or make setup) first" >&2
  exit 2
fi
if [ -z "${LOUPE_BIN:-}" ]; then
  cargo build --quiet --bin loupe
  LOUPE_BIN="$PWD/target/debug/loupe"
fi
export LOUPE_BIN
# No check may reach a network: no hub downloads, no remote JSON-LD contexts.
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_DISABLE_PROGRESS_BARS=1
export HF_HOME="${TMPDIR:-/tmp}/loupe-interop-hf"
passed=0
failed=0
for check in tests/interop/check_*.py; do
  if .venv/bin/python "$check"; then
    passed=$((passed + 1))
  else
    echo "interop: $check FAILED" >&2
    failed=$((failed + 1))
  fi
done
echo "interop: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
