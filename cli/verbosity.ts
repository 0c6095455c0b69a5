/**
 * How much of the libraries' own logging reaches the terminal. Native
 * TensorFlow reads TF_CPP_MIN_LOG_LEVEL once, when `@tensorflow/tfjs-node`
 * is first required, so the entry points (bin/graft.js, cli/main.ts) call
 * `quietLibraryLogs` before any command loads it. This file imports nothing,
 * so that loading it cannot load TensorFlow either.
 */

type Env = Record<string, string | undefined>;

/** GRAFT_VERBOSE=1 (or true, yes, on) is `--verbose` for every command. */
export function verboseFromEnv(env: Readonly<Env>): boolean {
  return /^(1|true|yes|on)$/i.test(env.GRAFT_VERBOSE ?? '');
}

/**
 * `--verbose` anywhere before `--`, `-v` before the command word, or
 * GRAFT_VERBOSE: the same test `cli/main.ts` makes, done before it loads.
 */
export function verboseRequested(argv: readonly string[], env: Readonly<Env> = {}): boolean {
  const end = argv.indexOf('--');
  const args = end < 0 ? argv : argv.slice(0, end);
  const command = args.findIndex((arg) => !arg.startsWith('-'));
  const global = command < 0 ? args : args.slice(0, command);
  return args.includes('--verbose') || global.includes('-v') || verboseFromEnv(env);
}

/**
 * Without `--verbose`: TensorFlow's C++ logger prints errors only (not its
 * oneDNN and CPU-feature notices, nor warnings such as a PNG's colour
 * profile). With it: TensorFlow's default (everything) and Temporal worker
 * logs from INFO up. A level the user set already is kept.
 */
export function quietLibraryLogs(argv: readonly string[], env: Env = process.env): void {
  if (verboseRequested(argv, env)) {
    if (!env.GRAFT_LOG_LEVEL) env.GRAFT_LOG_LEVEL = 'INFO';
    return;
  }
  if (!env.TF_CPP_MIN_LOG_LEVEL) env.TF_CPP_MIN_LOG_LEVEL = '2';
}
