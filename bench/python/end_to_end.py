"""End-to-end transfer over E epochs, the two Keras recipes:
- "recipe": the frozen base inside the model, so model.fit recomputes it every epoch;
- "cached": predict the features once, then fit the head on them (Graft's approach, in Keras)."""
import keras
import numpy as np

from common import EpochTimer, base_model, emit, head_model, load_images, now, one_hot, parse

args = parse({"arch": str, "images": str, "labels": str, "classes": int, "batch": int, "epochs": int, "lr": float})
x = load_images(args.images)
y = one_hot(np.load(args.labels), args.classes)

# The usual recipe: base frozen (trainable=False, called in inference mode), head on top.
start = now()
base = base_model(args.arch, x.shape[1:])
base.trainable = False
inputs = keras.Input(shape=x.shape[1:])
features = base(inputs, training=False)
head = head_model(tuple(features.shape[1:]), args.classes)
model = keras.Model(inputs, head(features))
model.compile(optimizer=keras.optimizers.Adam(args.lr), loss="categorical_crossentropy", metrics=["accuracy"])
timer = EpochTimer()
model.fit(x, y, batch_size=args.batch, epochs=args.epochs, shuffle=True, verbose=0, callbacks=[timer])
recipe = {"totalSeconds": now() - start, "epochSeconds": timer.seconds}

# Cached features: one predict, then the head alone.
start = now()
base2 = base_model(args.arch, x.shape[1:])
base2.trainable = False
extract_start = now()
cached = base2.predict(x, batch_size=args.batch, verbose=0)
extract_seconds = now() - extract_start
head2 = head_model(cached.shape[1:], args.classes)
head2.compile(optimizer=keras.optimizers.Adam(args.lr), loss="categorical_crossentropy", metrics=["accuracy"])
timer2 = EpochTimer()
head2.fit(cached, y, batch_size=args.batch, epochs=args.epochs, shuffle=True, verbose=0, callbacks=[timer2])
emit({"arch": args.arch, "examples": int(x.shape[0]), "batch": args.batch, "epochs": args.epochs,
      "recipe": recipe,
      "cached": {"totalSeconds": now() - start, "extractSeconds": extract_seconds, "epochSeconds": timer2.seconds}})
