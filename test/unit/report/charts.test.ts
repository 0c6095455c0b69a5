import { DataError } from '../../../lib/errors';
import { confusionMatrixSpec, learningCurvesSpec } from '../../../lib/report';

interface Rows { data: { values: Record<string, unknown>[] } }

describe('learningCurvesSpec', () => {
  it('makes one row per metric, split and epoch, numbering epochs across stages', () => {
    const spec = learningCurvesSpec([
      { stage: 'head', epoch: 1, loss: 1, accuracy: 0.5, valLoss: 1.2, valAccuracy: 0.4 },
      { stage: 'fine-tune', epoch: 1, loss: 0.5, accuracy: 0.8 },
    ]) as unknown as Rows;
    const rows = spec.data.values;
    expect(rows).toHaveLength(6);
    expect(rows.filter((r) => r.stage === 'fine-tune').map((r) => [r.run, r.metric, r.split])).toEqual([
      [2, 'loss', 'train'],
      [2, 'accuracy', 'train'],
    ]);
  });

  it('drops non-finite values (a diverged epoch) instead of breaking the plot', () => {
    const spec = learningCurvesSpec([{ stage: 'head', epoch: 1, loss: NaN, accuracy: 0.1 }]) as unknown as Rows;
    expect(spec.data.values).toEqual([expect.objectContaining({ metric: 'accuracy', value: 0.1 })]);
  });
});

describe('confusionMatrixSpec', () => {
  it('has k*k cells with counts and row shares, axes in class order', () => {
    const spec = confusionMatrixSpec([[2, 0], [1, 3]], ['cat', 'dog']) as unknown as Rows & {
      encoding: { x: { sort: string[] } };
      layer: unknown[];
    };
    expect(spec.data.values).toEqual([
      { actual: 'cat', predicted: 'cat', count: 2, share: 1 },
      { actual: 'cat', predicted: 'dog', count: 0, share: 0 },
      { actual: 'dog', predicted: 'cat', count: 1, share: 0.25 },
      { actual: 'dog', predicted: 'dog', count: 3, share: 0.75 },
    ]);
    expect(spec.encoding.x.sort).toEqual(['cat', 'dog']);
    expect(spec.layer).toHaveLength(2);
  });

  it('drops the count labels when there are too many classes to read them', () => {
    const k = 40;
    const m = Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => (i === j ? 1 : 0)));
    const spec = confusionMatrixSpec(m, m.map((_, i) => `c${i}`)) as unknown as { layer: unknown[] };
    expect(spec.layer).toHaveLength(1);
  });

  it('rejects a shape mismatch and duplicate class names', () => {
    expect(() => confusionMatrixSpec([[1]], ['a', 'b'])).toThrow(DataError);
    expect(() => confusionMatrixSpec([[1, 0], [0, 1]], ['a', 'a'])).toThrow(/unique/);
  });
});
