// A base that Keras built and saved, as a user brings it: a pipeline run on
// the real stack transfers from a `.keras` archive and fine-tunes it, and
// the published model exports back to a `.keras` file.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startRun } from '../../runtime/runs';
import { kerasPython, runKeras } from '../unit/models/keras-helpers';
import type { TestStack } from './support/harness';
import { openTestStack, smallPipeline, startInProcessWorker } from './support/harness';

let stack: TestStack;
let worker: Awaited<ReturnType<typeof startInProcessWorker>>;
let work: string;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'graft-keras-base-'));
  runKeras(kerasPython(), 'build', work);
  stack = await openTestStack('keras-base');
  worker = await startInProcessWorker(stack);
}, 600_000);

afterAll(async () => {
  worker.workers.shutdown();
  await worker.done;
  await stack.close();
  fs.rmSync(work, { recursive: true, force: true });
});

// In this order: the .h5 run finds the .keras run's entries.
test.each(['keras', 'h5'])('transfers from and fine-tunes a Keras base saved as .%s', async (ext) => {
  const spec = smallPipeline(stack, {
    name: `itest-keras-${ext}`,
    // Keras's `mobile` model takes 32x32 RGB (Rescaling, BatchNorm, depthwise conv, ReLU6, global average pooling).
    dataset: { source: 'idx:///usr/share/datasets/fashion-mnist', classes: [0, 1, 7], limitPerClass: 40, split: { validation: 0.2, test: 0.2, seed: 3 }, imageSize: 32, channels: 3 },
    base: { uri: `file://${work}/mobile.${ext}` },
    train: { epochs: 2, batchSize: 16 },
    fineTune: { topLayers: 4, epochs: 1, learningRate: 0.0001 },
  });
  const result = await (await startRun(stack.client, spec)).result();
  expect(result.status).toBe('completed');
  expect(result.stages.map((s) => s.stage)).toEqual(['ingest', 'augment', 'base', 'extract', 'train-head', 'fine-tune', 'evaluate', 'publish']);
  expect(result.evaluations.map((e) => e.model)).toEqual(['transfer', 'fine-tune']);
  for (const { evaluation } of result.evaluations) expect(evaluation.confusion.flat().reduce((a, b) => a + b, 0)).toBe(evaluation.count);
  expect(result.published?.modelUri).toMatch(/model\.json$/);
  // The base is keyed by the model it loads to: the same Keras model saved as .h5 is the .keras one's cached base.
  expect(result.stages.find((s) => s.stage === 'base')?.outcome).toBe(ext === 'keras' ? 'computed' : 'cached');
});
