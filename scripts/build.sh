#!/usr/bin/env bash
# Build the release bundle into dist/, plus the self-contained dist/loupe.html.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
# LOUPE_DIST lets parallel builds (e.g. two engineers in one tree) use separate folders.
dist="${LOUPE_DIST:-dist}"
trunk build --release --offline --dist "$dist"
node scripts/single-file.mjs "$dist"
