/** Where the CLI writes: the console for real runs, arrays in tests. */
import type { CliIO } from './command';

export function consoleIO(verbose: boolean): CliIO {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    verbose,
  };
}

/** A `CliIO` that records every line, for tests of commands and `main`. */
export interface CapturedIO extends CliIO {
  readonly stdout: string[];
  readonly stderr: string[];
}

export function captureIO(verbose = false): CapturedIO {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { out: (line) => void stdout.push(line), err: (line) => void stderr.push(line), verbose, stdout, stderr };
}
