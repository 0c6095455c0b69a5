import * as tf from '@tensorflow/tfjs-node';
import { ModelError } from '../../../lib/errors';
import {
  buildBase, disposeModels, mobilenet, smallCnn, summarizeModel, summarizePipelineModel, vgg16,
} from '../../../lib/models';

describe('built-in bases', () => {
  it('VGG16 224×224×3 frozen + Flatten → Dense(512) → Dropout → Dense(5): Keras param counts, then fine-tune top 4', async () => {
    const stages = await summarizePipelineModel({
      base: { architecture: 'vgg16', inputShape: [224, 224, 3], cutAt: null },
      mode: 'transfer',
      head: { strategy: 'dense', pooling: 'flatten', hidden: [512], activation: 'relu', dropout: 0.5 },
      fineTune: { topLayers: 4, epochs: 1, learningRate: 1e-5 },
    }, 5);
    const [head, fine] = stages;
    expect(head!.stage).toBe('transfer');
    expect(head!.model.nonTrainable).toBe(14_714_688);
    expect(head!.model.trainable).toBe(12_848_133);
    expect(head!.model.total).toBe(27_562_821);
    const names = head!.model.layers.map((l) => l.name);
    expect(names.slice(0, 3)).toEqual(['input_1', 'block1_conv1', 'block1_conv2']);
    expect(names).toContain('block5_pool');
    expect(head!.model.layers.find((l) => l.name === 'block5_pool')!.outputShape).toEqual([null, 7, 7, 512]);
    // Top 4 layers = block5_conv1..3 + block5_pool: 3 × 2,359,808 params move to trainable.
    expect(fine!.stage).toBe('fine-tune');
    expect(fine!.model.trainable).toBe(12_848_133 + 3 * 2_359_808);
    expect(fine!.model.nonTrainable).toBe(14_714_688 - 3 * 2_359_808);
  });

  it('MobileNet v1 (alpha 1, 224) has Keras names and counts; BN moving stats are non-trainable', () => {
    const m = mobilenet([224, 224, 3], 1, { shapeOnly: true });
    try {
      const s = summarizeModel(m);
      // As keras.applications.MobileNet(include_top=False, weights=None) counts them (Keras 3.8).
      expect(s.total).toBe(3_228_864);
      expect(s.nonTrainable).toBe(21_888);
      expect(s.trainable).toBe(3_206_976);
      const names = m.layers.map((l) => l.name);
      for (const n of ['conv1', 'conv1_bn', 'conv1_relu', 'conv_dw_1', 'conv_dw_1_bn', 'conv_pw_1', 'conv_pad_2', 'conv_pw_13_relu']) {
        expect(names).toContain(n);
      }
      expect(m.outputs[0]!.shape).toEqual([null, 7, 7, 1024]);
    } finally {
      m.dispose();
    }
  });

  it('MobileNet alpha 0.25 at 32×32 scales filters', () => {
    const m = mobilenet([32, 32, 3], 0.25);
    expect(m.outputs[0]!.shape).toEqual([null, 1, 1, 256]);
    expect(m.getLayer('conv1').outputShape).toEqual([null, 16, 16, 8]);
    m.dispose();
  });

  it('small-cnn takes 28×28×1 to 3×3×128 with BN layers', () => {
    const m = smallCnn([28, 28, 1]);
    expect(m.outputs[0]!.shape).toEqual([null, 3, 3, 128]);
    expect(m.layers.filter((l) => l.getClassName() === 'BatchNormalization').map((l) => l.name))
      .toEqual(['conv1_bn', 'conv2_bn', 'conv3_bn']);
    m.dispose();
  });

  it('VGG16 accepts 32×32 and rejects smaller inputs', () => {
    const m = vgg16([32, 32, 3], { shapeOnly: true });
    expect(m.outputs[0]!.shape).toEqual([null, 1, 1, 512]);
    m.dispose();
    expect(() => vgg16([31, 32, 3])).toThrow(ModelError);
    expect(() => mobilenet([16, 16, 3])).toThrow(/at least 32x32/);
  });

  it('transfer freezes the base, retrain leaves it trainable, cutAt cuts', async () => {
    const frozen = await buildBase({ architecture: 'small-cnn', inputShape: [28, 28, 1], cutAt: 'pool2' }, 'transfer');
    expect(frozen.outputs[0]!.shape).toEqual([null, 7, 7, 64]);
    expect(frozen.trainableWeights).toHaveLength(0);
    const fresh = await buildBase({ architecture: 'small-cnn', inputShape: [28, 28, 1] }, 'retrain');
    expect(summarizeModel(fresh).trainable).toBeGreaterThan(0);
    expect(fresh.layers.filter((l) => l.getClassName() !== 'InputLayer').every((l) => l.trainable)).toBe(true);
    disposeModels(frozen, fresh);
  });

  it('an unknown cutAt names the layer and suggests valid names', async () => {
    const err = await buildBase({ architecture: 'small-cnn', inputShape: [28, 28, 1], cutAt: 'pool_2' }, 'transfer')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelError);
    expect((err as Error).message).toMatch(/unknown layer 'pool_2'/);
    expect((err as Error).message).toMatch(/'pool2'/);
  });

  it('needs exactly one of architecture / uri', async () => {
    await expect(buildBase({ inputShape: [28, 28, 1] })).rejects.toThrow(ModelError);
    expect(tf.memory().numTensors).toBeGreaterThanOrEqual(0);
  });
});
