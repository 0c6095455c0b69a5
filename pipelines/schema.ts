/**
 * The pipeline spec schema: the single source of the TypeScript types
 * (`PipelineInput` = what users write, `PipelineSpec` = the normalized form),
 * the validation, and `pipeline.schema.json`. docs/spec.md describes it.
 */
import type { z } from 'zod';
import { WHEN_OBJECT } from './fields';
import { normalize } from './normalize';
import { crossFieldIssues } from './rules';
import { sections } from './sections';

export { ARCHITECTURES } from './sections';
export type { Architecture, PipelineFields } from './sections';

/** The whole schema: sections, cross-section rules, then cross-section defaults. */
export const pipelineSchema = sections
  .superRefine((fields, ctx) => {
    // Rules run even when other fields failed, skipping those that read a failed field.
    const failed = ctx.issues.filter((issue) => issue.code !== 'custom' && issue.code !== 'unrecognized_keys');
    const failedPaths = failed.map((issue) => (issue.path ?? []).filter((part): part is string | number => typeof part !== 'symbol'));
    for (const issue of crossFieldIssues(fields, failedPaths)) ctx.addIssue({ code: 'custom', ...issue });
  }, WHEN_OBJECT)
  .transform(normalize);

/** What users write (YAML or `definePipeline({...})`): most fields optional. */
export type PipelineInput = z.input<typeof pipelineSchema>;
/** The normalized, validated spec: every default filled in. */
export type PipelineSpec = z.output<typeof pipelineSchema>;

export type PipelineDataset = PipelineSpec['dataset'];
export type PipelineAugment = PipelineSpec['augment'];
export type PipelineBase = PipelineSpec['base'];
export type PipelineHead = PipelineSpec['head'];
export type PipelineTrain = PipelineSpec['train'];
export type PipelineFineTune = NonNullable<PipelineSpec['fineTune']>;
export type PipelineSchedule = NonNullable<PipelineSpec['schedule']>;
