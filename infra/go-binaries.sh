#!/usr/bin/env bash
# Build the pinned Temporal CLI and MinIO server with `go install` through the
# Go module proxy, into a cache outside the work tree. A binary already there,
# or on PATH, at the pinned module version is used as it is.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"

bin_dir="${GRAFT_BIN_DIR:-${GRAFT_CACHE_DIR:-$HOME/.cache/graft}/bin}"
mkdir -p "$bin_dir"
log() { printf '[go-binaries] %s\n' "$*"; }

# The module version a Go binary was built from (`go version -m` reads it
# from the binary itself), or nothing.
built_version() {
  go version -m "$1" 2>/dev/null | awk -v mod="$2" '$1 == "mod" && $2 == mod { print $3 }'
}

# provide NAME MODULE_PATH PACKAGE VERSION
provide() {
  local name="$1" module="$2" package="$3" version="$4"
  local cached="$bin_dir/$name"
  if [ -x "$cached" ] && [ "$(built_version "$cached" "$module")" = "$version" ]; then
    log "$name $version: cached at $cached"; return
  fi
  local on_path
  on_path="$(command -v "$name" 2>/dev/null || true)"
  if [ -n "$on_path" ] && [ "$(built_version "$on_path" "$module")" = "$version" ]; then
    ln -sf "$on_path" "$cached"
    log "$name $version: using $on_path"; return
  fi
  command -v go >/dev/null || { log "Go is needed to build $name (apt-get install golang, or a Go >= 1.25 on PATH)"; exit 1; }
  log "building $name $version with go install (first time only; several minutes)…"
  local started=$SECONDS
  # -x would be too loud; `go install` prints each module it downloads, which
  # is the progress there is to show. A ticker shows the build is alive.
  ( while sleep 30; do log "  … still building $name ($((SECONDS - started)) s)"; done ) &
  local ticker=$!
  if ! GOBIN="$bin_dir" GOFLAGS="${GOFLAGS:-} -buildvcs=false" go install "$package@$version"; then
    kill "$ticker" 2>/dev/null; log "go install $package@$version failed"; exit 1
  fi
  kill "$ticker" 2>/dev/null || true
  log "$name $version built in $((SECONDS - started)) s"
}

provide temporal github.com/temporalio/cli "$TEMPORAL_CLI_MODULE" "$TEMPORAL_CLI_VERSION" &
temporal_job=$!
provide minio "$MINIO_MODULE" "$MINIO_MODULE" "$MINIO_VERSION" &
minio_job=$!
status=0
wait "$temporal_job" || status=1
wait "$minio_job" || status=1
exit "$status"
