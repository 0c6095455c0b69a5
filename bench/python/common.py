"""Shared parts of the Keras peer: argument parsing, models identical to
Graft's built-in bases, timing, and the JSON line the TS orchestrator reads."""
import argparse
import json
import os
import platform
import statistics
import sys
import time

import numpy as np
import tensorflow as tf
import keras


def parse(spec, optional=None):
    """spec: {name: type}, required options passed as --name value; optional: the same, default None."""
    parser = argparse.ArgumentParser()
    for name, kind in spec.items():
        parser.add_argument(f"--{name}", type=kind, required=True)
    for name, kind in (optional or {}).items():
        parser.add_argument(f"--{name}", type=kind, default=None)
    return parser.parse_args()


def info():
    return {
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "numpy": np.__version__,
        "intraOpThreads": tf.config.threading.get_intra_op_parallelism_threads(),
        "interOpThreads": tf.config.threading.get_inter_op_parallelism_threads(),
    }


def emit(result):
    """The last stdout line is the result."""
    result["peer"] = info()
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()


def now():
    return time.perf_counter()


def median(values):
    return statistics.median(values)


def small_cnn(input_shape):
    """Graft's small-cnn: three blocks of conv(3x3, same, no bias) -> BN(momentum 0.9) -> ReLU -> 2x2 max-pool."""
    inputs = keras.Input(shape=input_shape, name="input_1")
    x = inputs
    for i, filters in enumerate((32, 64, 128), start=1):
        x = keras.layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"conv{i}")(x)
        x = keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-3, name=f"conv{i}_bn")(x)
        x = keras.layers.Activation("relu", name=f"conv{i}_relu")(x)
        x = keras.layers.MaxPooling2D(2, name=f"pool{i}")(x)
    return keras.Model(inputs, x, name="small_cnn")


def base_model(arch, input_shape, weights=None, size=None):
    """weights (a safetensors path) and size (the side the network runs at) are for EfficientNet-Lite only."""
    if arch == "small-cnn":
        return small_cnn(input_shape)
    if arch == "vgg16":
        return keras.applications.VGG16(include_top=False, weights=None, input_shape=input_shape)
    if arch.startswith("efficientnet-lite"):
        from efficientnet_lite import efficientnet_lite
        return efficientnet_lite(arch, input_shape, weights, size)
    raise SystemExit(f"unknown architecture {arch}")


def head_model(feature_shape, num_classes):
    """Graft's `replace` head with flatten pooling: Flatten -> Dense(k, softmax)."""
    inputs = keras.Input(shape=feature_shape)
    x = keras.layers.Flatten()(inputs) if len(feature_shape) > 1 else inputs
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name="head")


def load_images(path):
    """uint8 NHWC from the orchestrator -> float32 in [0, 1], as Graft feeds its base."""
    return np.load(path).astype("float32") / 255.0


def one_hot(labels, num_classes):
    return np.eye(num_classes, dtype="float32")[labels]


class EpochTimer(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.seconds = []
        self._start = 0.0

    def on_epoch_begin(self, epoch, logs=None):
        self._start = now()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(now() - self._start)


os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
