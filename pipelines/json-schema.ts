import { z } from 'zod';
import { pipelineSchema } from './schema';

/** Where the generated JSON Schema is committed, relative to the repository root. */
export const PIPELINE_JSON_SCHEMA_PATH = 'pipelines/pipeline.schema.json';

/**
 * JSON Schema (draft 2020-12) of what users may write, for editors
 * (e.g. `# yaml-language-server: $schema=./pipeline.schema.json`). Cross-field
 * rules are not expressible there; `graft validate` checks them.
 */
export function pipelineJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(pipelineSchema, { io: 'input', target: 'draft-2020-12' }),
    title: 'Graft pipeline',
    description: 'A Graft transfer-learning pipeline. See docs/spec.md.',
  };
}

/** The committed file's exact text. */
export function pipelineJsonSchemaText(): string {
  return `${JSON.stringify(pipelineJsonSchema(), null, 2)}\n`;
}
