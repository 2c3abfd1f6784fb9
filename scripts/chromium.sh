#!/usr/bin/env bash
# Prints the path of a headless-capable Chromium for the browser tests (tests/report.rs),
# installing Debian's `chromium` package when none is on PATH. Never downloads a browser
# any other way: without root or apt-get it fails, saying what to install.
set -euo pipefail
find_chromium() {
  local name
  for name in chromium chromium-browser; do
    command -v "$name" && return 0
  done
  return 1
}
if path=$(find_chromium); then
  echo "$path"
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "chromium.sh: installing Debian's chromium (no chromium on PATH)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends chromium >&2
  find_chromium || { echo "chromium.sh: chromium installed but not on PATH" >&2; exit 1; }
else
  echo "chromium.sh: Chromium is not installed: install Debian's chromium package" \
    "(apt-get install chromium)" >&2
  exit 1
fi
