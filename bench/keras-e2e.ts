/**
 * (c) End-to-end transfer over E epochs on the same images: Graft's
 * cached-features approach (extract once, then E head epochs) vs the usual
 * Keras recipe (frozen base inside the model, recomputed by every epoch of
 * `fit`). Keras with cached features is there too, to split "the approach"
 * from "the implementation".
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-node';
import { extractFeatures } from '../lib/models/features';
import type { Architecture } from '../lib/models/types';
import { EXTRACT_BATCH, frozenBase } from './keras-extract';
import { HEAD_BATCH, HEAD_LR, graftHeadEpochs } from './keras-head';
import type { BenchOptions, PeerInfo } from './util';
import { fashionImages, runPeer, scratchDir, timed, toInputTensor, writeNpy } from './util';

export interface EndToEndRow {
  readonly arch: Architecture;
  readonly inputShape: readonly [number, number, number];
  readonly examples: number;
  readonly epochs: number;
  readonly batchSize: number;
  /** Graft: extract once + E head epochs (building the base included on every side). */
  readonly graftSeconds: number;
  readonly graftExtractSeconds: number;
  readonly kerasRecipeSeconds: number;
  readonly kerasCachedSeconds: number;
  /** Keras recipe ÷ Graft: above 1 means Graft is faster. */
  readonly ratio: number;
}

export interface EndToEndBenchResult {
  readonly rows: EndToEndRow[];
  readonly peer: PeerInfo;
}

interface PeerEndToEnd {
  readonly recipe: { readonly totalSeconds: number };
  readonly cached: { readonly totalSeconds: number };
  readonly peer: PeerInfo;
}

const CLASSES = 10;

export async function benchKerasEndToEnd(options: BenchOptions = {}): Promise<EndToEndBenchResult> {
  const quick = options.quick ?? false;
  const epochs = quick ? 2 : 5;
  const cases: { arch: Architecture; size: number; channels: 1 | 3; count: number }[] = [
    { arch: 'small-cnn', size: 28, channels: 1, count: quick ? 256 : 6000 },
    { arch: 'vgg16', size: 32, channels: 3, count: quick ? 32 : 256 },
  ];
  const rows: EndToEndRow[] = [];
  let peer: PeerInfo | undefined;
  const dir = scratchDir('e2e');
  try {
    for (const c of cases) {
      const set = fashionImages(c.count, c.size, c.channels);
      const n = set.labels.length;
      const imageFile = writeNpy(path.join(dir, `${c.arch}.x.npy`), set.images, [n, ...set.shape]);
      const labelFile = writeNpy(path.join(dir, `${c.arch}.y.npy`), set.labels, [n]);
      let extractSeconds = 0;
      const graft = await timed(async () => {
        const base = await frozenBase(c.arch, set.shape);
        const x = toInputTensor(set);
        let features: tf.Tensor | undefined;
        try {
          const extracted = await timed(() => extractFeatures(base, x, EXTRACT_BATCH));
          features = extracted.value;
          extractSeconds = extracted.seconds;
          await graftHeadEpochs(features, set.labels, CLASSES, epochs);
        } finally {
          tf.dispose([x, ...(features ? [features] : [])]);
          base.dispose();
        }
      });
      const keras = await runPeer<PeerEndToEnd>('end_to_end.py', {
        arch: c.arch, images: imageFile, labels: labelFile, classes: CLASSES, batch: HEAD_BATCH, epochs, lr: HEAD_LR,
      });
      peer = keras.peer;
      rows.push({
        arch: c.arch, inputShape: set.shape, examples: n, epochs, batchSize: HEAD_BATCH,
        graftSeconds: graft.seconds, graftExtractSeconds: extractSeconds,
        kerasRecipeSeconds: keras.recipe.totalSeconds, kerasCachedSeconds: keras.cached.totalSeconds,
        ratio: keras.recipe.totalSeconds / graft.seconds,
      });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { rows, peer: peer! };
}
