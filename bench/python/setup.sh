#!/usr/bin/env bash
# A private virtualenv with the Keras peer of Graft's benchmarks (pinned in
# requirements.txt; tensorflow-cpu is about 230 MB, once). Prints the venv's
# python on its last line.
#   GRAFT_BENCH_VENV  where the venv lives [~/.cache/graft/bench-venv]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${GRAFT_BENCH_VENV:-${GRAFT_CACHE_DIR:-$HOME/.cache/graft}/bench-venv}"
LOG_TAG=bench-venv CHECK_IMPORT="tensorflow, scipy" exec bash "$here/../../infra/python-venv.sh" "$venv" -r "$here/requirements.txt"
