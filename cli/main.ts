/**
 * `graft`: parses the global flags, dispatches to a command from
 * `cli/commands/index.ts`, answers `--help` and rejects unknown options for
 * every command (from its declared `options`), and is the one place that
 * turns errors into messages and exit codes: 0 ok, 1 the run failed, 2 bad
 * input or usage.
 */
import { parseArgs } from 'node:util';
import { EXIT_CODE, exitCodeForErrorType } from '../lib/errors';
import { closestMatch } from '../pipelines/did-you-mean';
import { optionLines, type CliIO, type Command, type CommandOptions } from './command';
import { commands as registered } from './commands';
import { consoleIO } from './io';
import { UsageError, isParseArgsError } from './usage-error';
import { quietLibraryLogs, verboseRequested } from './verbosity';

const USAGE = 'graft [--verbose] <command> [arguments]   (graft --help lists the commands)';

/** Flags before the command word; `--verbose` is accepted after it too. */
const GLOBAL_OPTIONS = {
  verbose: { type: 'boolean', short: 'v', help: 'print details: stack traces on failure, TensorFlow and worker logs (or GRAFT_VERBOSE=1)' },
  help: { type: 'boolean', short: 'h', help: "show this help; graft <command> --help shows a command's usage and options" },
} as const satisfies CommandOptions;

export async function main(argv: readonly string[], io?: CliIO, commands: readonly Command[] = registered): Promise<number> {
  const { global, command: name, rest } = splitAtCommand(argv);
  // Known before parsing, so that even a usage error can honour --verbose. GRAFT_VERBOSE only for a real
  // terminal: a test passes its own io and says itself whether it is verbose.
  const verbose = verboseRequested(argv, io ? {} : process.env) || (io?.verbose ?? false);
  const cli = withVerbose(io ?? consoleIO(verbose), verbose);
  try {
    const flags = parseArgs({ args: global, options: GLOBAL_OPTIONS, strict: true, allowPositionals: false }).values;
    if (name === 'help') return printHelp(cli, commands, rest[0], rest[1]);
    if (flags.help) return printHelp(cli, commands, name, rest[0]);
    if (name === undefined) throw new UsageError('expected a command');
    const command = findCommand(commands, name);
    const args = withoutGlobalFlags(rest);
    const target = selectTarget(command, args);
    if (asksForHelp(args)) return printCommandHelp(cli, command, target);
    // Every command the same way, before it reads a file or connects anywhere: an unknown
    // option is reported first, even when an argument is missing too.
    checkOptions(target);
    return await runCommand(command, args, cli);
  } catch (err) {
    return reportError(err, cli);
  }
}

async function runCommand(command: Command, args: string[], io: CliIO): Promise<number> {
  try {
    return await command.run(args, io);
  } catch (err) {
    // Commands parse their flags with util.parseArgs: show their usage, not graft's.
    if (isParseArgsError(err)) throw new UsageError(err.message, command.usage);
    throw err;
  }
}

/** Global flags come before the command word; everything after it belongs to the command. */
function splitAtCommand(argv: readonly string[]): { global: string[]; command?: string; rest: string[] } {
  const at = argv.findIndex((arg) => !arg.startsWith('-'));
  if (at < 0) return { global: [...argv], rest: [] };
  return { global: argv.slice(0, at), command: argv[at], rest: argv.slice(at + 1) };
}

/** `--verbose` is global: accept it after the command too (but not after `--`). */
function withoutGlobalFlags(args: readonly string[]): string[] {
  const end = args.indexOf('--');
  const head = (end < 0 ? args : args.slice(0, end)).filter((arg) => arg !== '--verbose');
  return end < 0 ? head : [...head, ...args.slice(end)];
}

function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

/** What the arguments address: the command, or its subcommand named by the first argument. */
interface Target {
  /** `schedule create`, or `validate`. */
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly options: CommandOptions;
  /** The arguments after the command (and subcommand) word. */
  readonly args: readonly string[];
  readonly isSubcommand: boolean;
}

function selectTarget(command: Command, args: readonly string[]): Target {
  const sub = command.subcommands?.find((s) => s.name === args[0]);
  if (sub) return { name: `${command.name} ${sub.name}`, summary: sub.summary, usage: sub.usage, options: sub.options, args: args.slice(1), isSubcommand: true };
  return { name: command.name, summary: command.summary, usage: command.usage, options: command.options, args, isSubcommand: false };
}

function checkOptions(target: Target): void {
  try {
    parseArgs({ args: [...target.args], options: target.options, strict: true, allowPositionals: true });
  } catch (err) {
    if (isParseArgsError(err)) throw new UsageError(err.message, target.usage);
    throw err;
  }
}

function withVerbose(io: CliIO, verbose: boolean): CliIO {
  return { out: (line) => io.out(line), err: (line) => io.err(line), verbose };
}

function findCommand(commands: readonly Command[], name: string): Command {
  const command = commands.find((c) => c.name === name);
  if (command) return command;
  const suggestion = closestMatch(name, commands.map((c) => c.name));
  throw new UsageError(`unknown command "${name}"${suggestion ? `; did you mean "${suggestion}"?` : ''}`);
}

function printHelp(io: CliIO, commands: readonly Command[], name?: string, sub?: string): number {
  if (name !== undefined) {
    const command = findCommand(commands, name);
    if (sub !== undefined && command.subcommands && !command.subcommands.some((s) => s.name === sub)) {
      throw new UsageError(`unknown ${name} subcommand "${sub}"`, command.usage);
    }
    return printCommandHelp(io, command, selectTarget(command, sub === undefined ? [] : [sub]));
  }
  const width = Math.max(...commands.map((c) => c.name.length), '--verbose'.length);
  io.out(`usage: ${USAGE}`);
  io.out('');
  io.out('commands:');
  for (const command of commands) io.out(`  ${command.name.padEnd(width)}  ${command.summary}`);
  io.out('');
  io.out('global options:');
  for (const line of optionLines(GLOBAL_OPTIONS)) io.out(line);
  return 0;
}

function printCommandHelp(io: CliIO, command: Command, target: Target): number {
  io.out(`usage: ${target.usage}`);
  io.out(`  ${target.summary}`);
  if (!target.isSubcommand && command.subcommands) {
    const width = Math.max(...command.subcommands.map((s) => s.name.length));
    io.out('');
    io.out('subcommands:');
    for (const sub of command.subcommands) io.out(`  ${sub.name.padEnd(width)}  ${sub.summary}`);
    io.out(`  (graft ${command.name} <subcommand> --help shows its usage and options)`);
  }
  if (Object.keys(target.options).length > 0) {
    io.out('');
    io.out('options:');
    for (const line of optionLines(target.options)) io.out(line);
  }
  io.out('');
  io.out('global options:');
  for (const line of optionLines(GLOBAL_OPTIONS)) io.out(line);
  return 0;
}

/** The single catch: one clear line (a SpecError's every problem), never a bare stack unless --verbose. */
function reportError(err: unknown, io: CliIO): number {
  if (err instanceof UsageError || isParseArgsError(err)) {
    // parseArgs appends a long hint about `--` to unknown options; the usage line says enough.
    io.err(`graft: ${firstLine(err.message).replace(/\. To specify a positional argument.*$/, '.')}`);
    io.err(`usage: ${err instanceof UsageError && err.usage ? err.usage : USAGE}`);
    return EXIT_CODE.badInput;
  }
  const badInput = findBadInput(err);
  if (badInput) {
    // A SpecError's message is a header line plus one line per problem: print them all.
    const lines = badInput.type === 'SpecError' ? badInput.message.split('\n') : [firstLine(badInput.message)];
    lines[0] = `${badInput.type}: ${lines[0]}`;
    for (const line of lines) io.err(line);
    if (io.verbose && badInput.stack) io.err(badInput.stack);
    return EXIT_CODE.badInput;
  }
  const error = errorLike(err);
  const message = error ? firstLine(error.message) : String(err);
  io.err(`graft: ${message || 'failed'}${io.verbose ? '' : ' (run with --verbose for details)'}`);
  if (io.verbose) io.err(error?.stack ?? String(err));
  return EXIT_CODE.runFailed;
}

interface ErrorLike {
  readonly message: string;
  readonly stack?: string;
  readonly type?: unknown;
  readonly cause?: unknown;
}

/** Errors by shape, not `instanceof`: they may come from another realm or across a process boundary. */
function errorLike(err: unknown): ErrorLike | undefined {
  return typeof err === 'object' && err !== null && typeof (err as ErrorLike).message === 'string' ? (err as ErrorLike) : undefined;
}

type TypedError = ErrorLike & { readonly type: string };

/**
 * A bad-input error (exit 2 in `ERROR_TABLE`), found by its `type` anywhere in
 * the `cause` chain: across Temporal a SpecError arrives as an
 * ApplicationFailure (same `type`) inside an ActivityFailure inside a
 * WorkflowFailedError.
 */
function findBadInput(err: unknown): TypedError | undefined {
  let error = errorLike(err);
  for (let depth = 0; error && depth < 10; error = errorLike(error.cause), depth++) {
    if (typeof error.type === 'string' && exitCodeForErrorType(error.type) === EXIT_CODE.badInput) return error as TypedError;
  }
  return undefined;
}

function firstLine(text: string): string {
  return text.split('\n')[0];
}

if (require.main === module) {
  // `npm run demo` starts here, not at bin/graft.js: quiet the libraries before a command loads them.
  quietLibraryLogs(process.argv.slice(2));
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
