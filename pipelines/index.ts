// Public exports of the pipeline spec area.
export { pipelineSchema } from './schema';
export type {
  PipelineAugment,
  PipelineBase,
  PipelineDataset,
  PipelineFineTune,
  PipelineHead,
  PipelineInput,
  PipelineSchedule,
  PipelineSpec,
  PipelineTrain,
} from './schema';
export { ARCHITECTURES, CATALOG as BASE_CATALOG, PRETRAINED_ARCHITECTURES } from '../lib/models/bases/catalog';
export { checkPipeline, validatePipeline } from './validate';
export type { PipelineCheck } from './validate';
export type { PipelineProblem, SourcePosition } from './problems';
export { formatProblem as formatPipelineProblem } from './problems';
export { definePipeline } from './define';
export { loadPipeline, parsePipelineYaml } from './load';
export { MAX_SPEC_BYTES as MAX_PIPELINE_SPEC_BYTES } from './yaml-source';
export { modelSpecHash, specHash } from './spec-hash';
export { pipelineJsonSchema } from './json-schema';
