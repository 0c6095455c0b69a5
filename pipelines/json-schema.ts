import { z } from 'zod';
import { lrSchedule } from './recipe-fields';
import { pipelineSchema } from './schema';

/** Where the generated JSON Schema is committed, relative to the repository root. */
export const PIPELINE_JSON_SCHEMA_PATH = 'pipelines/pipeline.schema.json';

type JsonSchemaOverride = NonNullable<Parameters<typeof z.toJSONSchema>[1]>['override'];

/**
 * Puts back what zod's conversion leaves out: the default of a field whose
 * schema ends in a transform (`train.lrSchedule`, whose shorthand expands to
 * a mapping), since zod keeps defaults only where input and output agree.
 */
const override: JsonSchemaOverride = ({ zodSchema, jsonSchema }) => {
  const def = zodSchema._zod.def;
  if (def.type === 'default' && def.innerType === lrSchedule && jsonSchema.default === undefined) {
    // `default` first, as zod writes it for the other fields.
    const rest = { ...jsonSchema };
    for (const key of Object.keys(jsonSchema)) delete jsonSchema[key];
    Object.assign(jsonSchema, { default: structuredClone(def.defaultValue) as z.core.util.JSONType }, rest);
  }
};

/**
 * JSON Schema (draft 2020-12) of what users may write, for editors
 * (e.g. `# yaml-language-server: $schema=./pipeline.schema.json`). Cross-field
 * rules are not expressible there; `graft validate` checks them.
 */
export function pipelineJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(pipelineSchema, { io: 'input', target: 'draft-2020-12', override }),
    title: 'Graft pipeline',
    description: 'A Graft transfer-learning pipeline. See docs/spec.md.',
  };
}

/** The committed file's exact text. */
export function pipelineJsonSchemaText(): string {
  return `${JSON.stringify(pipelineJsonSchema(), null, 2)}\n`;
}
