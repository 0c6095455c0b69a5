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

describe('learningCurvesSpec: the learning-rate panel', () => {
  interface Panel { data?: { values: Record<string, unknown>[] }; facet?: unknown; title?: { text: string }; encoding?: { y: { field: string; scale?: { type?: string } } } }
  interface Concat { hconcat?: Panel[]; facet?: unknown; data?: { values: Record<string, unknown>[] } }
  const point = (stage: string, epoch: number, learningRate?: number) => ({
    stage, epoch, loss: 1 / epoch, accuracy: 0.5, ...(learningRate !== undefined ? { learningRate } : {}),
  });

  it('puts a learning-rate panel next to loss and accuracy when the history carries rates', () => {
    const spec = learningCurvesSpec([point('head', 1, 0.001), point('head', 2, 0.0008), point('fine-tune', 1, 0.0005)]) as unknown as Concat;
    expect(spec.hconcat).toHaveLength(2);
    const [curves, rate] = spec.hconcat!;
    expect(curves!.facet).toBeDefined();
    expect(curves!.data!.values.map((r) => r.metric)).toEqual(['loss', 'accuracy', 'loss', 'accuracy', 'loss', 'accuracy']);
    expect(rate!.title?.text).toBe('learning rate');
    expect(rate!.encoding?.y.field).toBe('learningRate');
    // Epochs numbered across the run, as the curves' rows are.
    expect(rate!.data!.values).toEqual([
      { run: 1, stage: 'head', epoch: 1, learningRate: 0.001 },
      { run: 2, stage: 'head', epoch: 2, learningRate: 0.0008 },
      { run: 3, stage: 'fine-tune', epoch: 1, learningRate: 0.0005 },
    ]);
  });

  it('omits the panel when no epoch has a rate (runs from before schedules), leaving the curves as they were', () => {
    const history = [point('head', 1), point('head', 2)];
    const spec = learningCurvesSpec(history) as unknown as Concat;
    expect(spec.hconcat).toBeUndefined();
    expect(spec.facet).toBeDefined();
    expect(spec.data!.values).toHaveLength(4);
    expect(learningCurvesSpec([{ stage: 'head', epoch: 1, loss: 1, learningRate: NaN }])).not.toHaveProperty('hconcat');
  });

  it('plots only the epochs with a rate when a history mixes old and new records', () => {
    const spec = learningCurvesSpec([point('head', 1), point('head', 2, 0.01), point('head', 3, Number.POSITIVE_INFINITY)]) as unknown as Concat;
    expect(spec.hconcat![1]!.data!.values).toEqual([{ run: 2, stage: 'head', epoch: 2, learningRate: 0.01 }]);
  });

  it('uses a log axis when the rates span more than 10x, a linear one otherwise', () => {
    const yScale = (rates: number[]) => {
      const spec = learningCurvesSpec(rates.map((r, i) => point('head', i + 1, r))) as unknown as Concat;
      return spec.hconcat![1]!.encoding!.y.scale;
    };
    expect(yScale([0.1, 0.05, 0.0099])).toEqual({ type: 'log' }); // 10.1x
    expect(yScale([0.1, 0.05, 0.01])).toEqual({ zero: false }); // exactly 10x
    expect(yScale([0.001, 0.001])).toEqual({ zero: false });
    // One-cycle from lr/25 to lr/250000: log.
    expect(yScale([0.004, 0.1, 0.05, 4e-7])).toEqual({ type: 'log' });
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
