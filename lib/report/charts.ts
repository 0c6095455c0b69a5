// Types only: vega-lite is ESM with no `types` entry for node10 resolution,
// so point at its declarations; the values load in a child (vega-render.ts).
import type { TopLevelSpec } from 'vega-lite/build/index';
import type { TopLevelFacetSpec } from 'vega-lite/build/spec/index';
import { DataError } from '../errors';
import type { ConfusionMatrix } from './metrics';
import type { LearningCurvePoint } from './report-input';

export type VegaLiteSpec = TopLevelSpec;

interface CurveRow {
  run: number; // epoch across the whole run, so stages follow each other on one axis
  stage: string;
  epoch: number;
  metric: 'loss' | 'accuracy';
  split: 'train' | 'validation';
  value: number;
}

/** Above this many classes the cell counts would not fit: color only. */
const MAX_LABELLED_CLASSES = 30;

/** Rates spanning more than this factor get a log-scale axis. */
const LOG_SCALE_SPAN = 10;

const PANEL = { width: 300, height: 200 } as const;

/**
 * Loss and accuracy per epoch, train vs validation, one panel per metric;
 * epochs run on across stages (head, then fine-tune) and each stage has its
 * own dash style, so the switch to fine-tuning shows as a break. When the
 * history carries learning rates, a third panel next to them plots the rate
 * of each epoch's first step, on a log axis when the rates span more than
 * 10×.
 */
export function learningCurvesSpec(history: readonly LearningCurvePoint[]): VegaLiteSpec {
  const rows: CurveRow[] = [];
  history.forEach((p, i) => {
    const base = { run: i + 1, stage: p.stage, epoch: p.epoch };
    const add = (metric: CurveRow['metric'], split: CurveRow['split'], value: number | undefined): void => {
      if (value !== undefined && Number.isFinite(value)) rows.push({ ...base, metric, split, value });
    };
    add('loss', 'train', p.loss);
    add('loss', 'validation', p.valLoss);
    add('accuracy', 'train', p.accuracy);
    add('accuracy', 'validation', p.valAccuracy);
  });
  const stages = [...new Set(history.map((p) => p.stage))]; // in run order
  const x = () => ({ field: 'run', type: 'quantitative' as const, title: 'epoch (whole run)', axis: { tickMinStep: 1 } });
  const strokeDash = () => ({
    field: 'stage',
    type: 'nominal' as const,
    title: 'stage',
    scale: { domain: stages },
    // A stroke symbol has no color of its own: without one the legend's dashes are invisible.
    legend: { symbolType: 'stroke', symbolStrokeWidth: 2, encode: { symbols: { update: { stroke: { value: 'gray' } } } } },
  });
  const curves: TopLevelFacetSpec = {
    data: { values: rows },
    facet: { column: { field: 'metric', type: 'nominal', title: null, sort: ['loss', 'accuracy'] } },
    spec: {
      ...PANEL,
      mark: { type: 'line', point: true },
      encoding: {
        x: x(),
        y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
        color: { field: 'split', type: 'nominal', title: 'split', scale: { domain: ['train', 'validation'] } },
        strokeDash: strokeDash(),
        tooltip: [{ field: 'stage' }, { field: 'epoch' }, { field: 'split' }, { field: 'value', format: '.4f' }],
      },
    },
    resolve: { scale: { y: 'independent' } },
  };
  const rates = learningRateRows(history);
  if (rates.length === 0) return curves;
  const values = rates.map((r) => r.learningRate);
  const logScale = Math.max(...values) > LOG_SCALE_SPAN * Math.min(...values);
  return {
    hconcat: [
      curves,
      {
        ...PANEL,
        title: { text: 'learning rate', fontWeight: 'normal', fontSize: 11 },
        data: { values: rates },
        mark: { type: 'line', color: 'gray', point: { color: 'gray' } },
        encoding: {
          x: x(),
          y: { field: 'learningRate', type: 'quantitative', title: null, ...(logScale ? { scale: { type: 'log' }, axis: { format: '~e' } } : { scale: { zero: false } }) },
          strokeDash: strokeDash(),
          tooltip: [{ field: 'stage' }, { field: 'epoch' }, { field: 'learningRate', title: 'learning rate', format: '.3~e' }],
        },
      },
    ],
    resolve: { scale: { strokeDash: 'shared' } },
  };
}

interface RateRow {
  run: number;
  stage: string;
  epoch: number;
  learningRate: number;
}

/** One row per epoch that has a usable (finite, positive) learning rate; `run` numbered as the curves' rows. */
function learningRateRows(history: readonly LearningCurvePoint[]): RateRow[] {
  return history.flatMap((p, i) => {
    const rate = p.learningRate;
    return rate !== undefined && Number.isFinite(rate) && rate > 0 ? [{ run: i + 1, stage: p.stage, epoch: p.epoch, learningRate: rate }] : [];
  });
}

/** A heatmap of the confusion matrix with the count in every cell. */
export function confusionMatrixSpec(m: ConfusionMatrix, classNames: readonly string[]): VegaLiteSpec {
  const k = classNames.length;
  if (m.length !== k || m.some((row) => row.length !== k)) {
    throw new DataError(`confusion matrix is not ${k}x${k} for ${k} class names`);
  }
  if (new Set(classNames).size !== k) throw new DataError('class names must be unique to label the confusion matrix');
  const rows = m.flatMap((row, a) => {
    const total = row.reduce((x, y) => x + y, 0);
    return row.map((count, p) => ({
      actual: classNames[a]!,
      predicted: classNames[p]!,
      count,
      // Row share, so a rare class's errors are as visible as a common one's.
      share: total === 0 ? 0 : count / total,
    }));
  });
  const cell = Math.max(12, Math.min(48, Math.floor(480 / k)));
  const order = [...classNames];
  const rect = {
    mark: { type: 'rect' as const, stroke: 'white', strokeWidth: 1 },
    encoding: {
      color: { field: 'share', type: 'quantitative' as const, title: 'row share', scale: { domain: [0, 1], scheme: 'blues' } },
      tooltip: [{ field: 'actual' }, { field: 'predicted' }, { field: 'count' }, { field: 'share', format: '.1%' }],
    },
  };
  const text = {
    mark: { type: 'text' as const, fontSize: Math.min(12, cell / 3) },
    encoding: {
      text: { field: 'count', type: 'quantitative' as const },
      color: { condition: { test: 'datum.share > 0.5', value: 'white' }, value: 'black' },
    },
  };
  return {
    data: { values: rows },
    width: cell * k,
    height: cell * k,
    encoding: {
      x: { field: 'predicted', type: 'ordinal', sort: order, title: 'predicted', axis: { labelAngle: -45 } },
      y: { field: 'actual', type: 'ordinal', sort: order, title: 'actual' },
    },
    layer: k <= MAX_LABELLED_CLASSES ? [rect, text] : [rect],
  };
}
