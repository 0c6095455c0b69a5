import type { PipelineInput, PipelineSpec } from './schema';
import { validatePipeline } from './validate';

/**
 * Defines a pipeline in TypeScript: the input is typed (editors complete and
 * check every field) and the result is the validated, normalized spec, the
 * same as loading the equivalent YAML. Throws `SpecError` listing every problem.
 */
export function definePipeline(input: PipelineInput): PipelineSpec {
  return validatePipeline(input);
}
