"""Head training on cached features: Keras fit, seconds per epoch."""
import keras
import numpy as np

from common import EpochTimer, emit, head_model, now, one_hot, parse

args = parse({"features": str, "labels": str, "classes": int, "batch": int, "epochs": int, "lr": float})
x = np.load(args.features)
y = one_hot(np.load(args.labels), args.classes)
model = head_model(x.shape[1:], args.classes)
model.compile(optimizer=keras.optimizers.Adam(args.lr), loss="categorical_crossentropy", metrics=["accuracy"])
timer = EpochTimer()
start = now()
history = model.fit(x, y, batch_size=args.batch, epochs=args.epochs, shuffle=True, verbose=0, callbacks=[timer])
total = now() - start
emit({"examples": int(x.shape[0]), "batch": args.batch, "epochs": args.epochs, "epochSeconds": timer.seconds,
      "totalSeconds": total, "finalAccuracy": float(history.history["accuracy"][-1])})
