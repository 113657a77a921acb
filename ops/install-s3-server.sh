#!/usr/bin/env bash
# Installs an S3-compatible server for the attachment storage tests: moto's standalone server (from
# PyPI, `moto_server`, which speaks the S3 API) in a project-local virtual environment, .tools/moto.
# test/support/s3.ts calls it and starts the server on a free port. Does nothing when the pinned
# version is there already. Pinned: change the version here only.
set -euo pipefail
MOTO_VERSION=5.2.5
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/.tools/moto"
stamp="$dest/.version"
if [ -x "$dest/bin/moto_server" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$MOTO_VERSION" ]; then
  exit 0
fi
py="$(command -v python3 || command -v python || true)"
if [ -z "$py" ]; then
  echo "install-s3-server: python3 (3.9 or newer, with venv) is needed to install moto from PyPI" >&2
  exit 1
fi
echo "install-s3-server: installing moto[server]==$MOTO_VERSION from PyPI into $dest" >&2
# A virtual environment records its own path: it is made in place; the stamp is written last, so an
# interrupted install is redone from scratch next time.
rm -rf "$dest"
"$py" -m venv "$dest"
"$dest/bin/python" -m pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
echo "$MOTO_VERSION" > "$stamp"
echo "install-s3-server: installed into $dest" >&2
