import * as tf from '@tensorflow/tfjs-node';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureIO } from '../../../cli/io';
import { createPredictCommand } from '../../../cli/commands/predict';
import { createSummaryCommand } from '../../../cli/commands/summary';
import { buildHead, disposeModels, savePublishedModel, type StageSummary } from '../../../lib/models';
import { MemoryStore } from '../../support/memory-store';

/** EfficientNet-Lite0 without top: 3,328,992 conv weights + 4 × 21,008 BN channels (gamma, beta, moving mean, variance). */
const EFFICIENTNET_LITE0_PARAMS = 3_328_992 + 4 * 21_008;

describe('graft summary / graft predict', () => {
  let dir: string;
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'graft-cli-')); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  const spec = (extra: string): string => `name: tiny
dataset:
  source: idx:///nowhere/fashion-mnist
  classes: [0, 1, 2]
base:
  architecture: efficientnet-lite0
  inputShape: [28, 28, 1]
  inputSize: 32
head:
  strategy: dense
  hidden: [16]
${extra}`;

  it('prints a table per stage with Keras totals', async () => {
    const file = join(dir, 'tiny.yaml');
    await writeFile(file, spec('fineTune:\n  topLayers: 4\n  epochs: 1\n  learningRate: 0.00001\n'));
    const io = captureIO();
    expect(await createSummaryCommand(() => new MemoryStore()).run([file], io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toMatch(/Stage 1: transfer/);
    expect(text).toMatch(/Stage 2: fine-tune/);
    // The base is EfficientNet-Lite0 without its classifier, as TF-Hub's lite0 feature vector counts it:
    // convs (no bias) 3,328,992 + BN 4×21,008 channels. Its output is the pooled 1280 features,
    // so the head is 1280·16+16 and 16·3+3.
    const base = EFFICIENTNET_LITE0_PARAMS;
    const head = 1280 * 16 + 16 + 16 * 3 + 3;
    expect(io.stdout).toContain(`Total params: ${(base + head).toLocaleString('en-US')}`);
    expect(io.stdout).toContain(`Trainable params: ${head.toLocaleString('en-US')}`);
    expect(io.stdout).toContain(`Non-trainable params: ${base.toLocaleString('en-US')}`);
  });

  it('--json gives the same numbers; top_conv block trainable in the fine-tune stage', async () => {
    const file = join(dir, 'tiny2.yaml');
    await writeFile(file, spec('fineTune:\n  fromLayer: top_conv\n  epochs: 1\n  learningRate: 0.00001\n'));
    const io = captureIO();
    await createSummaryCommand().run([file, '--json'], io);
    const out = JSON.parse(io.stdout.join('\n')) as { numClasses: number; stages: StageSummary[] };
    expect(out.numClasses).toBe(3);
    const fine = out.stages[1]!.model;
    // Trainable in fine-tune: top_conv (320→1280, 1×1) and top_bn's gamma/beta; its moving stats and every block stay frozen.
    expect(fine.nonTrainable).toBe(EFFICIENTNET_LITE0_PARAMS - 320 * 1280 - 2 * 1280);
    expect(fine.layers.find((l) => l.name === 'top_conv')!.trainable).toBe(true);
    expect(fine.layers.find((l) => l.name === 'block7a_project_conv')!.trainable).toBe(false);
  });

  it('predict prints the top class per image using labels.json', async () => {
    const model = buildHead([4, 4, 1], { strategy: 'replace', pooling: 'flatten' }, 2);
    const store = new MemoryStore();
    await savePublishedModel(model, 's3://graft/models/tiny/current/model.json', { classNames: ['cat', 'dog'] }, store);
    const img = join(dir, 'x.png');
    const png = await tf.node.encodePng(tf.fill([6, 6, 3], 128, 'int32') as tf.Tensor3D);
    await writeFile(img, png);
    const io = captureIO();
    const code = await createPredictCommand(() => store).run(['s3://graft/models/tiny/current/model.json', img], io);
    expect(code).toBe(0);
    expect(io.stdout).toHaveLength(1);
    expect(io.stdout[0]).toMatch(new RegExp(`^${img}\\t(cat|dog)\\t0\\.\\d{4}$`));
    // A bad file is reported and fails the exit code, not the command (test/unit/cli/predict.test.ts has more).
    await writeFile(join(dir, 'bad.png'), 'not an image');
    const bad = captureIO();
    expect(await createPredictCommand(() => store).run(['s3://graft/models/tiny/current/model.json', join(dir, 'bad.png')], bad)).toBe(2);
    expect(bad.stderr[0]).toMatch(/bad\.png: cannot decode/);
    disposeModels(model);
  });
});
