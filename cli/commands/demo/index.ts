import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import type { Command, CommandOptions, CliIO } from '../../command';
import { stackConfigFromEnv, startStack } from '../../../infra/stack';
import { loadPipeline } from '../../../pipelines/load';
import { definePipeline } from '../../../pipelines/define';
import type { PipelineInput, PipelineSpec } from '../../../pipelines/schema';
import { activityDepsFromEnv } from '../../../runtime/deps';
import { createWorkerActivities } from '../../../runtime/worker-activities';
import { NEW_WORKER_POLL_MS, fanOutOption } from '../../../runtime/fan-out';
import { startRun } from '../../../runtime/runs';
import { connectClient, temporalConfigFromEnv } from '../../../runtime/temporal';
import { createGraftWorkers } from '../../../runtime/worker';
import type { PipelineRunResult } from '../../../workflows/progress';
import { UsageError } from '../../usage-error';
import { watchRun } from '../../watch';

const PIPELINES = path.resolve(__dirname, '../../../../pipelines');

/** Labelled training images per class the demo compares at; fine-tuning runs at the first only (it costs a 224 px forward pass per image and epoch). */
export const DEMO_LABEL_BUDGETS = [10, 100] as const;

/** One row of the demo's table, and of `graft demo --json`. */
export interface DemoRow {
  readonly model: 'transfer' | 'fine-tune' | 'scratch';
  readonly labelsPerClass: number;
  readonly testAccuracy: number;
  readonly testImages: number;
  /** Seconds of the stages that made this model (base + extract + head [+ fine-tune], or the whole training). */
  readonly trainSeconds: number;
}

/** What a demo run changes at a label budget besides the budget itself. */
export interface BudgetRecipe {
  readonly fineTune: boolean;
  /** Augmented copies per labelled image; absent keeps the pipeline's own. */
  readonly augmentCopies?: number;
}

/** From this many labels per class on, the transfer head trains on the labelled images alone. */
export const TRANSFER_PLAIN_FROM = 100;

/**
 * The transfer run's recipe at a budget, chosen on validation images apart
 * from the demo's (docs/transfer-study.md): augmented copies help the head on
 * frozen features at 10 labels per class and cost about a point from 100 on.
 * Fine-tuning (a 224 px forward pass per image and epoch) runs at the smallest
 * budget only. The scratch network keeps its augmentation at every budget.
 */
export function transferRecipe(labels: number, smallestBudget: boolean): BudgetRecipe {
  return { fineTune: smallestBudget, ...(labels >= TRANSFER_PLAIN_FROM ? { augmentCopies: 0 } : {}) };
}

/** A demo pipeline at another label budget: same test images, `labels` training images per class. */
export function withLabelBudget(spec: PipelineSpec, labels: number, recipe: BudgetRecipe): PipelineSpec {
  const { schedule: _schedule, ...rest } = spec;
  return definePipeline({
    ...rest,
    name: `${spec.name}-${labels}`,
    dataset: { ...spec.dataset, split: { ...spec.dataset.split, trainPerClass: labels } },
    augment: recipe.augmentCopies === undefined ? spec.augment : { ...spec.augment, copies: recipe.augmentCopies },
    fineTune: recipe.fineTune ? spec.fineTune : null,
  } as PipelineInput);
}

const stageSeconds = (result: PipelineRunResult, stages: readonly string[]) =>
  result.stages.filter((s) => stages.includes(s.stage)).reduce((sum, s) => sum + s.seconds, 0);

/** The rows of one label budget, from its transfer run and its from-scratch run. */
export function demoRows(labelsPerClass: number, transfer: PipelineRunResult, scratch: PipelineRunResult): DemoRow[] {
  const rows: DemoRow[] = [];
  for (const { model, evaluation } of transfer.evaluations) {
    const fineTuned = model === 'fine-tune';
    const stages = fineTuned ? ['base', 'extract', 'train-head', 'fine-tune'] : ['base', 'extract', 'train-head'];
    rows.push({
      model: fineTuned ? 'fine-tune' : 'transfer', labelsPerClass,
      testAccuracy: evaluation.testAccuracy, testImages: evaluation.count, trainSeconds: stageSeconds(transfer, stages),
    });
  }
  for (const { evaluation } of scratch.evaluations) {
    rows.push({ model: 'scratch', labelsPerClass, testAccuracy: evaluation.testAccuracy, testImages: evaluation.count, trainSeconds: stageSeconds(scratch, ['train']) });
  }
  return rows;
}

/** Best transfer or fine-tune row minus best scratch row at a budget, in accuracy (0.08 = 8 points). */
export function transferMargin(rows: readonly DemoRow[], labelsPerClass: number): number {
  const at = rows.filter((r) => r.labelsPerClass === labelsPerClass);
  const best = (pick: (r: DemoRow) => boolean) => Math.max(...at.filter(pick).map((r) => r.testAccuracy));
  return best((r) => r.model !== 'scratch') - best((r) => r.model === 'scratch');
}

export function formatDemoTable(rows: readonly DemoRow[]): string[] {
  const how: Record<DemoRow['model'], string> = {
    transfer: 'ImageNet EfficientNet-Lite0 frozen, new head on cached 224 px features',
    'fine-tune': 'then block6a and up unfrozen, 10 epochs at 1e-4',
    scratch: 'small CNN at 28 px from random weights, same images and augmentation',
  };
  const lines = [`  ${'labels/class'.padEnd(12)}  ${'model'.padEnd(9)}  ${'test acc'.padStart(8)}  ${'train s'.padStart(7)}  how`];
  for (const row of rows) {
    lines.push(`  ${String(row.labelsPerClass).padEnd(12)}  ${row.model.padEnd(9)}  ${(100 * row.testAccuracy).toFixed(2).padStart(7)}%  ${row.trainSeconds.toFixed(1).padStart(7)}  ${how[row.model]}`);
  }
  return lines;
}

async function runAndWatch(client: Client, spec: PipelineSpec, io: CliIO, noCache: boolean): Promise<PipelineRunResult> {
  io.out('');
  io.out(`▶ ${spec.name} (${spec.mode}${spec.fineTune ? ' + fine-tune' : ''}, ${spec.dataset.split.trainPerClass} labels per class)`);
  // The fan-out `graft run` would give it, once the demo's own worker polls.
  const handle = await startRun(client, spec, { noCache, ...(await fanOutOption(client, spec.queues, NEW_WORKER_POLL_MS)) });
  const code = await watchRun(client, handle.workflowId, io, 2000);
  if (code !== 0) throw new Error(`run ${handle.workflowId} failed; see \`graft status ${handle.workflowId}\``);
  return handle.result();
}

function parseBudgets(text: string): number[] {
  const budgets = text.split(',').map((part) => Number(part.trim()));
  if (budgets.length === 0 || budgets.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new UsageError(`--labels must be a comma-separated list of whole numbers, got '${text}'`, usage);
  }
  return budgets;
}

const usage = 'graft demo [--labels 10,100] [--json] [--no-cache]';
const options = {
  labels: { type: 'string', default: DEMO_LABEL_BUDGETS.join(','), value: 'N,N…', help: 'labelled training images per class to compare at (fine-tuning at the first)' },
  json: { type: 'boolean', help: 'print the table as JSON on stdout (progress goes to stderr)' },
  'no-cache': { type: 'boolean', help: 'recompute every stage instead of reusing cached results' },
} as const satisfies CommandOptions;

/**
 * `graft demo`: the whole story on one machine. Starts the local stack and a
 * worker, then at each label budget transfers the ImageNet EfficientNet-Lite0
 * to all ten Fashion-MNIST classes (frozen base, then fine-tuned at the
 * smallest budget; see transferRecipe) and trains a small CNN from scratch on the same labels;
 * all are judged on the same held-out images (about 2,100).
 */
export const demoCommand: Command = {
  name: 'demo',
  summary: 'transfer an ImageNet base to Fashion-MNIST from few labels, against training from scratch',
  usage,
  options,
  async run(argv, io) {
    const { values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
    const budgets = parseBudgets(values.labels);
    // With --json, stdout carries the result alone; progress goes to stderr.
    const progress: CliIO = values.json ? { ...io, out: (line) => io.err(line) } : io;
    const started = Date.now();
    progress.out('starting the local stack…');
    await startStack(stackConfigFromEnv(), (line) => progress.out(`  ${line}`));
    const transfer = await loadPipeline(path.join(PIPELINES, 'fmnist-imagenet.yaml'));
    const scratch = await loadPipeline(path.join(PIPELINES, 'fmnist-scratch.yaml'));
    const deps = await activityDepsFromEnv();
    const temporal = temporalConfigFromEnv();
    const workers = await createGraftWorkers({ temporal, queues: transfer.queues, serve: ['cpu', 'gpu'], activities: createWorkerActivities(deps) });
    const running = workers.run();
    const client = await connectClient(temporal);
    try {
      const noCache = values['no-cache'] ?? false;
      const rows: DemoRow[] = [];
      let reportKey: string | undefined;
      for (const [i, labels] of budgets.entries()) {
        const transferred = await runAndWatch(client, withLabelBudget(transfer, labels, transferRecipe(labels, i === 0)), progress, noCache);
        const fromScratch = await runAndWatch(client, withLabelBudget(scratch, labels, { fineTune: false }), progress, noCache);
        rows.push(...demoRows(labels, transferred, fromScratch));
        reportKey ??= transferred.published?.reportKey;
      }
      if (values.json) {
        io.out(JSON.stringify({ rows, seconds: (Date.now() - started) / 1000 }, null, 2));
        return 0;
      }
      io.out('');
      io.out(`Fashion-MNIST, all 10 classes, the same ${rows[0]?.testImages ?? 0} held-out test images for every row:`);
      for (const line of formatDemoTable(rows)) io.out(line);
      io.out(`transfer beats training from scratch by ${budgets.map((b) => `${(100 * transferMargin(rows, b)).toFixed(1)} points at ${b} labels/class`).join(', ')}`);
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
