import { DataError } from '../errors';

/** `matrix[actual][predicted]` = how many test samples of class `actual` were predicted as `predicted`. */
export type ConfusionMatrix = number[][];

/** One class's scores; `null` where the ratio has no samples to count (0/0). */
export interface ClassMetrics {
  readonly index: number;
  /** Test samples whose true class is this one. */
  readonly support: number;
  /** Share of this class's samples predicted right (the same ratio as recall). */
  readonly accuracy: number | null;
  readonly precision: number | null;
  readonly recall: number | null;
  readonly f1: number | null;
}

/** Counts (true, predicted) pairs; labels are class indices in `[0, numClasses)`. */
export function confusionMatrix(trueLabels: ArrayLike<number>, predicted: ArrayLike<number>, numClasses: number): ConfusionMatrix {
  if (!Number.isSafeInteger(numClasses) || numClasses < 1) throw new DataError(`confusion matrix: numClasses must be a positive integer, got ${numClasses}`);
  if (trueLabels.length !== predicted.length) {
    throw new DataError(`confusion matrix: ${trueLabels.length} true labels but ${predicted.length} predictions`);
  }
  const m: ConfusionMatrix = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < trueLabels.length; i++) {
    const t = checkLabel(trueLabels[i]!, numClasses, 'true label', i);
    const p = checkLabel(predicted[i]!, numClasses, 'prediction', i);
    m[t]![p]!++;
  }
  return m;
}

function checkLabel(label: number, numClasses: number, what: string, i: number): number {
  if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
    throw new DataError(`confusion matrix: ${what} #${i} is ${label}, expected an integer in [0, ${numClasses})`);
  }
  return label;
}

/** Overall accuracy: the diagonal over the total; `null` for an empty matrix. */
export function confusionAccuracy(m: ConfusionMatrix): number | null {
  checkSquare(m);
  let right = 0;
  let total = 0;
  m.forEach((row, i) => row.forEach((n, j) => {
    total += n;
    if (i === j) right += n;
  }));
  return ratio(right, total);
}

/** Per-class accuracy, precision, recall and F1, in class order. */
export function perClassMetrics(m: ConfusionMatrix): ClassMetrics[] {
  checkSquare(m);
  return m.map((row, c) => {
    const tp = row[c]!;
    const support = row.reduce((a, b) => a + b, 0);
    const predictedAsC = m.reduce((a, r) => a + r[c]!, 0);
    const recall = ratio(tp, support);
    const precision = ratio(tp, predictedAsC);
    const f1 = precision === null || recall === null ? null : precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { index: c, support, accuracy: recall, precision, recall, f1 };
  });
}

function ratio(a: number, b: number): number | null {
  return b === 0 ? null : a / b;
}

function checkSquare(m: ConfusionMatrix): void {
  const k = m.length;
  m.forEach((row, i) => {
    if (row.length !== k) throw new DataError(`confusion matrix row ${i} has ${row.length} cells, expected ${k}`);
    if (row.some((n) => !Number.isSafeInteger(n) || n < 0)) throw new DataError(`confusion matrix row ${i} holds a non-count`);
  });
}
