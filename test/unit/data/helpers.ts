import * as tf from '@tensorflow/tfjs-node';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImageDataset } from '../../../lib/data';

/** A throwaway folder. */
export function tempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `graft-${tag}-`));
}

/** PNG bytes of an h×w×c image whose pixel values are `fill(i)`. */
export async function pngBytes(h: number, w: number, c: number, fill: (i: number) => number): Promise<Uint8Array> {
  const t = tf.tensor3d(Array.from({ length: h * w * c }, (_, i) => fill(i) & 255), [h, w, c], 'int32');
  try {
    return await tf.node.encodePng(t);
  } finally {
    t.dispose();
  }
}

/** Writes `files` (relative path → bytes or text) under `root`. */
export function writeTree(root: string, files: Record<string, Uint8Array | string>): void {
  for (const [rel, body] of Object.entries(files)) {
    const p = join(root, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, body);
  }
}

/** A tiny synthetic dataset: `perClass` images per class, pixel = sample index. */
export function toyDataset(classes: number, perClass: number, size = 2): ImageDataset {
  const n = classes * perClass;
  const labels = Int32Array.from({ length: n }, (_, i) => i % classes);
  const images = new Uint8Array(n * size * size);
  for (let i = 0; i < n; i++) images.fill(i % 256, i * size * size, (i + 1) * size * size);
  return {
    classNames: Array.from({ length: classes }, (_, c) => `class${c}`),
    images,
    labels,
    height: size,
    width: size,
    channels: 1,
    sources: Array.from({ length: n }, (_, i) => `img${i}`),
  };
}

/** IDX bytes: header (type 0x08, dims) + body. */
export function idxBytes(dims: number[], body: Uint8Array): Uint8Array {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = 0x08;
  head[3] = dims.length;
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(body)]);
}
