import * as tf from '@tensorflow/tfjs-node';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureIO } from '../../../cli/io';
import { createPredictCommand } from '../../../cli/commands/predict';
import { buildHead, disposeModels, savePublishedModel } from '../../../lib/models';

/** A few good PNGs, an unreadable one and a missing one, against a tiny untrained model saved to a temp folder. */
describe('graft predict with a bad file among good ones', () => {
  let dir: string;
  let modelUri: string;
  let files: { good: string[]; corrupt: string; missing: string };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'graft-predict-'));
    const model = buildHead([4, 4, 1], { strategy: 'replace', pooling: 'flatten' }, 2);
    modelUri = `file://${dir}/model/model.json`;
    await savePublishedModel(model, modelUri, { classNames: ['cat', 'dog'] });
    disposeModels(model);
    const good = [join(dir, 'a.png'), join(dir, 'b.png')];
    for (const [i, file] of good.entries()) {
      const pixels = tf.fill([6, 6, 3], 60 * (i + 1), 'int32') as tf.Tensor3D;
      await writeFile(file, await tf.node.encodePng(pixels));
      pixels.dispose();
    }
    const corrupt = join(dir, 'corrupt.png');
    await writeFile(corrupt, 'not an image');
    files = { good, corrupt, missing: join(dir, 'missing.png') };
  });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('prints every good file, names each bad one with its reason, then exits 2', async () => {
    const io = captureIO();
    const args = [modelUri, files.good[0]!, files.corrupt, files.missing, files.good[1]!];
    expect(await createPredictCommand().run(args, io)).toBe(2);
    expect(io.stdout).toHaveLength(2);
    expect(io.stdout[0]).toMatch(new RegExp(`^${files.good[0]}\\t(cat|dog)\\t[01]\\.\\d{4}$`));
    expect(io.stdout[1]).toMatch(new RegExp(`^${files.good[1]}\\t(cat|dog)\\t[01]\\.\\d{4}$`));
    expect(io.stderr[0]).toMatch(new RegExp(`^${files.corrupt}: cannot decode image`));
    expect(io.stderr[1]).toBe(`${files.missing}: ENOENT: no such file or directory`);
    expect(io.stderr[2]).toBe('2 of 4 file(s) could not be classified');
  });

  it('--json prints one array: a prediction or an error per file, in the order given', async () => {
    const io = captureIO();
    expect(await createPredictCommand().run([modelUri, files.good[0]!, files.corrupt, '--json'], io)).toBe(2);
    const out = JSON.parse(io.stdout.join('\n')) as Record<string, unknown>[];
    expect(out).toHaveLength(2);
    expect(Object.keys(out[0]!)).toEqual(['file', 'className', 'index', 'probability']);
    expect(out[0]).toEqual({ file: files.good[0], className: expect.stringMatching(/^(cat|dog)$/), index: expect.any(Number), probability: expect.any(Number) });
    expect(out[0]!.className).toBe(['cat', 'dog'][out[0]!.index as number]);
    expect(out[1]).toEqual({ file: files.corrupt, error: expect.stringMatching(/^cannot decode image/) });
  });

  it('exits 0 when every file is read', async () => {
    const io = captureIO();
    expect(await createPredictCommand().run([modelUri, ...files.good], io)).toBe(0);
    expect(io.stdout).toHaveLength(2);
    expect(io.stderr).toEqual([]);
  });
});
