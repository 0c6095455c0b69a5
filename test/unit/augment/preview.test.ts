import * as tf from '@tensorflow/tfjs-node';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeAugmentPreview } from '../../../lib/augment';

describe('writeAugmentPreview', () => {
  it('writes a PNG grid: one row per image, the original first, then K augmentations', async () => {
    const n = 3;
    const images = Uint8Array.from({ length: n * 28 * 28 }, (_, i) => (i * 7) % 256);
    const input = { images, labels: Int32Array.from([0, 1, 2]), height: 28, width: 28, channels: 1 };
    const out = join(mkdtempSync(join(tmpdir(), 'graft-preview-')), 'sub', 'p.png');
    const before = tf.memory().numTensors;
    const res = await writeAugmentPreview(input, { rotationRange: 30, seed: 1 }, out, { count: 4, rows: 2 });
    expect(tf.memory().numTensors).toBe(before);
    expect(res).toMatchObject({ rows: 2, columns: 5, width: 5 * (28 * 4 + 2), height: 2 * (28 * 4 + 2) });
    const png = tf.node.decodePng(readFileSync(out), 1);
    expect(png.shape).toEqual([res.height, res.width, 1]);
    const grid = png.dataSync();
    // Cell (0, 0) is the original, scaled ×4 (nearest): pixel (1, 1) of image 0 sits at (4..7, 4..7).
    expect(grid[5 * res.width + 5]).toBe(images[1 * 28 + 1]);
    // Augmented cells differ from the original.
    const cell = (r: number, c: number): number[] => {
      const vals: number[] = [];
      for (let y = 0; y < 112; y++) for (let x = 0; x < 112; x++) vals.push(grid[(r * 114 + y) * res.width + c * 114 + x] ?? 0);
      return vals;
    };
    expect(cell(0, 1)).not.toEqual(cell(0, 0));
    png.dispose();
  });
});
