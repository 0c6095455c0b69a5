#!/usr/bin/env bash
# Everything Graft needs on a fresh machine, idempotently, with progress:
#   1. system packages (Fashion-MNIST data, Chromium for the report test);
#   2. npm dependencies, with install scripts off (see below);
#   3. native TensorFlow for @tensorflow/tfjs-node (infra/native-tf.sh);
#   4. the pinned Temporal CLI and MinIO server (infra/go-binaries.sh);
#   5. the ImageNet weights of the EfficientNet-Lite bases, their class names
#      and sample photos (infra/weights.sh), and the numpy venv of the test's
#      independent reference (infra/reference-venv.sh), and the Keras venv
#      that the Keras import/export tests and the benchmarks run
#      (bench/python/setup.sh: tensorflow-cpu, about 230 MB, once).
# A warm run only checks and takes a few seconds.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"
log() { printf '[provision] %s\n' "$*"; }
started=$SECONDS

# 1. System packages, from Debian. Installing needs root; without it, say
#    what is missing and go on (the parts that need it will fail clearly).
need_pkgs=()
[ -d /usr/share/datasets/fashion-mnist ] || need_pkgs+=(dataset-fashion-mnist)
[ -x /usr/bin/chromium ] || need_pkgs+=(chromium)
if [ "${#need_pkgs[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    log "installing Debian packages: ${need_pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q "${need_pkgs[@]}" >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null && apt-get install -y -q "${need_pkgs[@]}" >/dev/null; }
  else
    log "missing Debian packages (install them as root): ${need_pkgs[*]}"
  fi
fi

# 2. npm dependencies. Install scripts are off: npm here may hold them back
#    for approval, and of the four packages that have one only tfjs-node's
#    matters (step 3 runs it ourselves); @swc/core's, protobufjs's and
#    core-js's only check or print. A stamp of the lockfile's hash makes a
#    warm run skip `npm ci`.
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
stamp="node_modules/.graft-lock-hash"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
  log "installing npm dependencies (npm ci --ignore-scripts)"
  npm ci --ignore-scripts --no-audit --no-fund
  echo "$lock_hash" > "$stamp"
else
  log "npm dependencies up to date"
fi

# 3 and 4 are independent: the Go builds are the long part of a first run.
bash "$here/go-binaries.sh" &
go_job=$!
bash "$here/native-tf.sh"
bash "$here/weights.sh"
bash "$here/reference-venv.sh" >/dev/null
bash "$root/bench/python/setup.sh" >/dev/null
wait "$go_job"

log "ready in $((SECONDS - started)) s"
