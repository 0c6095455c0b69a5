import type * as tf from '@tensorflow/tfjs-node';
import { leafLayers } from './layer-names';

/**
 * Frees the weights of models that share layers (base, head, composed).
 * tfjs' own `dispose` counts references per container and throws on layers a
 * sibling container already freed; this frees each weight exactly once.
 */
export function disposeModels(...models: tf.LayersModel[]): void {
  const seen = new Set<number>();
  for (const model of models) {
    for (const layer of leafLayers(model)) {
      for (const w of layer.weights) {
        if (seen.has(w.id)) continue;
        seen.add(w.id);
        try {
          w.dispose();
        } catch {
          // Already freed through another path: nothing left to do.
        }
      }
    }
  }
}
