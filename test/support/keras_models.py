"""Keras models for Graft's import and export tests (test/unit/models/keras-*).

  python keras_models.py build OUT_DIR
      builds each model with random weights (BN statistics included), saves
      it as OUT_DIR/<name>.keras and OUT_DIR/<name>.h5 (and, functional ones,
      as Keras 2 laid out HDF5: <name>.keras2.h5; mobile also as a deflated
      zip: mobile.deflated.keras), and writes a random
      input (<name>-x.npy), Keras's output on it (<name>-y.npy) and
      OUT_DIR/<name>.json: parameter counts as model.summary() shows them.
  python keras_models.py predict MODEL.keras X.npy Y.npy
      loads a .keras file (an export of Graft's) and writes its output on X.
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402


def mobile():
    """Rescaling, BatchNorm, depthwise conv and ReLU6 (a MobileNet block)."""
    x = inp = keras.Input((32, 32, 3), name="image")
    x = layers.Rescaling(1 / 127.5, offset=-1, name="rescale")(x)
    x = layers.ZeroPadding2D(((0, 1), (0, 1)), name="pad")(x)
    x = layers.Conv2D(8, 3, strides=2, use_bias=False, name="conv1")(x)
    x = layers.BatchNormalization(name="conv1_bn")(x)
    x = layers.ReLU(6.0, name="conv1_relu")(x)
    x = layers.DepthwiseConv2D(3, padding="same", use_bias=False, name="dw")(x)
    x = layers.BatchNormalization(name="dw_bn")(x)
    x = layers.ReLU(max_value=6.0, name="dw_relu")(x)
    x = layers.Conv2D(16, 1, name="pw")(x)
    x = layers.BatchNormalization(momentum=0.9, epsilon=1e-3, name="pw_bn")(x)
    x = layers.Activation("relu6", name="pw_relu")(x)
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    x = layers.Dropout(0.2, name="drop")(x)
    out = layers.Dense(5, activation="softmax", name="predictions")(x)
    return keras.Model(inp, out, name="mobile")


def residual():
    """A residual Add, SeparableConv2D, a gate (Multiply), Concatenate, Normalization."""
    rng = np.random.default_rng(3)
    x = inp = keras.Input((16, 16, 4), name="x")
    x = layers.Normalization(mean=rng.normal(size=4).tolist(), variance=(rng.random(4) + 0.5).tolist(), name="norm")(x)
    x = layers.Conv2D(8, 3, padding="same", activation="relu", name="stem")(x)
    b = layers.SeparableConv2D(8, 3, padding="same", name="sep")(x)
    b = layers.BatchNormalization(name="sep_bn")(b)
    x = layers.Add(name="add")([x, b])
    x = layers.Activation("relu", name="add_relu")(x)
    x = layers.MaxPooling2D(2, name="pool")(x)
    g = layers.Conv2D(8, 1, activation="sigmoid", name="gate")(x)
    x = layers.Multiply(name="gated")([x, g])
    a = layers.AveragePooling2D(3, strides=1, padding="same", name="avg")(x)
    x = layers.Concatenate(name="cat")([x, a])
    x = layers.GlobalMaxPooling2D(name="gmp")(x)
    out = layers.Dense(10, activation="softmax", name="predictions")(x)
    return keras.Model(inp, out, name="residual")


def sequential():
    """A Sequential model: Flatten, Reshape, average pooling, tanh."""
    return keras.Sequential([
        keras.Input((12, 12, 1)),
        layers.Conv2D(4, 3, activation="tanh", name="conv"),
        layers.AveragePooling2D(2, name="avg"),
        layers.Flatten(name="flat"),
        layers.Reshape((5, 20), name="reshape"),
        layers.Flatten(name="flat2"),
        layers.Dense(3, name="logits"),
    ], name="seq")


def nested():
    """A Keras application used as a frozen layer, the usual Keras transfer-learning model."""
    base = keras.applications.MobileNetV2(input_shape=(32, 32, 3), alpha=0.35, include_top=False, weights=None)
    x = inp = keras.Input((32, 32, 3), name="pixels")
    x = layers.Rescaling(1 / 127.5, offset=-1, name="to_pm1")(x)
    x = base(x, training=False)
    x = layers.GlobalAveragePooling2D(name="pool")(x)
    out = layers.Dense(4, activation="softmax", name="predictions")(x)
    return keras.Model(inp, out, name="transfer")


MODELS = {"mobile": mobile, "residual": residual, "sequential": sequential, "nested": nested}


def randomize(model, rng, gentle=False):
    """Random weights everywhere (Keras starts BN at mean 0 / variance 1, which
    would hide a swapped weight). `gentle` keeps Keras's kernel initializers and
    moves BN near identity, so a deep network's outputs still vary with the input."""
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            randomize(layer, rng, gentle)
            continue
        for w in layer.weights:
            if gentle and "kernel" in w.path:
                continue
            scale = 0.1 if gentle else 0.5
            v = rng.normal(scale=scale, size=w.shape).astype("float32")
            if "variance" in w.path:
                v = np.abs(v) + (1.0 if gentle else 0.5)
            elif gentle and "gamma" in w.path:
                v = v + 1.0
            w.assign(v)


def calibrate(model, rng):
    """Sets every BN layer's moving statistics to those of a batch of images
    (one training-mode pass with momentum 0), as if it had been trained: with
    statistics far from the activations' own, a deep network's output stops
    depending on its input, and a comparison on it would prove little."""
    bns = [l for l in model._flatten_layers() if isinstance(l, layers.BatchNormalization)]
    saved = [bn.momentum for bn in bns]
    for bn in bns:
        bn.momentum = 0.0
    shape = (16,) + tuple(model.inputs[0].shape[1:])
    brightness = np.linspace(0.1, 1.0, shape[0], dtype="float32")[:, None, None, None]
    model(rng.uniform(-1, 1, size=shape).astype("float32") * brightness, training=True)
    for bn, momentum in zip(bns, saved):
        bn.momentum = momentum


def counts(model):
    def total(ws):
        return int(sum(np.prod(w.shape) for w in ws))
    return {"total": total(model.weights), "trainable": total(model.trainable_weights),
            "nonTrainable": total(model.non_trainable_weights)}


def fine_tune_counts(model, cut_at, from_layer):
    """Keras's counts of the model cut at `cut_at` with the layers below `from_layer` frozen."""
    base = keras.Model(model.inputs, model.get_layer(cut_at).output)
    names = [layer.name for layer in base.layers]
    for layer in base.layers[:names.index(from_layer)]:
        layer.trainable = False
    return counts(base)


def keras2_config(model):
    """The model's config as Keras 2 (tf.keras) wrote it: plain dtypes,
    batch_input_shape, inbound nodes as [[layer, node, tensor, kwargs]]."""
    def plain(value):
        if isinstance(value, dict):
            if value.get("class_name") == "DTypePolicy":
                return value["config"]["name"]
            if "class_name" in value and "config" in value:
                return {"class_name": value["class_name"], "config": plain(value["config"])}
            return {k: plain(v) for k, v in value.items() if k != "shared_object_id"}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    def tensors(args):
        if isinstance(args, list):
            return [t for a in args for t in tensors(a)]
        if isinstance(args, dict) and args.get("class_name") == "__keras_tensor__":
            return [list(args["config"]["keras_history"]) + [{}]]
        return []

    config = json.loads(model.to_json())["config"]  # serialized: tensors as __keras_tensor__ dicts
    layers = []
    for layer in config["layers"]:
        c = plain(layer["config"])
        if layer["class_name"] == "InputLayer":
            c["batch_input_shape"] = c.pop("batch_shape")
        nodes = [tensors(node["args"]) for node in layer["inbound_nodes"]]
        layers.append({"class_name": layer["class_name"], "name": layer["name"], "config": c, "inbound_nodes": nodes})
    return {"class_name": "Functional", "config": {"name": config["name"], "layers": layers,
            "input_layers": config["input_layers"], "output_layers": config["output_layers"]},
            "keras_version": "2.15.0", "backend": "tensorflow"}


def save_keras2_h5(model, path):
    """A legacy HDF5 file laid out as Keras 2 saved them (model_config, model_weights/<layer>/<layer>/<w>:0)."""
    import h5py
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = "2.15.0"
        f.attrs["backend"] = "tensorflow"
        f.attrs["model_config"] = json.dumps(keras2_config(model))
        weights = f.create_group("model_weights")
        weights.attrs["layer_names"] = [layer.name.encode() for layer in model.layers]
        for layer in model.layers:
            g = weights.create_group(layer.name)
            names = [f"{layer.name}/{w.name}:0" for w in layer.weights]
            g.attrs["weight_names"] = [n.encode() for n in names]
            for n, w in zip(names, layer.weights):
                g.create_dataset(n, data=np.asarray(w.numpy()))


def deflate(src, dst):
    """The same archive with its entries deflated (Keras writes them stored; other zip tools may not)."""
    import zipfile
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item.filename, zin.read(item.filename))


def build(out_dir):
    rng = np.random.default_rng(0)
    for name, make in MODELS.items():
        model = make()
        randomize(model, rng, gentle=(name == "nested"))
        if name == "nested":
            base = model.get_layer("mobilenetv2_0.35_32")
            calibrate(base, rng)
            base.trainable = False  # frozen, as a Keras transfer model's base is
        shape = (2,) + tuple(model.inputs[0].shape[1:])
        x = rng.uniform(0, 1, size=shape).astype("float32")
        if name in ("mobile", "nested"):
            x = x * 255  # raw pixels into the Rescaling layer
        if name == "nested":
            # Deep features of two noise images are nearly the same; a dark and a bright one differ.
            x = x * np.array([1.0, 0.2], dtype="float32")[:, None, None, None]
        y = model.predict(x, verbose=0)
        np.save(os.path.join(out_dir, f"{name}-x.npy"), x)
        np.save(os.path.join(out_dir, f"{name}-y.npy"), y.astype("float32"))
        model.save(os.path.join(out_dir, f"{name}.keras"))
        model.save(os.path.join(out_dir, f"{name}.h5"))
        if name in ("mobile", "residual"):
            save_keras2_h5(model, os.path.join(out_dir, f"{name}.keras2.h5"))
        if name == "mobile":
            deflate(os.path.join(out_dir, "mobile.keras"), os.path.join(out_dir, "mobile.deflated.keras"))
        summary = {**counts(model), "layers": {layer.name: layer.count_params() for layer in model.layers}}
        if name == "mobile":
            summary["cutAtGapFromPw"] = fine_tune_counts(model, "gap", "pw")
        with open(os.path.join(out_dir, f"{name}.json"), "w") as f:
            json.dump(summary, f)


def predict(model_path, x_path, y_path):
    model = keras.models.load_model(model_path)
    y = model.predict(np.load(x_path), verbose=0)
    np.save(y_path, y.astype("float32"))


if __name__ == "__main__":
    if sys.argv[1] == "build":
        build(sys.argv[2])
    elif sys.argv[1] == "predict":
        predict(*sys.argv[2:5])
    else:
        sys.exit(f"unknown command {sys.argv[1]}")
