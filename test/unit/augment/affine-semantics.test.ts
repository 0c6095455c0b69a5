import * as tf from '@tensorflow/tfjs-node';
import { applyAffine, kerasAffineMatrix } from '../../../lib/augment';
import { argmax2d, dot } from './helpers';

function moved(params: Parameters<typeof applyAffine>[1], r = 2, c = 5): [number, number] {
  const x = dot(9, 9, r, c);
  const y = applyAffine(x, params);
  const at = argmax2d(y.dataSync(), 9);
  tf.dispose([x, y]);
  return at;
}

describe("applyAffine keeps Keras's meaning of each parameter", () => {
  it('tx moves the content LEFT by tx columns (Keras applies tx to columns), ty UP by ty rows', () => {
    expect(moved({ tx: 2 })).toEqual([2, 3]);
    expect(moved({ tx: -3 })).toEqual([2, 8]);
    expect(moved({ ty: 2 })).toEqual([0, 5]);
    expect(moved({ ty: -2 })).toEqual([4, 5]);
  });

  it('positive theta turns the content counter-clockwise about the centre', () => {
    // (2, 5) is 2 rows above and 1 column right of the centre (4, 4); a quarter turn CCW puts it
    // 1 row above and 2 columns left.
    expect(moved({ theta: 90 })).toEqual([3, 2]);
    expect(moved({ theta: -90 })).toEqual([5, 6]);
  });

  it('zx > 1 zooms out along columns: a point right of centre comes closer to it', () => {
    expect(moved({ zx: 2 }, 4, 8)).toEqual([4, 6]);
    expect(moved({ zy: 2, fillMode: 'constant' }, 0, 4)).toEqual([2, 4]); // nearest would smear the edge row
  });

  it('the identity leaves the image alone (any fill mode)', () => {
    const x = tf.randomUniform([5, 7, 3]) as tf.Tensor3D;
    for (const fillMode of ['nearest', 'constant', 'reflect', 'wrap'] as const) {
      const y = applyAffine(x, { fillMode, cval: 9 });
      expect(Math.max(...Array.from(y.sub(x).abs().dataSync()))).toBeLessThan(1e-6);
      y.dispose();
    }
    x.dispose();
  });

  it('composes rotation · shift · shear · zoom about (h/2 − 0.5, w/2 − 0.5)', () => {
    const m = kerasAffineMatrix({ zx: 2, zy: 2 }, 9, 9);
    // Centre (4, 4) is fixed; scale 2 about it.
    expect(m.map((v) => Math.round(v * 1e9) / 1e9)).toEqual([2, 0, -4, 0, 2, -4, 0, 0, 1]);
  });

  it('constant fill uses cval only outside the image', () => {
    const x = tf.ones([4, 4, 1]) as tf.Tensor3D;
    const y = applyAffine(x, { tx: 1.5, fillMode: 'constant', cval: -1 });
    const row = Array.from(y.dataSync().subarray(0, 4));
    expect(row).toEqual([1, 1, -1, -1]); // col 2 reads 3.5 > 3: outside, as scipy says
    tf.dispose([x, y]);
  });
});
