#!/usr/bin/env bash
# A private Python virtualenv with pinned requirements, made once:
#   bash infra/python-venv.sh VENV_DIR REQUIREMENT...   (a requirement may be `-r FILE`)
# Idempotent: a venv whose stamp matches the requirements (and whose python
# imports CHECK_IMPORT, if set) is left alone. Prints the venv's python on its
# last line; logs go to stderr, prefixed with LOG_TAG.
set -euo pipefail
venv="$1"; shift
tag="${LOG_TAG:-venv}"
log() { printf '[%s] %s\n' "$tag" "$*" >&2; }
# The stamp covers the requirement list and the content of any requirements file.
want="$(for arg in "$@"; do if [ -f "$arg" ]; then sha256sum "$arg"; else echo "$arg"; fi; done | sha256sum | cut -d' ' -f1)"
stamp="$venv/.graft-requirements-hash"
check="${CHECK_IMPORT:-sys}"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && "$venv/bin/python" -c "import $check" >/dev/null 2>&1; then
  log "ready: $venv"
else
  log "creating $venv ($*)"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --progress-bar off "$@"
  echo "$want" > "$stamp"
  log "installed into $venv"
fi
echo "$venv/bin/python"
