"""Feature-extraction throughput of a frozen base in Keras, images/s, by the
faster of two ways, so the peer is not held back by one path's overhead:
`model.predict` (tf.data input, Keras's own loop) and the model called per
batch inside one traced tf.function (what a hand-written loop would do), each
materialized as NumPy. The two alternate within each repetition.
For EfficientNet-Lite, --weights (safetensors) and --size (the side it runs at);
--features-out saves the features of the first 64 images, for comparison with Graft's."""
import numpy as np
import tensorflow as tf

from common import base_model, emit, load_images, median, now, parse

args = parse({"arch": str, "images": str, "batch": int, "reps": int},
             {"weights": str, "size": int, "features-out": str})
x = load_images(args.images)
model = base_model(args.arch, x.shape[1:], args.weights, args.size)
model.trainable = False
forward = tf.function(lambda batch: model(batch, training=False))


def by_predict():
    return model.predict(x, batch_size=args.batch, verbose=0)


def by_call():
    return np.concatenate([forward(x[i:i + args.batch]).numpy() for i in range(0, len(x), args.batch)])


# Warm-up: traces both (the last batch too, when it is smaller).
model.predict(x[: args.batch], batch_size=args.batch, verbose=0)
forward(x[: args.batch])
if len(x) % args.batch:
    forward(x[len(x) - len(x) % args.batch:])
times = {"predict": [], "call": []}
for r in range(args.reps):
    order = [("predict", by_predict), ("call", by_call)]
    for name, run in order if r % 2 == 0 else order[::-1]:
        start = now()
        features = run()
        times[name].append(now() - start)
assert np.all(np.isfinite(features))
if args.features_out:
    np.save(args.features_out, features[:64].astype("float32"))
rates = {name: x.shape[0] / median(t) for name, t in times.items()}
emit({"arch": args.arch, "images": int(x.shape[0]), "batch": args.batch, "seconds": times,
      "imagesPerSecond": max(rates.values()), "predictImagesPerSecond": rates["predict"],
      "callImagesPerSecond": rates["call"], "featureShape": list(features.shape[1:])})
