#!/usr/bin/env bash
# Builds VictoriaMetrics (Apache-2.0; the metrics store of the end-to-end tests and `npm run stack`: OTLP metrics
# in, PromQL/MetricsQL out, its web UI built in) from its Go module, once (see tools/go-module-build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/go-module-build.sh

go_module_build victoria-metrics github.com/VictoriaMetrics/VictoriaMetrics 1.151.0 ./app/victoria-metrics
