#!/usr/bin/env bash
# Builds VictoriaLogs (Apache-2.0; the log store of the end-to-end tests and `npm run stack`: Loki push API and
# OTLP logs in, LogsQL out, its web UI built in) from its Go module, once (see tools/go-module-build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/go-module-build.sh

go_module_build victoria-logs github.com/VictoriaMetrics/VictoriaLogs 1.52.1 ./app/victoria-logs
