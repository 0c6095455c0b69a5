#!/usr/bin/env python3
"""Reference forward pass of the EfficientNet-Lite0/1/2 ImageNet classifiers,
in plain numpy.

    python efficientnet_lite_reference.py WEIGHTS.safetensors INPUT.npy OUTPUT.npy

INPUT.npy holds float32 [N, H, W, 3] RGB pixels in 0..255, already resized to
the variant's input size (lite0 224, lite1 240, lite2 260). OUTPUT.npy gets
float32 [N, 1000] softmax probabilities.

Tests use it to check Graft's TypeScript (tfjs) implementation of the same
network. It is independent of that code on purpose: it reads the safetensors
file itself, keeps the weights in PyTorch's names and OIHW layout, derives
the architecture from the published EfficientNet-B0 block table, and does
every convolution by hand with numpy (no tfjs, no TensorFlow, no PyTorch), so
a mistake in Graft's weight mapping, padding, BatchNorm or block wiring shows
up as a disagreement instead of being shared. It computes in float64, so its
own rounding error is negligible next to a float32 implementation's.
"""
import json
import struct
import sys
import time
from typing import Dict, List, Tuple

import numpy as np

Weights = Dict[str, np.ndarray]

BN_EPSILON = 1e-3  # TF's BatchNorm default; some running variances are exactly 0

# EfficientNet-B0 stages: (kernel, stride of the stage's first block, expand ratio).
STAGES: List[Tuple[int, int, int]] = [
    (3, 1, 1), (3, 2, 6), (5, 2, 6), (3, 2, 6), (5, 1, 6), (5, 2, 6), (3, 1, 6),
]
# Blocks per stage. Lite1 and lite2 share their repeats (they differ in width),
# so the block count is enough to tell the stride pattern.
REPEATS: Dict[str, List[int]] = {
    "lite0": [1, 2, 2, 3, 3, 4, 1],
    "lite1/lite2": [1, 3, 3, 4, 4, 5, 1],
}


def load_safetensors(path: str) -> Weights:
    """Reads a safetensors file: u64 LE header length, JSON header, raw data."""
    with open(path, "rb") as f:
        blob = f.read()
    (header_len,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + header_len])
    data = blob[8 + header_len:]
    weights: Weights = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise ValueError(f"{name}: dtype {info['dtype']}, expected F32")
        start, end = info["data_offsets"]
        array = np.frombuffer(data[start:end], dtype="<f4").reshape(info["shape"])
        weights[name] = array.astype(np.float64)
    return weights


def block_strides(weights: Weights) -> List[int]:
    """Each block's stride, from the table, after checking the weights match it."""
    count = len({name.split(".")[1] for name in weights if name.startswith("_blocks.")})
    matches = [r for r in REPEATS.values() if sum(r) == count]
    if not matches:
        raise ValueError(f"{count} blocks: not an EfficientNet-Lite0/1/2")
    strides: List[int] = []
    for (kernel, stride, expand), repeats in zip(STAGES, matches[0]):
        for i in range(repeats):
            p = f"_blocks.{len(strides)}."
            depthwise = weights[p + "_depthwise_conv.weight"].shape  # (C, 1, k, k)
            project = weights[p + "_project_conv.weight"].shape  # (O, C, 1, 1)
            expand_conv = weights.get(p + "_expand_conv.weight")  # (C, I, 1, 1), absent if ratio 1
            in_ch = depthwise[0] if expand_conv is None else expand_conv.shape[1]
            if (depthwise[2:] != (kernel, kernel) or project[1] != depthwise[0]
                    or depthwise[0] != in_ch * expand or (expand_conv is None) != (expand == 1)):
                raise ValueError(f"block {len(strides)}: weights {depthwise} / {project} do not match "
                                 f"the table's kernel {kernel}, expand ratio {expand}")
            strides.append(stride if i == 0 else 1)
    return strides


def pad_same(x: np.ndarray, kernel: int, stride: int) -> np.ndarray:
    """TF 'SAME' padding of NHWC x: the odd pixel goes after (bottom/right)."""
    pads = [(0, 0)]
    for size in x.shape[1:3]:
        out = -(-size // stride)
        total = max((out - 1) * stride + kernel - size, 0)
        pads.append((total // 2, total - total // 2))
    pads.append((0, 0))
    return np.pad(x, pads)


def taps(x: np.ndarray, kernel: int, stride: int):
    """Yields (i, j, view): for each kernel tap, the strided slice of padded x it sees."""
    out_h, out_w = -(-x.shape[1] // stride), -(-x.shape[2] // stride)
    xp = pad_same(x, kernel, stride)
    for i in range(kernel):
        for j in range(kernel):
            yield i, j, xp[:, i:i + stride * (out_h - 1) + 1:stride, j:j + stride * (out_w - 1) + 1:stride, :]


def batch_norm(x: np.ndarray, w: Weights, prefix: str) -> np.ndarray:
    scale = w[prefix + ".weight"] / np.sqrt(w[prefix + ".running_var"] + BN_EPSILON)
    return (x - w[prefix + ".running_mean"]) * scale + w[prefix + ".bias"]


def relu6(x: np.ndarray) -> np.ndarray:
    return np.clip(x, 0.0, 6.0)


def conv_1x1(x: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Pointwise conv as a matmul over channels; weight is OIHW (O, I, 1, 1)."""
    return x @ weight[:, :, 0, 0].T


def conv_stem(x: np.ndarray, weight: np.ndarray, stride: int) -> np.ndarray:
    """Full conv via im2col: patches [..., kh, kw, I] times weight as (kh·kw·I, O)."""
    out_ch, in_ch, kernel, _ = weight.shape
    patches = np.stack([view for _, _, view in taps(x, kernel, stride)], axis=3)
    patches = patches.reshape(*patches.shape[:3], kernel * kernel * in_ch)
    # taps() walks (i, j) row-major, matching weight transposed to (kh, kw, I, O).
    return patches @ weight.transpose(2, 3, 1, 0).reshape(-1, out_ch)


def conv_depthwise(x: np.ndarray, weight: np.ndarray, stride: int) -> np.ndarray:
    """Depthwise conv as a weighted sum of shifted views; weight is (C, 1, k, k)."""
    out = 0.0
    for i, j, view in taps(x, weight.shape[-1], stride):
        out = out + view * weight[:, 0, i, j]
    return out


def mbconv(x: np.ndarray, w: Weights, b: int, stride: int) -> np.ndarray:
    """Inverted residual block without squeeze-excite (the Lite variants drop it)."""
    p = f"_blocks.{b}."
    h = x
    if p + "_expand_conv.weight" in w:
        h = relu6(batch_norm(conv_1x1(h, w[p + "_expand_conv.weight"]), w, p + "_bn0"))
    h = relu6(batch_norm(conv_depthwise(h, w[p + "_depthwise_conv.weight"], stride), w, p + "_bn1"))
    h = batch_norm(conv_1x1(h, w[p + "_project_conv.weight"]), w, p + "_bn2")  # linear bottleneck
    if stride == 1 and x.shape[-1] == h.shape[-1]:
        h = h + x  # drop-connect is training-only
    return h


def forward(w: Weights, pixels: np.ndarray) -> np.ndarray:
    """[N, H, W, 3] pixels in 0..255 -> [N, 1000] softmax probabilities."""
    x = (pixels.astype(np.float64) - 127.0) / 128.0  # the Lite models' training preprocessing
    x = relu6(batch_norm(conv_stem(x, w["_conv_stem.weight"], 2), w, "_bn0"))
    for b, stride in enumerate(block_strides(w)):
        x = mbconv(x, w, b, stride)
    x = relu6(batch_norm(conv_1x1(x, w["_conv_head.weight"]), w, "_bn1"))
    feats = x.mean(axis=(1, 2))
    logits = feats @ w["_fc.weight"].T + w["_fc.bias"]
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def main(argv: List[str]) -> None:
    if len(argv) != 4:
        sys.exit(f"usage: {argv[0]} WEIGHTS.safetensors INPUT.npy OUTPUT.npy")
    weights = load_safetensors(argv[1])
    pixels = np.load(argv[2])
    if pixels.ndim != 4 or pixels.shape[-1] != 3:
        sys.exit(f"input shape {pixels.shape}: expected [N, H, W, 3]")
    start = time.perf_counter()
    probs = forward(weights, pixels)
    elapsed = time.perf_counter() - start
    np.save(argv[3], probs.astype(np.float32))
    print(f"[reference] {pixels.shape[0]} image(s) {pixels.shape[1]}x{pixels.shape[2]} "
          f"in {elapsed:.2f}s", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
