#!/usr/bin/env bash
# Builds Jaeger v2 (the trace store of the end-to-end tests and `npm run stack`: OTLP in, traces by id out) from
# its Go module, once (see tools/go-module-build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/go-module-build.sh

go_module_build jaeger github.com/jaegertracing/jaeger 1.76.0 ./cmd/jaeger
