#!/usr/bin/env bash
# Build the release bundle into dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
trunk build --release --offline
