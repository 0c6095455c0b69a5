/**
 * Regenerates pipelines/pipeline.schema.json from the zod schema. Run from
 * the repository root after changing pipelines/schema.ts:
 *   npx tsc -p tsconfig.json && node dist/pipelines/write-json-schema.js
 */
import { writeFileSync } from 'node:fs';
import { PIPELINE_JSON_SCHEMA_PATH, pipelineJsonSchemaText } from './json-schema';

const target = process.argv[2] ?? PIPELINE_JSON_SCHEMA_PATH;
writeFileSync(target, pipelineJsonSchemaText());
process.stdout.write(`wrote ${target}\n`);
