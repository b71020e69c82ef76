#!/usr/bin/env bash
# Python interop checks: every tests/interop/check_*.py, run with the venv's Python
# against the CLI (LOUPE_BIN, default target/debug/loupe). scripts/setup.sh makes the
# venv from tests/interop/requirements.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
if [ ! -x "$PY" ]; then
  echo "interop: no $PY; run scripts/setup.sh to make the venv" >&2
  exit 2
fi
export LOUPE_BIN="${LOUPE_BIN:-target/debug/loupe}"
[ -x "$LOUPE_BIN" ] || cargo build --bin loupe
status=0
for check in tests/interop/check_*.py; do
  echo "== $check"
  "$PY" "$check" || status=1
done
exit $status
