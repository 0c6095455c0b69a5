import * as tf from '@tensorflow/tfjs-node';
import { ModelError } from '../errors';
import { guardFrozenBatchNorm } from './batchnorm-guard';
import { buildArchitecture } from './bases/build-architecture';
import { defaultWeights } from './bases/catalog';
import { EFFICIENTNET_LITE, isEfficientNetLite, type EfficientNetLite } from './bases/efficientnet-lite';
import { assignEfficientNetLiteWeights, readImagenetWeights, readWeightsSource, type WeightsSource } from './bases/imagenet-weights';
import { cutModel } from './cut';
import { setModelTrainable } from './freeze';
import { loadModelFromUri } from './io/load-save';
import type { ModelIOOptions } from './io/resolve';
import type { ArchitectureOptions } from './bases/input-shape';
import type { BaseMode, BaseSpec } from './types';

/**
 * The feature extractor of a pipeline: a built-in architecture (with its
 * ImageNet weights where it has them and the spec asks for them) or a model
 * loaded from `uri`, cut at `cutAt`. `transfer` freezes it; `retrain` gives
 * the same architecture fresh random weights, all trainable. Frozen BN layers
 * are guarded to stay in inference mode (see batchnorm-guard.ts).
 */
export async function buildBase(
  base: BaseSpec, mode: BaseMode = 'transfer', opts: ModelIOOptions & ArchitectureOptions = {},
): Promise<tf.LayersModel> {
  const hasArch = base.architecture != null;
  const hasUri = base.uri != null;
  if (hasArch === hasUri) throw new ModelError('base needs exactly one of architecture / uri');
  let full = hasArch ? await buildBuiltIn(base, mode, opts) : await loadModelFromUri(base.uri!, opts);
  if (hasUri) {
    checkLoadedInput(full, base);
    if (mode === 'retrain') full = await reinitialize(full);
  }
  const cut = base.cutAt != null ? cutModel(full, base.cutAt) : full;
  setModelTrainable(cut, mode === 'retrain');
  guardFrozenBatchNorm(cut);
  return cut;
}

/** The weights a built-in base starts from: random in mode retrain, else the spec's (or the architecture's default). */
export function startingWeights(base: BaseSpec, mode: BaseMode): 'imagenet' | 'random' {
  if (mode === 'retrain' || !base.architecture) return 'random';
  return base.weights ?? defaultWeights(base.architecture);
}

/** Where a base's pretrained weights came from (package, checksums); null for random weights or a uri. */
export async function baseWeightsSource(base: BaseSpec, mode: BaseMode = 'transfer'): Promise<WeightsSource | null> {
  if (startingWeights(base, mode) !== 'imagenet') return null;
  return readWeightsSource(pretrainedVariant(base.architecture!));
}

function pretrainedVariant(architecture: string): EfficientNetLite {
  if (isEfficientNetLite(architecture)) return architecture;
  throw new ModelError(`${architecture} has no ImageNet weights; ${EFFICIENTNET_LITE.join(', ')} have`);
}

async function buildBuiltIn(base: BaseSpec, mode: BaseMode, opts: ModelIOOptions & ArchitectureOptions): Promise<tf.LayersModel> {
  const model = buildArchitecture(base.architecture!, base.inputShape, base.alpha ?? 1, { ...opts, inputSize: base.inputSize ?? null });
  if (startingWeights(base, mode) === 'imagenet' && !opts.shapeOnly) {
    try {
      const { tensors } = await readImagenetWeights(pretrainedVariant(base.architecture!));
      assignEfficientNetLiteWeights(model, tensors);
    } catch (err) {
      model.dispose();
      throw err;
    }
  }
  return model;
}

/** Same topology, fresh weights from each layer's initializers. */
async function reinitialize(model: tf.LayersModel): Promise<tf.LayersModel> {
  const fresh = await tf.models.modelFromJSON({ modelTopology: model.toJSON(null, false) });
  model.dispose();
  return fresh;
}

function checkLoadedInput(model: tf.LayersModel, base: BaseSpec): void {
  const actual = model.inputs[0]?.shape.slice(1) ?? [];
  const wanted = base.inputShape;
  const ok = actual.length === wanted.length && actual.every((d, i) => d == null || d === wanted[i]);
  if (!ok) {
    throw new ModelError(
      `base ${base.uri}: input shape [${actual.join(', ')}] does not match base.inputShape [${wanted.join(', ')}]`,
    );
  }
}
