/**
 * Layer groups for fine-tuning: discriminative learning rates (lower groups
 * learn slower) and gradual unfreezing (groups join from the top down), as
 * ULMFiT and fastai do.
 */
import type * as tf from '@tensorflow/tfjs-node';
import { leafLayers } from '../layer-names';

/** Layers trained together, at `lrFactor` × the schedule's rate. */
export interface LayerGroup {
  readonly layers: readonly tf.layers.Layer[];
  /** The layers' trainable weights, fixed when planned (freezing a layer empties its list). */
  readonly weights: readonly tf.LayerVariable[];
  readonly lrFactor: number;
}

/** Groups top-down (0 = the head and the top of the base), and when each joins. */
export interface LayerGroupPlan {
  readonly groups: readonly LayerGroup[];
  /** Epochs between two groups joining; null: all train from the first epoch. */
  readonly unfreezeEvery: number | null;
}

export interface GroupSettings {
  /** Names of the base's unfrozen layers (the rest of the trainable layers are the head's). */
  readonly baseLayers: readonly string[];
  readonly count: number;
  readonly lrFactor: number;
  readonly unfreezeEvery: number | null;
}

/**
 * Splits the unfrozen base layers that hold weights into `count` runs of
 * consecutive layers (the top runs one longer when they do not divide
 * evenly; fewer groups when there are fewer layers); the head's layers join
 * the top group.
 */
export function planLayerGroups(model: tf.LayersModel, settings: GroupSettings): LayerGroupPlan {
  const inBase = new Set(settings.baseLayers);
  const trainableWeights = new Set(model.trainableWeights);
  const trainable = leafLayers(model).filter((l) => l.trainable && l.weights.length > 0);
  const head = trainable.filter((l) => !inBase.has(l.name));
  const base = trainable.filter((l) => inBase.has(l.name)).reverse(); // top first
  const count = Math.max(1, Math.min(settings.count, base.length));
  const groups: LayerGroup[] = [];
  for (let g = 0, taken = 0; g < count; g++) {
    const size = Math.floor(base.length / count) + (g < base.length % count ? 1 : 0);
    const layers = base.slice(taken, taken + size);
    taken += size;
    const members = g === 0 ? [...head, ...layers] : layers;
    const weights = members.flatMap((l) => l.trainableWeights).filter((w) => trainableWeights.has(w));
    groups.push({ layers: members, weights, lrFactor: settings.lrFactor ** g });
  }
  return { groups, unfreezeEvery: settings.unfreezeEvery };
}

/** One group of every trainable layer at the full rate: head training and retraining. */
export function singleGroup(model: tf.LayersModel): LayerGroupPlan {
  return { groups: [{ layers: [], weights: model.trainableWeights, lrFactor: 1 }], unfreezeEvery: null };
}

/** How many groups (from the top) train in `epoch` (from 0). */
export function activeGroupCount(plan: LayerGroupPlan, epoch: number): number {
  const n = plan.groups.length;
  return plan.unfreezeEvery === null ? n : Math.min(n, 1 + Math.floor(epoch / plan.unfreezeEvery));
}

/**
 * Marks the groups that do not train yet as frozen, so their BatchNorm
 * layers run in inference mode (`guardFrozenBatchNorm` checks at call time).
 */
export function setActiveGroups(plan: LayerGroupPlan, active: number): void {
  plan.groups.forEach((group, g) => {
    for (const layer of group.layers) layer.trainable = g < active;
  });
}
