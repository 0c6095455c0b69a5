/**
 * (c) End-to-end transfer over E epochs on the same images: Graft's
 * cached-features approach (extract once, then E head epochs) vs the usual
 * Keras recipe (frozen base inside the model, recomputed by every epoch of
 * `fit`). Keras with cached features is there too, to split "the approach"
 * from "the implementation". Each case alternates the two sides over
 * several repetitions (who goes first swaps); rows give medians.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-node';
import { extractFeatures } from '../lib/models/features';
import type { Architecture } from '../lib/models/types';
import { frozenBase } from './keras-extract';
import { extractionBatchSize } from '../lib/models/extraction-batch';
import { HEAD_BATCH, HEAD_LR, graftHeadEpochs } from './keras-head';
import type { BenchOptions, Headline, PeerInfo } from './util';
import { fashionImages, median, runPeer, scratchDir, timed, toInputTensor, writeNpy } from './util';

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
  /** Keras recipe ÷ Graft, median of the repetitions' ratios: above 1 means Graft is faster. */
  readonly ratio: number;
  /** Lowest and highest per-repetition ratio. */
  readonly ratioRange: readonly [number, number];
  readonly reps: number;
}

export interface EndToEndBenchResult {
  readonly rows: EndToEndRow[];
  readonly peer: PeerInfo;
}

/** The issue-16 goal: Graft's transfer at least 5 × as fast as the Keras recipe, on every base. */
export const END_TO_END_GOAL = 5;

interface PeerEndToEnd {
  readonly recipe: { readonly totalSeconds: number };
  readonly cached: { readonly totalSeconds: number };
  readonly peer: PeerInfo;
}

const CLASSES = 10;

export async function benchKerasEndToEnd(options: BenchOptions = {}): Promise<EndToEndBenchResult & { headline: Headline }> {
  const quick = options.quick ?? false;
  const epochs = quick ? 2 : 5;
  const reps = quick ? 1 : 3;
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
      const runGraft = async (): Promise<{ seconds: number; extractSeconds: number }> => {
        let extractSeconds = 0;
        const graft = await timed(async () => {
          const base = await frozenBase(c.arch, set.shape);
          const x = toInputTensor(set);
          let features: tf.Tensor | undefined;
          try {
            // The batch the extract stage takes for this base (its approach, not a setting of the comparison).
            const extracted = await timed(() => extractFeatures(base, x, extractionBatchSize(base)));
            features = extracted.value;
            extractSeconds = extracted.seconds;
            await graftHeadEpochs(features, set.labels, CLASSES, epochs);
          } finally {
            tf.dispose([x, ...(features ? [features] : [])]);
            base.dispose();
          }
        });
        return { seconds: graft.seconds, extractSeconds };
      };
      const runKeras = (): Promise<PeerEndToEnd> => runPeer<PeerEndToEnd>('end_to_end.py', {
        arch: c.arch, images: imageFile, labels: labelFile, classes: CLASSES, batch: HEAD_BATCH, epochs, lr: HEAD_LR,
      });
      const runs: { graft: { seconds: number; extractSeconds: number }; keras: PeerEndToEnd }[] = [];
      for (let r = 0; r < reps; r++) {
        if (r % 2 === 0) {
          const graft = await runGraft();
          runs.push({ graft, keras: await runKeras() });
        } else {
          const keras = await runKeras();
          runs.push({ graft: await runGraft(), keras });
        }
      }
      peer = runs[0]!.keras.peer;
      const ratios = runs.map((run) => run.keras.recipe.totalSeconds / run.graft.seconds);
      rows.push({
        arch: c.arch, inputShape: set.shape, examples: n, epochs, batchSize: HEAD_BATCH,
        graftSeconds: median(runs.map((run) => run.graft.seconds)), graftExtractSeconds: median(runs.map((run) => run.graft.extractSeconds)),
        kerasRecipeSeconds: median(runs.map((run) => run.keras.recipe.totalSeconds)), kerasCachedSeconds: median(runs.map((run) => run.keras.cached.totalSeconds)),
        ratio: median(ratios), ratioRange: [Math.min(...ratios), Math.max(...ratios)], reps,
      });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const worst = rows.reduce((a, b) => (b.ratio < a.ratio ? b : a));
  return {
    rows, peer: peer!,
    headline: {
      value: worst.ratio, goal: END_TO_END_GOAL, better: 'higher', unit: '× Keras',
      what: `transfer over ${epochs} epochs, Keras's frozen-base-in-fit recipe ÷ Graft (extract once, then the head) in seconds, the lower of ${rows.map((r) => `${r.arch} ${r.ratio.toFixed(2)}× (${r.ratioRange.map((v) => v.toFixed(2)).join('–')})`).join(' and ')}; medians of ${reps} interleaved runs`,
    },
  };
}
