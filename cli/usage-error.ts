/**
 * The command line was wrong (unknown flag, missing argument). `cli/main.ts`
 * prints the message and the command's usage, and exits with code 2.
 */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command's usage line, e.g. `graft validate <spec>…`, shown after the message. */
    readonly usage?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Errors thrown by node's `util.parseArgs` (unknown option, missing value…)
 * are usage errors too. Checked by `code`, not `instanceof`: node's errors
 * may come from another realm (as under jest).
 */
export function isParseArgsError(err: unknown): err is { code: string; message: string } {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}
