"""Feature-extraction throughput of a frozen base: Keras predict, images/s.
For EfficientNet-Lite, --weights (safetensors) and --size (the side it runs at);
--features-out saves the features of the first 64 images, for comparison with Graft's."""
import numpy as np

from common import base_model, emit, load_images, median, now, parse

args = parse({"arch": str, "images": str, "batch": int, "reps": int},
             {"weights": str, "size": int, "features-out": str})
x = load_images(args.images)
model = base_model(args.arch, x.shape[1:], args.weights, args.size)
model.trainable = False
model.predict(x[: args.batch], batch_size=args.batch, verbose=0)  # warm-up: traces the predict function
times = []
for _ in range(args.reps):
    start = now()
    features = model.predict(x, batch_size=args.batch, verbose=0)
    times.append(now() - start)
assert np.all(np.isfinite(features))
if args.features_out:
    np.save(args.features_out, features[:64].astype("float32"))
emit({"arch": args.arch, "images": int(x.shape[0]), "batch": args.batch, "seconds": times,
      "imagesPerSecond": x.shape[0] / median(times), "featureShape": list(features.shape[1:])})
