import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipelineJsonSchema } from '../../../pipelines';
import { pipelineJsonSchemaText } from '../../../pipelines/json-schema';

const COMMITTED = join(__dirname, '../../../pipelines/pipeline.schema.json');
const HOW_TO_FIX =
  'pipelines/pipeline.schema.json is out of date with pipelines/schema.ts; regenerate it from the repository root with ' +
  '`npx tsc -p tsconfig.json && node dist/pipelines/write-json-schema.js`';

describe('pipelines/pipeline.schema.json', () => {
  it('is exactly what the zod schema generates', () => {
    const committed = readFileSync(COMMITTED, 'utf8');
    if (committed !== pipelineJsonSchemaText()) throw new Error(HOW_TO_FIX);
  });

  it('describes the input form: required keys, no unknown keys, documented enums and defaults', () => {
    const schema = pipelineJsonSchema() as {
      required: string[];
      additionalProperties: boolean;
      properties: Record<string, { properties?: Record<string, { enum?: string[]; default?: unknown }> }>;
    };
    expect(schema.required).toEqual(['name', 'dataset', 'base']);
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual([
      'name', 'dataset', 'augment', 'base', 'mode', 'head', 'train', 'fineTune', 'schedule', 'queues', 'cache',
    ]);
    expect(schema.properties.head.properties?.strategy).toMatchObject({ enum: ['replace', 'dense'], default: 'replace' });
    expect(schema.properties.augment.properties?.rotationRange).toMatchObject({ minimum: 0, maximum: 180, default: 0 });
  });
});
