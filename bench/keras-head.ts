/**
 * (b) Head training on cached features: seconds per epoch of the same head
 * (Flatten → Dense(k, softmax)), batch size, optimizer (Adam 1e-3) and
 * features (small-cnn features of Fashion-MNIST), Graft's `trainModel` vs
 * Keras `fit`. The first epoch is reported apart: it holds Keras' tracing.
 * The two sides alternate over several repetitions (who goes first swaps),
 * so a shared machine's load falls on both; the headline is the median of
 * the per-repetition ratios.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-node';
import { extractFeatures } from '../lib/models/features';
import { buildHead } from '../lib/models/head';
import { trainModel } from '../lib/models/train/train-model';
import { EXTRACT_BATCH, frozenBase } from './keras-extract';
import type { BenchOptions, Headline, PeerInfo } from './util';
import { fashionImages, median, runPeer, scratchDir, secondsSince, toInputTensor, writeNpy } from './util';

export interface EpochTimes {
  readonly epochSeconds: number[];
  readonly firstEpochSeconds: number;
  /** Median of the epochs after the first. */
  readonly steadyEpochSeconds: number;
  readonly finalAccuracy: number;
}

export interface HeadBenchResult {
  readonly examples: number;
  readonly featureShape: number[];
  readonly classes: number;
  readonly batchSize: number;
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  /** The repetition whose ratio is the median's (what the tables show). */
  readonly graft: EpochTimes;
  readonly keras: EpochTimes;
  /** Keras ÷ Graft steady epoch time, median over the repetitions: above 1 means Graft is faster. */
  readonly ratio: number;
  readonly reps: number;
  /** Every repetition, in order; `graftFirst` says which side ran first. */
  readonly repetitions: { readonly graftFirst: boolean; readonly graftSteadySeconds: number; readonly kerasSteadySeconds: number; readonly ratio: number }[];
  /** Lowest and highest per-repetition ratio. */
  readonly ratioRange: readonly [number, number];
  readonly peer: PeerInfo;
}

/** The issue-16 goal: Graft's steady head epoch at least 1.5 × as fast as Keras'. */
export const HEAD_GOAL = 1.5;

interface PeerHead {
  readonly epochSeconds: number[];
  readonly finalAccuracy: number;
  readonly peer: PeerInfo;
}

export const HEAD_BATCH = 32;
export const HEAD_LR = 0.001;
const CLASSES = 10;

function epochTimes(seconds: number[], finalAccuracy: number): EpochTimes {
  return {
    epochSeconds: seconds, firstEpochSeconds: seconds[0]!,
    steadyEpochSeconds: median(seconds.length > 1 ? seconds.slice(1) : seconds), finalAccuracy,
  };
}

/** Trains Graft's replace/flatten head on `features` and times each epoch. */
export async function graftHeadEpochs(features: tf.Tensor, labels: Int32Array, classes: number, epochs: number): Promise<EpochTimes> {
  const head = buildHead(features.shape.slice(1), { strategy: 'replace', pooling: 'flatten' }, classes);
  const y = tf.oneHot(tf.tensor1d(labels, 'int32'), classes).toFloat();
  const seconds: number[] = [];
  let start = process.hrtime.bigint();
  try {
    const result = await trainModel(head, { x: features, y }, {
      epochs, batchSize: HEAD_BATCH, optimizer: 'adam', learningRate: HEAD_LR, seed: 1,
      callbacks: { onEpochEnd: () => { seconds.push(secondsSince(start)); start = process.hrtime.bigint(); } },
    });
    return epochTimes(seconds, result.history[result.history.length - 1]!.acc);
  } finally {
    y.dispose();
    head.dispose();
  }
}

export async function benchKerasHead(options: BenchOptions = {}): Promise<HeadBenchResult & { headline: Headline }> {
  const quick = options.quick ?? false;
  const epochs = quick ? 2 : 5;
  const reps = quick ? 1 : 3;
  const set = fashionImages(quick ? 512 : 10_000);
  const n = set.labels.length;
  const base = await frozenBase('small-cnn', set.shape);
  const x = toInputTensor(set);
  const features = await extractFeatures(base, x, EXTRACT_BATCH);
  x.dispose();
  base.dispose();
  const dir = scratchDir('head');
  try {
    const featureFile = writeNpy(path.join(dir, 'features.npy'), features.dataSync() as Float32Array, features.shape);
    const labelFile = writeNpy(path.join(dir, 'labels.npy'), set.labels, [n]);
    const runs: { graftFirst: boolean; graft: EpochTimes; keras: EpochTimes; peer: PeerInfo }[] = [];
    for (let r = 0; r < reps; r++) {
      const graftFirst = r % 2 === 0;
      let graft: EpochTimes | undefined;
      if (graftFirst) graft = await graftHeadEpochs(features, set.labels, CLASSES, epochs);
      const peer = await runPeer<PeerHead>('head.py', { features: featureFile, labels: labelFile, classes: CLASSES, batch: HEAD_BATCH, epochs, lr: HEAD_LR });
      if (!graftFirst) graft = await graftHeadEpochs(features, set.labels, CLASSES, epochs);
      runs.push({ graftFirst, graft: graft!, keras: epochTimes(peer.epochSeconds, peer.finalAccuracy), peer: peer.peer });
    }
    const ratioOf = (run: (typeof runs)[number]): number => run.keras.steadyEpochSeconds / run.graft.steadyEpochSeconds;
    const ratios = runs.map(ratioOf);
    const ratio = median(ratios);
    const shown = runs[ratios.indexOf([...ratios].sort((a, b) => a - b)[Math.floor((ratios.length - 1) / 2)]!)]!;
    const range = [Math.min(...ratios), Math.max(...ratios)] as const;
    return {
      examples: n, featureShape: features.shape.slice(1), classes: CLASSES, batchSize: HEAD_BATCH, epochs,
      stepsPerEpoch: Math.ceil(n / HEAD_BATCH), graft: shown.graft, keras: shown.keras, ratio, reps,
      repetitions: runs.map((run) => ({
        graftFirst: run.graftFirst, graftSteadySeconds: run.graft.steadyEpochSeconds, kerasSteadySeconds: run.keras.steadyEpochSeconds, ratio: ratioOf(run),
      })),
      ratioRange: range, peer: shown.peer,
      headline: {
        value: ratio, goal: HEAD_GOAL, better: 'higher', unit: '× Keras',
        what: `head training speed, Graft ÷ Keras (Keras steady epoch seconds ÷ Graft's), same features, head, Adam and batch ${HEAD_BATCH}; median of ${reps} interleaved runs (${range.map((v) => v.toFixed(2)).join('–')})`,
      },
    };
  } finally {
    features.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
