import * as tf from '@tensorflow/tfjs-node';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureIO } from '../../../cli/io';
import { createSummaryCommand } from '../../../cli/commands/summary';

/** `graft summary` on a `dir://` dataset counts its class folders itself, as ingest does. */
describe('graft summary on a dir:// dataset', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'graft-summary-'));
    // Three classes (and a hidden folder, which is no class), two PNGs each.
    for (const name of ['ankle-boot', 'sandal', 'shirt', '.cache']) {
      await mkdir(join(dir, 'images', name), { recursive: true });
      for (let i = 0; i < 2; i++) {
        const pixels = tf.fill([8, 8, 1], 40 * i, 'int32') as tf.Tensor3D;
        await writeFile(join(dir, 'images', name, `${i}.png`), await tf.node.encodePng(pixels));
        pixels.dispose();
      }
    }
  });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  const writeSpec = async (source: string): Promise<string> => {
    const file = join(dir, `spec-${Math.random().toString(36).slice(2)}.yaml`);
    await writeFile(file, `name: folders
dataset:
  source: ${source}
  imageSize: 16
  channels: 1
mode: retrain
base:
  architecture: small-cnn
`);
    return file;
  };

  it('needs no --classes: the class folders are counted', async () => {
    const io = captureIO();
    expect(await createSummaryCommand().run([await writeSpec(`dir://${join(dir, 'images')}`), '--json'], io)).toBe(0);
    const out = JSON.parse(io.stdout.join('\n')) as { numClasses: number };
    expect(out.numClasses).toBe(3);
  });

  it('the table says so too', async () => {
    const io = captureIO();
    expect(await createSummaryCommand().run([await writeSpec(`dir://${join(dir, 'images')}`)], io)).toBe(0);
    expect(io.stdout[0]).toBe('Pipeline "folders": 3 classes, 1 training stage(s)');
  });

  it('--classes still wins, and a missing folder is named', async () => {
    const io = captureIO();
    expect(await createSummaryCommand().run([await writeSpec(`dir://${join(dir, 'images')}`), '--classes', '5', '--json'], io)).toBe(0);
    expect((JSON.parse(io.stdout.join('\n')) as { numClasses: number }).numClasses).toBe(5);
    const missing = join(dir, 'nowhere');
    await expect(createSummaryCommand().run([await writeSpec(`dir://${missing}`)], captureIO()))
      .rejects.toThrow(`${missing}: image folder does not exist`);
  });
});
