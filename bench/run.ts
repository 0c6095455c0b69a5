/**
 * `npm run bench`: runs the benchmarks, writes one JSON per benchmark to
 * bench/results/ and regenerates BENCHMARKS.md and its SVG charts from every
 * result there. Flags: `--quick` (tiny sizes, results to a temp folder),
 * `--only <name>[,<name>…]`, `--out <dir>`, `--report-only`, `--help`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { optionLines, type CommandOptions } from '../cli/command';
import { isParseArgsError } from '../cli/usage-error';
import { benchAccuracy } from './accuracy';
import { benchCache } from './cache';
import { benchCeiling } from './ceiling';
import { benchHistory } from './history';
import { benchKerasAugment } from './keras-augment';
import { benchKerasEndToEnd } from './keras-e2e';
import { benchKerasExtract } from './keras-extract';
import { benchKerasHead } from './keras-head';
import { benchOrchestration } from './orchestration';
import { writeReport } from './report';
import { benchScale } from './scale';
import type { BenchOptions, BenchRecord, WithHeadline } from './util';
import { REPO_ROOT, machineInfo, secondsSince } from './util';

export const BENCHMARKS = {
  extract: { title: 'Feature extraction throughput, Graft vs Keras', run: benchKerasExtract },
  head: { title: 'Head training on cached features, Graft vs Keras', run: benchKerasHead },
  'end-to-end': { title: 'End-to-end transfer over E epochs, Graft vs Keras', run: benchKerasEndToEnd },
  augment: { title: 'Augmentation throughput, Graft vs Keras ImageDataGenerator', run: benchKerasAugment },
  orchestration: { title: 'Orchestration overhead: Temporal vs direct calls', run: benchOrchestration },
  cache: { title: 'Stage cache: unchanged re-run vs first run', run: benchCache },
  scale: { title: 'Scale: 10k vs 60k images', run: benchScale },
  history: { title: 'Temporal history vs data size, projected to 1 million images', run: benchHistory },
  ceiling: { title: 'Compute ceiling: matmul vs extraction GFLOP/s', run: benchCeiling },
  accuracy: { title: 'Fashion-MNIST transfer: accuracy vs labels per class', run: benchAccuracy },
} as const satisfies Record<string, { title: string; run: (o: BenchOptions) => Promise<object & WithHeadline> }>;

export type BenchName = keyof typeof BENCHMARKS;


export const isBenchName = (name: string): name is BenchName => Object.hasOwn(BENCHMARKS, name);

/** Runs one benchmark and wraps its result with when, where and how long. */
export async function runBenchmark(name: BenchName, options: BenchOptions = {}): Promise<BenchRecord> {
  const startedAt = new Date().toISOString();
  const loadAtStart = Math.round(os.loadavg()[0]! * 100) / 100;
  const start = process.hrtime.bigint();
  const returned: object & WithHeadline = await BENCHMARKS[name].run(options);
  const { headline, moreHeadlines, ...result } = returned;
  return {
    name, title: BENCHMARKS[name].title, quick: options.quick ?? false, startedAt, loadAtStart, seconds: secondsSince(start), machine: machineInfo(),
    ...(headline ? { headline } : {}), ...(moreHeadlines && moreHeadlines.length > 0 ? { moreHeadlines } : {}), result,
  };
}

export interface BenchArgs {
  readonly quick: boolean;
  readonly only: readonly BenchName[];
  readonly out: string;
  readonly reportOnly: boolean;
}

const BENCH_OPTIONS = {
  quick: { type: 'boolean', help: 'tiny sizes, results to a temporary folder: a smoke test, not a measurement' },
  only: { type: 'string', value: 'NAME[,NAME…]', help: `run only these benchmarks: ${Object.keys(BENCHMARKS).join(', ')}` },
  out: { type: 'string', value: 'DIR', help: 'where the results go (default: bench/results, with --quick a temporary folder)' },
  'report-only': { type: 'boolean', help: 'run nothing: regenerate BENCHMARKS.md and its charts from the results' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
} as const satisfies CommandOptions;

export const BENCH_USAGE = 'npm run bench -- [--quick] [--only NAME[,NAME…]] [--out DIR] [--report-only]   (node dist/bench/run.js …)';

/** What the command line asks for: a run with these arguments, or `text` to print and an exit code (0 help, 2 usage error). */
export type BenchCommandLine =
  | { readonly kind: 'run'; readonly args: BenchArgs }
  | { readonly kind: 'exit'; readonly code: 0 | 2; readonly text: string };

/** Reads the bench entry point's arguments; pure, so its usage errors are unit-tested. */
export function parseBenchArgs(argv: readonly string[]): BenchCommandLine {
  const usageError = (message: string): BenchCommandLine => ({ kind: 'exit', code: 2, text: `bench: ${message}\nusage: ${BENCH_USAGE}` });
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: BENCH_OPTIONS, strict: true, allowPositionals: true });
  } catch (err) {
    // parseArgs appends a long hint about `--` to an unknown option; the usage line says enough.
    if (isParseArgsError(err)) return usageError(err.message.replace(/\. To specify a positional argument.*$/s, '.'));
    throw err;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    const text = [`usage: ${BENCH_USAGE}`, '  run the benchmarks, write bench/results/*.json and regenerate BENCHMARKS.md', '', 'options:', ...optionLines(BENCH_OPTIONS)];
    return { kind: 'exit', code: 0, text: text.join('\n') };
  }
  if (positionals.length > 0) return usageError(`unexpected argument ${positionals[0]}`);
  const only = values.only !== undefined ? values.only.split(',').map((s) => s.trim()) : Object.keys(BENCHMARKS);
  const unknown = only.filter((n) => !isBenchName(n));
  if (unknown.length > 0) return usageError(`unknown benchmark(s) ${unknown.join(', ')}; one of ${Object.keys(BENCHMARKS).join(', ')}`);
  const quick = values.quick ?? false;
  const out = values.out ?? (quick ? path.join(os.tmpdir(), 'graft-bench-quick') : path.join(REPO_ROOT, 'bench', 'results'));
  return { kind: 'run', args: { quick, only: only as BenchName[], out, reportOnly: values['report-only'] ?? false } };
}

async function main(): Promise<void> {
  const line = parseBenchArgs(process.argv.slice(2));
  if (line.kind === 'exit') {
    (line.code === 0 ? process.stdout : process.stderr).write(`${line.text}\n`);
    process.exitCode = line.code;
    return;
  }
  const { args } = line;
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
