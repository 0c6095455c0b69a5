/**
 * `--help` everywhere, unknown options rejected everywhere: every registered
 * command, every subcommand, and the bench entry point. Neither path may run
 * the command (no file read, no connection), so this needs no servers.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { BENCHMARKS, BENCH_USAGE, parseBenchArgs } from '../../../bench/run';
import type { Command, CommandOptions } from '../../../cli/command';
import { commands } from '../../../cli/commands';
import { captureIO } from '../../../cli/io';
import { parseScheduleArgs } from '../../../cli/commands/schedule/args';
import { main } from '../../../cli/main';

async function run(argv: string[]) {
  const io = captureIO();
  const code = await main(argv, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n'), stderr: io.stderr };
}

/** Every `--flag` a usage text mentions. */
const usageFlags = (usage: string) => [...new Set(usage.match(/--[a-z][a-z-]*/g) ?? [])].sort();
const declaredFlags = (options: CommandOptions) => Object.keys(options).map((name) => `--${name}`).sort();

interface Row {
  /** The words after `graft`: `['gc']` or `['schedule', 'create']`. */
  readonly words: readonly string[];
  readonly usage: string;
  readonly options: CommandOptions;
}

const rows: Row[] = commands.flatMap((command: Command) => [
  { words: [command.name], usage: command.usage, options: command.options },
  ...(command.subcommands ?? []).map((sub) => ({ words: [command.name, sub.name], usage: sub.usage, options: sub.options })),
]);
const table = rows.map((row) => [row.words.join(' '), row] as const);

describe('graft <command> --help', () => {
  it('covers every command and the subcommands of schedule and dev', () => {
    const names = rows.map((r) => r.words.join(' '));
    expect(names).toEqual(expect.arrayContaining(['validate', 'run', 'summary', 'classify', 'worker', 'demo', 'schedule create', 'schedule pause', 'dev up', 'dev status']));
    expect(commands.length).toBeGreaterThanOrEqual(16);
  });

  it.each(table)('%s --help prints its usage and every option, exit 0', async (name, row) => {
    const { code, out, err } = await run([...row.words, '--help']);
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(out).toContain(`usage: graft ${name}`);
    for (const flag of declaredFlags(row.options)) expect(out).toMatch(new RegExp(`^ {2}(-\\w, )?${flag}\\b.* {2}\\S`, 'm'));
    expect(out).toContain('--verbose');
  });

  it.each(table)('%s: the usage line names exactly the options it declares', (_name, row) => {
    expect(usageFlags(row.usage)).toEqual(declaredFlags(row.options));
  });

  it.each(table)('%s --no-such-option is a usage error naming the option, exit 2', async (name, row) => {
    const { code, out, stderr } = await run([...row.words, '--no-such-option']);
    expect(code).toBe(2);
    expect(out).toBe('');
    // Reported before any missing argument, with this (sub)command's usage.
    expect(stderr).toEqual(["graft: Unknown option '--no-such-option'.", `usage: ${row.usage}`]);
    expect(row.usage).toContain(`graft ${name}`);
  });

  it('declares for schedule only flags its own parser (schedule/args.ts) takes', () => {
    for (const row of rows.filter((r) => r.words[0] === 'schedule' && r.words.length === 2)) {
      for (const [name, option] of Object.entries(row.options)) {
        const argv = [row.words[1]!, 'x', `--${name}`, ...(option.type === 'string' ? ['1m'] : [])];
        // A bad value may be refused; the flag itself must be known.
        expect(() => { try { parseScheduleArgs(argv); } catch (err) { if (/Unknown option/.test((err as Error).message)) throw err; } }).not.toThrow();
      }
    }
  });

  it('reports the unknown option, not the missing argument, wherever it stands', async () => {
    for (const argv of [['run', '--wait', '--bogus'], ['schedule', 'create', '--every', '6h', '--bogus'], ['predict', '--bogus', 'model.json']]) {
      const { code, stderr } = await run(argv);
      expect(code).toBe(2);
      expect(stderr[0]).toBe("graft: Unknown option '--bogus'.");
    }
  });

  it('takes -h and `graft help <command> [<subcommand>]` too', async () => {
    for (const argv of [['schedule', 'create', '-h'], ['help', 'schedule', 'create'], ['--help', 'schedule', 'create']]) {
      const { code, out } = await run(argv);
      expect(code).toBe(0);
      expect(out).toMatch(/^usage: graft schedule create <spec>/);
      expect(out).toContain('--only-if-data-changed');
    }
    const dev = await run(['dev', '--help']);
    expect(dev.out).toMatch(/^ {2}up {2,}start Temporal and MinIO/m);
    expect(dev.out).toContain('graft dev <subcommand> --help');
  });

  it('rejects help for a subcommand that does not exist (exit 2)', async () => {
    const { code, err } = await run(['help', 'schedule', 'frobnicate']);
    expect(code).toBe(2);
    expect(err).toContain('unknown schedule subcommand "frobnicate"');
  });

  it('graft --help lists every command', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    for (const command of commands) expect(out).toMatch(new RegExp(`^ {2}${command.name} +\\S`, 'm'));
  });

  it('leaves what follows `--` to the command: a file name there, not an option', async () => {
    const { code, stderr } = await run(['validate', '--', '--help.yaml']);
    expect(code).toBe(2); // a spec file named --help.yaml that does not exist
    expect(stderr[0]).toMatch(/^SpecError: --help\.yaml: cannot read the pipeline file/);
  });
});

describe('npm run bench -- <arguments> (parseBenchArgs)', () => {
  it('prints its usage with every option for --help and -h, exit 0', () => {
    for (const flag of ['--help', '-h']) {
      const parsed = parseBenchArgs([flag]);
      expect(parsed).toMatchObject({ kind: 'exit', code: 0 });
      const text = parsed.kind === 'exit' ? parsed.text : '';
      expect(text.startsWith(`usage: ${BENCH_USAGE}`)).toBe(true);
      for (const flag of ['--quick', '--only', '--out', '--report-only', '--help']) expect(text).toContain(flag);
      for (const name of Object.keys(BENCHMARKS)) expect(text).toContain(name);
    }
  });

  it.each([
    [['--no-such-option'], "bench: Unknown option '--no-such-option'."],
    [['--quick', '--no-such-option'], "bench: Unknown option '--no-such-option'."],
    [['--only'], "bench: Option '--only <value>' argument missing"],
    [['--only', 'extract,nope'], 'bench: unknown benchmark(s) nope; one of extract'],
    [['extract'], 'bench: unexpected argument extract'],
  ])('%j is a usage error (exit 2) that says what is wrong', (argv, message) => {
    const parsed = parseBenchArgs(argv);
    expect(parsed).toMatchObject({ kind: 'exit', code: 2 });
    const lines = parsed.kind === 'exit' ? parsed.text.split('\n') : [];
    expect(lines[0]!.startsWith(message)).toBe(true);
    expect(lines[1]).toBe(`usage: ${BENCH_USAGE}`);
  });

  it('reads a run: all benchmarks by default, --only, --quick, --out, --report-only', () => {
    expect(parseBenchArgs([])).toEqual({ kind: 'run', args: { quick: false, only: Object.keys(BENCHMARKS), out: expect.stringMatching(/bench[/\\]results$/), reportOnly: false } });
    expect(parseBenchArgs(['--quick', '--only', 'extract, head'])).toEqual({
      kind: 'run', args: { quick: true, only: ['extract', 'head'], out: path.join(os.tmpdir(), 'graft-bench-quick'), reportOnly: false },
    });
    expect(parseBenchArgs(['--out', '/tmp/b', '--report-only'])).toMatchObject({ kind: 'run', args: { out: '/tmp/b', reportOnly: true } });
  });
});
