#!/usr/bin/env bash
# Installs schemathesis (the property-based API tester, from PyPI) into .tools/schemathesis, for
# test/badinput/schemathesis.test.ts and ops/schemathesis.ts. Pinned: change the version here only.
set -euo pipefail
SCHEMATHESIS_VERSION=4.32.5
exec "$(dirname "$0")/install-pypi-venv.sh" schemathesis st "schemathesis==$SCHEMATHESIS_VERSION"
