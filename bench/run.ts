/**
 * `npm run bench`: runs the benchmarks, writes one JSON per benchmark to
 * bench/results/ and regenerates BENCHMARKS.md and its SVG charts from every
 * result there. Flags: `--quick` (tiny sizes, results to a temp folder),
 * `--only <name>[,<name>…]`, `--out <dir>`, `--report-only`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { benchAccuracy } from './accuracy';
import { benchCache } from './cache';
import { benchCeiling } from './ceiling';
import { benchKerasAugment } from './keras-augment';
import { benchKerasEndToEnd } from './keras-e2e';
import { benchKerasExtract } from './keras-extract';
import { benchKerasHead } from './keras-head';
import { benchOrchestration } from './orchestration';
import { writeReport } from './report';
import { benchScale } from './scale';
import type { BenchOptions, BenchRecord } from './util';
import { REPO_ROOT, machineInfo, secondsSince } from './util';

export const BENCHMARKS = {
  extract: { title: 'Feature extraction throughput, Graft vs Keras', run: benchKerasExtract },
  head: { title: 'Head training on cached features, Graft vs Keras', run: benchKerasHead },
  'end-to-end': { title: 'End-to-end transfer over E epochs, Graft vs Keras', run: benchKerasEndToEnd },
  augment: { title: 'Augmentation throughput, Graft vs Keras ImageDataGenerator', run: benchKerasAugment },
  orchestration: { title: 'Orchestration overhead: Temporal vs direct calls', run: benchOrchestration },
  cache: { title: 'Stage cache: unchanged re-run vs first run', run: benchCache },
  scale: { title: 'Scale: 10k vs 60k images', run: benchScale },
  ceiling: { title: 'Compute ceiling: matmul vs extraction GFLOP/s', run: benchCeiling },
  accuracy: { title: 'Fashion-MNIST transfer: accuracy vs labels per class', run: benchAccuracy },
} as const satisfies Record<string, { title: string; run: (o: BenchOptions) => Promise<object> }>;

export type BenchName = keyof typeof BENCHMARKS;


export const isBenchName = (name: string): name is BenchName => Object.hasOwn(BENCHMARKS, name);

/** Runs one benchmark and wraps its result with when, where and how long. */
export async function runBenchmark(name: BenchName, options: BenchOptions = {}): Promise<BenchRecord> {
  const startedAt = new Date().toISOString();
  const loadAtStart = Math.round(os.loadavg()[0]! * 100) / 100;
  const start = process.hrtime.bigint();
  const result: unknown = await BENCHMARKS[name].run(options);
  return { name, title: BENCHMARKS[name].title, quick: options.quick ?? false, startedAt, loadAtStart, seconds: secondsSince(start), machine: machineInfo(), result };
}

interface Args {
  quick: boolean;
  only: BenchName[];
  out: string;
  reportOnly: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const quick = argv.includes('--quick');
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
    return v;
  };
  const onlyRaw = value('--only');
  const only = onlyRaw ? onlyRaw.split(',').map((s) => s.trim()) : Object.keys(BENCHMARKS);
  const unknown = only.filter((n) => !isBenchName(n));
  if (unknown.length > 0) throw new Error(`unknown benchmark(s) ${unknown.join(', ')}; one of ${Object.keys(BENCHMARKS).join(', ')}`);
  const out = value('--out') ?? (quick ? path.join(os.tmpdir(), 'graft-bench-quick') : path.join(REPO_ROOT, 'bench', 'results'));
  return { quick, only: only as BenchName[], out, reportOnly: argv.includes('--report-only') };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  fs.mkdirSync(args.out, { recursive: true });
  process.env.GRAFT_PROGRESS ??= '0';
  if (!args.reportOnly) {
    for (const name of args.only) {
      process.stderr.write(`[bench] ${name}${args.quick ? ' (quick)' : ''}…\n`);
      const record = await runBenchmark(name, { quick: args.quick });
      fs.writeFileSync(path.join(args.out, `${name}.json`), `${JSON.stringify(record, null, 2)}\n`);
      process.stderr.write(`[bench] ${name}: ${record.seconds.toFixed(1)} s\n`);
    }
  }
  const markdown = args.quick ? path.join(args.out, 'BENCHMARKS.md') : path.join(REPO_ROOT, 'BENCHMARKS.md');
  await writeReport(args.out, markdown);
  process.stderr.write(`[bench] wrote ${path.relative(process.cwd(), markdown) || markdown}\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  });
}
