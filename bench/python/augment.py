"""Augmentation throughput of Keras' ImageDataGenerator, images/s, with the
ranges of bench/augment.ts's Keras-like config and its synthetic pixels."""
import math

import numpy as np
import tensorflow as tf

from common import emit, now, parse

args = parse({"height": int, "width": int, "channels": int, "images": int, "batch": int})
n, h, w, c = args.images, args.height, args.width, args.channels
# The same pixels as bench/augment.ts: value i -> (i * 131) % 251.
x = ((np.arange(n * h * w * c, dtype=np.int64) * 131) % 251).astype("float32").reshape(n, h, w, c)
y = np.arange(n) % 10
# Keras 3 keeps the generator only under tf.keras (its legacy module).
generator = tf.keras.preprocessing.image.ImageDataGenerator(
    rotation_range=20, width_shift_range=0.1, height_shift_range=0.1, shear_range=10, zoom_range=0.15,
    horizontal_flip=True, brightness_range=(0.8, 1.2), channel_shift_range=20, fill_mode="nearest")
flow = generator.flow(x[:1], y[:1], batch_size=1, shuffle=False, seed=1)
next(flow)  # warm-up
flow = generator.flow(x, y, batch_size=args.batch, shuffle=False, seed=1)
count = 0
start = now()
for _ in range(math.ceil(n / args.batch)):
    batch, _labels = next(flow)
    count += batch.shape[0]
seconds = now() - start
emit({"shape": [h, w, c], "images": count, "batch": args.batch, "seconds": seconds, "imagesPerSecond": count / seconds})
