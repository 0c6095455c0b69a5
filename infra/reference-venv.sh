#!/usr/bin/env bash
# A private virtualenv with numpy only, for the numpy reference models under
# test/support (e.g. efficientnet_lite_reference.py). Idempotent: a venv whose
# stamp matches the pinned requirement is left alone. Prints the venv's python
# on its last line.
#   GRAFT_REFERENCE_VENV  where the venv lives [~/.cache/graft/reference-venv]
set -euo pipefail
venv="${GRAFT_REFERENCE_VENV:-${GRAFT_CACHE_DIR:-$HOME/.cache/graft}/reference-venv}"
requirement="numpy==2.0.2"
stamp="$venv/.graft-requirements"
log() { printf '[reference-venv] %s\n' "$*" >&2; }

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$requirement" ] && "$venv/bin/python" -c 'import numpy' >/dev/null 2>&1; then
  log "ready: $venv"
else
  log "creating $venv ($requirement)"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --progress-bar off "$requirement"
  echo "$requirement" > "$stamp"
  log "installed: numpy $("$venv/bin/python" -c 'import numpy; print(numpy.__version__)')"
fi
echo "$venv/bin/python"
