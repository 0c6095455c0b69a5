/** Evaluation from class indices: pure functions, no tensors. */
import { confusionMatrix } from '../report/metrics';

export interface EvaluationResult {
  readonly accuracy: number;
  /** confusion[trueClass][predictedClass] = count. */
  readonly confusion: number[][];
  /** Accuracy of each true class; null for a class with no examples. */
  readonly perClassAccuracy: (number | null)[];
  readonly count: number;
}

/** Share of correct predictions; NaN when there are none. */
export function accuracyOf(trueLabels: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let right = 0;
  for (let i = 0; i < trueLabels.length; i++) if (trueLabels[i] === predicted[i]) right++;
  return trueLabels.length ? right / trueLabels.length : NaN;
}

export function perClassAccuracy(confusion: readonly (readonly number[])[]): (number | null)[] {
  return confusion.map((row, c) => {
    const n = row.reduce((a, b) => a + b, 0);
    return n ? row[c]! / n : null;
  });
}

export function evaluatePredictions(
  trueLabels: ArrayLike<number>, predicted: ArrayLike<number>, numClasses: number,
): EvaluationResult {
  const confusion = confusionMatrix(trueLabels, predicted, numClasses);
  return {
    accuracy: accuracyOf(trueLabels, predicted), confusion, perClassAccuracy: perClassAccuracy(confusion),
    count: trueLabels.length,
  };
}
