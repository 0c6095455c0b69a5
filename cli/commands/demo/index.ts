import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import type { Command, CliIO } from '../../command';
import { stackConfigFromEnv, startStack } from '../../../infra/stack';
import { createActivities } from '../../../activities';
import { loadPipeline } from '../../../pipelines/load';
import { definePipeline } from '../../../pipelines/define';
import type { PipelineInput, PipelineSpec } from '../../../pipelines/schema';
import { activityDepsFromEnv } from '../../../lib/runtime/deps';
import { startRun } from '../../../lib/runtime/runs';
import { connectClient, temporalConfigFromEnv } from '../../../lib/runtime/temporal';
import { createGraftWorkers } from '../../../lib/runtime/worker';
import type { PipelineRunResult } from '../../../workflows/progress';
import { watchRun } from '../../watch';

const PIPELINES = path.resolve(__dirname, '../../../../pipelines');

/** The from-scratch baseline: the transfer pipeline's data and head, trained from random weights. */
export function scratchVariant(transfer: PipelineSpec): PipelineSpec {
  const { name: _name, base, mode: _mode, fineTune: _fineTune, schedule: _schedule, ...rest } = transfer;
  return definePipeline({
    ...rest,
    name: `${transfer.name}-scratch`,
    mode: 'retrain',
    base: { architecture: 'small-cnn', inputShape: base.inputShape },
  } as PipelineInput);
}

interface DemoRow {
  readonly model: string;
  readonly how: string;
  readonly accuracy: number;
  readonly seconds: number;
}

/** Rows of the comparison table from the transfer and scratch runs' results. */
export function comparisonRows(transfer: PipelineRunResult, scratch: PipelineRunResult): DemoRow[] {
  const seconds = (result: PipelineRunResult, stages: string[]) =>
    result.stages.filter((s) => stages.includes(s.stage)).reduce((sum, s) => sum + s.seconds, 0);
  const rows: DemoRow[] = [];
  for (const { model, evaluation } of transfer.evaluations) {
    const how = model === 'fine-tune' ? 'pretrained base, top layers unfrozen, low LR' : 'pretrained base frozen, new head on cached features';
    const stages = model === 'fine-tune' ? ['base', 'extract', 'train-head', 'fine-tune'] : ['base', 'extract', 'train-head'];
    rows.push({ model, how, accuracy: evaluation.testAccuracy, seconds: seconds(transfer, stages) });
  }
  const scratchEval = scratch.evaluations[0];
  if (scratchEval) rows.push({ model: 'from scratch', how: 'same architecture, random weights', accuracy: scratchEval.evaluation.testAccuracy, seconds: seconds(scratch, ['train']) });
  return rows;
}

async function runAndWatch(client: Client, spec: PipelineSpec, io: CliIO, noCache: boolean): Promise<PipelineRunResult> {
  io.out('');
  io.out(`▶ ${spec.name} (${spec.mode}${spec.fineTune ? ' + fine-tune' : ''})`);
  const handle = await startRun(client, spec, { noCache });
  const code = await watchRun(client, handle.workflowId, io, 2000);
  if (code !== 0) throw new Error(`run ${handle.workflowId} failed; see \`graft status ${handle.workflowId}\``);
  return handle.result();
}

/**
 * `graft demo`: the whole story on one machine. Starts the local stack and a
 * worker, pretrains a small CNN on five Fashion-MNIST classes, transfers it
 * to the other five from 20 labels each (frozen base, then fine-tuned), trains
 * the same network from scratch on those labels, and compares the three.
 */
export const demoCommand: Command = {
  name: 'demo',
  summary: 'run the Fashion-MNIST transfer demo end to end on the local stack',
  usage: 'graft demo [--no-cache]',
  async run(argv, io) {
    const { values } = parseArgs({ args: [...argv], options: { 'no-cache': { type: 'boolean' } } });
    const started = Date.now();
    io.out('starting the local stack…');
    await startStack(stackConfigFromEnv(), (line) => io.out(`  ${line}`));
    const pretrain = await loadPipeline(path.join(PIPELINES, 'fmnist-pretrain.yaml'));
    const transfer = await loadPipeline(path.join(PIPELINES, 'fmnist-transfer.yaml'));
    const scratch = scratchVariant(transfer);
    const deps = await activityDepsFromEnv();
    const temporal = temporalConfigFromEnv();
    const workers = await createGraftWorkers({ temporal, queues: pretrain.queues, serve: ['cpu', 'gpu'], activities: createActivities(deps) });
    const running = workers.run();
    const client = await connectClient(temporal);
    try {
      const noCache = values['no-cache'] ?? false;
      await runAndWatch(client, pretrain, io, noCache);
      const transferred = await runAndWatch(client, transfer, io, noCache);
      const fromScratch = await runAndWatch(client, scratch, io, noCache);
      const rows = comparisonRows(transferred, fromScratch);
      io.out('');
      io.out(`Fashion-MNIST classes 5-9, ${transfer.dataset.limitPerClass ?? 'all'} images per class, split ${transfer.dataset.split.validation}/${transfer.dataset.split.test} for validation/test:`);
      io.out(`  ${'model'.padEnd(13)} ${'test acc'.padStart(8)}  ${'train s'.padStart(7)}  how`);
      for (const row of rows) {
        io.out(`  ${row.model.padEnd(13)} ${(100 * row.accuracy).toFixed(2).padStart(7)}%  ${row.seconds.toFixed(1).padStart(7)}  ${row.how}`);
      }
      const reportKey = transferred.published?.reportKey;
      if (reportKey) {
        const html = await deps.store.get(reportKey);
        const local = path.resolve(`graft-report-${transfer.name}.html`);
        if (html) fs.writeFileSync(local, html);
        io.out('');
        io.out(`report: s3://${deps.store.bucket}/${reportKey}`);
        io.out(`        ${local} (a local copy to open in a browser)`);
      }
      io.out(`demo finished in ${((Date.now() - started) / 1000).toFixed(0)} s; the stack keeps running (\`graft dev down\` stops it)`);
      return 0;
    } finally {
      await client.connection.close();
      workers.shutdown();
      await running;
    }
  },
};
