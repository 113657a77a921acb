#!/usr/bin/env bash
# Makes sure a Chromium for the browser tests is on this machine: Debian's `chromium` package, driven by
# playwright-core (which downloads no browser of its own). Does nothing when CHROMIUM_PATH or
# /usr/bin/chromium is there already; otherwise installs the package with apt-get (as root, or via sudo).
set -euo pipefail
if [ -n "${CHROMIUM_PATH:-}" ] && [ -x "$CHROMIUM_PATH" ]; then exit 0; fi
if [ -x /usr/bin/chromium ]; then exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-chromium: no apt-get here; install Chromium and set CHROMIUM_PATH to its executable" >&2
  exit 1
fi
as_root=()
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then as_root=(sudo -n)
  else
    echo "install-chromium: installing Debian's chromium needs root (apt-get install chromium), or set CHROMIUM_PATH" >&2
    exit 1
  fi
fi
echo "install-chromium: installing Debian's chromium package for the browser tests" >&2
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >/dev/null \
  || { "${as_root[@]}" apt-get update -qq && "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >/dev/null; }
echo "install-chromium: installed /usr/bin/chromium" >&2
