/** Where the CLI writes: the console for real runs, arrays in tests. */
import type { CliIO } from './command';

export function consoleIO(verbose: boolean): CliIO {
  quietOnClosedPipe();
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

let pipeWatched = false;

/** `graft … | head` closes stdout early: stop quietly instead of printing an EPIPE stack. */
function quietOnClosedPipe(): void {
  if (pipeWatched) return;
  pipeWatched = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(process.exitCode ?? 0);
  });
}
