/**
 * A `graft` sub-command. Each lives in its own folder under `cli/commands/`
 * and is listed in `cli/commands/index.ts`. `run` returns the exit code:
 * 0 ok, 1 the run failed, 2 bad input or usage. Errors it throws are mapped
 * to exit codes and one-line messages by the single catch in `cli/main.ts`.
 */
export interface CliIO {
  out(line: string): void;
  err(line: string): void;
  /** True with `--verbose`: print details (stack traces, raw errors). */
  readonly verbose: boolean;
}

export interface Command {
  /** The word after `graft`, e.g. `validate`. */
  readonly name: string;
  /** One line for `graft --help`. */
  readonly summary: string;
  /** Usage text, e.g. `graft validate <spec>`. */
  readonly usage: string;
  run(argv: readonly string[], io: CliIO): Promise<number>;
}
