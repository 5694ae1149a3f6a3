#!/usr/bin/env bash
# Builds Jaeger v2 (the trace store of the end-to-end tests and `npm run stack`: OTLP in, traces by id out)
# from its Go module, once: the binary is cached in .cache/jaeger/ (ignored by git) with a hash of the pinned
# version and the Go version, and rebuilt only when either changes. Needs Go and the Go module proxy (no docker).
set -euo pipefail
cd "$(dirname "$0")/.."

JAEGER_VERSION=1.76.0
CACHE=.cache/jaeger
BINARY="$CACHE/jaeger"

if ! command -v go >/dev/null 2>&1; then
  echo "jaeger:build: Go is not installed; Jaeger cannot be built (the end-to-end tests need it)" >&2
  exit 3
fi
# Rebuilt when the pinned version or Go changes (not on an edit of this script: a build takes minutes).
hash=$( (echo "$JAEGER_VERSION"; go version) | sha256sum | cut -c1-16)
if [[ -x "$BINARY" && "$(cat "$CACHE/build.hash" 2>/dev/null)" == "$hash" ]]; then
  echo "jaeger:build: cached $BINARY (Jaeger v$JAEGER_VERSION)"
  exit 0
fi

mkdir -p "$CACHE"
echo "jaeger:build: downloading github.com/jaegertracing/jaeger@v$JAEGER_VERSION"
src=$(go mod download -json "github.com/jaegertracing/jaeger@v$JAEGER_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
rm -rf "$CACHE/src"
cp -r "$src" "$CACHE/src"
chmod -R u+w "$CACHE/src"

echo "jaeger:build: building (about 4 minutes on a cold module cache)"
# The copy sits inside this repository: no VCS stamping from it. Niced: CI machines are small.
(cd "$CACHE/src" && nice -n 19 go build -buildvcs=false -o ../jaeger.new ./cmd/jaeger)
mv "$CACHE/jaeger.new" "$BINARY"
rm -rf "$CACHE/src"
echo "$hash" > "$CACHE/build.hash"
echo "jaeger:build: built $BINARY"
