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
    const schema = pipelineJsonSchema() as Node;
    expect(schema.required).toEqual(['name', 'dataset', 'base']);
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties ?? {})).toEqual([
      'name', 'dataset', 'augment', 'base', 'mode', 'head', 'train', 'fineTune', 'evaluate', 'schedule', 'queues', 'cache',
    ]);
    const head = objectIn(schema.properties?.head);
    expect(head.additionalProperties).toBe(false);
    expect(head.properties?.strategy).toMatchObject({ enum: ['replace', 'dense'], default: 'replace' });
    expect(objectIn(schema.properties?.augment).properties?.rotationRange).toMatchObject({ minimum: 0, maximum: 180, default: 0 });
    expect(objectIn(schema.properties?.dataset).required).toEqual(['source']);
  });

  it('accepts the lrSchedule shorthand (a kind on its own) next to the mappings, and keeps its default', () => {
    const schema = pipelineJsonSchema() as Node;
    const lrSchedule = objectIn(schema.properties?.train).properties?.lrSchedule;
    expect(lrSchedule?.default).toEqual({ kind: 'constant' });
    expect(lrSchedule?.anyOf).toHaveLength(2);
    expect(lrSchedule?.anyOf?.[0]).toEqual({ type: 'string', enum: ['constant', 'cosine', 'one-cycle'] });
    const mappings = lrSchedule?.anyOf?.[1]?.oneOf;
    expect(mappings?.map((option) => option.properties?.kind?.const)).toEqual(['constant', 'step', 'cosine', 'one-cycle']);
    expect(mappings?.[1]?.required).toEqual(['kind', 'every']);
    expect(objectIn(schema.properties?.evaluate).properties?.tta).toEqual({ default: false, type: 'boolean' });
  });
});

interface Node {
  type?: string;
  required?: string[];
  additionalProperties?: boolean;
  properties?: Record<string, Node>;
  anyOf?: Node[];
  oneOf?: Node[];
  const?: unknown;
  default?: unknown;
}

/** The object schema in `node`, or in its anyOf (sections that may also be null). */
function objectIn(node: Node | undefined): Node {
  const found = node?.type === 'object' ? node : node?.anyOf?.find((option) => option.type === 'object');
  if (!found) throw new Error(`no object schema in ${JSON.stringify(node)}`);
  return found;
}
