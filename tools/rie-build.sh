#!/usr/bin/env bash
# Builds AWS's Lambda Runtime Interface Emulator (the rapid state machine Lambda runs) from its Go module,
# once: cached in .cache/rie/ (ignored by git) with a hash of the version, for the Extensions API
# conformance test (test/e2e/rie-conformance.test.ts). Needs Go and the Go module proxy.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=v0.0.0-20261030222936-bef5c4ba774d
CACHE=.cache/rie
BINARY="$CACHE/aws-lambda-rie"

if ! command -v go >/dev/null 2>&1; then
  echo "rie:build: Go is not installed; the RIE cannot be built (the conformance test needs it)" >&2
  exit 3
fi
hash=$( (echo "$VERSION"; go version) | sha256sum | cut -c1-16)
if [[ -x "$BINARY" && "$(cat "$CACHE/version.hash" 2>/dev/null)" == "$hash" ]]; then
  echo "rie:build: cached $BINARY"
  exit 0
fi
mkdir -p "$CACHE/bin"
echo "rie:build: building aws-lambda-rie@$VERSION"
GOBIN="$PWD/$CACHE/bin" GOFLAGS=-buildvcs=false nice -n 19 go install "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@$VERSION"
cp "$CACHE/bin/aws-lambda-rie" "$BINARY"
echo "$hash" > "$CACHE/version.hash"
echo "rie:build: built $BINARY"
