#!/usr/bin/env bash
# Provision native TensorFlow for @tensorflow/tfjs-node without its installer's
# download: take libtensorflow from the pinned PyPI wheel, stage it in the
# package's deps/ folder (where its installer looks first), then let the
# installer build the addon with node-gyp. Idempotent: a built addon that
# loads is left alone.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"

cache="${GRAFT_CACHE_DIR:-$HOME/.cache/graft}/tensorflow/$TENSORFLOW_VERSION"
pkg="$root/node_modules/@tensorflow/tfjs-node"
deps="$pkg/deps"
stamp="$deps/graft-tensorflow-version"

log() { printf '[native-tf] %s\n' "$*"; }

addon_loads() {
  (cd "$root" && node -e "
    const tf = require('@tensorflow/tfjs-node');
    if (tf.getBackend() !== 'tensorflow') process.exit(1);
  " >/dev/null 2>&1)
}

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$TENSORFLOW_VERSION" ] && addon_loads; then
  log "native TensorFlow $TENSORFLOW_VERSION already built for tfjs-node"
  exit 0
fi

[ -d "$pkg" ] || { log "node_modules/@tensorflow/tfjs-node is missing: run npm ci first"; exit 1; }

# 1. The wheel, downloaded once into the cache. Platform flags make the choice
#    independent of the local Python; only its shared libraries are used.
if [ ! -f "$cache/lib/libtensorflow_cc.so.2" ]; then
  mkdir -p "$cache/wheel"
  log "downloading $TENSORFLOW_WHEEL==$TENSORFLOW_VERSION from PyPI (about 230 MB, once)"
  python3 -m pip download --quiet --progress-bar on --no-deps --only-binary=:all: \
    --platform manylinux2014_x86_64 --python-version 3.11 --implementation cp \
    -d "$cache/wheel" "$TENSORFLOW_WHEEL==$TENSORFLOW_VERSION"
  wheel="$(ls "$cache"/wheel/*.whl | head -n1)"
  log "extracting the C library and headers from $(basename "$wheel")"
  rm -rf "$cache/unpacked" && mkdir -p "$cache/unpacked"
  python3 - "$wheel" "$cache/unpacked" <<'PY'
import sys, zipfile
wheel, dest = sys.argv[1], sys.argv[2]
wanted = ("tensorflow/libtensorflow_cc.so.2", "tensorflow/libtensorflow_framework.so.2")
headers = ("tensorflow/include/tensorflow/c/", "tensorflow/include/tensorflow/core/platform/",
           "tensorflow/include/tsl/", "tensorflow/include/xla/tsl/")
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if name in wanted or (name.startswith(headers) and name.endswith(".h")):
            z.extract(name, dest)
PY
  mkdir -p "$cache/lib"
  mv "$cache/unpacked/tensorflow/libtensorflow_framework.so.2" "$cache/lib/"
  rm -rf "$cache/include" && mv "$cache/unpacked/tensorflow/include" "$cache/include"
  # Last, so an interrupted run is retried from the start.
  mv "$cache/unpacked/tensorflow/libtensorflow_cc.so.2" "$cache/lib/"
  rm -rf "$cache/unpacked" "$cache/wheel"
fi

# 2. Check the C API is there before spending minutes on a build.
exported="$(nm -D --defined-only "$cache/lib/libtensorflow_cc.so.2" | grep -c ' TFE_' || true)"
if [ "$exported" -lt 100 ]; then
  log "libtensorflow_cc.so.2 exports only $exported TFE_ symbols: not a usable C API"; exit 1
fi

# 3. Stage into deps/ under the names the installer and binding.gyp expect:
#    -ltensorflow / -ltensorflow_framework at link time, the SONAMEs
#    (libtensorflow_cc.so.2, libtensorflow_framework.so.2) at run time through
#    the addon's rpath ($ORIGIN/../../deps/lib), and libtensorflow.so.2.9.1,
#    whose presence tells the installer to skip its download.
log "staging TensorFlow $TENSORFLOW_VERSION into tfjs-node's deps/"
rm -rf "$deps" && mkdir -p "$deps/lib"
cp "$cache/lib/libtensorflow_cc.so.2" "$cache/lib/libtensorflow_framework.so.2" "$deps/lib/"
ln -s libtensorflow_cc.so.2 "$deps/lib/libtensorflow.so"
ln -s libtensorflow_cc.so.2 "$deps/lib/libtensorflow.so.2.9.1"
ln -s libtensorflow_framework.so.2 "$deps/lib/libtensorflow_framework.so"
cp -r "$cache/include" "$deps/include"

# 4. The package's own installer, told to build from source (the prebuilt
#    addon's download site cannot be reached either).
#    node-gyp needs Node's headers: use the ones installed beside node (its
#    own header download is unreachable too).
nodedir="${npm_config_nodedir:-$(dirname "$(dirname "$(command -v node)")")}"
if [ ! -f "$nodedir/include/node/node_api.h" ]; then
  log "Node.js headers not found under $nodedir/include/node; set npm_config_nodedir"; exit 1
fi
log "building the tfjs-node addon with node-gyp (a minute or two)"
(cd "$pkg" && PATH="$root/node_modules/.bin:$PATH" npm_config_nodedir="$nodedir" \
  npm_config_build_from_source=true node scripts/install.js)

if ! addon_loads; then
  log "the addon was built but tfjs-node does not report the tensorflow backend"; exit 1
fi
echo "$TENSORFLOW_VERSION" > "$stamp"
log "tfjs-node now runs on native TensorFlow $TENSORFLOW_VERSION"
