#!/usr/bin/env bash
# Build the release bundle into dist/, plus the self-contained dist/loupe.html.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
trunk build --release --offline
node scripts/single-file.mjs dist
