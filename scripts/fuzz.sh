#!/usr/bin/env bash
# A short fuzzing run of every parser: `make fuzz`, FUZZ_SECONDS per target (20 by default).
# Needs the nightly toolchain and cargo-fuzz, which this installs from crates.io if missing.
# Not part of `make test`: a finding is a crash file under fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
seconds="${FUZZ_SECONDS:-20}"
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
targets=(brat doccano w3c loupe_json articles zip schema_json schema_brat)
# Seed each corpus with valid files, so the fuzzer starts from inputs that parse.
seed() {
  local dir="fuzz/corpus/$1"
  shift
  mkdir -p "$dir"
  for f in "$@"; do cp -n "$f" "$dir/"; done
}
for target in "${targets[@]}"; do
  case "$target" in
    brat) seed "$target" tests/fixtures/formats/strike.ann ;;
    doccano) seed "$target" tests/fixtures/formats/strike.jsonl ;;
    w3c) seed "$target" tests/fixtures/formats/strike.jsonld ;;
    loupe_json) seed "$target" tests/fixtures/loupe-0.json tests/fixtures/agreement/a.json ;;
    *) seed "$target" ;;
  esac
done
cargo +nightly fuzz build
failed=()
for target in "${targets[@]}"; do
  echo "== fuzz $target for ${seconds}s"
  if ! cargo +nightly fuzz run "$target" "fuzz/corpus/$target" -- \
      -max_total_time="$seconds" -max_len=65536 -print_final_stats=1 2>&1 | tail -n 12; then
    failed+=("$target")
  fi
done
if ((${#failed[@]})); then
  echo "fuzz: crashes in ${failed[*]}; see fuzz/artifacts/" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets ran ${seconds}s each without a crash"
