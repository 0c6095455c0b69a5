import { buildBase } from './build-base';
import { composeModel } from './compose';
import { disposeModels } from './dispose';
import { unfreezeTop } from './freeze';
import { buildHead } from './head';
import type { ModelIOOptions } from './io/resolve';
import { summarizeModel, type ModelSummary } from './summary';
import type { ModelPipelineSpec, TrainingMode } from './types';

export interface StageSummary {
  /** `transfer` = head training on a frozen base; `retrain` = everything trains. */
  readonly stage: TrainingMode;
  readonly description: string;
  readonly model: ModelSummary;
}

/**
 * Builds the pipeline's model (base + head) and summarizes it once per
 * training stage: the head-training (or retrain) stage, then the fine-tune
 * stage when `fineTune` is set. Built-in layers get zero weights (only shapes
 * count here); the models are freed before returning.
 */
export async function summarizePipelineModel(
  spec: ModelPipelineSpec, numClasses: number, opts: ModelIOOptions = {},
): Promise<StageSummary[]> {
  const mode = spec.mode ?? 'transfer';
  const base = await buildBase(spec.base, mode, { ...opts, shapeOnly: true });
  const head = buildHead(base.outputs[0]!.shape.slice(1), spec.head, numClasses, {
    avoidNames: base.layers.map((l) => l.name), shapeOnly: true,
  });
  const model = composeModel(base, head);
  try {
    const stages: StageSummary[] = [{
      stage: mode,
      description: mode === 'retrain' ? 'train all layers from random weights' : 'train the head on a frozen base',
      model: summarizeModel(model),
    }];
    if (spec.fineTune != null && mode === 'transfer') {
      const unfrozen = unfreezeTop(base, spec.fineTune);
      stages.push({
        stage: 'fine-tune',
        description: `fine-tune the head and ${unfrozen.length} base layer(s) from '${unfrozen[0] ?? ''}'`,
        model: summarizeModel(model),
      });
    }
    return stages;
  } finally {
    disposeModels(model, base, head);
  }
}
