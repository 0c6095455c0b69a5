import { parseArgs } from 'node:util';
import type { Command, CliIO } from '../../command';
import type { RunListing } from '../../../runtime/runs';
import { listRuns } from '../../../runtime/runs';
import { UsageError } from '../../usage-error';
import { withClient } from '../../with-client';

export function printRunList(runs: readonly RunListing[], io: CliIO): void {
  if (runs.length === 0) {
    io.out('no runs yet');
    return;
  }
  for (const run of runs) {
    io.out(`${run.runId.padEnd(48)} ${run.status.padEnd(10)} ${run.startTime.toISOString()}`);
  }
}

/** `graft list`: the latest pipeline runs, newest first. */
export const listCommand: Command = {
  name: 'list',
  summary: 'list the latest pipeline runs',
  usage: 'graft list',
  options: {},
  async run(argv, io) {
    const { positionals } = parseArgs({ args: [...argv], options: {}, allowPositionals: true, strict: true });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`, 'graft list');
    return withClient(async (client) => {
      printRunList(await listRuns(client, 50), io);
      return 0;
    });
  },
};
