import * as tf from '@tensorflow/tfjs-node';
import { ModelError } from '../../../lib/errors';
import {
  buildBase, buildHead, composeModel, createLineage, disposeModels, extractFeatures, formatModelSummary, summarizeModel,
  unfreezeTop,
} from '../../../lib/models';
import { DEFAULT_HEAD_ACTIVATION, type HeadSpec } from '../../../lib/models/types';
import { definePipeline } from '../../../pipelines';
import { maxAbsDiff } from './helpers';

/** A normalized spec's head: the schema fills what the input leaves out. */
const specHead = (head: { strategy: 'dense' | 'replace' }) => definePipeline({
  name: 'head', dataset: { source: 'idx:///data/fmnist' }, base: { architecture: 'small-cnn' }, mode: 'retrain', head,
}).head;

/** `class:key=value` for each layer after the input, for the config keys that define a head layer. */
const layerConfigs = (model: { layers: readonly { getClassName(): string; getConfig(): object }[] }): string[] =>
  model.layers.slice(1).map((l) => {
    const c = l.getConfig() as Record<string, unknown>;
    const own = ['units', 'activation', 'rate'].filter((k) => k in c).map((k) => `${k}=${String(c[k])}`);
    return [l.getClassName(), ...own].join(':');
  });

describe('heads and composition', () => {
  it('dense head: pooling, Dense+Dropout per hidden entry, softmax output', () => {
    const head = buildHead([3, 3, 8], { strategy: 'dense', pooling: 'max', hidden: [16, 4], activation: 'tanh', dropout: 0.25 }, 3);
    expect(head.layers.map((l) => `${l.name}:${l.getClassName()}`)).toEqual([
      'head_input:InputLayer', 'head_max_pool:GlobalMaxPooling2D', 'head_dense_1:Dense', 'head_dropout_1:Dropout',
      'head_dense_2:Dense', 'head_dropout_2:Dropout', 'predictions:Dense',
    ]);
    expect(head.outputs[0]!.shape).toEqual([null, 3]);
    expect(summarizeModel(head).total).toBe((8 * 16 + 16) + (16 * 4 + 4) + (4 * 3 + 3));
    head.dispose();
  });

  it('replace head with avg pooling; avoidNames renames clashes; bad input is a ModelError', () => {
    const head = buildHead([2, 2, 5], { strategy: 'replace', pooling: 'avg' }, 4, { avoidNames: ['predictions'] });
    expect(head.layers.map((l) => l.name)).toEqual(['head_input', 'head_avg_pool', 'predictions_2']);
    head.dispose();
    expect(() => buildHead([7], { strategy: 'replace', pooling: 'flatten' }, 1)).toThrow(ModelError);
    expect(() => buildHead([7, 3], { strategy: 'replace', pooling: 'avg' }, 2)).toThrow(/needs \[h, w, c\]/);
  });

  it('builds a normalized spec\'s head as the schema resolved it: buildHead adds no defaults of its own', () => {
    const dense = specHead({ strategy: 'dense' });
    const built = buildHead([6], dense, 3);
    expect(layerConfigs(built)).toEqual([
      ...dense.hidden.flatMap((units) => [`Dense:units=${units}:activation=${dense.activation}`, `Dropout:rate=${dense.dropout}`]),
      'Dense:units=3:activation=softmax',
    ]);
    // What the schema resolves to today (normalize.test.ts spells the defaults out on purpose).
    expect(layerConfigs(built).slice(0, 2)).toEqual(['Dense:units=256:activation=relu', 'Dropout:rate=0.5']);
    const replace = buildHead([6], specHead({ strategy: 'replace' }), 3);
    expect(layerConfigs(replace)).toEqual(['Dense:units=3:activation=softmax']);
    built.dispose();
    replace.dispose();
  });

  it('a dense head without hidden or dropout is a ModelError; a missing activation is the spec\'s default', () => {
    const unresolved = { strategy: 'dense', pooling: 'flatten' } as unknown as HeadSpec;
    expect(() => buildHead([6], unresolved, 3)).toThrow(ModelError);
    expect(() => buildHead([6], { ...unresolved, hidden: [4] } as HeadSpec, 3)).toThrow(/needs hidden and dropout/);
    const head = buildHead([6], { strategy: 'dense', pooling: 'flatten', hidden: [4], dropout: 0 }, 3);
    expect(layerConfigs(head)[0]).toBe(`Dense:units=4:activation=${DEFAULT_HEAD_ACTIVATION}`);
    expect(DEFAULT_HEAD_ACTIVATION).toBe(specHead({ strategy: 'dense' }).activation);
    head.dispose();
  });

  it('composeModel shares the head trained on cached features', async () => {
    const base = await buildBase({ architecture: 'small-cnn', inputShape: [8, 8, 1] }, 'transfer');
    const head = buildHead(base.outputs[0]!.shape.slice(1), { strategy: 'dense', pooling: 'flatten', hidden: [4], dropout: 0.5 }, 2);
    const model = composeModel(base, head);
    const images = tf.randomUniform([5, 8, 8, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const feats = await extractFeatures(base, images, 2);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(feats.shape).toEqual([5, 1, 1, 128]);
    const viaHead = head.predict(feats) as tf.Tensor;
    const direct = model.predict(images) as tf.Tensor;
    expect(maxAbsDiff(viaHead.dataSync() as Float32Array, direct.dataSync() as Float32Array)).toBeLessThan(1e-5);
    // Frozen base: only the head's weights are trainable in the full model.
    const s = summarizeModel(model);
    expect(s.trainable).toBe(summarizeModel(head).total);
    expect(s.nonTrainable).toBe(summarizeModel(base).total);
    const text = formatModelSummary(s);
    expect(text).toContain(`Trainable params: ${s.trainable.toLocaleString('en-US')}`);
    expect(text.some((l) => l.startsWith('conv1_bn (BatchNormalization)') && l.includes('(None, 8, 8, 32)'))).toBe(true);
    const wrong = buildHead([4], { strategy: 'replace', pooling: 'flatten' }, 2);
    expect(() => composeModel(base, wrong)).toThrow(/expects features/);
    tf.dispose([images, feats, viaHead, direct]);
    disposeModels(model, base, head, wrong);
  });
});

describe('lineage', () => {
  it('records base, stages and which layers were trainable', async () => {
    const baseSpec = { architecture: 'small-cnn' as const, inputShape: [8, 8, 1], cutAt: null };
    const headSpec = { strategy: 'replace' as const, pooling: 'flatten' as const };
    const base = await buildBase(baseSpec, 'transfer');
    const head = buildHead(base.outputs[0]!.shape.slice(1), headSpec, 2);
    const model = composeModel(base, head);
    unfreezeTop(base, { fromLayer: 'conv3' });
    const lineage = createLineage({
      base: baseSpec, mode: 'transfer', head: headSpec, stages: ['transfer', 'fine-tune'], model, baseModel: base,
      classNames: ['a', 'b'], fineTune: { fromLayer: 'conv3', epochs: 1, learningRate: 1e-5, batchSize: 32 },
    });
    expect(lineage.trainableLayers).toEqual(['conv3', 'conv3_bn', 'predictions']);
    expect(lineage.frozenLayers).toEqual(['conv1', 'conv1_bn', 'conv2', 'conv2_bn']);
    expect(lineage.featureShape).toEqual([1, 1, 128]);
    expect(lineage.numClasses).toBe(2);
    expect(lineage.params.total).toBe(summarizeModel(model).total);
    expect(JSON.parse(JSON.stringify(lineage))).toEqual(lineage);
    disposeModels(model, base, head);
  });
});
