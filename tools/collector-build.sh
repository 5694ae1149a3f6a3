#!/usr/bin/env bash
# Builds the OpenTelemetry Collector from local-stack/collector/manifest.yaml with the OpenTelemetry
# Collector Builder (ocb), once: the binary is cached in .cache/otelcol/ (ignored by git) together with a
# hash of the manifest, and rebuilt only when the manifest changes. Needs Go and the Go module proxy.
set -euo pipefail
cd "$(dirname "$0")/.."

MANIFEST=local-stack/collector/manifest.yaml
CACHE=.cache/otelcol
BINARY="$CACHE/otelcol-faas"
OCB_VERSION=$(sed -n 's/^  version: //p' "$MANIFEST")

if ! command -v go >/dev/null 2>&1; then
  echo "collector:build: Go is not installed; the collector cannot be built (end-to-end tests need it)" >&2
  exit 3
fi
hash=$( (sha256sum "$MANIFEST"; go version) | sha256sum | cut -c1-16)
if [[ -x "$BINARY" && "$(cat "$CACHE/manifest.hash" 2>/dev/null)" == "$hash" ]]; then
  echo "collector:build: cached $BINARY ($("$BINARY" --version))"
  exit 0
fi

mkdir -p "$CACHE/bin"
echo "collector:build: installing ocb v$OCB_VERSION"
GOBIN="$PWD/$CACHE/bin" GOFLAGS=-buildvcs=false go install "go.opentelemetry.io/collector/cmd/builder@v$OCB_VERSION"
echo "collector:build: building (a few minutes on a cold module cache)"
rm -rf "$CACHE/build"
"$CACHE/bin/builder" --config "$MANIFEST" --output-path "$CACHE/build"
cp "$CACHE/build/otelcol-faas" "$BINARY"
echo "$hash" > "$CACHE/manifest.hash"
echo "collector:build: built $BINARY ($("$BINARY" --version))"
