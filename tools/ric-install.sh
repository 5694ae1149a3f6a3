#!/usr/bin/env bash
# Installs the real AWS Lambda Runtime Interface Client (aws-lambda-ric, native: needs cmake, autoconf,
# automake, libtool and a C++ toolchain) into .cache/ric/, so the end-to-end tests can also run functions
# under it. Not a project dependency: users never build native code.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=4.0.2
DIR=.cache/ric
if [[ -f "$DIR/node_modules/aws-lambda-ric/index.mjs" && -f "$DIR/node_modules/aws-lambda-ric/rapid-client.node" ]]; then
  echo "ric:install: cached aws-lambda-ric $VERSION"
  exit 0
fi
for tool in cmake autoconf automake libtoolize g++ make; do
  command -v "$tool" >/dev/null || { echo "ric:install: $tool is missing (apt-get install cmake autoconf automake libtool g++ make)" >&2; exit 3; }
done
mkdir -p "$DIR"
[[ -f "$DIR/package.json" ]] || echo '{ "name": "ric-cache", "private": true }' > "$DIR/package.json"
# Run the native build with the project's Node (node_modules/.bin first on PATH).
PATH="$PWD/node_modules/.bin:$PATH" npm install --prefix "$DIR" --no-audit --no-fund --foreground-scripts "aws-lambda-ric@$VERSION" > "$DIR/install.log" 2>&1 \
  || { tail -40 "$DIR/install.log" >&2; exit 1; }
echo "ric:install: built aws-lambda-ric $VERSION"
