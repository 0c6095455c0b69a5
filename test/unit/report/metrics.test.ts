import { DataError } from '../../../lib/errors';
import { confusionAccuracy, confusionMatrix, perClassMetrics } from '../../../lib/report';

describe('confusionMatrix', () => {
  it('counts [actual][predicted] pairs', () => {
    expect(confusionMatrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], 3)).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [1, 0, 2],
    ]);
  });

  it('accepts typed arrays (tfjs argMax output)', () => {
    expect(confusionMatrix(Int32Array.from([1, 0]), Int32Array.from([1, 1]), 2)).toEqual([[0, 1], [0, 1]]);
  });

  it.each([
    [[0, 1], [0], 2, /2 true labels but 1 predictions/],
    [[0, 3], [0, 1], 3, /true label #1 is 3/],
    [[0, 1], [0, -1], 2, /prediction #1 is -1/],
    [[0.5], [0], 2, /integer/],
    [[], [], 0, /positive integer/],
  ])('rejects bad input %#', (t, p, k, message) => {
    expect(() => confusionMatrix(t, p, k)).toThrow(DataError);
    expect(() => confusionMatrix(t, p, k)).toThrow(message);
  });
});

describe('confusionAccuracy', () => {
  it('is the diagonal over the total', () => {
    expect(confusionAccuracy([[3, 1], [2, 4]])).toBeCloseTo(0.7);
  });

  it('is null for an empty test set', () => {
    expect(confusionAccuracy([[0, 0], [0, 0]])).toBeNull();
  });

  it('rejects a matrix that is not square', () => {
    expect(() => confusionAccuracy([[1, 2], [3]])).toThrow(DataError);
  });
});

describe('perClassMetrics', () => {
  it('gives accuracy, precision, recall and F1 per class', () => {
    // actual 0: 3 right, 1 as class 1; actual 1: 2 as class 0, 4 right; class 2 never seen or predicted.
    const [c0, c1, c2] = perClassMetrics([[3, 1, 0], [2, 4, 0], [0, 0, 0]]);
    expect(c0).toMatchObject({ index: 0, support: 4, accuracy: 0.75, recall: 0.75, precision: 0.6 });
    expect(c0!.f1).toBeCloseTo((2 * 0.6 * 0.75) / 1.35);
    expect(c1).toMatchObject({ support: 6, precision: 0.8 });
    expect(c1!.accuracy).toBeCloseTo(4 / 6);
    expect(c2).toEqual({ index: 2, support: 0, accuracy: null, precision: null, recall: null, f1: null });
  });

  it('gives F1 = 0 when a class is predicted but never right', () => {
    const [, c1] = perClassMetrics([[0, 2], [0, 0]]);
    expect(c1).toMatchObject({ precision: 0, recall: null, f1: null });
    const [c0] = perClassMetrics([[0, 2], [1, 0]]);
    expect(c0).toMatchObject({ precision: 0, recall: 0, f1: 0 });
  });
});
