"""How far the ImageNet EfficientNet-Lite0 transfers to Fashion-MNIST at 10 labels
per class (issue 13), measured only on validation images that `graft demo` never
uses. Writes docs/results/transfer-study.json; docs/transfer-study.md reads it.

  ~/.cache/graft/bench-venv/bin/python bench/python/transfer_study.py

The demo's 3,400 images (pipelines/fmnist-imagenet.yaml: limitPerClass 340, seed 7,
over train + t10k) are recomputed with a port of lib/data/random.ts and excluded.
"""
import argparse
import gzip
import json
import os
import time

import numpy as np
import keras

from common import info, now
from efficientnet_lite import efficientnet_lite

FASHION = "/usr/share/datasets/fashion-mnist"
WEIGHTS = os.path.join(os.environ.get("GRAFT_CACHE_DIR") or os.path.expanduser("~/.cache/graft"),
                       "weights", "efficientnet-lite0", "weights.safetensors")
DEMO_SEED, DEMO_LIMIT = 7, 340      # the demo's limitPerClass draw
SPLIT_SEED = 2026                   # validation and training draws (numpy)
VAL_PER_CLASS, DRAWS, COPIES = 100, {10: 3, 100: 2}, 4
HEAD = {"epochs": 30, "batchSize": 32, "learningRate": 1e-3, "optimizer": "adam"}
FINE_TUNE = {"input": "block5c_add (cached)", "fromLayer": "block6a", "epochs": 10, "learningRate": 1e-4,
             "batchNorm": "frozen", "start": "the trained linear head"}
AUGMENT = {"horizontalFlip": True, "rotationDegrees": 10, "shift": 0.1, "zoom": 0.1, "fill": "nearest"}

# --- lib/data/random.ts: keys mixed with lowbias32, streams are Mulberry32 ---
M32 = 0xFFFFFFFF


def lowbias32(x):
    x &= M32
    x ^= x >> 16
    x = (x * 0x7FEB352D) & M32
    x ^= x >> 15
    x = (x * 0x846CA68B) & M32
    return x ^ (x >> 16)


def keyed_random(*keys):
    h = 0x9E3779B9
    for k in keys:
        h = lowbias32(h ^ lowbias32((k & M32) + 0x6D2B79F5))
        h = lowbias32(h ^ lowbias32(((k >> 32) & M32) ^ 0x85EBCA6B))
    state = h
    while True:
        state = (state + 0x6D2B79F5) & M32
        t = ((state ^ (state >> 15)) * (1 | state)) & M32
        t = ((t + (((t ^ (t >> 7)) * (61 | t)) & M32)) & M32) ^ t
        yield (t ^ (t >> 14)) / 4294967296


def seeded_shuffle(items, rng):
    out = list(items)
    for i in range(len(out) - 1, 0, -1):
        j = int(next(rng) * (i + 1))
        out[i], out[j] = out[j], out[i]
    return out


def demo_indices(labels):
    """lib/data/select.ts limitPerClass: per class, shuffle with KeyedRandom(seed, 0x11a17, class), keep the first."""
    return sorted(i for c in range(10) for i in
                  seeded_shuffle(np.flatnonzero(labels == c).tolist(), keyed_random(DEMO_SEED, 0x11A17, c))[:DEMO_LIMIT])


# --- data ---
def read_idx(name, offset):
    with gzip.open(os.path.join(FASHION, name)) as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)


def augmenter():
    L = keras.layers
    return keras.Sequential([L.RandomFlip("horizontal", seed=1), L.RandomRotation(10 / 360, fill_mode="nearest", seed=2),
                             L.RandomTranslation(0.1, 0.1, fill_mode="nearest", seed=3),
                             L.RandomZoom(0.1, fill_mode="nearest", seed=4)])


def with_copies(x, aug):
    """The originals, then COPIES augmented copies of them (uint8)."""
    copies = [np.round(aug(x.astype("float32"), training=True).numpy()).clip(0, 255).astype(np.uint8) for _ in range(COPIES)]
    return np.concatenate([x] + copies)


# --- models ---
_models = {}


def extract(x, size=224, cut=False):
    """Pooled top features (and, with cut, pooled block6d and the raw block5c output) of uint8 images."""
    if (size, cut) not in _models:
        base = _models.get((size, False)) or efficientnet_lite("efficientnet-lite0", (28, 28, 1), WEIGHTS, size)
        _models[(size, False)] = base
        if cut:
            block6 = keras.layers.GlobalAveragePooling2D()(base.get_layer("block6d_add").output)
            _models[(size, True)] = keras.Model(base.input, [base.output, block6, base.get_layer("block5c_add").output])
    start = now()
    got = _models[(size, cut)].predict(x.astype("float32") / 255, batch_size=64, verbose=0)
    print(f"    extracted {len(x)} images at {size} px in {now() - start:.1f} s", flush=True)
    return dict(zip(["top", "block6", "block5c"], got if cut else [got]))


def fit_head(x, y, hidden=0):
    keras.utils.set_random_seed(0)
    L = keras.layers
    model = keras.Sequential([keras.Input(x.shape[1:])] + ([L.Dense(hidden, activation="relu"), L.Dropout(0.5)] if hidden else [])
                             + [L.Dense(10, activation="softmax")])
    model.compile(keras.optimizers.Adam(HEAD["learningRate"]), "sparse_categorical_crossentropy")
    model.fit(x, y, batch_size=HEAD["batchSize"], epochs=HEAD["epochs"], verbose=0)
    return model


def accuracy(probs, y):
    return float((probs.argmax(1) == y).mean())


def fine_tune(net, start_weights, cut_train, y, head, cut_val, y_val):
    """The layers from block6a on (BatchNorm frozen) and the head, trained on cached block5c outputs."""
    net.set_weights(start_weights)
    keras.utils.set_random_seed(0)
    top = keras.Model(net.get_layer("block5c_add").output, net.output)
    on = False
    for layer in top.layers:
        on = on or layer.name.startswith(FINE_TUNE["fromLayer"])
        layer.trainable = on and not isinstance(layer, keras.layers.BatchNormalization)
    dense = keras.layers.Dense(10, activation="softmax")
    inputs = keras.Input(cut_train.shape[1:])
    model = keras.Model(inputs, dense(top(inputs)))
    dense.set_weights(head.layers[-1].get_weights())
    model.compile(keras.optimizers.Adam(FINE_TUNE["learningRate"]), "sparse_categorical_crossentropy")
    model.fit(cut_train, y, batch_size=HEAD["batchSize"], epochs=FINE_TUNE["epochs"], verbose=0)
    return accuracy(model.predict(cut_val, batch_size=64, verbose=0), y_val)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "../../docs/results/transfer-study.json"))
    args = parser.parse_args()
    wall, load_start = now(), os.getloadavg()
    X = np.concatenate([read_idx("train-images-idx3-ubyte.gz", 16), read_idx("t10k-images-idx3-ubyte.gz", 16)]).reshape(-1, 28, 28, 1)
    Y = np.concatenate([read_idx("train-labels-idx1-ubyte.gz", 8), read_idx("t10k-labels-idx1-ubyte.gz", 8)])
    demo = demo_indices(Y)
    rng = np.random.default_rng(SPLIT_SEED)
    free = np.ones(len(Y), bool)
    free[demo] = False
    val = np.concatenate([rng.choice(np.flatnonzero(free & (Y == c)), VAL_PER_CLASS, replace=False) for c in range(10)])
    free[val] = False
    draws = {n: [np.concatenate([rng.choice(np.flatnonzero(free & (Y == c)), n, replace=False) for c in range(10)])
                 for _ in range(count)] for n, count in DRAWS.items()}
    aug = augmenter()
    train = {n: [with_copies(X[d], aug) for d in ds] for n, ds in draws.items()}
    y_val = Y[val]
    labels = {n: [np.tile(Y[d], COPIES + 1) for d in ds] for n, ds in draws.items()}
    rows = []

    def row(name, per_class, measure):
        start = now()
        accs = [measure(k) for k in range(DRAWS[per_class])]
        r = {"name": name, "labelsPerClass": per_class, "accuracies": [round(a, 4) for a in accs],
             "mean": round(float(np.mean(accs)), 4), "std": round(float(np.std(accs, ddof=1)), 4),
             "seconds": round(now() - start, 1)}
        rows.append(r)
        print(f"[{len(rows):2d}] {name:44s} {per_class:3d}/class  {100 * r['mean']:5.1f} ± {100 * r['std']:.1f}  "
              f"({', '.join(f'{100 * a:.1f}' for a in accs)})  {r['seconds']:.0f} s", flush=True)

    def linear(feats_train, feats_val, per_class, copies=COPIES, hidden=0):
        def measure(k):
            n = per_class * 10 * (copies + 1)
            return accuracy(fit_head(feats_train[k][:n], labels[per_class][k][:n], hidden).predict(feats_val, verbose=0), y_val)
        return measure

    # 224 px, plain images: top, block6 and block5c outputs extracted once.
    print("extracting 224 px (validation, 3 draws x 10/class with 4 copies)", flush=True)
    fv = extract(X[val], cut=True)
    ft = [extract(x, cut=True) for x in train[10]]
    heads = {}

    def baseline(k):
        heads[k] = fit_head(ft[k]["top"], labels[10][k])
        return accuracy(heads[k].predict(fv["top"], verbose=0), y_val)
    row("linear head, top features, 4 copies", 10, baseline)
    row("linear head, top features, no copies", 10, linear([f["top"] for f in ft], fv["top"], 10, copies=0))

    def cat(f):
        return np.concatenate([f["block6"], f["top"]], 1)
    row("linear head, block6 + top features", 10, linear([cat(f) for f in ft], cat(fv), 10))
    row("hidden-256 head (dropout 0.5)", 10, linear([f["top"] for f in ft], fv["top"], 10, hidden=256))
    flipped = extract(X[val][:, :, ::-1])["top"]
    row("flip TTA (linear head)", 10, lambda k: accuracy(heads[k].predict(fv["top"], verbose=0)
                                                          + heads[k].predict(flipped, verbose=0), y_val))
    net = efficientnet_lite("efficientnet-lite0", (28, 28, 1), WEIGHTS, 224)
    start_weights = net.get_weights()
    row(f"fine-tune from block6a, {FINE_TUNE['epochs']} epochs", 10,
        lambda k: fine_tune(net, start_weights, ft[k]["block5c"], labels[10][k], heads[k], fv["block5c"], y_val))
    val_top = fv["top"]
    del ft, fv, net
    print("extracting inverted images at 224 px", flush=True)
    inv_val = extract(255 - X[val])["top"]
    inv_train = [extract(255 - x)["top"] for x in train[10]]
    row("inverted images (255 - x)", 10, linear(inv_train, inv_val, 10))
    for size in (160, 288):
        print(f"extracting {size} px", flush=True)
        size_val = extract(X[val], size)["top"]
        size_train = [extract(x, size)["top"] for x in train[10]]
        row(f"input {size} px", 10, linear(size_train, size_val, 10))
        del _models[(size, False)]
    print("extracting 224 px (2 draws x 100/class with 4 copies)", flush=True)
    hundred = [extract(x)["top"] for x in train[100]]
    row("linear head, no copies", 100, linear(hundred, val_top, 100, copies=0))
    row("linear head, 4 copies", 100, linear(hundred, val_top, 100))

    seconds = now() - wall
    print(f"\n{'row':44s} {'labels':>6s}  {'mean ± std':>11s}  per draw")
    for r in rows:
        print(f"{r['name']:44s} {r['labelsPerClass']:6d}  {100 * r['mean']:5.1f} ± {100 * r['std']:.1f}  "
              + " ".join(f"{100 * a:.1f}" for a in r["accuracies"]))
    print(f"wall {seconds:.0f} s, load average {load_start[0]:.2f} at start, {os.getloadavg()[0]:.2f} at end")
    protocol = {
        "dataset": "Fashion-MNIST, train + t10k concatenated (70,000 images)",
        "base": "efficientnet-lite0, ImageNet weights, frozen unless fine-tuned; 224 px unless stated",
        "excludedDemoImages": {"count": len(demo), "limitPerClass": DEMO_LIMIT, "seed": DEMO_SEED,
                               "rule": "lib/data/select.ts limitPerClass, recomputed in Python"},
        "splitSeed": SPLIT_SEED, "validationPerClass": VAL_PER_CLASS, "validationImages": int(len(val)),
        "trainingDraws": {str(n): c for n, c in DRAWS.items()},
        "augment": dict(AUGMENT, copies=COPIES, note="the same augmented copies for every configuration"),
        "head": HEAD, "fineTune": FINE_TUNE,
        "std": "sample standard deviation over draws",
        "wallSeconds": round(seconds, 1),
        "loadAverage": {"start": round(load_start[0], 2), "end": round(os.getloadavg()[0], 2)},
        "peer": info(),
    }
    with open(args.out, "w") as f:
        json.dump({"name": "transfer-study", "startedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - seconds)),
                   "protocol": protocol, "rows": rows}, f, indent=2)
        f.write("\n")
    print(f"wrote {os.path.normpath(args.out)}")


if __name__ == "__main__":
    main()
