import * as tf from '@tensorflow/tfjs-node';
import { applyInputContract, type InputContract } from '../../../lib/models/bases/input-contract';
import { Resizing } from '../../../lib/models/bases/resizing-layer';
import { efficientNetLite } from '../../../lib/models/bases/efficientnet-lite';
import { mobilenet } from '../../../lib/models/bases/mobilenet';
import { ReLU } from '../../../lib/models/bases/relu-layer';

const CONTRACT: InputContract = { size: [64, 64], channels: 3, mean: 127, std: 128 };

/** The contract as models saved before gray → RGB moved ahead built it: resize, then gray → RGB, then normalize. */
function resizeFirst(input: tf.SymbolicTensor): tf.SymbolicTensor {
  const r = new Resizing({ height: 64, width: 64, interpolation: 'bilinear', name: 'resize' }).apply(input) as tf.SymbolicTensor;
  const rgb = tf.layers.concatenate({ axis: -1, name: 'gray_to_rgb' }).apply([r, r, r]) as tf.SymbolicTensor;
  return tf.layers.rescaling({ scale: 255 / 128, offset: -127 / 128, name: 'normalize' }).apply(rgb) as tf.SymbolicTensor;
}

describe('input contract', () => {
  it('copies gray to RGB before the resize, and gives what resizing first gives, bit for bit', () => {
    const input = tf.input({ shape: [28, 28, 1] });
    const now = tf.model({ inputs: input, outputs: applyInputContract(input, CONTRACT) });
    const before = tf.model({ inputs: input, outputs: resizeFirst(input) });
    expect(now.layers.map((l) => l.name).slice(1)).toEqual(['gray_to_rgb', 'resize', 'normalize']);
    const x = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 7);
    const [a, b] = [now.predict(x) as tf.Tensor, before.predict(x) as tf.Tensor];
    expect(a.shape).toEqual([3, 64, 64, 3]);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0])).toBe(0);
    tf.dispose([x, a, b]);
    now.dispose();
    before.dispose();
  });
});

describe('built-in bases and their ReLU6', () => {
  it('EfficientNet-Lite and MobileNet are built with Graft\'s one-op ReLU, saved as a Keras ReLU with maxValue 6', () => {
    const models = [efficientNetLite('efficientnet-lite0', [32, 32, 3], { shapeOnly: true }), mobilenet([32, 32, 3], 0.25, { shapeOnly: true })];
    for (const m of models) {
      const relus = m.layers.filter((l) => l.getClassName() === 'ReLU');
      expect(relus.length).toBeGreaterThan(0);
      for (const l of relus) {
        expect(l).toBeInstanceOf(ReLU);
        expect(l.getConfig()).toMatchObject({ maxValue: 6 });
      }
      m.dispose();
    }
  });
});
