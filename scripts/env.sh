# Sourced by the other scripts: puts the project's tools on PATH.
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
export CHROMEDRIVER=/usr/bin/chromedriver
# Playwright must use Debian's chromium and never download a browser.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
