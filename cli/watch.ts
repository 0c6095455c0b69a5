import type { Client } from '@temporalio/client';
import type { CliIO } from './command';
import { snapshotRun } from '../runtime/runs';
import type { RunSnapshot } from '../runtime/runs';
import { renderRun, reuseSummary } from '../runtime/progress-view';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Follows a run until it ends, redrawing its progress. On a terminal the
 * view is redrawn in place; otherwise a line is printed when it changes.
 * Returns the exit code: 0 completed, 1 failed.
 */
export async function watchRun(client: Client, runId: string, io: CliIO, intervalMs = 1000): Promise<number> {
  const tty = process.stdout.isTTY === true;
  let previous: string[] = [];
  let snapshot: RunSnapshot;
  for (;;) {
    snapshot = await snapshotRun(client, runId);
    const lines = renderRun(snapshot);
    if (tty) {
      if (previous.length) process.stdout.write(`\x1b[${previous.length}A\x1b[J`);
      for (const line of lines) io.out(line);
    } else {
      for (const line of lines) if (!previous.includes(line)) io.out(line);
    }
    previous = lines;
    if (snapshot.status !== 'RUNNING') break;
    await sleep(intervalMs);
  }
  const reuse = reuseSummary(snapshot);
  if (reuse) io.out(`reused work — ${reuse}`);
  return snapshot.status === 'COMPLETED' ? 0 : 1;
}
