#!/usr/bin/env bash
# Builds Grafana Loki (the real one, for the end-to-end tests and `npm run stack`) from its Go module, once
# (see tools/go-module-build.sh). Loki's go.mod replaces github.com/grafana/loki/pkg/push with ./pkg/push, a
# nested module that the module zip leaves out, so it is downloaded at the pinned version and copied into place.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/go-module-build.sh

add_push_module() {
  local src=$1 push_version
  push_version=$(sed -n 's/^\tgithub.com\/grafana\/loki\/pkg\/push \(v[^ ]*\).*$/\1/p' "$src/go.mod" | head -1)
  if [[ -z "$push_version" ]]; then
    echo "loki:build: no github.com/grafana/loki/pkg/push requirement in go.mod" >&2
    exit 1
  fi
  rm -rf "$src/pkg/push"
  cp -r "$(module_dir "github.com/grafana/loki/pkg/push@$push_version")" "$src/pkg/push"
  chmod -R u+w "$src/pkg/push"
}

go_module_build loki github.com/grafana/loki/v3 3.7.8 ./cmd/loki add_push_module
