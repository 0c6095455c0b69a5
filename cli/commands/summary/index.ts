import { parseArgs } from 'node:util';
import { listClassFolders } from '../../../lib/data/folder';
import { parseDatasetSource } from '../../../lib/data/read';
import { summarizePipelineModel, formatModelSummary } from '../../../lib/models';
import type { ObjectStore } from '../../../lib/store/object-store';
import { loadPipeline, type PipelineSpec } from '../../../pipelines';
import type { Command, CommandOptions } from '../../command';
import { UsageError } from '../../usage-error';
import { defaultOpenStore, needsStore } from './model-store';

const usage = 'graft summary <spec> [--json] [--classes <n>]';
const options = {
  json: { type: 'boolean', help: 'print the summary as JSON' },
  classes: { type: 'string', value: '<n>', help: 'the number of classes, when the spec does not tell' },
} as const satisfies CommandOptions;

/**
 * Classes in the spec, else 10 for an IDX (Fashion-MNIST) source, else the
 * class sub-folders of a `dir://` source (as ingest counts them); undefined
 * for `s3://`, which would need the store.
 */
export function summaryClassCount(spec: PipelineSpec): number | undefined {
  if (spec.dataset.classes != null) return spec.dataset.classes.length;
  const source = parseDatasetSource(spec.dataset.source);
  if (source.kind === 'idx') return 10;
  if (source.kind === 'dir') return listClassFolders(source.path).length;
  return undefined;
}

/** `graft summary`: the model of a pipeline, one Keras-like table per training stage. */
export function createSummaryCommand(openStore: () => ObjectStore = defaultOpenStore): Command {
  return {
    name: 'summary',
    summary: 'show the layers and parameter counts of a pipeline\'s model, per training stage',
    usage,
    options,
    async run(argv, io) {
      const { values, positionals } = parseArgs({
        args: [...argv],
        options: { json: { type: 'boolean', default: false }, classes: { type: 'string' } },
        allowPositionals: true,
        strict: true,
      });
      if (positionals.length !== 1) throw new UsageError('expected one pipeline spec file', usage);
      const spec = await loadPipeline(positionals[0]!);
      const numClasses = values.classes !== undefined ? Number(values.classes) : summaryClassCount(spec);
      if (numClasses === undefined || !Number.isInteger(numClasses) || numClasses < 2) {
        throw new UsageError(`cannot tell the number of classes of ${spec.dataset.source}; pass --classes <n> (≥ 2)`, usage);
      }
      const store = needsStore(spec.base.uri) ? openStore() : undefined;
      const stages = await summarizePipelineModel(spec, numClasses, store ? { store } : {});
      if (values.json) {
        io.out(JSON.stringify({ pipeline: spec.name, numClasses, stages }, null, 2));
        return 0;
      }
      io.out(`Pipeline "${spec.name}": ${numClasses} classes, ${stages.length} training stage(s)`);
      stages.forEach((s, i) => {
        io.out('');
        io.out(`Stage ${i + 1}: ${s.stage} (${s.description})`);
        for (const line of formatModelSummary(s.model)) io.out(line);
      });
      return 0;
    },
  };
}

export const summaryCommand = createSummaryCommand();
