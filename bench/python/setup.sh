#!/usr/bin/env bash
# A private virtualenv with the Keras peer of Graft's benchmarks (pinned in
# requirements.txt). Idempotent: a venv whose stamp matches the requirements
# is left alone. Prints the venv's python on its last line.
#   GRAFT_BENCH_VENV  where the venv lives [~/.cache/graft/bench-venv]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${GRAFT_BENCH_VENV:-${GRAFT_CACHE_DIR:-$HOME/.cache/graft}/bench-venv}"
stamp="$venv/.graft-requirements-hash"
want="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"
log() { printf '[bench-venv] %s\n' "$*" >&2; }

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && "$venv/bin/python" -c 'import tensorflow, scipy' >/dev/null 2>&1; then
  log "ready: $venv"
else
  log "creating $venv (tensorflow-cpu is about 230 MB, once)"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --progress-bar off -r "$here/requirements.txt"
  echo "$want" > "$stamp"
  log "installed: $("$venv/bin/python" -c 'import tensorflow as tf, keras; print("tensorflow", tf.__version__, "keras", keras.__version__)' 2>/dev/null)"
fi
echo "$venv/bin/python"
