"""EfficientNet-Lite0/1/2 in Keras 3, layer for layer as Graft builds it
(lib/models/bases/efficientnet-lite.ts, same layer names), with the ImageNet
weights read from the converted safetensors file (PyTorch names and layouts).

The model takes pixels scaled to [0, 1] of the dataset's own shape and starts
with Graft's input-contract layers, in Graft's order: `gray_to_rgb` (only for
1-channel input), `resize` (only when the size differs), `normalize` ((u8 - 127) / 128).
"""
import json
import math
import struct

import keras
import numpy as np

# Width and depth multipliers and the side each variant was trained at.
SCALING = {
    "efficientnet-lite0": (1.0, 1.0, 224),
    "efficientnet-lite1": (1.0, 1.1, 240),
    "efficientnet-lite2": (1.1, 1.2, 260),
}
# EfficientNet-B0 stages: kernel, stride of the first block, expansion, output filters, repeats.
STAGES = [(3, 1, 1, 16, 1), (3, 2, 6, 24, 2), (5, 2, 6, 40, 2), (3, 2, 6, 80, 3),
          (5, 1, 6, 112, 3), (5, 2, 6, 192, 4), (3, 1, 6, 320, 1)]
STEM_FILTERS, HEAD_FILTERS, BN_EPSILON = 32, 1280, 1e-3


def round_filters(filters, width):
    if width == 1:
        return filters
    scaled = filters * width
    rounded = max(8, int((scaled + 4) // 8) * 8)
    return rounded + 8 if rounded < 0.9 * scaled else rounded


def stage_repeats(depth):
    """Lite keeps the first and last stage at one block."""
    last = len(STAGES) - 1
    return [r if i in (0, last) else math.ceil(depth * r) for i, (*_, r) in enumerate(STAGES)]


def build(variant, input_shape, input_size=None):
    width, depth, trained = SCALING[variant]
    side = input_size or trained
    L = keras.layers
    inputs = keras.Input(shape=tuple(input_shape), name="input_1")
    x = inputs
    if input_shape[2] == 1:
        x = L.Concatenate(axis=-1, name="gray_to_rgb")([x, x, x])
    if tuple(input_shape[:2]) != (side, side):
        x = L.Resizing(side, side, interpolation="bilinear", name="resize")(x)
    x = L.Rescaling(255 / 128, offset=-127 / 128, name="normalize")(x)

    def conv(x, filters, kernel, stride, name):
        return L.Conv2D(filters, kernel, strides=stride, padding="same", use_bias=False, name=name)(x)

    def bn(x, name):
        return L.BatchNormalization(epsilon=BN_EPSILON, name=name)(x)

    def relu6(x, name):
        return L.ReLU(max_value=6, name=name)(x)

    x = relu6(bn(conv(x, STEM_FILTERS, 3, 2, "stem_conv"), "stem_bn"), "stem_activation")
    in_filters = STEM_FILTERS
    for s, ((kernel, stage_stride, expand, filters, _), repeats) in enumerate(zip(STAGES, stage_repeats(depth))):
        out_filters = round_filters(filters, width)
        for r in range(repeats):
            name = f"block{s + 1}{chr(97 + r)}"
            stride = stage_stride if r == 0 else 1
            block_input = x
            if expand != 1:
                x = relu6(bn(conv(x, in_filters * expand, 1, 1, f"{name}_expand_conv"), f"{name}_expand_bn"),
                          f"{name}_expand_activation")
            x = L.DepthwiseConv2D(kernel, strides=stride, padding="same", use_bias=False, name=f"{name}_dwconv")(x)
            x = relu6(bn(x, f"{name}_bn"), f"{name}_activation")
            x = bn(conv(x, out_filters, 1, 1, f"{name}_project_conv"), f"{name}_project_bn")
            if stride == 1 and in_filters == out_filters:
                x = L.Add(name=f"{name}_add")([block_input, x])
            in_filters = out_filters
    x = relu6(bn(conv(x, HEAD_FILTERS, 1, 1, "top_conv"), "top_bn"), "top_activation")
    x = L.GlobalAveragePooling2D(name="avg_pool")(x)
    return keras.Model(inputs, x, name=variant.replace("-", "_"))


def read_safetensors(path):
    """u64 LE header length, JSON header, raw little-endian float32 data."""
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    data = blob[8 + n:]
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        assert t["dtype"] == "F32", f"{name}: dtype {t['dtype']}"
        start, end = t["data_offsets"]
        out[name] = np.frombuffer(data[start:end], dtype="<f4").reshape(t["shape"])
    return out


BLOCK_PARTS = {"expand_conv": "_expand_conv", "expand_bn": "_bn0", "dwconv": "_depthwise_conv",
               "bn": "_bn1", "project_conv": "_project_conv", "project_bn": "_bn2"}
FIXED = {"stem_conv": "_conv_stem", "stem_bn": "_bn0", "top_conv": "_conv_head", "top_bn": "_bn1"}


def load_weights(model, path):
    """Sets every weight from the PyTorch state dict: OIHW -> HWIO, (C,1,k,k) -> (k,k,C,1),
    BN gamma, beta, moving mean, moving variance. Every tensor but the classifier must be used."""
    tensors = read_safetensors(path)
    used = set()
    blocks = []  # PyTorch numbers blocks in order (_blocks.0 ...), Keras by stage and letter
    for layer in model.layers:
        if layer.name.startswith("block") and layer.name[:7] not in blocks:
            blocks.append(layer.name[:7])

    def take(name):
        used.add(name)
        return tensors[name]

    for layer in model.layers:
        if not layer.weights:
            continue
        if layer.name in FIXED:
            module = FIXED[layer.name]
        else:
            module = f"_blocks.{blocks.index(layer.name[:7])}.{BLOCK_PARTS[layer.name[8:]]}"
        if isinstance(layer, keras.layers.DepthwiseConv2D):
            values = [take(f"{module}.weight").transpose(2, 3, 0, 1)]
        elif isinstance(layer, keras.layers.Conv2D):
            values = [take(f"{module}.weight").transpose(2, 3, 1, 0)]
        elif isinstance(layer, keras.layers.BatchNormalization):
            values = [take(f"{module}.{n}") for n in ("weight", "bias", "running_mean", "running_var")]
        else:
            raise ValueError(f"no weights for layer {layer.name}")
        layer.set_weights(values)  # checks every shape
    unused = [n for n in tensors if n not in used and not n.startswith("_fc.")]
    assert not unused, f"{len(unused)} tensor(s) not used, e.g. {unused[:3]}"


def efficientnet_lite(variant, input_shape, weights=None, input_size=None):
    model = build(variant, input_shape, input_size)
    if weights:
        load_weights(model, weights)
    return model
