import type * as tf from '@tensorflow/tfjs-node';
import { isModel } from './layer-names';

export type Shape = (number | null)[];

export interface LayerRow {
  readonly name: string;
  /** tfjs class name, e.g. `Conv2D`. */
  readonly className: string;
  /** One shape, or one per output. */
  readonly outputShape: Shape | Shape[];
  readonly params: number;
  /** False when the layer (or a model containing it) is frozen. */
  readonly trainable: boolean;
  /** Set for layers of a nested model. */
  readonly parent?: string;
}

export interface ParamTotals {
  readonly total: number;
  readonly trainable: number;
  readonly nonTrainable: number;
}

export interface ModelSummary extends ParamTotals {
  readonly name: string;
  readonly layers: readonly LayerRow[];
}

/**
 * Per-layer rows and Keras' totals. Trainable = weights that an optimizer
 * would update: trainable weights of trainable layers. Everything else is
 * non-trainable: BN moving mean/variance, and every weight of a frozen layer.
 * A weight shared by two layers is counted once.
 */
export function summarizeModel(model: tf.LayersModel): ModelSummary {
  const layers: LayerRow[] = [];
  const counted = new Set<number>();
  let trainable = 0;
  let nonTrainable = 0;
  const visit = (m: tf.LayersModel, frozenAbove: boolean, parent?: string): void => {
    for (const layer of m.layers) {
      const isTrainable = layer.trainable && !frozenAbove;
      if (isModel(layer)) {
        visit(layer, !isTrainable, layer.name);
        continue;
      }
      layers.push({
        name: layer.name, className: layer.getClassName(), outputShape: outputShapeOf(layer),
        params: layer.countParams(), trainable: isTrainable, ...(parent ? { parent } : {}),
      });
      const trainableIds = new Set(isTrainable ? layer.trainableWeights.map((w) => w.id) : []);
      for (const w of layer.weights) {
        if (counted.has(w.id)) continue;
        counted.add(w.id);
        const size = w.shape.reduce((a: number, b) => a * (b ?? 1), 1);
        if (trainableIds.has(w.id)) trainable += size;
        else nonTrainable += size;
      }
    }
  };
  visit(model, !model.trainable);
  return { name: model.name, layers, total: trainable + nonTrainable, trainable, nonTrainable };
}

function outputShapeOf(layer: tf.layers.Layer): Shape | Shape[] {
  try {
    return layer.outputShape as Shape | Shape[];
  } catch {
    // A layer called in several graphs with different shapes: report the first.
    return (layer.getOutputAt(0) as tf.SymbolicTensor).shape;
  }
}

const fmt = (n: number): string => n.toLocaleString('en-US');

function shapeText(shape: Shape | Shape[]): string {
  const one = (s: Shape): string => `(${s.map((d) => (d == null ? 'None' : String(d))).join(', ')})`;
  return Array.isArray(shape[0]) ? (shape as Shape[]).map(one).join(', ') : one(shape as Shape);
}

/** Keras-like text table of a summary, one line per array entry. */
export function formatModelSummary(summary: ModelSummary): string[] {
  const widths = [40, 28, 13, 9];
  const row = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join(' ').trimEnd();
  const rule = (ch: string): string => ch.repeat(widths.reduce((a, b) => a + b + 1, -1));
  const lines = [`Model: "${summary.name}"`, rule('_'), row(['Layer (type)', 'Output Shape', 'Param #', 'Trainable']), rule('=')];
  for (const l of summary.layers) {
    const name = `${l.parent ? `${l.parent}/` : ''}${l.name} (${l.className})`;
    lines.push(row([name, shapeText(l.outputShape), fmt(l.params), l.trainable ? 'Y' : 'N']));
  }
  lines.push(
    rule('='),
    `Total params: ${fmt(summary.total)}`,
    `Trainable params: ${fmt(summary.trainable)}`,
    `Non-trainable params: ${fmt(summary.nonTrainable)}`,
    rule('_'),
  );
  return lines;
}
