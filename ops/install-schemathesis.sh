#!/usr/bin/env bash
# Installs schemathesis (the property-based API tester, from PyPI) into a project-local virtual
# environment, .tools/schemathesis, for test/badinput/schemathesis.test.ts and ops/schemathesis.ts.
# Does nothing when the pinned version is there already. Pinned: change the version here only.
set -euo pipefail
SCHEMATHESIS_VERSION=4.32.5
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/.tools/schemathesis"
stamp="$dest/.version"
if [ -x "$dest/bin/st" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$SCHEMATHESIS_VERSION" ]; then
  exit 0
fi
py="$(command -v python3 || command -v python || true)"
if [ -z "$py" ]; then
  echo "install-schemathesis: python3 (3.9 or newer, with venv) is needed to install schemathesis from PyPI" >&2
  exit 1
fi
echo "install-schemathesis: installing schemathesis==$SCHEMATHESIS_VERSION from PyPI into $dest" >&2
# A virtual environment records its own path: it is made in place; the stamp is written last, so an
# interrupted install is redone from scratch next time.
rm -rf "$dest"
"$py" -m venv "$dest"
"$dest/bin/python" -m pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
echo "$SCHEMATHESIS_VERSION" > "$stamp"
echo "install-schemathesis: installed into $dest" >&2
