/** Decoding encoded images (PNG, JPEG, BMP, GIF) into 8-bit HWC pixels on the native backend. */
import * as tf from '@tensorflow/tfjs-node';
import { DataError } from '../errors';

/** One decoded image. */
export interface DecodedImage {
  readonly pixels: Uint8Array;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

/**
 * Decodes `bytes`; alpha is dropped. `channels` 1 or 3 converts, absent keeps
 * gray as 1 and colour as 3. Any decoder failure becomes a DataError naming `file`.
 */
export function decodeImageBytes(bytes: Uint8Array, file: string, channels?: 1 | 3): DecodedImage {
  if (bytes.length === 0) throw new DataError('empty file, not an image', file);
  let decoded: tf.Tensor3D;
  try {
    decoded = tf.node.decodeImage(bytes, channels ?? 0, 'int32', false) as tf.Tensor3D;
  } catch (err) {
    const msg = (err as Error).message.replace(/\s+/g, ' ').replace(/^Invalid TF_Status: \d+ Message: /, '');
    throw new DataError(`cannot decode image (${msg})`, file);
  }
  try {
    const [height, width, c] = decoded.shape;
    const keep = c === 2 ? 1 : c === 4 ? 3 : c;
    const data = decoded.dataSync();
    const pixels = new Uint8Array(height * width * keep);
    if (keep === c) {
      pixels.set(data);
    } else {
      for (let p = 0, q = 0; p < height * width; p++) for (let k = 0; k < keep; k++) pixels[q++] = data[p * c + k] ?? 0;
    }
    return { pixels, height, width, channels: keep };
  } finally {
    decoded.dispose();
  }
}
