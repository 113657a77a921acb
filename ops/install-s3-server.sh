#!/usr/bin/env bash
# Installs an S3-compatible server for the attachment storage tests: moto's standalone server (from
# PyPI, `moto_server`, which speaks the S3 API) into .tools/moto. test/support/s3.ts calls it and starts
# the server on a free port. Pinned: change the version here only.
set -euo pipefail
MOTO_VERSION=5.2.5
exec "$(dirname "$0")/install-pypi-venv.sh" moto moto_server "moto[server]==$MOTO_VERSION"
