/**
 * A `graft` sub-command. Each lives in its own folder under `cli/commands/`
 * and is listed in `cli/commands/index.ts`. `run` returns the exit code:
 * 0 ok, 1 the run failed, 2 bad input or usage. Errors it throws are mapped
 * to exit codes and one-line messages by the single catch in `cli/main.ts`.
 */
export interface CliIO {
  out(line: string): void;
  err(line: string): void;
  /** True with `--verbose` (or GRAFT_VERBOSE=1): print details (stack traces, raw errors). */
  readonly verbose: boolean;
}

/**
 * One `--flag` of a command. The fields `util.parseArgs` reads (`type`,
 * `short`, `default`) come first, so a command can hand its `options` record
 * straight to `parseArgs`; `value` and `help` are for `--help`.
 */
export interface CommandOption {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly default?: string | boolean;
  /** What a string option takes, as `--help` shows it, e.g. `FILE` in `--out FILE`. */
  readonly value?: string;
  /** One line for `--help`. */
  readonly help: string;
}

/** A command's flags by long name (`'dry-run'` for `--dry-run`). */
export type CommandOptions = Readonly<Record<string, CommandOption>>;

/** The options part of `--help`: `  -v, --verbose  help (default: x)`, one line per option, aligned. */
export function optionLines(options: CommandOptions): string[] {
  const entries = Object.entries(options).map(([name, option]) => {
    const flag = `${option.short ? `-${option.short}, ` : ''}--${name}${option.type === 'string' ? ` ${option.value ?? 'VALUE'}` : ''}`;
    const fallback = option.type === 'string' && option.default !== undefined ? ` (default: ${String(option.default)})` : '';
    return { flag, help: `${option.help}${fallback}` };
  });
  const width = Math.max(0, ...entries.map((e) => e.flag.length));
  return entries.map((e) => `  ${e.flag.padEnd(width)}  ${e.help}`);
}

/** A word after the command that selects what it does, e.g. `create` in `graft schedule create`. */
export interface Subcommand {
  readonly name: string;
  readonly summary: string;
  /** Usage text, e.g. `graft schedule pause <id> [--note TEXT]`. */
  readonly usage: string;
  readonly options: CommandOptions;
}

export interface Command {
  /** The word after `graft`, e.g. `validate`. */
  readonly name: string;
  /** One line for `graft --help`. */
  readonly summary: string;
  /** Usage text, e.g. `graft validate <spec>`. */
  readonly usage: string;
  /**
   * Every flag the command takes (with `subcommands`, those before the
   * subcommand word, usually none). `cli/main.ts` lists them for `--help` and
   * rejects any other flag before the command runs (exit 2).
   */
  readonly options: CommandOptions;
  /** With subcommands, each one's usage and flags, checked and listed the same way. */
  readonly subcommands?: readonly Subcommand[];
  run(argv: readonly string[], io: CliIO): Promise<number>;
}
