import * as tf from '@tensorflow/tfjs-node';

/** Row and column of the brightest pixel of an H×W×1 image (first on ties). */
export function argmax2d(data: ArrayLike<number>, width: number): [number, number] {
  let best = 0;
  for (let i = 1; i < data.length; i++) if ((data[i] ?? 0) > (data[best] ?? 0)) best = i;
  return [Math.floor(best / width), best % width];
}

/** An h×w×1 float image that is 0 except 1 at (r, c). */
export function dot(h: number, w: number, r: number, c: number): tf.Tensor3D {
  const data = new Float32Array(h * w);
  data[r * w + c] = 1;
  return tf.tensor3d(data, [h, w, 1]);
}
