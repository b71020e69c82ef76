#!/usr/bin/env bash
# Install every tool Loupe needs, skipping what is already there. Safe to run twice.
# Nothing is fetched from GitHub: Rust tools come from crates.io, browsers from Debian,
# JS tools from npm.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

TRUNK_VERSION=0.21.14
# The wasm-bindgen CLI must match the library in Cargo.lock exactly, or trunk tries to
# download one.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)

step() { printf '\n== %s\n' "$*"; }

# The Rust tools are built from source without link-time optimisation and in 16 units:
# they are build tools, and their own release profiles (fat LTO, one unit) made a fresh
# machine spend most of its setup linking trunk.
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# What the package managers install (Debian's packages, npm's, PyPI's) waits on the network
# and the disk, and the cargo builds below on the CPU: the first run beside the second,
# with its output kept until it is done.
packages() {
  # The fonts let headless Chromium draw emoji and CJK in tests and screenshots. Firefox ESR,
  # WebKitGTK's WebDriver (it drives MiniBrowser) and Xvfb (MiniBrowser needs a display) run
  # the cross-browser tests.
  DEBIAN_PACKAGES="chromium chromium-driver fonts-noto-color-emoji fonts-noto-cjk firefox-esr webkit2gtk-driver xvfb"
  if ! dpkg -s $DEBIAN_PACKAGES >/dev/null 2>&1; then
    step "installing Debian packages: $DEBIAN_PACKAGES"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    # Wait for another apt run to finish instead of failing on its lock.
    $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq $DEBIAN_PACKAGES
  fi

  # npm ci wipes node_modules, so run it only when the lock file changed since the last run.
  if ! cmp -s package-lock.json node_modules/.loupe-installed-lock 2>/dev/null; then
    step "installing npm packages (npm ci)"
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
    cp package-lock.json node_modules/.loupe-installed-lock
  fi

  # The Python consumers of Loupe's exports (spaCy, seqeval, pandas, …) for
  # scripts/interop.sh: a venv in .venv, made again only when the pinned requirements change.
  if ! cmp -s tests/interop/requirements.txt .venv/.loupe-requirements 2>/dev/null; then
    step "installing the Python interop checks' packages into .venv"
    rm -rf .venv
    python3 -m venv .venv
    .venv/bin/pip install --quiet --disable-pip-version-check -r tests/interop/requirements.txt
    cp tests/interop/requirements.txt .venv/.loupe-requirements
  fi
}
PACKAGES_LOG=$(mktemp)
packages >"$PACKAGES_LOG" 2>&1 &
PACKAGES_PID=$!
# Should a cargo build fail, apt is left to finish rather than cut off mid-install.
trap 'wait "$PACKAGES_PID" 2>/dev/null || true; rm -f "$PACKAGES_LOG"' EXIT

if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  step "installing trunk $TRUNK_VERSION"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  step "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Not --locked: the registry lacks one of its locked dependencies.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# geckodriver drives Firefox for the wasm-bindgen tests and the WebDriver suite; crates.io
# has it, so nothing comes from GitHub.
GECKODRIVER_VERSION=0.37.1
if [ "$(geckodriver --version 2>/dev/null | awk 'NR == 1 { print $1, $2 }')" != "geckodriver $GECKODRIVER_VERSION" ]; then
  step "installing geckodriver $GECKODRIVER_VERSION"
  cargo install geckodriver --version "$GECKODRIVER_VERSION" --locked
fi

if ! wait "$PACKAGES_PID"; then
  cat "$PACKAGES_LOG"
  echo "setup: installing the Debian, npm or Python packages failed (output above)" >&2
  exit 1
fi
cat "$PACKAGES_LOG"

command -v wasm-opt >/dev/null || { echo "wasm-opt missing after npm ci" >&2; exit 1; }
