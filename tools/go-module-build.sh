#!/usr/bin/env bash
# Shared by tools/victorialogs-build.sh, tools/victoriametrics-build.sh and tools/jaeger-build.sh: builds one
# command of a Go module from the Go module proxy, once. The binary is cached in .cache/<name>/ (ignored by git)
# with a hash of the pinned version and the Go version, and rebuilt only when either changes (not on an edit of
# a script: a build takes minutes).
#
#   go_module_build <name> <module> <version> <package> [<function run in the writable copy before the build>]

go_module_build() {
  local name=$1 module=$2 version=$3 package=$4 prepare=${5:-}
  local cache=".cache/$name"
  local binary="$cache/$name"
  if ! command -v go >/dev/null 2>&1; then
    echo "$name:build: Go is not installed; $name cannot be built (the end-to-end tests need it)" >&2
    exit 3
  fi
  local hash
  hash=$( (echo "$version"; go version) | sha256sum | cut -c1-16)
  if [[ -x "$binary" && "$(cat "$cache/build.hash" 2>/dev/null)" == "$hash" ]]; then
    echo "$name:build: cached $binary ($module v$version)"
    return 0
  fi
  mkdir -p "$cache"
  echo "$name:build: downloading $module@v$version"
  rm -rf "$cache/src"
  cp -r "$(module_dir "$module@v$version")" "$cache/src"
  chmod -R u+w "$cache/src"
  if [[ -n "$prepare" ]]; then "$prepare" "$cache/src"; fi
  echo "$name:build: building $package (minutes on a cold module cache)"
  # The copy sits inside this repository: no VCS stamping from it. Niced: CI machines are small.
  (cd "$cache/src" && nice -n 19 go build -buildvcs=false -o "../$name.new" "$package")
  mv "$cache/$name.new" "$binary"
  rm -rf "$cache/src"
  echo "$hash" > "$cache/build.hash"
  echo "$name:build: built $binary ($module v$version)"
}

# The directory of a downloaded module version in the module cache.
module_dir() {
  go mod download -json "$1" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p'
}
