#!/usr/bin/env bash
# The numpy-only venv of the reference models under test/support (e.g.
# efficientnet_lite_reference.py). Prints its python on its last line.
#   GRAFT_REFERENCE_VENV  where the venv lives [~/.cache/graft/reference-venv]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${GRAFT_REFERENCE_VENV:-${GRAFT_CACHE_DIR:-$HOME/.cache/graft}/reference-venv}"
LOG_TAG=reference-venv CHECK_IMPORT=numpy exec bash "$here/python-venv.sh" "$venv" numpy==2.0.2
