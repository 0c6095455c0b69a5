import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { SpecError } from '../../../lib/errors';
import { definePipeline, loadPipeline, parsePipelineYaml, specHash } from '../../../pipelines';
import type { PipelineInput } from '../../../pipelines';

const INPUT = {
  name: 'equivalence',
  dataset: { source: 'idx:///data/fmnist', classes: [5, 6, 7], limitPerClass: 20, imageSize: 28 },
  augment: { rotationRange: 15, zoomRange: 0.1, mixup: { alpha: 0.4 } },
  base: { uri: 's3://graft/models/fmnist-pretrain/current/model.json', cutAt: 'pool3' },
  head: { strategy: 'dense', hidden: 32 },
  train: { epochs: 2, earlyStopping: { patience: 1 } },
  fineTune: { topLayers: 2 },
  schedule: { cron: '0 3 * * 1-5', onlyIfDataChanged: true },
} satisfies PipelineInput;

describe('definePipeline and loadPipeline', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'graft-pipelines-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the same normalized spec for an object and the same pipeline in YAML', async () => {
    const fromTs = definePipeline(INPUT);
    const file = join(dir, 'equivalence.yaml');
    writeFileSync(file, stringify(INPUT));
    expect(await loadPipeline(file)).toEqual(fromTs);
    expect(parsePipelineYaml(stringify(INPUT), 'inline.yaml')).toEqual(fromTs);
    expect(fromTs.head.hidden).toEqual([32]);
  });

  it('loads a JS module exporting `pipeline` or a default export', async () => {
    const named = join(dir, 'named.js');
    writeFileSync(named, `exports.pipeline = ${JSON.stringify(definePipeline(INPUT))};\n`);
    const byDefault = join(dir, 'default.cjs');
    writeFileSync(byDefault, `module.exports = ${JSON.stringify(INPUT)};\n`);
    expect(await loadPipeline(named)).toEqual(definePipeline(INPUT));
    expect(await loadPipeline(byDefault)).toEqual(definePipeline(INPUT));
  });

  it('loads a TypeScript module that default-exports a definePipeline result (under a TS loader, as here)', async () => {
    const file = join(dir, 'pipeline.ts');
    const api = JSON.stringify(join(__dirname, '../../../pipelines'));
    writeFileSync(file, `import { definePipeline } from ${api};\nexport default definePipeline(${JSON.stringify(INPUT)});\n`);
    expect(await loadPipeline(file)).toEqual(definePipeline(INPUT));
  });

  it('validates what a module exports, naming the module file', async () => {
    const bad = join(dir, 'bad.js');
    writeFileSync(bad, `exports.pipeline = ${JSON.stringify({ ...INPUT, train: { epochs: -1 } })};\n`);
    await expect(loadPipeline(bad)).rejects.toThrow(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: 1 problem`));
    const empty = join(dir, 'empty.js');
    writeFileSync(empty, 'exports.somethingElse = 1;\n');
    await expect(loadPipeline(empty)).rejects.toThrow(/must default-export a pipeline or export one as `pipeline`/);
  });

  it('turns a missing file or an unknown file type into a SpecError naming the file', async () => {
    await expect(loadPipeline(join(dir, 'nope.yaml'))).rejects.toThrow(SpecError);
    await expect(loadPipeline(join(dir, 'nope.yaml'))).rejects.toThrow(/nope\.yaml: cannot read the pipeline file \(no such file\)/);
    await expect(loadPipeline(join(dir, 'spec.toml'))).rejects.toThrow(/unsupported pipeline file type "\.toml"/);
  });
});

describe('specHash', () => {
  it('is a sha256 hex digest that ignores key order but not values', () => {
    const spec = definePipeline(INPUT);
    const shuffled = Object.fromEntries(Object.entries(spec).reverse()) as typeof spec;
    expect(specHash(spec)).toMatch(/^[0-9a-f]{64}$/);
    expect(specHash(shuffled)).toBe(specHash(spec));
    expect(specHash(definePipeline({ ...INPUT, train: { ...INPUT.train, epochs: 3 } }))).not.toBe(specHash(spec));
  });

  it('is the same for the YAML and TS forms of a pipeline, defaults included', () => {
    const withDefaultsSpelledOut = { ...INPUT, mode: 'transfer', cache: true, queues: { cpu: 'graft-cpu' } } satisfies PipelineInput;
    expect(specHash(parsePipelineYaml(stringify(withDefaultsSpelledOut), 'x.yaml'))).toBe(specHash(definePipeline(INPUT)));
  });
});
