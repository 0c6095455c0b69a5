import * as tf from '@tensorflow/tfjs-node';
import { ModelError } from '../errors';
import { guardFrozenBatchNorm } from './batchnorm-guard';
import { buildArchitecture } from './bases/build-architecture';
import { cutModel } from './cut';
import { setModelTrainable } from './freeze';
import { loadModelFromUri } from './io/load-save';
import type { ModelIOOptions } from './io/resolve';
import type { ArchitectureOptions } from './bases/input-shape';
import type { BaseMode, BaseSpec } from './types';

/**
 * The feature extractor of a pipeline: a built-in architecture or a model
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
  let full = hasArch
    ? buildArchitecture(base.architecture!, base.inputShape, base.alpha ?? 1, opts)
    : await loadModelFromUri(base.uri!, opts);
  if (hasUri) {
    checkLoadedInput(full, base);
    if (mode === 'retrain') full = await reinitialize(full);
  }
  const cut = base.cutAt != null ? cutModel(full, base.cutAt) : full;
  setModelTrainable(cut, mode === 'retrain');
  guardFrozenBatchNorm(cut);
  return cut;
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
