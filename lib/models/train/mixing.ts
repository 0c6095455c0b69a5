/**
 * CutMix and MixUp drawn fresh every epoch, inside the training loop: each
 * row of a batch is mixed, with probability `prob`, with another row of the
 * same batch. The draws are keyed by (seed, epoch, the row's index in the
 * training set), so a resumed epoch mixes exactly as the first attempt did.
 * Rows of rank 3 (images, or a base's feature maps) take CutMix boxes; flat
 * rows have no box to cut, so CutMix's draws blend them as MixUp does.
 */
import * as tf from '@tensorflow/tfjs-node';
import { KeyedRandom } from '../../data/random';
import { sampleBeta } from '../../augment/beta';
import { boxArea, cutmixBatch, cutmixBox, type CutMixBox } from '../../augment/mix';

export interface MixingOption {
  readonly alpha: number;
  readonly prob: number;
}

/** The `augment` section's mixing fields. */
export interface TrainMixing {
  readonly cutmix: MixingOption | null;
  readonly mixup: MixingOption | null;
  readonly seed: number;
}

/** For every row of a chunk: its partner (a row of the chunk), own share λ, and CutMix box (empty when none). */
export interface MixPlan {
  readonly partner: Int32Array;
  readonly lambda: Float32Array;
  readonly boxes: readonly CutMixBox[];
  /** Rows that were mixed. */
  readonly mixed: number;
}

const EPOCH_MIX_STREAM = 0x3c2;
const NO_BOX: CutMixBox = { y0: 0, x0: 0, y1: 0, x1: 0 };

export function mixingIsOn(mixing: TrainMixing | null | undefined): mixing is TrainMixing {
  return mixing != null && ((mixing.cutmix?.prob ?? 0) > 0 || (mixing.mixup?.prob ?? 0) > 0);
}

/**
 * Draws the mixes of one chunk: `rows[i]` is row i's index in the training
 * set, `batchSizes` how the chunk splits into batches (partners stay in
 * their batch), `spatial` the [height, width] of a row, or null for flat rows.
 */
export function planMixes(
  mixing: TrainMixing, epoch: number, rows: Int32Array, batchSizes: readonly number[], spatial: readonly [number, number] | null,
): MixPlan {
  const n = rows.length;
  const partner = new Int32Array(n);
  const lambda = new Float32Array(n).fill(1);
  const boxes: CutMixBox[] = new Array<CutMixBox>(n).fill(NO_BOX);
  const cutProb = mixing.cutmix?.prob ?? 0;
  let mixed = 0;
  for (let start = 0, b = 0; b < batchSizes.length; start += batchSizes[b]!, b++) {
    const size = batchSizes[b]!;
    for (let i = start; i < start + size; i++) {
      partner[i] = i;
      if (size < 2) continue;
      const rng = new KeyedRandom(mixing.seed, EPOCH_MIX_STREAM, epoch, rows[i]!);
      const u = rng.next();
      const kind = mixing.cutmix && u < cutProb ? mixing.cutmix
        : mixing.mixup && u < cutProb + mixing.mixup.prob ? mixing.mixup : null;
      if (kind === null) continue;
      partner[i] = start + ((i - start + 1 + rng.int(size - 1)) % size); // any other row of the batch
      const drawn = sampleBeta(kind.alpha, kind.alpha, rng);
      if (kind === mixing.cutmix && spatial !== null) {
        const [h, w] = spatial;
        boxes[i] = cutmixBox(drawn, h, w, rng);
        lambda[i] = 1 - boxArea(boxes[i]!) / (h * w);
      } else {
        lambda[i] = drawn;
      }
      mixed++;
    }
  }
  return { partner, lambda, boxes, mixed };
}

/**
 * The chunk's rows and labels, mixed as `plan` says: boxes pasted from the
 * partner (CutMix), then λ·own + (1−λ)·partner for the blended rows (MixUp);
 * labels λ·own + (1−λ)·partner for both.
 */
export function applyMixes(x: tf.Tensor, y: tf.Tensor, plan: MixPlan): { x: tf.Tensor; y: tf.Tensor } {
  return tf.tidy(() => {
    const partner = tf.tensor1d(plan.partner, 'int32');
    const xf = x.toFloat();
    const px = tf.gather(xf, partner);
    const isCut = plan.boxes.map((b) => boxArea(b) > 0);
    let mixedX = xf;
    if (x.rank === 4 && isCut.some(Boolean)) mixedX = cutmixBatch(mixedX as tf.Tensor4D, px as tf.Tensor4D, plan.boxes);
    // CutMix rows are done: blend only the others.
    const blend = Float32Array.from(plan.lambda, (l, i) => (isCut[i] ? 1 : l));
    const shape = [blend.length, ...new Array<number>(x.rank - 1).fill(1)];
    const l = tf.tensor(blend, shape);
    mixedX = tf.add(tf.mul(mixedX, l), tf.mul(px, tf.sub(1, l)));
    const ly = tf.tensor2d(plan.lambda, [plan.lambda.length, 1]);
    const mixedY = tf.add(tf.mul(y, ly), tf.mul(tf.gather(y, partner), tf.sub(1, ly)));
    return { x: mixedX, y: mixedY };
  });
}
