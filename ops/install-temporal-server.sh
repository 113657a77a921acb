#!/usr/bin/env bash
# Builds a real Temporal server and its SQL schema tool into .tools/temporal-server from the Go module
# proxy (`go install`, about a minute on a quiet machine; Go's build cache makes later builds quick), and
# copies the server's PostgreSQL schemas beside them. This is the production topology's server, for the
# tests and the benchmark; production installs the same version its own way (docs/deployment.md).
# Pinned: change the version here and nowhere else.
set -euo pipefail
TEMPORAL_SERVER_VERSION=1.29.1
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/.tools/temporal-server"
stamp="$dest/.version"
if [ -x "$dest/bin/temporal-server" ] && [ -x "$dest/bin/temporal-sql-tool" ] && [ -d "$dest/schema/postgresql/v12" ] \
  && [ "$(cat "$stamp" 2>/dev/null)" = "$TEMPORAL_SERVER_VERSION" ]; then
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "install-temporal-server: Go is needed to build the Temporal server from the Go module proxy (apt-get install golang-go, or go.dev/dl)" >&2
  exit 1
fi
module="go.temporal.io/server"
echo "install-temporal-server: building $module@v$TEMPORAL_SERVER_VERSION (server and SQL tool) with $(go version | cut -d' ' -f3)" >&2
rm -rf "$dest.tmp"
mkdir -p "$dest.tmp/bin"
# Outside this project's folder, so no go.mod of ours is looked at; GOFLAGS of the caller are kept.
(cd "$dest.tmp" && GOBIN="$dest.tmp/bin" go install "$module/cmd/server@v$TEMPORAL_SERVER_VERSION" "$module/cmd/tools/sql@v$TEMPORAL_SERVER_VERSION")
mv "$dest.tmp/bin/server" "$dest.tmp/bin/temporal-server"
mv "$dest.tmp/bin/sql" "$dest.tmp/bin/temporal-sql-tool"
moddir="$(go mod download -json "$module@v$TEMPORAL_SERVER_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
if [ ! -d "$moddir/schema/postgresql/v12" ]; then
  echo "install-temporal-server: no schema/postgresql/v12 in the module ($moddir)" >&2
  exit 1
fi
mkdir -p "$dest.tmp/schema"
cp -R "$moddir/schema/postgresql" "$dest.tmp/schema/"
chmod -R u+w "$dest.tmp/schema"
echo "$TEMPORAL_SERVER_VERSION" > "$dest.tmp/.version"
rm -rf "$dest"
mv "$dest.tmp" "$dest"
echo "install-temporal-server: installed into $dest" >&2
