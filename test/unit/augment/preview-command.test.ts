import * as tf from '@tensorflow/tfjs-node';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { previewCommand } from '../../../cli/commands/preview';
import { captureIO } from '../../../cli/io';

const SPEC = `name: preview-test
dataset:
  source: idx:///usr/share/datasets/fashion-mnist
  classes: [shirt, coat, bag]
augment:
  rotationRange: 15
  widthShiftRange: 0.1
  horizontalFlip: true
base:
  architecture: small-cnn
  inputShape: [28, 28, 1]
mode: retrain
`;

describe('graft preview', () => {
  it('writes a grid PNG for a spec: one row per class, original + --count copies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'graft-preview-cli-'));
    const spec = join(dir, 'p.yaml');
    writeFileSync(spec, SPEC);
    const out = join(dir, 'grid.png');
    const io = captureIO();
    const code = await previewCommand.run([spec, '--out', out, '--count', '3', '--rows', '3'], io);
    expect(code).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/3 rows × \(original \+ 3 augmented\)/);
    const png = tf.node.decodePng(readFileSync(out));
    expect(png.shape.slice(0, 2)).toEqual([3 * 114, 4 * 114]);
    png.dispose();
  });

  it('rejects a bad --count as a usage error', async () => {
    await expect(previewCommand.run(['x.yaml', '--count', '0'], captureIO())).rejects.toThrow(/--count/);
    await expect(previewCommand.run([], captureIO())).rejects.toThrow(/one pipeline spec/);
  });
});
