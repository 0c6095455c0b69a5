import * as tf from '@tensorflow/tfjs-node';
import { ModelError } from '../errors';
import { DEFAULT_HEAD_ACTIVATION, type HeadSpec } from './types';

type Sym = tf.SymbolicTensor;
type Activation = NonNullable<Parameters<typeof tf.layers.dense>[0]['activation']>;

export interface BuildHeadOptions {
  /** Names the head must not use (the base's layer names): clashes get a `_2` suffix. */
  readonly avoidNames?: Iterable<string>;
  /** Zero kernels, for summaries (see ArchitectureOptions.shapeOnly). */
  readonly shapeOnly?: boolean;
}

/**
 * The new classifier, as its own model taking the base's output (without the
 * batch dimension): pooling (flatten | avg | max), then for `dense` one
 * Dense(hidden, activation) + Dropout per entry of `hidden`, then
 * Dense(numClasses, softmax) named `predictions`. It trains on cached
 * features alone; `composeModel` puts it on top of the base. `head` is
 * resolved (a normalized spec's `head`): the defaults live in the spec schema.
 */
export function buildHead(
  featureShape: readonly (number | null)[], head: HeadSpec, numClasses: number, opts: BuildHeadOptions = {},
): tf.LayersModel {
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new ModelError(`a classifier needs at least 2 classes, got ${numClasses}`);
  }
  if (featureShape.length === 0 || featureShape.some((d) => d == null || d < 1)) {
    throw new ModelError(`head: feature shape must be fully known, got [${featureShape.join(', ')}]`);
  }
  const taken = new Set(opts.avoidNames ?? []);
  const name = (wanted: string): string => {
    let n = wanted;
    for (let i = 2; taken.has(n); i++) n = `${wanted}_${i}`;
    taken.add(n);
    return n;
  };
  if (head.strategy === 'dense' && !(Array.isArray(head.hidden) && typeof head.dropout === 'number')) {
    // Guessing the units or the rate here would be a second set of defaults, out of step with the spec's.
    throw new ModelError(`a dense head needs hidden and dropout, as a normalized spec's head has; got hidden ${JSON.stringify(head.hidden)}, dropout ${JSON.stringify(head.dropout)}`);
  }
  const dropout = head.dropout ?? 0; // absent on a replace head: no Dropout layer
  if (!(dropout >= 0 && dropout < 1)) throw new ModelError(`head.dropout must be in [0, 1), got ${dropout}`);

  const init = opts.shapeOnly ? { kernelInitializer: 'zeros' as const } : {};
  const input = tf.input({ shape: featureShape as number[], name: name('head_input') });
  let x: Sym = pool(input, featureShape.length, head.pooling, name);
  if (head.strategy === 'dense') {
    head.hidden.forEach((units, i) => {
      x = tf.layers.dense({
        units, activation: (head.activation ?? DEFAULT_HEAD_ACTIVATION) as Activation, name: name(`head_dense_${i + 1}`), ...init,
      }).apply(x) as Sym;
      if (dropout > 0) x = tf.layers.dropout({ rate: dropout, name: name(`head_dropout_${i + 1}`) }).apply(x) as Sym;
    });
  } else if (head.strategy === 'replace') {
    if (dropout > 0) x = tf.layers.dropout({ rate: dropout, name: name('head_dropout') }).apply(x) as Sym;
  } else {
    throw new ModelError(`unknown head.strategy '${String((head as { readonly strategy: unknown }).strategy)}'`); // from untyped callers
  }
  x = tf.layers.dense({ units: numClasses, activation: 'softmax', name: name('predictions'), ...init }).apply(x) as Sym;
  return tf.model({ inputs: input, outputs: x, name: 'head' });
}

function pool(x: Sym, rank: number, pooling: HeadSpec['pooling'], name: (n: string) => string): Sym {
  if (rank === 1) return x; // already a vector
  if (pooling === 'flatten') return tf.layers.flatten({ name: name('head_flatten') }).apply(x) as Sym;
  if (rank !== 3) throw new ModelError(`head.pooling '${pooling}' needs [h, w, c] features, got rank ${rank}`);
  if (pooling === 'avg') return tf.layers.globalAveragePooling2d({ name: name('head_avg_pool') }).apply(x) as Sym;
  if (pooling === 'max') return tf.layers.globalMaxPooling2d({ name: name('head_max_pool') }).apply(x) as Sym;
  throw new ModelError(`unknown head.pooling '${String(pooling)}'`);
}
