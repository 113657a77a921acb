#!/usr/bin/env bash
# Installs one pinned PyPI tool into its own project-local virtual environment, .tools/<name>:
#   ops/install-pypi-venv.sh <name> <executable in bin/> <requirement==version>
# Does nothing when that requirement is installed already. Used by the installers of the test tools
# (install-schemathesis.sh, install-s3-server.sh), which hold the pinned versions.
set -euo pipefail
name="$1" executable="$2" requirement="$3"
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/.tools/$name"
stamp="$dest/.version"
if [ -x "$dest/bin/$executable" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$requirement" ]; then
  exit 0
fi
py="$(command -v python3 || command -v python || true)"
if [ -z "$py" ]; then
  echo "install $name: python3 (3.9 or newer, with venv) is needed to install $requirement from PyPI" >&2
  exit 1
fi
echo "install $name: installing $requirement from PyPI into $dest" >&2
# A virtual environment records its own path: it is made in place; the stamp is written last, so an
# interrupted install is redone from scratch next time.
rm -rf "$dest"
"$py" -m venv "$dest"
"$dest/bin/python" -m pip install --quiet --disable-pip-version-check "$requirement"
echo "$requirement" > "$stamp"
echo "install $name: installed into $dest" >&2
