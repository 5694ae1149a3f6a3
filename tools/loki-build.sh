#!/usr/bin/env bash
# Builds Grafana Loki from its Go module, once: the binary is cached in .cache/loki/ (ignored by git) with a
# hash of the pinned version and the Go version, and rebuilt only when either changes. Needs Go and the Go module
# proxy (no docker). Loki's go.mod replaces github.com/grafana/loki/pkg/push with ./pkg/push, a nested module
# that the module zip leaves out, so it is downloaded at the pinned version and copied into place.
set -euo pipefail
cd "$(dirname "$0")/.."

LOKI_VERSION=3.7.8
CACHE=.cache/loki
BINARY="$CACHE/loki"

if ! command -v go >/dev/null 2>&1; then
  echo "loki:build: Go is not installed; Loki cannot be built (the end-to-end tests need it)" >&2
  exit 3
fi
# Rebuilt when the pinned version or Go changes (not on an edit of this script: a build takes minutes).
hash=$( (echo "$LOKI_VERSION"; go version) | sha256sum | cut -c1-16)
if [[ -x "$BINARY" && "$(cat "$CACHE/build.hash" 2>/dev/null)" == "$hash" ]]; then
  echo "loki:build: cached $BINARY (Loki $LOKI_VERSION)"
  exit 0
fi

mkdir -p "$CACHE"
echo "loki:build: downloading github.com/grafana/loki/v3@v$LOKI_VERSION"
src=$(go mod download -json "github.com/grafana/loki/v3@v$LOKI_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
rm -rf "$CACHE/src"
cp -r "$src" "$CACHE/src"
chmod -R u+w "$CACHE/src"
push_version=$(sed -n 's/^\tgithub.com\/grafana\/loki\/pkg\/push \(v[^ ]*\).*$/\1/p' "$CACHE/src/go.mod" | head -1)
if [[ -z "$push_version" ]]; then
  echo "loki:build: no github.com/grafana/loki/pkg/push requirement in go.mod" >&2
  exit 1
fi
push=$(go mod download -json "github.com/grafana/loki/pkg/push@$push_version" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
rm -rf "$CACHE/src/pkg/push"
cp -r "$push" "$CACHE/src/pkg/push"
chmod -R u+w "$CACHE/src/pkg/push"

echo "loki:build: building (about 5 minutes on a cold module cache)"
# The copy sits inside this repository: no VCS stamping from it. Niced: CI machines are small.
(cd "$CACHE/src" && nice -n 19 go build -buildvcs=false -o ../loki.new ./cmd/loki)
mv "$CACHE/loki.new" "$BINARY"
rm -rf "$CACHE/src"
echo "$hash" > "$CACHE/build.hash"
echo "loki:build: built $BINARY (Loki $LOKI_VERSION)"
