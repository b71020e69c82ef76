#!/usr/bin/env bash
# Build the release bundle and serve it at http://127.0.0.1:8080.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/build.sh
echo
echo "Loupe is running at http://127.0.0.1:8080  (Ctrl+C to stop)"
exec python3 -m http.server 8080 --bind 127.0.0.1 --directory dist
